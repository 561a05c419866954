package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

// archive is a team for the customer pages: two account managers of
// 华东, each signed in through the form.
type archive struct {
	e        *env
	am1, am2 string // session cookies
}

func newArchive(e *env) archive {
	e.userIn("mgr_a", crm.RoleSalesManager, "华东", "")
	e.userIn("am1", crm.RoleAccountManager, "华东", "mgr_a")
	e.userIn("am2", crm.RoleAccountManager, "华东", "mgr_a")
	return archive{e: e, am1: e.formSignIn("am1"), am2: e.formSignIn("am2")}
}

var createdAt = regexp.MustCompile(`^/customers/(\d+)\?notice=created$`)

// add creates a customer through the form as cookie and returns its page.
func (a archive) add(cookie string, form url.Values) string {
	a.e.t.Helper()
	r := a.e.post("/customers", cookie, form)
	m := createdAt.FindStringSubmatch(r.Header.Get("Location"))
	if r.Status != http.StatusSeeOther || m == nil {
		a.e.t.Fatalf("POST /customers = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	return "/customers/" + m[1]
}

// body gets a page in lang and fails unless it answers status.
func (a archive) body(path, lang, cookie string, status int) string {
	a.e.t.Helper()
	r := a.e.page(path, lang, cookie)
	if r.Status != status {
		a.e.t.Fatalf("GET %s = %d, want %d:\n%s", path, r.Status, status, r.Body)
	}
	return string(r.Body)
}

func wantAll(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, body)
		}
	}
}

