package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
)

// phoneLayout reads what the phone test checks on a page: how far it
// scrolls sideways, and the header's height and its widest child's line
// count (a header on one line is one row of controls, none wrapped).
const phoneLayout = `(() => {
  const bar = document.querySelector('.topbar');
  const lines = (el) => { const r = document.createRange(); r.selectNodeContents(el);
    return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; };
  let wrapped = [];
  if (bar) bar.querySelectorAll('a, button').forEach(el => {
    if (el.offsetParent !== null && lines(el) > 1) wrapped.push(el.textContent.trim());
  });
  const side = document.querySelector('nav.side');
  return {
    scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
    bar: bar ? bar.getBoundingClientRect().height : 0, wrapped: wrapped,
    menuShown: !!side && side.offsetParent !== null,
  };
})()`

type phoneReading struct {
	Scroll    int      `json:"scroll"`
	Inner     int      `json:"inner"`
	Bar       float64  `json:"bar"`
	Wrapped   []string `json:"wrapped"`
	MenuShown bool     `json:"menuShown"`
}

// Every page, for every role, fits a 390 px wide phone: nothing scrolls
// sideways, the header is one line, and the menu waits behind its button.
func TestBrowserEveryPageFitsAPhoneForEveryRole(t *testing.T) {
	ctx, problems := browserFor(t, 15*time.Minute)
	c := newSampleCompany(t, sampleEnv(t))
	seen := 0
	walkRoles(t, ctx, c, 390, 844, func(role crm.Role, path string, status int) {
		seen++
		got := run(t, ctx, chromedp.Evaluate[phoneReading](phoneLayout))
		if got.Scroll > got.Inner {
			t.Errorf("%s %s (%d) scrolls sideways on a phone: scrollWidth %d > innerWidth %d", role, path, status, got.Scroll, got.Inner)
		}
		if got.Bar > 56 || len(got.Wrapped) > 0 {
			t.Errorf("%s %s: the header is %.0f px high, wrapped: %v; want one line", role, path, got.Bar, got.Wrapped)
		}
		if got.MenuShown {
			t.Errorf("%s %s: the menu shows on a phone before its button is pressed", role, path)
		}
	})
	if seen < 13*len(c.pages()) {
		t.Errorf("walked %d pages, want every page for every role", seen)
	}
	// The button opens the menu over the page, and the menu's links work
	// (for the gm: the last role walked, a dealer, has no calendar).
	if err := signOutInBrowser(ctx, c.e); err != nil {
		t.Fatal(err)
	}
	if err := signInWithBrowser(ctx, c.e, c.users[crm.RoleGM], testPassword); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#menu-toggle`)), chromedp.WaitVisible(chromedp.CSS(`nav.side a[href="/calendar"]`))); err != nil {
		t.Fatalf("open the menu: %v", err)
	}
	if err := clickToPage(ctx, `nav.side a[href="/calendar"]`); err != nil {
		t.Fatalf("follow the menu: %v", err)
	}
	if h1 := run(t, ctx, chromedp.Text(chromedp.CSS(`main h1`))); !strings.Contains(h1, "日历") {
		t.Errorf("the menu led to %q, want the calendar", h1)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the pages logged errors: %v", p)
	}
}
