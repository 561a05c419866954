package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestTheSystemConsoleShowsFiguresFromTheDatabaseInChinese(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := e.do("GET", "/admin/system", nil, map[string]string{"Cookie": e.signIn("zhang", crm.RoleAdmin)})
		body := string(r.Body)
		if r.Status != 200 {
			t.Fatalf("GET /admin/system = %d", r.Status)
		}
		known, _ := store.Migrations(e.db.Engine)
		schema := fmt.Sprintf(`data-figure="schema">%d<`, len(known))
		for _, want := range []string{`<html lang="zh-CN"`, "系统管理", "系统概况", `data-figure="engine">` + string(e.db.Engine), schema, `id="chart-jobs"`, `id="who" href="/account">zhang<`} {
			if !strings.Contains(body, want) {
				t.Errorf("the system console lacks %q", want)
			}
		}
	})
}

func TestChoosingEnglishSwitchesEveryPage(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	form := url.Values{"lang": {"en"}, "back": {"/customers"}}.Encode()
	r := e.do("POST", "/lang", strings.NewReader(form), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Origin": e.http.URL, "Sec-Fetch-Site": "same-origin"})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/customers" {
		t.Fatalf("POST /lang = %d → %q, want 303 → /customers", r.Status, r.Header.Get("Location"))
	}
	var cookie string
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "kehu_lang" {
			cookie = c.Name + "=" + c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("language cookie should be HttpOnly and SameSite=Lax: %+v", c)
			}
		}
	}
	if cookie == "" {
		t.Fatal("no language cookie set")
	}
	r = e.do("GET", "/", nil, map[string]string{"Cookie": cookie + "; " + e.signIn("zhang", crm.RoleGM)})
	if body := string(r.Body); !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Customers") || strings.Contains(body, "客户档案") {
		t.Errorf("home page after choosing English is not English")
	}
}

func TestLanguageFormRefusesAnOffSiteRedirect(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	for _, back := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example"} {
		form := url.Values{"lang": {"en"}, "back": {back}}.Encode()
		r := e.do("POST", "/lang", strings.NewReader(form), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
		if loc := r.Header.Get("Location"); loc != "/" {
			t.Errorf("back=%q redirected to %q, want /", back, loc)
		}
	}
}

func TestCrossOriginFormPostIsRefused(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	form := url.Values{"lang": {"en"}}.Encode()
	r := e.do("POST", "/lang", strings.NewReader(form), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if r.Status != http.StatusForbidden {
		t.Errorf("cross-site POST /lang = %d, want 403", r.Status)
	}
	if strings.Contains(r.Header.Get("Set-Cookie"), "kehu_lang") {
		t.Error("a refused request still set the cookie")
	}
}

func TestEveryPageRendersInBothLanguagesWithoutMissingMessages(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	session := e.signIn("zhang", crm.RoleGM)
	paths := []string{"/", "/no-such-page", "/login"}
	for _, r := range e.srv.Router.Routes() {
		if method, path, _ := strings.Cut(r, " "); method == "GET" && !isAPIPath(path) && !strings.HasPrefix(path, "/static/") && path != "/metrics" && path != "/{$}" && !strings.Contains(path, "{") {
			paths = append(paths, path)
		}
	}
	for _, lang := range []string{"zh-CN", "en"} {
		for _, p := range paths {
			r := e.do("GET", p, nil, map[string]string{"Cookie": "kehu_lang=" + lang + "; " + session})
			if p == "/login" {
				r = e.do("GET", p, nil, map[string]string{"Cookie": "kehu_lang=" + lang})
			}
			refused := r.Status == http.StatusForbidden && (strings.HasPrefix(p, "/admin") || p == "/pool-rules" || p == "/portal") // not the gm's
			if r.Status != 200 && !(p == "/no-such-page" && r.Status == 404) && !refused {
				t.Errorf("[%s] GET %s = %d", lang, p, r.Status)
			}
			if !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
				t.Errorf("[%s] GET %s: not HTML", lang, p)
			}
			if strings.Contains(string(r.Body), "⟦") {
				t.Errorf("[%s] GET %s shows a message key with no text", lang, p)
			}
		}
	}
}

func TestEChartsIsLoadedOnlyByThePagesThatDrawAChart(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	session := e.signIn("zhang", crm.RoleGM)
	charts := map[string]bool{"/": true, "/complaints/analysis": true, "/visits/compliance": true}
	paths := []string{"/", "/login"}
	for _, r := range e.srv.Router.Routes() {
		if method, path, _ := strings.Cut(r, " "); method == "GET" && !isAPIPath(path) && !strings.HasPrefix(path, "/static/") && path != "/metrics" && path != "/{$}" && !strings.Contains(path, "{") {
			paths = append(paths, path)
		}
	}
	for _, p := range paths {
		r := e.do("GET", p, nil, map[string]string{"Cookie": session})
		if loads := strings.Contains(string(r.Body), "/static/vendor/echarts.min.js"); loads != charts[p] {
			t.Errorf("GET %s loads ECharts: %v, want %v", p, loads, charts[p])
		}
	}
}
