package server_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// An A customer gets its monthly visit item; its account manager finds
// it under "my visits", logs the contact on the customer page, and the
// compliance dashboard rises to 100%.
func TestBrowserAnACustomersVisitIsLoggedAndComplianceRises(t *testing.T) {
	ctx, problems := browserFor(t, 90*time.Second)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	mgr := e.userIn("mgr_v", crm.RoleSalesManager, "华东", "")
	am := e.userIn("am_v", crm.RoleAccountManager, "华东", "mgr_v")
	o := org{e: e}
	c, r := o.create(am, `{"name":"浏览器拜访机械有限公司"}`)
	if r.Status != 201 {
		t.Fatalf("customer: %d %s", r.Status, r.Body)
	}
	tierA(e, mgr, c.ID)
	today := time.Now().In(crm.Shanghai)
	generateVisits(e, e.user("gm_v", crm.RoleGM), today.Format(time.DateOnly), today.AddDate(0, 1, 0).Format(time.DateOnly))
	items := visitItems(e, am, fmt.Sprintf("?customer_id=%d&open=true", c.ID))
	if len(items) == 0 {
		t.Fatal("no visit item")
	}
	first := items[0]
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v (console: %v)", step, err, problems())
		}
	}
	fail("sign in", signInWithBrowser(ctx, e, "am_v", testPassword))
	item := fmt.Sprintf(`tr[data-item="%d"]`, first.ID)
	fail("my visits", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#who`)),
		chromedp.Navigate(e.http.URL+"/visits"),
		chromedp.WaitVisible(chromedp.CSS(item)),
	))
	if got := run(t, ctx, chromedp.Text(chromedp.CSS(item))); !strings.Contains(got, "浏览器拜访机械有限公司") {
		t.Errorf("the item reads %q", got)
	}
	channel := map[string]string{"visit": "visit", "phone": "phone", "message": "wechat"}[first.Kind]
	fail("log the contact", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/customers/"+strconv.FormatInt(c.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS(`#interaction-form`)),
		chromedp.SetValue(chromedp.CSS(`#interaction-form select[name="channel"]`), channel),
		chromedp.SendKeys(chromedp.CSS(`#interaction-form textarea[name="content"]`), "按计划拜访，了解下季度需求"),
	))
	fail("save it", clickToPage(ctx, `#interaction-form button[type="submit"]`))
	var got visitItemJSON
	for i := 0; i < 50; i++ {
		if got = visitItems(e, am, fmt.Sprintf("?customer_id=%d", c.ID))[0]; got.Status == "done" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got.Status != "done" {
		t.Fatalf("the item after the contact: %+v", got)
	}
	fail("compliance", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/visits/compliance?from="+first.DueOn+"&to="+first.DueOn),
		chromedp.WaitVisible(chromedp.CSS(`#compliance-total`)),
		chromedp.WaitVisible(chromedp.CSS(`#chart-compliance[data-chart-ready="1"]`)),
	))
	if got := run(t, ctx, chromedp.Text(chromedp.CSS(`#compliance-total .rate`))); got != "100.0%" {
		t.Errorf("compliance reads %q", got)
	}
}
