package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

// staffNamed adds a user with a name (display name), as people are in a
// company, and returns their API token.
func (e *env) staffNamed(username, name string, role crm.Role) string {
	e.t.Helper()
	id := identity.New(e.db, testAuth(), e.keys, nil)
	sys := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("test"))
	if _, err := id.AddUser(sys, identity.NewUser{Username: username, DisplayName: name, Role: role, Password: testPassword}, "en"); err != nil {
		e.t.Fatalf("add %s: %v", username, err)
	}
	r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+testPassword+`"}`), jsonHeader)
	var body struct{ Token string }
	if r.Status != 200 || json.Unmarshal(r.Body, &body) != nil {
		e.t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	return body.Token
}

// publicComplaint files a complaint on the public API and returns its ID
// as the service desk reads it.
func (e *env) publicComplaint(desk, body string) complaintOut {
	e.t.Helper()
	r := e.do("POST", "/api/v1/public/complaints", strings.NewReader(body), jsonHeader)
	var res struct{ Number string }
	if r.Status != 201 || json.Unmarshal(r.Body, &res) != nil {
		e.t.Fatalf("public intake = %d %s", r.Status, r.Body)
	}
	r = e.do("GET", "/api/v1/complaints", nil, as(desk))
	var list struct{ Items []complaintOut }
	if err := json.Unmarshal(r.Body, &list); err != nil {
		e.t.Fatal(err)
	}
	for _, c := range list.Items {
		if c.Number == res.Number {
			return c
		}
	}
	e.t.Fatalf("the service desk does not see %s: %s", res.Number, r.Body)
	return complaintOut{}
}

// step takes complaint id to `to` as token through the API.
func (e *env) step(token string, id int64, to, note string, fields map[string]string) response {
	e.t.Helper()
	var c complaintOut
	if err := json.Unmarshal(e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", id), nil, as(token)).Body, &c); err != nil {
		e.t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"to": to, "note": note, "version": c.Version, "fields": fields})
	return e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/transitions", id), strings.NewReader(string(b)), as(token))
}

// queueLists reports whether the complaint queue page (我的待办) shows
// complaint id to the user of cookie.
func (e *env) queueLists(cookie string, id int64) bool {
	e.t.Helper()
	r := e.page("/complaints", "zh-CN", cookie)
	if r.Status != 200 {
		e.t.Fatalf("the queue = %d", r.Status)
	}
	return strings.Contains(string(r.Body), fmt.Sprintf(`data-complaint="%d"`, id))
}