// The list searches with SQL of its own on each engine, so this runs on both.
func TestAnAccountManagerKeepsACustomerThroughThePages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		wantAll(t, "the empty list", a.body("/customers", "en", a.am1, 200), "No customers yet.", `href="/customers/new"`)
		wantAll(t, "the new-customer form", a.body("/customers/new", "zh-CN", a.am1, 200), `id="customer-form"`, "统一社会信用代码")
		page := a.add(a.am1, url.Values{"kind": {"company"}, "name": {"华为技术有限公司"}, "short_name": {"华为"},
			"uscc": {"91350100M000100Y43"}, "region_code": {"320500"}, "industry_code": {"C"}, "source": {"trade_fair"}, "stage": {"important"}})
		a.add(a.am1, url.Values{"name": {"重庆长安汽车"}})

		body := a.body(page+"?notice=created", "zh-CN", a.am1, 200)
		wantAll(t, "the new customer's page", body, `id="notice">客户已创建。<`, "<h1 id=\"customer-name\">华为技术有限公司</h1>",
			`id="customer-uscc">91350100M000100Y43<`, `data-stage="important">重要<`, "展会", `id="no-complaints">该客户没有客诉。<`, `id="contact-form"`, `id="interaction-form"`)

		t.Run("finds it by pinyin initials, full pinyin and short name, and filters by stage", func(t *testing.T) {
			for _, q := range []string{"hw", "huawei", "华为"} {
				wantAll(t, "the search for "+q, a.body("/customers?q="+url.QueryEscape(q), "en", a.am1, 200), "华为技术有限公司", `value="`+q+`"`)
			}
			if body := a.body("/customers?q=hw&stage=general", "en", a.am1, 200); strings.Contains(body, "华为技术有限公司") || !strings.Contains(body, "No customer matches.") {
				t.Errorf("the stage filter kept an important customer:\n%s", body)
			}
			body := a.body("/customers?stage=important", "zh-CN", a.am1, 200)
			if !strings.Contains(body, "华为技术有限公司") || strings.Contains(body, "重庆长安汽车") || !strings.Contains(body, `<option value="important" selected>重要</option>`) {
				t.Errorf("the list filtered to important customers is wrong:\n%s", body)
			}
		})

		t.Run("changes it at the version the form was read at", func(t *testing.T) {
			wantAll(t, "the edit form", a.body(page+"/edit", "en", a.am1, 200), `name="version" value="1"`, `value="华为技术有限公司"`)
			form := url.Values{"version": {"1"}, "kind": {"company"}, "name": {"华为技术有限公司"}, "short_name": {"华为"}, "uscc": {"91350100M000100Y43"},
				"region_code": {"320500"}, "industry_code": {"C"}, "source": {"trade_fair"}, "stage": {"strategic"}, "notes": {"年度重点"}}
			if r := e.post(page+"/edit", a.am1, form); r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?notice=updated" {
				t.Fatalf("POST edit = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
			}
			wantAll(t, "the changed customer", a.body(page, "zh-CN", a.am1, 200), `data-stage="strategic">战略<`, "年度重点", `id="customer-version">2<`)
			form.Set("stage", "churned")
			r := e.do("POST", page+"/edit", strings.NewReader(form.Encode()), map[string]string{
				"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=en; " + a.am1})
			if r.Status != http.StatusConflict {
				t.Fatalf("a stale version = %d, want 409", r.Status)
			}
			wantAll(t, "the stale form", string(r.Body), `id="form-error">Someone else changed this customer`, `href="`+page+`/edit" id="reload"`,
				`<option value="churned" selected>`)
		})

		t.Run("adds contacts with masked mobiles and refuses a duplicate number until told", func(t *testing.T) {
			r := e.post(page+"/contacts", a.am1, url.Values{"name": {"张伟"}, "title": {"采购经理"}, "mobile": {"13800138000"}, "is_primary": {"true"}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?notice=contact#contacts" {
				t.Fatalf("add contact = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
			}
			body := a.body(page, "zh-CN", a.am1, 200)
			wantAll(t, "the contacts", body, "<td>张伟</td>", "<td>采购经理</td>", "<td data-mobile>138****8000</td>")
			if strings.Contains(body, "13800138000") {
				t.Error("the page shows the full mobile number")
			}
			other := a.add(a.am1, url.Values{"name": {"深圳华强电子"}})
			form := url.Values{"name": {"李娜"}, "mobile": {"138 0013 8000"}}
			r = e.do("POST", other+"/contacts", strings.NewReader(form.Encode()), map[string]string{
				"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=en; " + a.am1})
			wantAll(t, "the duplicate refusal", string(r.Body), `id="contact-mobile-error">Already in use: this mobile number already belongs to 张伟`,
				`name="force" value="true"`, `value="李娜"`)
			if r.Status != http.StatusConflict {
				t.Errorf("a duplicate mobile = %d, want 409", r.Status)
			}
			form.Set("force", "true")
			if r := e.post(other+"/contacts", a.am1, form); r.Status != http.StatusSeeOther {
				t.Errorf("adding anyway = %d:\n%s", r.Status, r.Body)
			}
			wantAll(t, "the search by mobile ending", a.body("/customers?q=8000", "en", a.am1, 200), "华为技术有限公司", "深圳华强电子")
		})

		t.Run("records interactions, newest first, with a next step due at the end of the day", func(t *testing.T) {
			china := time.FixedZone("CST", 8*3600)
			due := time.Now().In(china).AddDate(0, 0, 2).Format(time.DateOnly)
			for _, form := range []url.Values{
				{"channel": {"visit"}, "content": {"上门介绍新产品"}, "feedback": {"有兴趣"}, "next_step": {"寄样品"}, "next_due_at": {due}},
				{"channel": {"phone"}, "content": {"确认交期"}},
			} {
				if r := e.post(page+"/interactions", a.am1, form); r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?notice=interaction#timeline" {
					t.Fatalf("add interaction = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
				}
			}
			body := a.body(page, "zh-CN", a.am1, 200)
			wantAll(t, "the timeline", body, "上门介绍新产品", "有兴趣", "寄样品", `data-channel="visit">拜访<`, due+" 23:59</time>", "· am1</header>")
			if strings.Index(body, "确认交期") > strings.Index(body, "上门介绍新产品") {
				t.Error("the timeline is not newest first")
			}
		})
	})
}

