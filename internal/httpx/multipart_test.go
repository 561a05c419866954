package httpx_test

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"strconv"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/msg"
)

func formOf(parts int) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for i := 0; i < parts; i++ {
		_ = mw.WriteField("f"+strconv.Itoa(i), "x")
	}
	_ = mw.Close()
	return &b, mw.Boundary()
}

func TestAFormOfTooManyPartsIsRefusedNamingTheLimit(t *testing.T) {
	for parts, wantErr := range map[int]bool{0: false, 1: false, httpx.MaxMultipartParts: false, httpx.MaxMultipartParts + 1: true, 100000: true} {
		body, boundary := formOf(parts)
		pr := httpx.LimitParts(multipart.NewReader(body, boundary), 0)
		read := 0
		var err error
		for {
			var p *multipart.Part
			if p, err = pr.NextPart(); err != nil {
				break
			}
			p.Close()
			read++
		}
		if errors.Is(err, io.EOF) == wantErr {
			t.Errorf("%d parts: read %d, %v; want refused=%v", parts, read, err, wantErr)
		}
		if wantErr {
			var e *crm.Error
			if !errors.As(err, &e) || e.Code != crm.ETooLarge || !strings.Contains(errText(e), strconv.Itoa(httpx.MaxMultipartParts)) {
				t.Errorf("%d parts: %v; want payload_too_large naming %d", parts, err, httpx.MaxMultipartParts)
			}
			if read > httpx.MaxMultipartParts {
				t.Errorf("%d parts: %d read before the refusal", parts, read)
			}
		}
	}
}

func errText(e *crm.Error) string { s, _ := e.In(msg.En); return s }