func TestTheGMOfficeRegistersReviewsAndAssignsComplaintsWithoutTheGM(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		desk := e.staffNamed("kefu", "吴客服", crm.RoleService)
		ma := e.staffNamed("ma.office", "马秘书", crm.RoleGMOffice)
		xu := e.staffNamed("xu.office", "许文员", crm.RoleGMOffice)
		e.staffNamed("wang.gm", "王总", crm.RoleGM)
		e.staffNamed("sun.qa", "孙质检", crm.RoleQA)
		deskC, maC, xuC, gmC, qaC := e.formSignIn("kefu"), e.formSignIn("ma.office"), e.formSignIn("xu.office"), e.formSignIn("wang.gm"), e.formSignIn("sun.qa")

		c := e.publicComplaint(desk, `{"name":"王女士","phone":"13812345678","category":"service","description":"上门服务迟到两小时"}`)
		// Registered: every GM-office clerk has it to do, and so has the
		// service desk (to link it to its customer); not the gm, whom only
		// major and overdue complaints reach.
		for who, cookie := range map[string]string{"ma.office": maC, "xu.office": xuC, "the service desk": deskC} {
			if !e.queueLists(cookie, c.ID) {
				t.Errorf("%s's to-do list lacks the registered complaint", who)
			}
		}
		if body := string(e.page("/complaints", "zh-CN", deskC).Body); !strings.Contains(body, "待关联客户") {
			t.Errorf("the service desk's list does not say the web complaint waits for its customer")
		}
		if e.queueLists(gmC, c.ID) || e.queueLists(qaC, c.ID) {
			t.Errorf("the gm or QA has a registered complaint to do")
		}
		if r := e.step(desk, c.ID, "accepted", "客服受理", nil); r.Status != http.StatusForbidden {
			t.Errorf("the service desk accepting = %d, want 403", r.Status)
		}
		// One clerk accepts, another assigns: nobody waits for one person.
		if r := e.step(ma, c.ID, "accepted", "登记审核完毕", map[string]string{"reply": "已受理，两个工作日内答复方案"}); r.Status != 200 {
			t.Fatalf("the GM office accepting = %d %s", r.Status, r.Body)
		}
		if !e.queueLists(xuC, c.ID) || e.queueLists(deskC, c.ID) {
			t.Errorf("the accepted complaint should wait for the GM office only")
		}
		if r := e.step(xu, c.ID, "assigned", "交客服部处理", map[string]string{"department": "service", "assignee": "kefu"}); r.Status != 200 {
			t.Fatalf("the GM office assigning = %d %s", r.Status, r.Body)
		}
		if !e.queueLists(deskC, c.ID) || e.queueLists(maC, c.ID) {
			t.Errorf("the assigned complaint should be in the assignee's list and out of the GM office's")
		}
		if r := e.do("GET", "/api/v1/audit?entity=complaint", nil, as(e.user("shen", crm.RoleAuditor))); !strings.Contains(string(r.Body), "ma.office") || !strings.Contains(string(r.Body), "xu.office") {
			t.Errorf("the steps are not audited by whom: %s", r.Body)
		}

		// A major complaint goes to the gm at once, and so into the gm's list.
		major := e.fileComplaint(desk, `{"caller_name":"李先生","caller_phone":"13900001111","channel":"phone","category":"product_quality","severity":"major","description":"批量漏电"}`)
		if !e.queueLists(gmC, major.ID) || !e.queueLists(maC, major.ID) {
			t.Errorf("a major complaint should be in the gm's and the GM office's lists")
		}
		// The gm may still stand in for the office.
		if r := e.step(e.formSignInToken(t, "wang.gm"), major.ID, "accepted", "总经理亲自受理", map[string]string{"order_no": "SO-1", "part_no": "P-1", "delivery_date": "2026-11-01", "demand": "召回"}); r.Status != 200 {
			t.Errorf("the gm standing in = %d %s", r.Status, r.Body)
		}
	})
}

// formSignInToken signs in through the API and returns the token.
func (e *env) formSignInToken(t *testing.T, username string) string {
	t.Helper()
	r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+testPassword+`"}`), jsonHeader)
	var body struct{ Token string }
	if r.Status != 200 || json.Unmarshal(r.Body, &body) != nil {
		t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	return body.Token
}

