package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// A sales manager creates an event, invites a segment (the customers of
// one account manager), a guest accepts on the RSVP page, and staff check
// the guest in at the door on a phone-sized page by the RSVP pass.
func TestBrowserAnEventGoesFromInvitationToRSVPToCheckIn(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	f := newEventsFixture(t, e)
	// The event starts in two hours; the door opens the day before, so
	// that the test does not depend on the hour it runs at.
	e.srv.Services.Events.CheckInEarly = 24 * time.Hour
	starts := time.Now().In(time.FixedZone("CST", 8*3600)).Add(2 * time.Hour).Format("2006-01-02 15:04")
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v (console: %v)", step, err, problems())
		}
	}
	fail("sign in", signInWithBrowser(ctx, e, "mgr_a", testPassword))
	fail("open the events", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#who`)),
		chromedp.Navigate(e.http.URL+"/events"),
		chromedp.WaitVisible(chromedp.CSS(`#event-form`)),
	))
	fail("fill the event", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#event-starts`), starts),
		chromedp.SendKeys(chromedp.CSS(`#event-title`), "年度客户座谈会"),
		chromedp.SendKeys(chromedp.CSS(`#event-place`), "湖州总部三楼"),
		chromedp.SendKeys(chromedp.CSS(`#event-budget`), "3000"),
	))
	fail("create the event", clickToPage(ctx, `#event-save`))
	fail("see the event", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#invite-form`)),
		chromedp.SendKeys(chromedp.CSS(`#seg-owner`), strconv.FormatInt(e.userID("am1"), 10)),
	))
	fail("invite the segment", clickToPage(ctx, `#invite-send`))
	fail("see the invitations", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#event-notice`))))
	if n := run(t, ctx, chromedp.Text(chromedp.CSS(`#event-counts`))); !strings.Contains(n, "邀请 2") {
		t.Errorf("the counts read %q, want 2 invited", n)
	}
	link := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('tr[data-invitation] a[data-rsvp-link]').getAttribute('href')`))
	eventPath, _, _ := strings.Cut(run(t, ctx, chromedp.Location()), "?")
	fail("open the RSVP page", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+link),
		chromedp.WaitVisible(chromedp.CSS(`#rsvp-accept`)),
	))
	fail("accept", clickToPage(ctx, `#rsvp-accept`))
	fail("see the pass", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#rsvp-token`))))
	if s := run(t, ctx, chromedp.Text(chromedp.CSS(`#rsvp-status`))); s != "接受" {
		t.Errorf("the RSVP status reads %q", s)
	}
	if w := run(t, ctx, chromedp.Evaluate[int](`(function () { var i = document.querySelector('#rsvp-qr'); return i.complete ? i.naturalWidth : -1; })()`)); w <= 0 {
		t.Errorf("the pass's QR code did not load (width %d)", w)
	}
	token := strings.TrimSpace(run(t, ctx, chromedp.Text(chromedp.CSS(`#rsvp-token`))))
	fail("open the door page on a phone", chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(eventPath+"/check-in"),
		chromedp.WaitVisible(chromedp.CSS(`#checkin-token`)),
		chromedp.SendKeys(chromedp.CSS(`#checkin-token`), token),
	))
	fail("check in", clickToPage(ctx, `#checkin-token-go`))
	fail("see the guest in", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#checkin-notice`))))
	if s := run(t, ctx, chromedp.Text(chromedp.CSS(`#checkin-count`))); !strings.Contains(s, "到场 1") {
		t.Errorf("the door page counts %q, want 1 attended", s)
	}
	if width := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); width > 390 {
		t.Errorf("the door page is %dpx wide on a 390px phone", width)
	}
	_ = f
}

// The service desk logs an evening call at the call desk: it goes on the
// call-back list due the next working morning, and one click turns it
// into a complaint with its data carried over.
func TestBrowserAnAfterHoursCallBecomesACallBackAndThenAComplaint(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	newEventsFixture(t, e)
	e.user("kefu", crm.RoleService)
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v (console: %v)", step, err, problems())
		}
	}
	fail("sign in", signInWithBrowser(ctx, e, "kefu", testPassword))
	fail("look the number up", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#who`)),
		chromedp.Navigate(e.http.URL+"/calls"),
		chromedp.WaitVisible(chromedp.CSS(`#lookup-phone`)),
		chromedp.SendKeys(chromedp.CSS(`#lookup-phone`), "13812345678"),
	))
	fail("find", clickToPage(ctx, `#lookup-go`))
	fail("see the customer", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#matches li[data-customer]`))))
	run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#call-started').value = ''`))
	fail("fill the call", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#call-started`), "2026-11-26 19:30"),
		chromedp.Click(chromedp.CSS(`#call-identity`)),
		chromedp.SendKeys(chromedp.CSS(`#call-need`), "空调外机噪音大"),
	))
	fail("log the call", clickToPage(ctx, `#call-save`))
	fail("see the call", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#call-due`))))
	if s := run(t, ctx, chromedp.Text(chromedp.CSS(`#call-due`))); !strings.Contains(s, "2026-11-27 09:00") {
		t.Errorf("the call-back is due %q, want the next working morning 2026-11-27 09:00", s)
	}
	if s := run(t, ctx, chromedp.Text(chromedp.CSS(`#call-customer`))); s != "活动测试机械有限公司" {
		t.Errorf("the call's customer reads %q", s)
	}
	callPath := run(t, ctx, chromedp.Location())
	fail("the call-back list", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/calls/callbacks"),
		chromedp.WaitVisible(chromedp.CSS(`#calls tr[data-call].overdue`)),
	))
	fail("back to the call", chromedp.Do(ctx, chromedp.Navigate(callPath), chromedp.WaitVisible(chromedp.CSS(`#to-complaint-go`))))
	fail("turn it into a complaint", clickToPage(ctx, `#to-complaint-go`))
	if loc := run(t, ctx, chromedp.Location()); !strings.Contains(loc, "/complaints/") {
		t.Fatalf("after the conversion the browser is at %s", loc)
	}
	if n := e.countRows("SELECT COUNT(*) FROM complaints WHERE channel = 'phone' AND description LIKE '%空调外机噪音大%'"); n != 1 {
		t.Errorf("%d complaints carry the call's need, want 1", n)
	}
}
