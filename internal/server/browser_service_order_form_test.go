package server_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// The service desk finds the customer as it types, as the customer list
// searches, and the order takes the customer's address and its primary
// contact's phone without the clerk copying them.
func TestBrowserTheServiceOrderFormFindsTheCustomerAndFillsInItsAddressAndPhone(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	o := newOrg(e)
	e.staffNamed("wu.service", "吴客服", crm.RoleService)
	c, r := o.create(o.am1, `{"name":"湖州电机有限公司","address":"浙江省湖州市吴兴区织里镇 88 号"}`)
	if r.Status != 201 {
		t.Fatalf("customer: %d %s", r.Status, r.Body)
	}
	e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", c.ID), strings.NewReader(`{"name":"副联系人","mobile":"13900001111"}`), as(o.am1))
	e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", c.ID), strings.NewReader(`{"name":"王建国","mobile":"13812345678","is_primary":true}`), as(o.am1))
	o.create(o.am3, `{"name":"广州南方贸易","address":"广州"}`)
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v (console: %v)", step, err, problems())
		}
	}
	fail("sign in", signInWithBrowser(ctx, e, "wu.service", testPassword))
	fail("open the form", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#who`)),
		chromedp.Navigate(e.http.URL+"/service-orders/new"),
		chromedp.WaitVisible(chromedp.CSS(`#customer-q`)),
	))
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('select[name="customer_id"] option').length`)); n != 0 {
		t.Errorf("the form still lists every customer in a dropdown (%d options)", n)
	}
	fail("type part of the name, in pinyin", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#customer-q`), "huzhou"),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#customer-options [data-customer="%d"]`, c.ID))),
	))
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#customer-options [role="option"]').length`)); n != 1 {
		t.Errorf("the search offers %d customers for huzhou, want 1", n)
	}
	fail("choose the customer", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#customer-options [data-customer="%d"]`, c.ID))),
		chromedp.WaitVisible(chromedp.CSS(`#phone-hint:not([hidden])`)),
	))
	got := run(t, ctx, chromedp.Evaluate[[]string](`["customer_id","customer_q","address","phone"].map(function(n){return document.querySelector('[name="'+n+'"]').value})`))
	if got[0] != fmt.Sprint(c.ID) || !strings.Contains(got[1], "湖州电机有限公司") || got[2] != "浙江省湖州市吴兴区织里镇 88 号" || got[3] != "138****5678" {
		t.Errorf("after choosing the customer the form has %q, want its ID, name, address and the primary contact's masked phone", got)
	}
	fail("register the order", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="product_model"]`), "KH-200"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="problem"]`), "电机异响"),
	))
	fail("send it", clickToPage(ctx, `#service-submit`))
	fail("the order's page", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#order-number`))))
	facts := run(t, ctx, chromedp.Text(chromedp.CSS(`.order-facts`)))
	for _, want := range []string{"湖州电机有限公司", "织里镇 88 号", "138****5678"} {
		if !strings.Contains(facts, want) {
			t.Errorf("the order lacks %q: %s", want, facts)
		}
	}
	// The number stored is the contact's, in full; reading it from the
	// contact was audited.
	loc := run(t, ctx, chromedp.Location())
	id := regexp.MustCompile(`/service-orders/(\d+)`).FindStringSubmatch(loc)
	if id == nil {
		t.Fatalf("the order's page is %s", loc)
	}
	desk := e.formSignIn("wu.service")
	if body := string(e.post("/service-orders/"+id[1]+"/reveal", desk, url.Values{"reason": {"核对"}}).Body); !strings.Contains(body, `href="tel:13812345678"`) {
		t.Errorf("the order's phone is not the primary contact's")
	}
	if r := e.do("GET", "/api/v1/audit?entity=contact", nil, as(o.auditor)); !strings.Contains(string(r.Body), "reveal") || !strings.Contains(string(r.Body), "wu.service") {
		t.Errorf("reading the contact's mobile for the order is not audited: %s", r.Body)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the pages logged errors: %v", p)
	}
}