func TestAComplaintFromThePublicFormIsMatchedToItsCustomerAndLinkedInOneClick(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		desk := e.staffNamed("kefu", "吴客服", crm.RoleService)
		e.staffNamed("ma.office", "马秘书", crm.RoleGMOffice)
		office := e.formSignIn("ma.office")
		jx, r := o.create(o.am1, `{"name":"嘉兴电机有限公司"}`)
		if r.Status != 201 {
			t.Fatalf("customer: %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", jx.ID), strings.NewReader(`{"name":"王建国","mobile":"13800138000","is_primary":true}`), as(o.am1)); r.Status != 201 {
			t.Fatalf("contact: %d %s", r.Status, r.Body)
		}
		byPhone, _ := o.create(o.am3, `{"name":"宁波五金"}`)
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", byPhone.ID), strings.NewReader(`{"name":"赵六","mobile":"13700137000"}`), as(o.am3))
		o.create(o.am1, `{"name":"湖州纺织"}`) // matches nothing

		c := e.publicComplaint(desk, `{"name":"王建国","phone":"13800138000","company":"嘉兴电机","category":"product_quality","description":"电机异响"}`)
		r = e.do("GET", fmt.Sprintf("/api/v1/complaints/%d/customer-matches", c.ID), nil, as(desk))
		var m struct {
			Items []struct {
				CustomerID int64    `json:"customer_id"`
				Name       string   `json:"name"`
				By         []string `json:"matched_by"`
			}
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &m) != nil || len(m.Items) != 1 || m.Items[0].CustomerID != jx.ID ||
			strings.Join(m.Items[0].By, ",") != "name,phone" {
			t.Fatalf("the matches = %d %s, want 嘉兴电机有限公司 by name and phone", r.Status, r.Body)
		}
		other := e.publicComplaint(desk, `{"name":"赵六","phone":"137-0013-7000","category":"service","description":"送货晚了"}`)
		if r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%d/customer-matches", other.ID), nil, as(desk)); !strings.Contains(string(r.Body), `"name":"宁波五金","matched_by":["phone"]`) {
			t.Errorf("a caller found by phone alone: %s", r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%d/customer-matches", c.ID), nil, as(o.qa)); r.Status != http.StatusForbidden {
			t.Errorf("QA asking for matches = %d, want 403", r.Status)
		}
		// Before linking, the customer's account manager does not see it.
		if r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", c.ID), nil, as(o.am1)); r.Status != 404 {
			t.Errorf("the account manager sees an unlinked complaint: %d", r.Status)
		}

		// The page offers the match with a one-click link.
		detail := fmt.Sprintf("/complaints/%d", c.ID)
		body := string(e.page(detail, "zh-CN", office).Body)
		wantAll(t, "the unlinked complaint's page", body, `id="customer-matches"`, fmt.Sprintf(`data-customer="%d"`, jx.ID), "嘉兴电机有限公司", "名称相符", "联系人电话相符", "投诉人填写的单位：嘉兴电机")
		version := regexp.MustCompile(`action="/complaints/\d+/link"[^>]*>\s*<input type="hidden" name="version" value="(\d+)"`).FindStringSubmatch(body)
		if version == nil {
			t.Fatalf("no link form with a version:\n%s", body)
		}
		if r := e.post(detail+"/link", office, url.Values{"version": {"99"}, "customer_id": {fmt.Sprint(jx.ID)}}); r.Status != http.StatusConflict {
			t.Errorf("linking from a stale page = %d, want 409", r.Status)
		}
		r = e.post(detail+"/link", office, url.Values{"version": {version[1]}, "customer_id": {fmt.Sprint(jx.ID)}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != detail+"?notice=linked" {
			t.Fatalf("linking = %d → %q %s", r.Status, r.Header.Get("Location"), r.Body)
		}
		body = string(e.page(detail+"?notice=linked", "zh-CN", office).Body)
		wantAll(t, "the linked complaint", body, "已关联客户", "嘉兴")
		// The GM office has no customer list: the customer's name is not a
		// link to a page that would answer 404.
		if strings.Contains(body, fmt.Sprintf(`href="/customers/%d"`, jx.ID)) {
			t.Errorf("the GM office is offered a link to a customer page it may not open")
		}
		if strings.Contains(body, `id="customer-link"`) {
			t.Errorf("a linked complaint still offers to link")
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", c.ID), nil, as(o.am1)); r.Status != 200 || !strings.Contains(string(r.Body), fmt.Sprintf(`"customer_id":%d`, jx.ID)) {
			t.Errorf("the account manager of the linked customer = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/audit?entity=complaint", nil, as(o.auditor)); !strings.Contains(string(r.Body), `customer_id`) || !strings.Contains(string(r.Body), "ma.office") {
			t.Errorf("the link is not audited: %s", r.Body)
		}
		// The API links too: by customer, with the version; a customer that
		// does not exist is refused by field.
		var cur complaintOut
		_ = json.Unmarshal(e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", other.ID), nil, as(desk)).Body, &cur)
		if r := e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/link-customer", other.ID), strings.NewReader(fmt.Sprintf(`{"customer_id":999999,"version":%d}`, cur.Version)), as(desk)); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"customer_id"`) {
			t.Errorf("linking to no customer = %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/link-customer", other.ID), strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"version":%d}`, byPhone.ID, cur.Version)), as(desk)); r.Status != 200 || !strings.Contains(string(r.Body), fmt.Sprintf(`"customer_id":%d`, byPhone.ID)) {
			t.Errorf("linking through the API = %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/link-customer", other.ID), strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"version":%d}`, byPhone.ID, cur.Version+1)), as(o.qa)); r.Status != http.StatusForbidden {
			t.Errorf("QA linking = %d, want 403", r.Status)
		}
	})
}

