package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestResolveLang(t *testing.T) {
	tests := []struct {
		name, saved, cookie, header, want string
	}{
		{"nothing at all gives Chinese", "", "", "", "zh-CN"},
		{"the user's saved choice beats the cookie and the header", "en", "zh-CN", "zh-CN", "en"},
		{"a saved choice the catalogue does not speak is passed over", "fr", "en", "", "en"},
		{"the cookie beats the header", "", "zh-CN", "en-US,en;q=0.9", "zh-CN"},
		{"an English cookie gives English", "", "en", "zh-CN", "en"},
		{"the cookie is read regardless of case", "", "EN", "", "en"},
		{"an unknown cookie falls through to the header", "", "klingon", "en", "en"},
		{"a plain English header gives English", "", "", "en", "en"},
		{"en-US with q-values before Chinese gives English", "", "", "en-US;q=0.9, zh;q=0.8", "en"},
		{"Chinese weighed above English gives Chinese", "", "", "en;q=0.5, zh-CN;q=0.9", "zh-CN"},
		{"zh-CN first with English second gives Chinese", "", "", "zh-CN,en;q=.8", "zh-CN"},
		{"an unknown first language is skipped for English", "", "", "fr,en;q=.5", "en"},
		{"an unknown first language is skipped for Chinese", "", "", "fr-FR, zh-TW;q=0.7, en;q=0.3", "zh-CN"},
		{"Traditional Chinese is served Simplified", "", "", "zh-TW", "zh-CN"},
		{"Hong Kong Chinese is served Simplified", "", "", "zh-HK", "zh-CN"},
		{"British English gives English", "", "", "en-GB", "en"},
		{"equal weights keep the header's order", "", "", "en;q=0.8, zh;q=0.8", "en"},
		{"q=0 means not acceptable", "", "", "en;q=0, zh;q=0.1", "zh-CN"},
		{"only q=0 English gives the default", "", "", "en;q=0", "zh-CN"},
		{"a malformed q spoils only its own entry", "", "", "en;q=high, zh;q=0.2", "zh-CN"},
		{"a q above 1 is malformed", "", "", "en;q=2, zh;q=0.2", "zh-CN"},
		{"a NaN q is malformed", "", "", "en;q=NaN", "zh-CN"},
		{"the wildcard alone gives the default", "", "", "*", "zh-CN"},
		{"only unknown languages give the default", "", "", "fr, de;q=0.9, ja;q=0.8", "zh-CN"},
		{"a tag merely starting with en is not English", "", "", "enx", "zh-CN"},
		{"spaces and case do not matter", "", "", "  EN-us ; Q = 0.9 , ZH ; q=0.1", "en"},
		{"garbage gives the default", "", "", ";;,,=;q", "zh-CN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resolveLang(tt.saved, tt.cookie, tt.header); got != tt.want {
				t.Errorf("resolveLang(%q, %q, %q) = %q, want %q", tt.saved, tt.cookie, tt.header, got, tt.want)
			}
		})
	}
}

func TestLangReadsTheRequest(t *testing.T) {
	t.Run("the kehu_lang cookie beats Accept-Language", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.AddCookie(&http.Cookie{Name: LangCookie, Value: "zh-CN"})
		r.Header.Set("Accept-Language", "en")
		if got := Lang(r); got != "zh-CN" {
			t.Errorf("Lang = %q, want zh-CN", got)
		}
	})
	t.Run("Accept-Language decides when there is no cookie", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Language", "fr, en-GB;q=0.5")
		if got := Lang(r); got != "en" {
			t.Errorf("Lang = %q, want en", got)
		}
	})
	t.Run("a bare request gets Chinese", func(t *testing.T) {
		if got := Lang(httptest.NewRequest(http.MethodGet, "/", nil)); got != "zh-CN" {
			t.Errorf("Lang = %q, want zh-CN", got)
		}
	})
	signedIn := func(lang string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.AddCookie(&http.Cookie{Name: LangCookie, Value: "zh-CN"})
		r.Header.Set("Accept-Language", "zh-CN")
		return r.WithContext(crm.WithPrincipal(r.Context(), crm.Principal{UserID: 7, Role: crm.RoleGM, Lang: lang}))
	}
	t.Run("a signed-in user's saved language beats the cookie and the header", func(t *testing.T) {
		if got := Lang(signedIn("en")); got != "en" {
			t.Errorf("Lang = %q, want en", got)
		}
	})
	t.Run("a signed-in user who saved no language follows the cookie", func(t *testing.T) {
		r := signedIn("")
		r.Header.Set("Accept-Language", "en")
		if got := Lang(r); got != "zh-CN" {
			t.Errorf("Lang = %q, want zh-CN", got)
		}
	})
}

func BenchmarkLang(b *testing.B) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en-US;q=0.8,en;q=0.7")
	for b.Loop() {
		Lang(r)
	}
}
