package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// waitTrue waits until the page's JavaScript expression is true.
func waitTrue(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr)
}

// An account manager picks a customer's region by typing its pinyin and
// its industry by typing a word, never a code; the list's filter is a
// 省/市/区 cascade; with scripts off, the form still takes codes.
func TestBrowserRegionAndIndustryArePickedByName(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	e.userIn("li", crm.RoleAccountManager, "华南", "")
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v (console: %v)", step, err, problems())
		}
	}
	fail("sign in", signInWithBrowser(ctx, e, "li", testPassword))
	fail("open the new-customer form", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/customers/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-region-search]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-industry-search]`)),
	))
	if typ := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('input[name="region_code"]').type`)); typ != "hidden" {
		t.Errorf("with scripts on, the code input is %q, want hidden behind the picker", typ)
	}
	if hint := run(t, ctx, chromedp.Text(chromedp.CSS(`#region_code-hint`))); strings.Contains(hint, "GB/T") {
		t.Errorf("the picker still asks for a code: %q", hint)
	}

	fail("find 天河区 by its pinyin", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`[data-region-search]`), "tianhe"),
		chromedp.WaitVisible(chromedp.CSS(`[role="listbox"] li[data-code="440106"]`)),
	))
	if label := run(t, ctx, chromedp.Text(chromedp.CSS(`[role="listbox"] li[data-code="440106"]`))); !strings.Contains(label, "广东省广州市天河区") {
		t.Errorf("the match reads %q, want the full name", label)
	}
	fail("pick it", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[role="listbox"] li[data-code="440106"]`)),
		waitTrue(`document.querySelector('select[data-level="county"]').value === "440106"`),
	))
	if v := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('input[name="region_code"]').value`)); v != "440106" {
		t.Errorf("the form sends region_code %q, want 440106", v)
	}
	if chosen := run(t, ctx, chromedp.Evaluate[string](`['province','city','county'].map(function(l){var s=document.querySelector('select[data-level="'+l+'"]');return s.selectedOptions[0].textContent}).join('/')`)); chosen != "广东省/广州市/天河区" {
		t.Errorf("the cascade shows %q", chosen)
	}
	if hint := run(t, ctx, chromedp.Text(chromedp.CSS(`#region_code-hint`))); hint != "广东省广州市天河区" {
		t.Errorf("the hint names %q", hint)
	}

	fail("find an industry by pinyin", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-industry-search]`)),
		chromedp.WaitVisible(chromedp.CSS(`.ip-list li[data-code="A"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-industry-search]`), "ruanjian"),
		waitTrue(`!document.querySelector('.ip-list li[data-code="A"]') && !!document.querySelector('.ip-list li[data-code="65"]')`),
		chromedp.Click(chromedp.CSS(`.ip-list li[data-code="65"]`)),
		waitTrue(`document.querySelector('select[name="industry_code"]').value === "65"`),
	))
	if box := run(t, ctx, chromedp.Value(chromedp.CSS(`[data-industry-search]`))); box != "65 软件和信息技术服务业" {
		t.Errorf("the industry box shows %q", box)
	}

	fail("save the customer", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "广州云海信息技术有限公司"),
	))
	fail("submit", clickToPage(ctx, `#customer-submit`))
	fail("see its page", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#customer-region`))))
	if region := run(t, ctx, chromedp.Text(chromedp.CSS(`#customer-region`))); !strings.Contains(region, "广东省广州市天河区") {
		t.Errorf("the customer's page shows the region as %q", region)
	}
	if industry := run(t, ctx, chromedp.Text(chromedp.CSS(`#customer-industry`))); !strings.Contains(industry, "软件和信息技术服务业") {
		t.Errorf("the customer's page shows the industry as %q", industry)
	}

	// The list's filter: choose a province, then a city, from the cascade.
	fail("open the list", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/customers"),
		waitTrue(`document.querySelectorAll('#customer-search select[data-level="province"] option').length > 30`),
		chromedp.SetValue(chromedp.CSS(`#customer-search select[data-level="province"]`), "440000"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#customer-search select[data-level="province"]').dispatchEvent(new Event('change'))`),
		waitTrue(`!!document.querySelector('#customer-search select[data-level="city"] option[value="440100"]')`),
		chromedp.SetValue(chromedp.CSS(`#customer-search select[data-level="city"]`), "440100"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#customer-search select[data-level="city"]').dispatchEvent(new Event('change'))`),
		waitTrue(`document.getElementById('filter-region').value === "440100"`),
	))
	fail("filter", clickToPage(ctx, `#search-submit`))
	fail("see the filtered list", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#customers`)),
		waitTrue(`document.querySelector('#customer-search select[data-level="city"]').value === "440100"`),
	))
	loc := run(t, ctx, chromedp.Evaluate[string](`location.search`))
	if q, _ := url.ParseQuery(strings.TrimPrefix(loc, "?")); q.Get("region") != "440100" {
		t.Errorf("the filter sent %q, want region=440100", loc)
	}
	if cell := run(t, ctx, chromedp.Text(chromedp.CSS(`#customers tbody td[data-region]`))); cell != "广东省广州市天河区" {
		t.Errorf("the list shows the region as %q", cell)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the pages logged errors: %v", p)
	}

	// Without scripts the form is plain: a code input and a select.
	fail("turn scripts off", chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}),
		chromedp.Navigate(e.http.URL+"/customers/new"),
		chromedp.WaitVisible(chromedp.CSS(`#customer-form`)),
	))
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-region-search], [data-industry-search]').length`)); n != 0 {
		t.Errorf("with scripts off there are %d search boxes", n)
	}
	fail("type a code", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`input[name="region_code"]`)),
		chromedp.WaitVisible(chromedp.CSS(`select[name="industry_code"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "深圳南山客户"),
		chromedp.SendKeys(chromedp.CSS(`input[name="region_code"]`), "440305"),
		chromedp.SetValue(chromedp.CSS(`select[name="industry_code"]`), "C"),
	))
	fail("submit without scripts", clickToPage(ctx, `#customer-submit`))
	fail("see it", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#customer-region`))))
	if region := run(t, ctx, chromedp.Text(chromedp.CSS(`#customer-region`))); !strings.Contains(region, "广东省深圳市南山区") {
		t.Errorf("without scripts the region is %q", region)
	}
}