func TestCustomersOutOfScopeAreNotFoundAndRefusedRolesForbidden(t *testing.T) {
	e := newEnvSQLite(t)
	a := newArchive(e)
	page := a.add(a.am1, url.Values{"name": {"苏州华达机械有限公司"}})
	tests := []struct {
		name, method, path, cookie string
		status                     int
	}{
		{"a colleague reading it", "GET", page, a.am2, http.StatusNotFound},
		{"a colleague editing it", "GET", page + "/edit", a.am2, http.StatusNotFound},
		{"a colleague saving it", "POST", page + "/edit", a.am2, http.StatusNotFound},
		{"a colleague adding a contact", "POST", page + "/contacts", a.am2, http.StatusNotFound},
		{"a colleague recording an interaction", "POST", page + "/interactions", a.am2, http.StatusNotFound},
		{"anyone asking for a customer that does not exist", "GET", "/customers/999999", a.am1, http.StatusNotFound},
		{"anyone asking for a customer ID that is no number", "GET", "/customers/KH1", a.am1, http.StatusNotFound},
		{"the administrator reading the list", "GET", "/customers", e.signIn("root", crm.RoleAdmin), http.StatusForbidden},
		{"the auditor reading it", "GET", page, e.signIn("shen", crm.RoleAuditor), http.StatusForbidden},
		{"customer service opening the new-customer form", "GET", "/customers/new", e.signIn("kf", crm.RoleService), http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run("answers "+tt.name+" with the "+fmt.Sprint(tt.status)+" page", func(t *testing.T) {
			form := url.Values{"version": {"1"}, "name": {"改名"}, "channel": {"phone"}, "content": {"x"}}
			r := e.do(tt.method, tt.path, strings.NewReader(form.Encode()), map[string]string{
				"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=en; " + tt.cookie})
			body := string(r.Body)
			if r.Status != tt.status || strings.Contains(body, "苏州华达机械有限公司") || strings.Contains(body, "改名") {
				t.Errorf("%s %s = %d, want %d and no customer data:\n%s", tt.method, tt.path, r.Status, tt.status, body)
			}
		})
	}
	if body := a.body("/customers", "en", a.am2, 200); strings.Contains(body, "苏州华达机械有限公司") {
		t.Error("a colleague's list shows the customer")
	}
	body := a.body(page, "en", e.formSignIn("kf"), 200)
	if strings.Contains(body, `id="contact-form"`) || strings.Contains(body, `id="edit-customer"`) || !strings.Contains(body, "苏州华达机械有限公司") {
		t.Errorf("customer service, who reads every customer and changes none, should see it without forms:\n%s", body)
	}
	if r := e.get(page); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login?next=") {
		t.Errorf("GET %s anonymously = %d → %q", page, r.Status, r.Header.Get("Location"))
	}
}

