package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// signInWith signs in through the web form with the given Cookie header
// ("" for none) and returns the answer.
func (e *env) signInWith(username, password, cookie string) response {
	e.t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if cookie != "" {
		h["Cookie"] = cookie
	}
	return e.do("POST", "/login", strings.NewReader(url.Values{"username": {username}, "password": {password}}.Encode()), h)
}

func TestASignInEndsTheBrowsersEarlierSession(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		earlier := e.signIn("zheng", crm.RoleFinance)
		e.user("feng", crm.RoleService)
		// The same browser signs in again, as someone else.
		r := e.signInWith("feng", testPassword, earlier)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("signing in again = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/me", nil, map[string]string{"Cookie": earlier}); r.Status != http.StatusUnauthorized {
			t.Errorf("the earlier session after a new sign-in in the same browser = %d, want 401", r.Status)
		}
		var fresh string
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			if c.Name == httpx.SessionCookie {
				fresh = c.Name + "=" + c.Value
			}
		}
		if r := e.do("GET", "/api/v1/me", nil, map[string]string{"Cookie": fresh}); r.Status != 200 || !strings.Contains(string(r.Body), `"username":"feng"`) {
			t.Errorf("the new session = %d %s", r.Status, r.Body)
		}
		// A failed sign-in leaves the session as it was.
		if r := e.signInWith("feng", "Wrong-pass-1", fresh); r.Status != http.StatusUnauthorized {
			t.Fatalf("a wrong password = %d", r.Status)
		}
		if r := e.do("GET", "/api/v1/me", nil, map[string]string{"Cookie": fresh}); r.Status != 200 {
			t.Errorf("a failed sign-in ended the session: %d", r.Status)
		}
	})
}

func TestTheSessionCookieIsSecureAndHSTSIsSentWhenThePublicURLIsHTTPS(t *testing.T) {
	e := newEnvSQLite(t)
	e.user("chu", crm.RoleFinance)
	check := func(wantSecure bool) {
		t.Helper()
		r := e.signInWith("chu", testPassword, "")
		var secure, found bool
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			if c.Name == httpx.SessionCookie {
				found, secure = true, c.Secure
			}
		}
		hsts := r.Header.Get("Strict-Transport-Security")
		if !found || secure != wantSecure || (hsts != "") != wantSecure {
			t.Errorf("public URL https=%v: session cookie found=%v Secure=%v, HSTS %q", wantSecure, found, secure, hsts)
		}
	}
	check(false) // plain http and no https public URL: a Secure cookie would never come back
	httpx.SetPublicURL("https://crm.example.com")
	defer httpx.SetPublicURL("")
	check(true) // behind a TLS-ending proxy at an https address
}

func TestTheLockoutAnswersAnUnknownUsernameAsAKnownOneOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("yang", crm.RoleService)
		login := func(u string) response {
			return e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+u+`","password":"Wrong-pass-1"}`), jsonHeader)
		}
		for i := range 7 {
			known, unknown := login("yang"), login("no.such.user")
			a := requestIDField.ReplaceAllString(string(known.Body), "")
			b := requestIDField.ReplaceAllString(string(unknown.Body), "")
			if known.Status != unknown.Status || a != b {
				t.Errorf("attempt %d: known %d %s, unknown %d %s", i+1, known.Status, a, unknown.Status, b)
			}
			if i >= 5 && !strings.Contains(string(known.Body), "account_locked") {
				t.Errorf("attempt %d on a locked account = %d %s, want account_locked", i+1, known.Status, known.Body)
			}
		}
	})
}
