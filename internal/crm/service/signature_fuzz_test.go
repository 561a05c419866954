package service

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// FuzzCheckSignature: a signature is whatever bytes a tablet sends; the
// check may refuse them but never panic, and never decodes an image
// larger than its limit.
func FuzzCheckSignature(f *testing.F) {
	img := image.NewGray(image.Rect(0, 0, 8, 4))
	img.Set(3, 2, color.White)
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	f.Add(b.Bytes())
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x00\x00\x00\x01\x00\x00\x08\x00\x00\x00\x00"))
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if CheckSignature(data) == nil {
			cfg, err := png.DecodeConfig(bytes.NewReader(data))
			if err != nil || cfg.Width > maxSignatureSide || cfg.Height > maxSignatureSide {
				t.Fatalf("accepted a signature of %dx%d (%v)", cfg.Width, cfg.Height, err)
			}
		}
	})
}
