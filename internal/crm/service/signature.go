package service

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"github.com/kehucrm/kehu/internal/crm"
)

// pngMagic opens every PNG file.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// CheckSignature accepts a customer's signature only as a real PNG image
// of at most MaxSignatureBytes, at most 4000 pixels a side, with
// something drawn on it.
func CheckSignature(b []byte) error {
	if len(b) == 0 {
		return crm.Invalid(crm.FieldError{Field: "signature", Code: "required", Message: "the customer's signature is missing: have the customer sign on the screen"})
	}
	if len(b) > MaxSignatureBytes {
		e := crm.Invalid(crm.FieldError{Field: "signature", Code: "too_large", Message: fmt.Sprintf("the signature image is %d bytes; at most %d are accepted", len(b), MaxSignatureBytes)})
		e.Code = crm.ETooLarge
		return e
	}
	if !bytes.HasPrefix(b, pngMagic) {
		e := crm.Invalid(crm.FieldError{Field: "signature", Code: "not_png", Message: "the signature must be a PNG image (as the signature pad sends it)"})
		e.Code = crm.EUnsupportedType
		return e
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err == nil && (cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxSignatureSide || cfg.Height > maxSignatureSide) {
		return crm.Invalid(crm.FieldError{Field: "signature", Code: "size", Message: fmt.Sprintf("the signature image is %d×%d pixels; each side must be 1 to %d", cfg.Width, cfg.Height, maxSignatureSide)})
	}
	var img image.Image
	if err == nil {
		img, err = png.Decode(bytes.NewReader(b))
	}
	if err != nil {
		return crm.Invalid(crm.FieldError{Field: "signature", Code: "corrupt", Message: "the signature is not a readable PNG image"})
	}
	if blank(img) {
		return crm.Invalid(crm.FieldError{Field: "signature", Code: "blank", Message: "the signature is blank: have the customer sign on the screen"})
	}
	return nil
}

// blank reports whether every pixel of img is the same colour.
func blank(img image.Image) bool {
	r0 := img.Bounds()
	first := img.At(r0.Min.X, r0.Min.Y)
	fr, fg, fb, fa := first.RGBA()
	for y := r0.Min.Y; y < r0.Max.Y; y++ {
		for x := r0.Min.X; x < r0.Max.X; x++ {
			r, g, b, a := img.At(x, y).RGBA()
			if r != fr || g != fg || b != fb || a != fa {
				return false
			}
		}
	}
	return true
}

// Limits of the customer's signature image.
const (
	MaxSignatureBytes = 256 << 10
	maxSignatureSide  = 4000
)
