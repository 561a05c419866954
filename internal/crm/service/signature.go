package service

import (
	"bytes"
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
		return crm.Invalid(crm.Bad("signature", "required", "serviceorder.signature.required"))
	}
	if len(b) > MaxSignatureBytes {
		e := crm.Invalid(crm.Bad("signature", "too_large", "serviceorder.signature.too_large", len(b), MaxSignatureBytes))
		e.Code = crm.ETooLarge
		return e
	}
	if !bytes.HasPrefix(b, pngMagic) {
		e := crm.Invalid(crm.Bad("signature", "not_png", "serviceorder.signature.not_png"))
		e.Code = crm.EUnsupportedType
		return e
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err == nil && (cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxSignatureSide || cfg.Height > maxSignatureSide) {
		return crm.Invalid(crm.Bad("signature", "size", "serviceorder.signature.size", cfg.Width, cfg.Height, maxSignatureSide))
	}
	var img image.Image
	if err == nil {
		img, err = png.Decode(bytes.NewReader(b))
	}
	if err != nil {
		return crm.Invalid(crm.Bad("signature", "corrupt", "serviceorder.signature.corrupt"))
	}
	if blank(img) {
		return crm.Invalid(crm.Bad("signature", "blank", "serviceorder.signature.blank"))
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
