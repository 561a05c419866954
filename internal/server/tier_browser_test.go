package server_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// The gm previews the A/B/C scheme, starts a recalculation and
// watches it finish, then finds the customer's A badge, why, and its
// history on the customer page.
func TestBrowserTheSchemeEditorPreviewsRecalculatesAndTheCustomerShowsItsTier(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	mgr := e.userIn("mgr_t", crm.RoleSalesManager, "华东", "")
	o := org{e: e}
	c, r := o.create(mgr, `{"name":"浏览器分级机械有限公司"}`)
	if r.Status != 201 {
		t.Fatalf("customer: %d %s", r.Status, r.Body)
	}
	small, _ := o.create(mgr, `{"name":"浏览器小单贸易有限公司"}`)
	plantSales(e, c.ID, 0, 6, 50000000)
	plantSales(e, small.ID, 0, 1, 100000)
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v (console: %v)", step, err, problems())
		}
	}
	e.user("gm_t", crm.RoleGM) // company-wide schemes are the admins' and the gm's
	fail("sign in", signInWithBrowser(ctx, e, "gm_t", testPassword))
	fail("open the schemes", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#who`)),
		chromedp.Navigate(e.http.URL+"/tiers"),
		chromedp.WaitVisible(chromedp.CSS(`#scheme-abc`)),
	))
	fail("open A/B/C", clickToPage(ctx, `#scheme-abc`))
	fail("preview", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#scheme-form`))))
	fail("click preview", clickToPage(ctx, `#preview`))
	fail("see the preview", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#preview-summary`))))
	if s := run(t, ctx, chromedp.Text(chromedp.CSS(`#preview-summary`))); !strings.Contains(s, "2 个客户中有 2 个") {
		t.Errorf("the preview says %q", s)
	}
	fail("recalculate", clickToPage(ctx, `#recalculate`))
	fail("see the run", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#tier-run-progress`))))
	workTierRuns(e) // the background job's work
	fail("the run finishes", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#tier-run-progress[data-status="done"]`))))
	fail("open the customer", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/customers/"+strconv.FormatInt(c.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS(`#tier-badges dd[data-scheme="abc"]`)),
	))
	if got := run(t, ctx, chromedp.Text(chromedp.CSS(`#tier-badges dd[data-scheme="abc"]`))); !strings.Contains(got, "A类客户") || !strings.Contains(got, "500000.00") {
		t.Errorf("the customer's A/B/C tier reads %q", got)
	}
	if got := run(t, ctx, chromedp.InnerHTML(chromedp.CSS(`#tier-history`))); !strings.Contains(got, "A类客户") {
		t.Errorf("the tier history holds %q", got)
	}
}