func TestTheCustomerFormsShowWhatIsWrongNextToTheField(t *testing.T) {
	e := newEnvSQLite(t)
	a := newArchive(e)
	page := a.add(a.am1, url.Values{"name": {"宁波海港物流"}, "uscc": {"91350100M000100Y43"}})
	tests := []struct {
		name, lang, path string
		form             url.Values
		status           int
		want             string
	}{
		{"a USCC of the wrong length, in Chinese", "zh-CN", "/customers", url.Values{"name": {"甲"}, "uscc": {"9135010"}}, 422,
			`id="uscc-error">统一社会信用代码应为18位，实际为7位<`},
		{"a USCC of the wrong length, in English", "en", "/customers", url.Values{"name": {"甲"}, "uscc": {"9135010"}}, 422,
			`id="uscc-error">a unified social credit code has 18 characters, not 7<`},
		{"a USCC another customer has", "en", "/customers", url.Values{"name": {"乙"}, "uscc": {"91350100M000100Y43"}}, 409,
			`id="uscc-error">This code is already used by customer KH`},
		{"a name another customer has, with the choice to add it anyway", "en", "/customers", url.Values{"name": {"宁波海港物流"}}, 409,
			`id="name-error">Already in use: a customer with this name already exists: KH00000001 宁波海港物流. If`},
		{"no name", "zh-CN", "/customers", url.Values{"name": {"  "}}, 422, `id="name-error">请填写客户名称。<`},
		{"an unknown region", "en", "/customers", url.Values{"name": {"甲"}, "region_code": {"999999"}}, 422, `id="region_code-error">there is no region with code 999999<`},
		{"an unknown stage", "en", "/customers", url.Values{"name": {"甲"}, "stage": {"vip"}}, 422, `id="stage-error">Choose one of the stages.<`},
		{"an edit without a name", "en", page + "/edit", url.Values{"version": {"1"}, "name": {""}}, 422, `id="name-error">Enter the customer&#39;s name.<`},
		{"a contact without a name", "en", page + "/contacts", url.Values{"name": {""}, "mobile": {"13912345678"}}, 422,
			`id="contact-name-error">Enter the contact&#39;s name, at most 50 characters.<`},
		{"a contact with a bad mobile, in Chinese", "zh-CN", page + "/contacts", url.Values{"name": {"王芳"}, "mobile": {"1391234"}}, 422,
			`id="contact-mobile-error">手机号应为11位数字，实际为7位<`},
		{"a next step without a due day", "zh-CN", page + "/interactions", url.Values{"channel": {"phone"}, "content": {"回访"}, "next_step": {"报价"}}, 422,
			`id="interaction-next_due_at-error">填写了下一步，请同时填写截止日期。<`},
		{"a due day in the past", "en", page + "/interactions", url.Values{"channel": {"phone"}, "content": {"回访"}, "next_due_at": {"2020-01-02"}}, 422,
			`id="interaction-next_due_at-error">The day must not lie in the past.<`},
		{"a due day that is no day", "en", page + "/interactions", url.Values{"channel": {"phone"}, "content": {"回访"}, "next_due_at": {"tomorrow"}}, 422,
			`id="interaction-next_due_at-error">Enter a day such as 2026-11-30.<`},
		{"an empty interaction", "en", page + "/interactions", url.Values{"channel": {"fax"}, "content": {" "}}, 422,
			`id="interaction-content-error">Say what was discussed`},
	}
	for _, tt := range tests {
		t.Run("shows "+tt.name, func(t *testing.T) {
			r := e.do("POST", tt.path, strings.NewReader(tt.form.Encode()), map[string]string{
				"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=" + tt.lang + "; " + a.am1})
			body := string(r.Body)
			if r.Status != tt.status || !strings.Contains(body, tt.want) || strings.Contains(body, "⟦") {
				t.Errorf("POST %s = %d, want %d with %q:\n%s", tt.path, r.Status, tt.status, tt.want, body)
			}
			for _, name := range []string{"uscc", "region_code", "mobile", "next_step", "next_due_at"} {
				if v := tt.form.Get(name); v != "" && !strings.Contains(body, `value="`+v+`"`) {
					t.Errorf("the form lost the input %s=%q", name, v)
				}
			}
		})
	}
	if body := a.body("/customers", "en", a.am1, 200); strings.Count(body, "<tr data-customer=") != 1 {
		t.Errorf("refused forms stored customers:\n%s", body)
	}
	if body := a.body(page, "en", a.am1, 200); !strings.Contains(body, "No contacts yet.") || !strings.Contains(body, "No interactions recorded yet.") {
		t.Errorf("refused forms stored contacts or interactions:\n%s", body)
	}
	same := url.Values{"name": {"宁波海港物流"}}
	if r := e.post("/customers", a.am1, same); !strings.Contains(string(r.Body), `name="force" value="true"`) {
		t.Errorf("a duplicate name does not offer to add it anyway:\n%s", r.Body)
	}
	same.Set("force", "true")
	a.add(a.am1, same)
}

