package httpx

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

type sample struct {
	Name  string   `json:"name"`
	Count int      `json:"count"`
	Tags  []string `json:"tags"`
	Inner struct {
		OK bool `json:"ok"`
	} `json:"inner"`
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		code, field             string // wanted error code and field; "" for success
	}{
		{"a good body decodes", "application/json", `{"name":"张三","count":2}`, "", ""},
		{"a charset parameter is fine", "application/json; charset=utf-8", `{"name":"x"}`, "", ""},
		{"a form body is the wrong content type", "application/x-www-form-urlencoded", `name=x`, crm.EUnsupportedType, ""},
		{"a missing content type is refused", "", `{"name":"x"}`, crm.EUnsupportedType, ""},
		{"an empty body is refused", "application/json", ``, crm.EBadRequest, ""},
		{"malformed JSON is refused", "application/json", `{"name":}`, crm.EBadRequest, ""},
		{"a truncated body is refused", "application/json", `{"name":"x"`, crm.EBadRequest, ""},
		{"an unknown field is named", "application/json", `{"nmae":"x"}`, crm.EBadRequest, "nmae"},
		{"a wrong type names the field", "application/json", `{"count":"two"}`, crm.EBadRequest, "count"},
		{"a nested wrong type names the path", "application/json", `{"inner":{"ok":1}}`, crm.EBadRequest, "inner.ok"},
		{"an array instead of an object is refused", "application/json", `[1,2]`, crm.EBadRequest, ""},
		{"trailing data is refused", "application/json", `{"name":"x"} {"name":"y"}`, crm.EBadRequest, ""},
		{"a NUL escape is refused", "application/json", `{"name":"a\u0000b"}`, crm.EBadRequest, ""},
		{"an oversize body is refused", "application/json", `{"name":"` + strings.Repeat("x", MaxBodyBytes) + `"}`, crm.ETooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			var v sample
			err := DecodeJSON(r, &v)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var e *crm.Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("got %v, want code %s", err, tt.code)
			}
			if Status(err) < 400 || Status(err) > 499 {
				t.Errorf("status %d is not a 4xx", Status(err))
			}
			if tt.field != "" && (len(e.Fields) != 1 || e.Fields[0].Field != tt.field) {
				t.Errorf("fields %+v, want one naming %q", e.Fields, tt.field)
			}
		})
	}
}

// FuzzDecodeJSON checks that no body makes the decoder panic or answer
// anything but success or a 4xx.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{`{"name":"x","count":1,"tags":["a"],"inner":{"ok":true}}`, `{`, `[]`, `null`, `{"count":1e400}`, `{"name":"\ud800"}`, `{"inner":{"ok":"x"}}`, "\xff", `{"a":1}`, `{"name":"x"}{}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var v sample
		err := decodeJSON(strings.NewReader(body), &v)
		if err == nil {
			return
		}
		if s := Status(err); s < 400 || s > 499 {
			t.Fatalf("body %q: status %d (%v), want 4xx", body, s, err)
		}
	})
}

func TestAFractionForAnIntegerSaysAnIntegerIsWanted(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"zh-CN", "须为整数，而不是 数字 1.5"},
		{"en", "integer"},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(`{"count":1.5}`))
		r.Header.Set("Content-Type", "application/json")
		var v sample
		err := DecodeJSON(r, &v)
		var e *crm.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 {
			t.Fatalf("%s: err = %v, want one field error", tc.lang, err)
		}
		got := e.Fields[0].Text.In(msg.Lang(tc.lang))
		if !strings.Contains(got, tc.want) || strings.Contains(got, "数字，而不是 数字") {
			t.Errorf("%s: message %q, want it to contain %q", tc.lang, got, tc.want)
		}
	}
}
