package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// navLinks are the addresses of a page's side menu.
var navLink = regexp.MustCompile(`<li><a href="([^"]+)"`)

func navLinks(t *testing.T, body string) []string {
	t.Helper()
	start := strings.Index(body, `<nav class="side"`)
	if start < 0 {
		return nil
	}
	end := strings.Index(body[start:], `</nav>`)
	var out []string
	for _, m := range navLink.FindAllStringSubmatch(body[start:start+end], -1) {
		out = append(out, m[1])
	}
	return out
}

func TestTheWorkbenchShowsEachRoleWhatWaitsForIt(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := newSampleCompany(t, e)
		home := func(r crm.Role) string {
			t.Helper()
			res := e.do("GET", "/", nil, map[string]string{"Cookie": e.formSignIn(c.users[r])})
			if res.Status != 200 {
				t.Fatalf("%s's workbench = %d", r, res.Status)
			}
			return string(res.Body)
		}
		kefu := home(crm.RoleService)
		wantAll(t, "the service desk's workbench", kefu, "我的工作台", `id="tile-orders"`, `id="workbench-orders"`, "苏州工业园区恒信电子科技有限公司", `id="chart-orders"`)
		if strings.Contains(kefu, "调查客诉，核对批次") {
			t.Error("the service desk sees an access request it may not decide")
		}
		tech := home(crm.RoleTechnician)
		wantAll(t, "the technician's workbench", tech, `id="workbench-orders"`, "杭州西子智能装备股份有限公司", "已派工")
		if strings.Contains(tech, "苏州工业园区恒信电子科技有限公司") {
			t.Error("the technician sees an order not dispatched to them")
		}
		wantAll(t, "the sales manager's workbench", home(crm.RoleSalesManager), `id="workbench-approvals"`, "调查客诉，核对批次", `id="tile-approvals"`)
		wantAll(t, "the account manager's workbench", home(crm.RoleAccountManager), `id="workbench-customers"`,
			"广州白云精密机械制造有限责任公司华南区域销售分公司", `id="chart-complaints"`, `id="chart-sla"`)
		gm := home(crm.RoleGM)
		wantAll(t, "the GM's workbench", gm, `id="chart-complaints-data"`, `id="chart-orders-data"`, `id="workbench-approvals"`)
		en := e.do("GET", "/", nil, map[string]string{"Cookie": "kehu_lang=en; " + e.formSignIn(c.users[crm.RoleSalesManager])})
		wantAll(t, "the sales manager's workbench in English", string(en.Body), "My workbench", "Waiting for my approval", "Complaints: this month and last")
		if body := string(en.Body); strings.Contains(body, "待我审批") || strings.Contains(body, "我的工作台") {
			t.Error("the English workbench shows Chinese words of its own")
		}
		admin := home(crm.RoleAdmin)
		wantAll(t, "the administrator's workbench", admin, `id="quick-links"`, `href="/admin"`)
		for _, no := range []string{`id="workbench-`, `id="chart-`, "数据库结构版本"} {
			if strings.Contains(admin, no) {
				t.Errorf("the administrator's workbench shows %q: the console is under 系统管理", no)
			}
		}
	})
}