func TestTheCustomerPagesRenderInBothLanguagesAndPage(t *testing.T) {
	e := newEnvSQLite(t)
	a := newArchive(e)
	first := a.add(a.am1, url.Values{"name": {"杭州云杉科技"}})
	second := a.add(a.am1, url.Values{"name": {"南通远航船舶"}})
	e.post(second+"/contacts", a.am1, url.Values{"name": {"赵磊"}, "mobile": {"13700001111"}})
	e.post(second+"/interactions", a.am1, url.Values{"channel": {"wechat"}, "content": {"发送报价单"}})
	e.post(second+"/interactions", a.am1, url.Values{"channel": {"meeting"}, "content": {"年度座谈会"}})
	for _, lang := range []string{"zh-CN", "en"} {
		for _, path := range []string{"/customers", "/customers?q=yhcb", "/customers/new", second, second + "/edit", second + "?notice=contact"} {
			t.Run(lang+" "+path, func(t *testing.T) {
				body := a.body(path, lang, a.am1, 200)
				if !strings.Contains(body, `<html lang="`+lang+`">`) || strings.Contains(body, "⟦") {
					t.Errorf("GET %s is not in %s or shows a message key with no text:\n%s", path, lang, body)
				}
			})
		}
	}
	body := a.body("/customers?limit=1", "en", a.am1, 200)
	m := regexp.MustCompile(`href="([^"]+)" id="more"`).FindStringSubmatch(body)
	if !strings.Contains(body, "南通远航船舶") || strings.Contains(body, "杭州云杉科技") || m == nil {
		t.Fatalf("the first page of one customer does not show the newest with a more link:\n%s", body)
	}
	body = a.body(strings.ReplaceAll(m[1], "&amp;", "&"), "en", a.am1, 200)
	if !strings.Contains(body, `href="`+first+`"`) || !strings.Contains(body, "First page") {
		t.Errorf("the second page does not show the older customer:\n%s", body)
	}
	if r := e.page("/customers?cursor=%25%25", "en", a.am1); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "That page link is no longer valid") {
		t.Errorf("a forged page link = %d, want 400 and a message", r.Status)
	}
	body = a.body(second+"?limit=1", "en", a.am1, 200)
	m = regexp.MustCompile(`href="([^"]+)" id="older"`).FindStringSubmatch(body)
	if !strings.Contains(body, "年度座谈会") || strings.Contains(body, "发送报价单") || m == nil {
		t.Fatalf("the timeline's first page of one does not show the newest with an older link:\n%s", body)
	}
	if body := a.body(strings.ReplaceAll(m[1], "&amp;", "&"), "en", a.am1, 200); !strings.Contains(body, "发送报价单") {
		t.Errorf("the timeline's older page lacks the first interaction:\n%s", body)
	}
}

func TestTheListOffersExportsOfWhatItShowsToRolesThatMayExport(t *testing.T) {
	e := newEnvSQLite(t)
	a := newArchive(e)
	a.add(a.am1, url.Values{"name": {"温州鞋业"}})
	body := a.body("/customers?q="+url.QueryEscape("温州")+"&stage=potential", "en", a.am1, 200)
	csv := `href="/api/v1/customers/export?format=csv&amp;q=%E6%B8%A9%E5%B7%9E&amp;stage=potential" id="export-csv"`
	wantAll(t, "the filtered list", body, csv, `href="/api/v1/customers/export?format=xlsx&amp;q=%E6%B8%A9%E5%B7%9E&amp;stage=potential" id="export-xlsx"`)
	r := e.do("GET", "/api/v1/customers/export?format=csv&q="+url.QueryEscape("温州")+"&stage=potential", nil, map[string]string{"Cookie": a.am1})
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "温州鞋业") {
		t.Errorf("the export link with the page's session = %d:\n%s", r.Status, r.Body)
	}
	e.userIn("qa1", crm.RoleQA, "", "")
	for _, lang := range []string{"zh-CN", "en"} {
		if body := a.body("/customers", lang, e.formSignIn("qa1"), 200); strings.Contains(body, "/api/v1/customers/export") || strings.Contains(body, "⟦") {
			t.Errorf("QA, who may not export, is offered the export in %s:\n%s", lang, body)
		}
	}
}

