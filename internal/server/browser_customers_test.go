package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// The main journey of the customer archive, as an account manager walks
// it: add a customer, mistype its credit code and correct it, add a
// contact and a visit, and find the customer again by pinyin initials.
func TestBrowserAnAccountManagerAddsACustomerAndFindsItAgain(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	token := e.userIn("li", crm.RoleAccountManager, "华东", "")
	if _, r := (org{e: e}).create(token, `{"name":"重庆长安汽车"}`); r.Status != 201 {
		t.Fatalf("create another customer: %d %s", r.Status, r.Body)
	}
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v (console: %v)", step, err, problems())
		}
	}

	fail("sign in", signInWithBrowser(ctx, e, "li", testPassword))
	fail("open the new-customer form", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#who`)),
		chromedp.Click(chromedp.CSS(`nav.side a[href="/customers"]`)),
		chromedp.Click(chromedp.CSS(`#new-customer`)),
		chromedp.WaitVisible(chromedp.CSS(`#customer-form`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "华为技术有限公司"),
		chromedp.SendKeys(chromedp.CSS(`input[name="short_name"]`), "华为"),
		chromedp.SendKeys(chromedp.CSS(`input[name="uscc"]`), "91350100M00010"),
		chromedp.Click(chromedp.CSS(`#customer-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#uscc-error`)),
	))
	if msg := run(t, ctx, chromedp.Text(chromedp.CSS(`#uscc-error`))); !strings.Contains(msg, "应为18位") {
		t.Errorf("a USCC of 14 characters shows %q next to the field, want the length message", msg)
	}
	if name := run(t, ctx, chromedp.Value(chromedp.CSS(`input[name="name"]`))); name != "华为技术有限公司" {
		t.Errorf("the refused form lost the name: %q", name)
	}

	fail("correct the code", chromedp.Do(ctx,
		chromedp.Clear(chromedp.CSS(`input[name="uscc"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="uscc"]`), "91350100M000100Y43"),
		chromedp.Click(chromedp.CSS(`#customer-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#customer-name`)),
	))
	if h1 := run(t, ctx, chromedp.Text(chromedp.CSS(`#customer-name`))); h1 != "华为技术有限公司" {
		t.Errorf("after saving, the page heading is %q", h1)
	}

	fail("add a contact", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#contact-form input[name="name"]`), "张伟"),
		chromedp.SendKeys(chromedp.CSS(`#contact-form input[name="title"]`), "采购经理"),
		chromedp.SendKeys(chromedp.CSS(`#contact-form input[name="mobile"]`), "13800138000"),
		chromedp.Click(chromedp.CSS(`#contact-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#contact-list td[data-mobile]`)),
	))
	if mobile := run(t, ctx, chromedp.Text(chromedp.CSS(`#contact-list td[data-mobile]`))); mobile != "138****8000" {
		t.Errorf("the contact's mobile shows as %q, want it masked", mobile)
	}

	due := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 3).Format(time.DateOnly)
	fail("record a visit", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#interaction-form select[name="channel"]`), "visit"),
		chromedp.SendKeys(chromedp.CSS(`#interaction-form textarea[name="content"]`), "上门拜访，介绍新产品"),
		chromedp.SendKeys(chromedp.CSS(`#interaction-form input[name="next_step"]`), "寄样品"),
		chromedp.SetValue(chromedp.CSS(`#interaction-form input[name="next_due_at"]`), due),
		chromedp.Click(chromedp.CSS(`#interaction-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#timeline-list article[data-interaction]`)),
	))
	entry := run(t, ctx, chromedp.Text(chromedp.CSS(`#timeline-list article[data-interaction]`)))
	for _, want := range []string{"拜访", "上门拜访，介绍新产品", "寄样品", due + " 23:59"} {
		if !strings.Contains(entry, want) {
			t.Errorf("the visit in the timeline lacks %q: %q", want, entry)
		}
	}

	fail("search by pinyin initials", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.side a[href="/customers"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#customer-search`)),
		chromedp.SendKeys(chromedp.CSS(`#customer-search input[name="q"]`), "hw"),
		chromedp.Click(chromedp.CSS(`#search-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#customer-search input[name="q"][value="hw"]`)),
	))
	results := run(t, ctx, chromedp.Text(chromedp.CSS(`#customers tbody`)))
	if !strings.Contains(results, "华为技术有限公司") || strings.Contains(results, "重庆长安汽车") {
		t.Errorf("searching hw lists %q, want 华为技术有限公司 only", results)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the pages logged errors: %v", p)
	}
}
