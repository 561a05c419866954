package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTheApproverDecidesFromTheInboxPageInBothLanguages(t *testing.T) {
	e := newEnvSQLite(t)
	o := newOrderOrg(t, e)
	ord, r := o.submit(o.am1, o.orderBody("2"))
	if r.Status != 201 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	mgr := e.formSignIn("mgr_a")
	for lang, words := range map[string][]string{"zh-CN": {"审批待办", "销售审核", "同意"}, "en": {"Approvals to decide", "Sales review", "Approve"}} {
		p := e.page("/workflow-tasks", lang, mgr)
		if p.Status != 200 {
			t.Fatalf("inbox %s: %d", lang, p.Status)
		}
		wantAll(t, "the inbox in "+lang, string(p.Body), append(words, fmt.Sprintf(`data-entity-id="%d"`, ord.ID), fmt.Sprintf(`action="/orders/%d/decide"`, ord.ID))...)
	}
	// A wrong approver clicking is refused on the page, with the step named.
	fin := e.formSignIn("caiwu")
	r = e.post(fmt.Sprintf("/orders/%d/decide", ord.ID), fin, url.Values{"decision": {"approve"}, "back": {"inbox"}})
	if r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "销售审核") {
		t.Errorf("finance decides the sales step: %d", r.Status)
	}
	r = e.post(fmt.Sprintf("/orders/%d/decide", ord.ID), mgr, url.Values{"decision": {"approve"}, "comment": {"可以"}, "back": {"inbox"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/workflow-tasks?notice=decided" {
		t.Fatalf("one-click approve: %d %s", r.Status, r.Header.Get("Location"))
	}
	p := e.page(fmt.Sprintf("/orders/%d", ord.ID), "zh-CN", fin)
	wantAll(t, "the order page for finance", string(p.Body), "财务确认到款", "可以", `id="decide"`, "湖州站", "航空（费用由经销商承担）")
	if p := e.page("/orders", "en", fin); p.Status != 200 || !strings.Contains(string(p.Body), ord.Code) {
		t.Errorf("the order list: %d", p.Status)
	}
}

func TestAnAdminSavesAWorkflowAsANewVersionFromTheEditor(t *testing.T) {
	e := newEnvSQLite(t)
	admin := e.signIn("root", "admin")
	p := e.page("/workflows", "zh-CN", admin)
	if p.Status != 200 || !strings.Contains(string(p.Body), "订货申请审批") {
		t.Fatalf("workflow list: %d", p.Status)
	}
	p = e.page("/workflows/1", "en", admin)
	wantAll(t, "the editor", string(p.Body), "Save as a new version", `name="name_3"`, `name="name_4"`, "Goods department confirms")
	form := url.Values{"version": {"1"}, "rows": {"5"}, "name": {"订货申请审批"}}
	for i, s := range []struct{ name, role string }{{"销售审核", "sales_manager"}, {"财务确认到款", "finance"}, {"总经理审批", "gm"}, {"货物部门确认", "warehouse"}, {"大额复核", "gm"}} {
		k := fmt.Sprint(i)
		form.Set("name_"+k, s.name)
		form.Set("kind_"+k, "role")
		form.Set("role_"+k, s.role)
		form.Set("mode_"+k, "any")
		form.Set("deadline_"+k, "8")
	}
	form.Set("conditions_4", "amount gte 1000000")
	r := e.post("/workflows/1", admin, form)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/workflows/1?saved=2" {
		t.Fatalf("save: %d %s %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	form.Set("version", "2")
	form.Set("conditions_4", "amount bigger")
	if r := e.post("/workflows/1", admin, form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "form-error") {
		t.Errorf("a bad condition: %d", r.Status)
	}
	if n := e.countRows("SELECT COUNT(*) FROM workflow_definition_versions WHERE definition_id = 1"); n != 2 {
		t.Errorf("%d versions kept, want 2", n)
	}
}