func TestTheCustomerFormKeepsTagsBandsAndCustomFields(t *testing.T) {
	e := newEnvSQLite(t)
	a := newArchive(e)
	admin := e.user("root", crm.RoleAdmin)
	fields := `{"version":1,"fields":[{"key":"wechat_group","label_zh":"微信群","label_en":"WeChat group","type":"choice","options":["已加入","未加入"]},` +
		`{"key":"visits","label_zh":"年拜访次数","label_en":"Visits a year","type":"number"}]}`
	if r := e.do("PUT", "/api/v1/customer-fields", strings.NewReader(fields), as(admin)); r.Status != http.StatusOK {
		t.Fatalf("defining custom fields = %d %s", r.Status, r.Body)
	}
	for _, lang := range []string{"zh-CN", "en"} {
		body := a.body("/customers/new", lang, a.am1, 200)
		wantAll(t, "the new-customer form in "+lang, body, `<select name="employee_band">`, `<option value="100-499">100-499</option>`,
			`<select name="revenue_band">`, `name="tags"`, `<select name="custom_fields.wechat_group">`, `type="number" step="1" name="custom_fields.visits"`)
		if strings.Contains(body, "⟦") {
			t.Errorf("the form in %s shows a message key with no text", lang)
		}
	}
	page := a.add(a.am1, url.Values{"name": {"义乌小商品"}, "employee_band": {"100-499"}, "revenue_band": {"1000万-5000万"},
		"tags": {" 外贸，重点 , 义乌,, "}, "custom_fields.wechat_group": {"已加入"}, "custom_fields.visits": {""}})
	wantAll(t, "the customer's page", a.body(page, "zh-CN", a.am1, 200), `id="customer-employee-band">100-499<`,
		`id="customer-revenue-band">1000万-5000万<`, `<mark data-tag>义乌</mark> <mark data-tag>外贸</mark> <mark data-tag>重点</mark>`,
		`<dt>微信群</dt><dd data-custom="wechat_group">已加入</dd>`)
	wantAll(t, "the edit form", a.body(page+"/edit", "en", a.am1, 200), `value="义乌, 外贸, 重点"`,
		`<option value="100-499" selected>`, `<option value="已加入" selected>`)

	edit := url.Values{"version": {"1"}, "name": {"义乌小商品"}, "employee_band": {"1000+"}, "tags": {"外贸"}, "custom_fields.visits": {"很多"}}
	r := e.do("POST", page+"/edit", strings.NewReader(edit.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=en; " + a.am1})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `id="custom-visits-error">Enter a whole number.<`) || !strings.Contains(string(r.Body), `value="很多"`) {
		t.Errorf("a custom number that is no number = %d, want 422 next to the field:\n%s", r.Status, r.Body)
	}
	edit.Set("custom_fields.visits", "12")
	if r := e.post(page+"/edit", a.am1, edit); r.Status != http.StatusSeeOther {
		t.Fatalf("the edit = %d:\n%s", r.Status, r.Body)
	}
	body := a.body(page, "en", a.am1, 200)
	wantAll(t, "the changed customer", body, `id="customer-employee-band">1000&#43;<`, `id="customer-revenue-band">—<`,
		`id="customer-tags"><mark data-tag>外贸</mark></dd>`, `<dd data-custom="visits">12</dd>`)
	if strings.Contains(body, "wechat_group") {
		t.Error("a custom field emptied in the form is still shown")
	}
}

// postIn sends a form as the browser does, in lang, with the cookie of a
// session.
func (e *env) postIn(path, lang, cookie string, form url.Values) response {
	e.t.Helper()
	return e.do("POST", path, strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=" + lang + "; " + cookie})
}

// wantNone fails for each of unwanted that body contains.
func wantNone(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("%s has %q:\n%s", what, u, body)
		}
	}
}

// unescape turns a link as the page writes it into a path to get.
func unescape(href string) string { return strings.ReplaceAll(href, "&amp;", "&") }

var beijing = time.FixedZone("CST", 8*3600)

// disable disables a user as `kehu user disable` does.
func (e *env) disable(username string) {
	e.t.Helper()
	id := identity.New(e.db, testAuth(), nil, nil)
	sys := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("test"))
	if _, err := id.DisableUser(sys, username); err != nil {
		e.t.Fatalf("disable %s: %v", username, err)
	}
}