func TestAssignmentPicksADepartmentAndAPersonByNameFromLists(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		desk := e.staffNamed("kefu", "吴客服", crm.RoleService)
		office := e.staffNamed("ma.office", "马秘书", crm.RoleGMOffice)
		e.staffNamed("sun.qa", "孙质检", crm.RoleQA)
		e.staffNamed("qian.prod", "钱生产", crm.RoleProduction)
		cookie := e.formSignIn("ma.office")
		c := e.fileComplaint(desk, `{"caller_name":"李先生","caller_phone":"13900001111","channel":"phone","category":"service","description":"客服态度差"}`)
		if r := e.step(office, c.ID, "accepted", "登记审核完毕", nil); r.Status != 200 {
			t.Fatalf("accept = %d %s", r.Status, r.Body)
		}
		detail := fmt.Sprintf("/complaints/%d", c.ID)
		body := string(e.page(detail, "zh-CN", cookie).Body)
		wantAll(t, "the assignment form", body, `<select name="department"`, `<option value="qa">质量管理部</option>`, `<option value="service">客服部</option>`,
			`<select name="assignee"`, `<optgroup label="质量管理部" data-department="qa"><option value="sun.qa">孙质检</option></optgroup>`,
			`<option value="kefu">吴客服</option>`, `<option value="qian.prod">钱生产</option>`)
		if strings.Contains(body, `list="assignees"`) || strings.Contains(body, "用户名") {
			t.Errorf("the assignment still asks for a typed username")
		}
		// A person from another department than the one chosen is refused,
		// in the page's language, and the choices are kept.
		for lang, want := range map[string]string{"zh-CN": "钱生产 不在质量管理部", "en": "钱生产 is not in Quality management"} {
			version := versionInput.FindStringSubmatch(string(e.page(detail, lang, cookie).Body))[1]
			r := e.postIn(detail+"/move", lang, cookie, url.Values{"to": {"assigned"}, "version": {version}, "note": {"交质量部"}, "department": {"qa"}, "assignee": {"qian.prod"}})
			if r.Status != 422 || !strings.Contains(string(r.Body), want) || !strings.Contains(string(r.Body), `<option value="qian.prod" selected>`) {
				t.Errorf("[%s] a person outside the department = %d, want %q:\n%s", lang, r.Status, want, r.Body)
			}
		}
		version := versionInput.FindStringSubmatch(string(e.page(detail, "zh-CN", cookie).Body))[1]
		if r := e.post(detail+"/move", cookie, url.Values{"to": {"assigned"}, "version": {version}, "note": {"交质量部"}, "department": {"qa"}, "assignee": {"sun.qa"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("assign = %d %s", r.Status, r.Body)
		}
		body = string(e.page(detail, "zh-CN", cookie).Body)
		wantAll(t, "the assigned complaint", body, `<dd id="complaint-department">质量管理部</dd>`, "孙质检")
		if strings.Contains(e.queuePage(cookie), "sun.qa") {
			t.Errorf("a list shows the username instead of the name")
		}
	})
}

// queuePage is every open complaint's queue page in Chinese.
func (e *env) queuePage(cookie string) string {
	return string(e.page("/complaints?all=1", "zh-CN", cookie).Body)
}
