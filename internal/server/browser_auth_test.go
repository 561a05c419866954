package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestBrowserSignsInSeesTheHomePageAndSignsOut(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	e.user("zhang", crm.RoleGM)

	err := signInWithBrowser(ctx, e, "zhang", testPassword)
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#who`)))
	}
	if err != nil {
		t.Fatalf("browser: %v (console: %v)", err, problems())
	}
	if who := run(t, ctx, chromedp.Text(chromedp.CSS(`#who`))); who != "zhang" {
		t.Errorf("after signing in #who shows %q, want zhang", who)
	}
	if h1 := run(t, ctx, chromedp.Text(chromedp.CSS(`main h1`))); !strings.Contains(h1, "我的工作台") {
		t.Errorf("after signing in the page heading is %q, want the workbench", h1)
	}

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#logout`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"] input[name="username"]`)),
	)
	if err != nil {
		t.Fatalf("browser: signing out: %v (console: %v)", err, problems())
	}
	if loc := run(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/login") {
		t.Errorf("after signing out the browser is at %q, want the sign-in page", loc)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#who').length`)); n != 0 {
		t.Error("the sign-in page still names a user after signing out")
	}
	// The session is gone on the server too: the home page sends the
	// browser back to sign in.
	err = chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)),
	)
	if err != nil {
		t.Fatalf("browser: the home page after signing out: %v", err)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the pages logged errors: %v", p)
	}
}

func TestBrowserShowsTheLockedAccountMessage(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	e.user("wang", crm.RoleService)
	for range testAuth().MaxFailures {
		r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"wang","password":"Wrong-2026-pass"}`), jsonHeader)
		if r.Status != 401 {
			t.Fatalf("a wrong password answered %d, want 401: %s", r.Status, r.Body)
		}
	}

	err := signInWithBrowser(ctx, e, "wang", testPassword)
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#login-error`)))
	}
	if err != nil {
		t.Fatalf("browser: %v (console: %v)", err, problems())
	}
	if msg := run(t, ctx, chromedp.Text(chromedp.CSS(`#login-error`))); !strings.Contains(msg, "锁定") {
		t.Errorf("signing in to a locked account with the right password shows %q, want the locked message", msg)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#who').length`)); n != 0 {
		t.Error("a locked account was signed in")
	}
}