func TestTheServiceOrderFormTakesTheSearchTextWithoutScripts(t *testing.T) {
	e := newEnvSQLite(t)
	s := newServiceOrg(e)
	kefu := e.formSignIn("kefu")
	form := url.Values{"type": {"C"}, "customer_q": {"湖州电机"}, "address": {"湖州"}, "phone": {"13812345678"}, "product_model": {"KH-200"}, "problem": {"异响"}}
	if r := e.post("/service-orders", kefu, form); r.Status != 303 {
		t.Errorf("a customer found by the text alone = %d %s", r.Status, r.Body)
	}
	form.Set("customer_q", "没有这个客户")
	if r := e.post("/service-orders", kefu, form); r.Status != 422 || !strings.Contains(string(r.Body), `id="customer_id-error"`) {
		t.Errorf("a text that finds no customer = %d", r.Status)
	}
	s.create(s.am1, `{"name":"湖州电机二厂"}`)
	form.Set("customer_q", "湖州电机")
	if r := e.post("/service-orders", kefu, form); r.Status != 422 || !strings.Contains(string(r.Body), "找到多个客户") {
		t.Errorf("a text that finds two customers = %d", r.Status)
	}
}

func TestTechniciansAreShownByNameAndTheirPhoneShowsOneFormAtATime(t *testing.T) {
	e := newEnvSQLite(t)
	s := newServiceOrg(e)
	e.staffNamed("zheng.tech", "郑师傅", crm.RoleTechnician)
	kefu, tech := e.formSignIn("kefu"), e.formSignIn("zheng.tech")
	o, r := s.register(s.kefu, "C", s.c1, "")
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	detail := fmt.Sprintf("/service-orders/%d", o.ID)
	for _, path := range []string{detail, "/service-orders/dispatch"} {
		if body := string(e.page(path, "zh-CN", kefu).Body); !strings.Contains(body, `<option value="zheng.tech">郑师傅</option>`) {
			t.Errorf("%s does not offer the technician by name:\n%s", path, body)
		}
	}
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(string(e.page(detail, "zh-CN", kefu).Body))[1]
	if r := e.post(detail+"/dispatch", kefu, url.Values{"version": {version}, "technician": {"zheng.tech"}}); r.Status != 303 {
		t.Fatalf("dispatch = %d %s", r.Status, r.Body)
	}
	for _, path := range []string{detail, "/service-orders"} {
		if body := string(e.page(path, "zh-CN", kefu).Body); !strings.Contains(body, "郑师傅") {
			t.Errorf("%s does not name the technician", path)
		}
	}
	// The technician may start or record the work: the first form is
	// unfolded, the other folded, one at a time.
	body := string(e.page(detail, "zh-CN", tech).Body)
	if n := strings.Count(body, `<details class="step-form" name="steps"`); n != 2 {
		t.Errorf("%d step forms, want start and work", n)
	}
	if !strings.Contains(body, `id="step-start" open>`) || strings.Contains(body, `id="step-work" open>`) {
		t.Errorf("the start form should be the one unfolded:\n%s", body)
	}
	// Started an hour ago: the departure offered is now, after the arrival.
	arrived := time.Now().In(crm.ChinaTime()).Add(-time.Hour).Format("2006-01-02 15:04")
	version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
	if r := e.post(detail+"/start", tech, url.Values{"version": {version}, "arrived_at": {arrived}}); r.Status != 303 {
		t.Fatalf("start = %d %s", r.Status, r.Body)
	}
	body = string(e.page(detail, "zh-CN", tech).Body)
	left := regexp.MustCompile(`name="left_at" value="([^"]*)"`).FindStringSubmatch(body)
	if left == nil || left[1] == "" || left[1] <= arrived {
		t.Errorf("the departure offered is %v, want now, after the arrival %s", left, arrived)
	}
	// A departure in the future is refused, in the page's language.
	version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
	future := time.Now().In(crm.ChinaTime()).Add(10 * time.Minute).Format("2006-01-02T15:04")
	r = e.post(detail+"/work", tech, url.Values{"version": {version}, "left_at": {future}, "work_done": {"清洁保养"}})
	if r.Status != 422 || !strings.Contains(string(r.Body), "离开时间不能晚于现在") || !strings.Contains(string(r.Body), `id="step-work" open>`) {
		t.Errorf("a departure in the future = %d:\n%s", r.Status, r.Body)
	}
}