func TestTheMenuOffersEachRoleOnlyPagesItMayOpen(t *testing.T) {
	e := sampleEnv(t)
	c := newSampleCompany(t, e)
	for _, r := range crm.Roles {
		cookie := map[string]string{"Cookie": e.formSignIn(c.users[r])}
		home := e.do("GET", "/", nil, cookie)
		first := "/"
		if r == crm.RoleDealer { // a dealer's home redirects to its portal
			home = e.do("GET", home.Header.Get("Location"), nil, cookie)
		}
		links := navLinks(t, string(home.Body))
		if len(links) == 0 || links[0] != first {
			t.Errorf("%s's menu = %v, want %s first", r, links, first)
		}
		for _, l := range links {
			res := e.do("GET", l, nil, cookie)
			if res.Status == http.StatusSeeOther {
				res = e.do("GET", res.Header.Get("Location"), nil, cookie)
			}
			if res.Status != 200 {
				t.Errorf("%s's menu offers %s, which answers %d", r, l, res.Status)
			}
			if strings.Contains(string(res.Body), "建设中") {
				t.Errorf("%s's menu offers %s, a page still being built", r, l)
			}
		}
		want := map[crm.Role][]string{
			crm.RoleAdmin:   {"/", "/tiers", "/workflows", "/pool-rules", "/calendar", "/admin", "/admin/duty-requests"},
			crm.RoleAuditor: {"/", "/admin"},
			// No customer list that is always empty: these roles own no
			// customers and see none but through a grant or a record.
			crm.RoleTechnician: {"/", "/service-orders", "/projects", "/workflow-tasks", "/access-requests", "/calendar"},
			crm.RoleGMOffice:   {"/", "/complaints", "/tiers", "/workflow-tasks", "/events", "/access-requests", "/calendar"},
			crm.RoleQA:         {"/", "/complaints", "/projects", "/workflow-tasks", "/access-requests", "/calendar"},
			crm.RoleService: {"/", "/customers", "/complaints", "/service-orders", "/tiers", "/shipping", "/claims", "/workflow-tasks",
				"/events", "/calls", "/access-requests", "/calendar"},
		}[r]
		if want != nil && strings.Join(links, " ") != strings.Join(want, " ") {
			t.Errorf("%s's menu = %v, want %v", r, links, want)
		}
	}
	// Without a customer menu, a granted customer opens from the request.
	sm := e.formSignIn(c.users[crm.RoleSalesManager])
	m := regexp.MustCompile(`action="(/access-requests/\d+/approve)"`).FindStringSubmatch(string(e.page("/access-requests", "zh-CN", sm).Body))
	if m == nil {
		t.Fatal("the sales manager has no request to approve")
	}
	if r := e.post(m[1], sm, url.Values{"note": {"同意"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("approve = %d %s", r.Status, r.Body)
	}
	qa := e.formSignIn(c.users[crm.RoleQA])
	granted := regexp.MustCompile(`<a href="(/customers/\d+)" data-granted>`).FindStringSubmatch(string(e.page("/access-requests", "zh-CN", qa).Body))
	if granted == nil {
		t.Fatal("QA's approved request does not link the customer")
	}
	if r := e.page(granted[1], "zh-CN", qa); r.Status != 200 || !strings.Contains(string(r.Body), "广州白云精密机械制造有限责任公司华南区域销售分公司") {
		t.Errorf("QA opens the granted customer = %d", r.Status)
	}
	gm := map[string]string{"Cookie": e.formSignIn(c.users[crm.RoleGM])}
	for _, gone := range []string{"/dealers", "/satisfaction", "/reports"} {
		if res := e.do("GET", gone, nil, gm); res.Status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404: no placeholder pages", gone, res.Status)
		}
	}
}

func TestTheSystemConsoleIsTheAdministratorsAlone(t *testing.T) {
	e := sampleEnv(t)
	c := newSampleCompany(t, e)
	for _, r := range crm.Roles {
		res := e.do("GET", "/admin/system", nil, map[string]string{"Cookie": e.formSignIn(c.users[r])})
		want := http.StatusForbidden
		if r.Can(crm.ActSystemRead) {
			want = http.StatusOK
		}
		if res.Status != want {
			t.Errorf("%s opens the system console: %d, want %d", r, res.Status, want)
		}
	}
}

func TestTheDataCardTakesAndShowsMoneyInYuan(t *testing.T) {
	e := sampleEnv(t)
	c := newSampleCompany(t, e)
	cookie := e.formSignIn(c.users[crm.RoleAccountManager])
	path := "/customers/" + itoa(c.customer) + "/card"
	page := string(e.do("GET", path, nil, map[string]string{"Cookie": cookie}).Body)
	wantAll(t, "the card form", page, "每月平均销售实绩（元）", `name="values.monthly_sales_fen"`, `inputmode="decimal"`)
	if strings.Contains(page, "（分）") {
		t.Error("the card still asks for fen")
	}
	bad := e.post(path, cookie, map[string][]string{"surveyor": {"张伟"}, "surveyed_on": {"2026-11-02"}, "values.monthly_sales_fen": {"12.345"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.Body), "最多两位小数") {
		t.Errorf("an amount with three decimals = %d, want 422 saying so", bad.Status)
	}
	ok := e.post(path, cookie, map[string][]string{"surveyor": {"张伟"}, "surveyed_on": {"2026-11-02"}, "values.monthly_sales_fen": {"12,800.5"}})
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("saving the card = %d %s", ok.Status, ok.Body)
	}
	page = string(e.do("GET", path, nil, map[string]string{"Cookie": cookie}).Body)
	wantAll(t, "the saved card", page, `¥12800.50`, `value="12800.50"`)
	r := e.do("GET", "/api/v1/customers/"+itoa(c.customer)+"/card/revisions", nil, as(c.tokens[crm.RoleAccountManager]))
	if !strings.Contains(string(r.Body), `"monthly_sales_fen":"1280050"`) {
		t.Errorf("the card keeps %s, want 1280050 fen", r.Body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
