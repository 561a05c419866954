package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// Issue #17's black-box pass (points 3 and 4): who may decide, what the
// conditions read, merges, amounts, separation of duties, adjustments.

func TestAnApproverDecidesOnlyOrdersTheyCanRead(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		mgrC := e.userIn("mgr_c", crm.RoleSalesManager, "华南", "gm")
		ord, r := o.submit(o.am1, o.orderBody("2"))
		if r.Status != 201 {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		// A sales manager of another team is not named by the sales step,
		// does not see it, and cannot decide it: the order is 404 to him.
		if hasOrderTask(inboxTasks(t, e, mgrC), ord.ID) {
			t.Error("another team's sales manager has the order in his inbox")
		}
		if g := e.do("GET", fmt.Sprintf("/api/v1/orders/%d", ord.ID), nil, as(mgrC)); g.Status != 404 {
			t.Fatalf("another team's manager reads the order: %d", g.Status)
		}
		if _, r := o.decide(mgrC, ord.ID, "approve", "越权"); r.Status != 404 {
			t.Errorf("another team's sales manager decides = %d %s, want 404", r.Status, r.Body)
		}
		// A delegate who cannot read the customer neither sees nor decides
		// the delegator's step.
		to := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
		if r := e.do("POST", "/api/v1/delegations", strings.NewReader(fmt.Sprintf(`{"delegate_id":%d,"to":%q}`, e.userID("mgr_c"), to)), as(o.mgrA)); r.Status != 201 {
			t.Fatalf("delegate: %d %s", r.Status, r.Body)
		}
		if hasOrderTask(inboxTasks(t, e, mgrC), ord.ID) {
			t.Error("a delegate outside the customer's scope sees the step")
		}
		if _, r := o.decide(mgrC, ord.ID, "approve", "代批"); r.Status != 404 {
			t.Errorf("a delegate outside the scope decides = %d %s, want 404", r.Status, r.Body)
		}
		if got, r := o.decide(o.mgrA, ord.ID, "approve", "同意"); r.Status != 200 || got.CurrentStep != "财务确认到款" {
			t.Errorf("the team's manager decides = %d %s", r.Status, r.Body)
		}
	})
}

func TestOrderConditionsReadTheProductLineAndTheCustomersTier(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		admin := e.user("root2", crm.RoleAdmin)
		steps := `[{"key":"pump","name":"水泵线审核","approver":{"kind":"role","role":"gm"},"conditions":[{"fact":"product_line","op":"eq","value":"水泵"}]},
			{"key":"a","name":"A类客户审核","approver":{"kind":"role","role":"finance"},"conditions":[{"fact":"tier_level","op":"in","value":"abc:A"}]},
			{"key":"goods","name":"货物部门确认","approver":{"kind":"role","role":"warehouse"}}]`
		if r := e.do("PUT", "/api/v1/workflows/1", strings.NewReader(`{"version":1,"steps":`+steps+`}`), as(admin)); r.Status != 200 {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		pump, r := e.product(o.gm, `{"code":"SB-1","name":"离心泵","product_line":"水泵","list_price":"10.00"}`)
		if r.Status != 201 {
			t.Fatalf("product: %d %s", r.Status, r.Body)
		}
		if _, err := e.db.Exec(context.Background(), `INSERT INTO customer_tiers (scheme_id, customer_id, level, since, source, inputs)
			VALUES ((SELECT id FROM tier_schemes WHERE code = 'abc'), ?, 'A', ?, 'override', '{}')`, o.customer, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		body := fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1},{"product_id":%d,"quantity":1}]}`, o.customer, o.product, pump.ID)
		ord, r := o.submit(o.am1, body)
		if r.Status != 201 || ord.CurrentStep != "水泵线审核" {
			t.Fatalf("a pump order's first step = %q (%d %s), want 水泵线审核", ord.CurrentStep, r.Status, r.Body)
		}
		if got, r := o.decide(o.gm, ord.ID, "approve", "ok"); r.Status != 200 || got.CurrentStep != "A类客户审核" {
			t.Errorf("a class A customer's next step = %q (%d %s), want A类客户审核", got.CurrentStep, r.Status, r.Body)
		}
		other, _ := o.submit(o.am1, fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1}]}`, o.customer, o.product))
		if other.CurrentStep != "A类客户审核" {
			t.Errorf("an order without pumps starts at %q, want A类客户审核", other.CurrentStep)
		}
	})
}

func TestMergingCustomersMovesTheirOrdersAndApprovals(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		dup, r := o.create(o.am1, `{"name":"湖州经销二号有限公司"}`)
		if r.Status != 201 {
			t.Fatalf("customer: %d %s", r.Status, r.Body)
		}
		ord, r := o.submit(o.am1, fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1}]}`, dup.ID, o.product))
		if r.Status != 201 {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/merge", o.customer), strings.NewReader(fmt.Sprintf(`{"from_id":%d,"version":1}`, dup.ID)), as(o.am1)); r.Status != 200 {
			t.Fatalf("merge: %d %s", r.Status, r.Body)
		}
		var got struct {
			CustomerID int64 `json:"customer_id"`
		}
		if g := e.do("GET", fmt.Sprintf("/api/v1/orders/%d", ord.ID), nil, as(o.am1)); g.Status != 200 || json.Unmarshal(g.Body, &got) != nil || got.CustomerID != o.customer {
			t.Fatalf("the order after the merge: %d %s", g.Status, g.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM workflow_instances WHERE customer_id = ?", dup.ID); n != 0 {
			t.Errorf("%d approvals left on the merged customer", n)
		}
		if got, r := o.decide(o.mgrA, ord.ID, "approve", "合并后"); r.Status != 200 || got.CurrentStep != "财务确认到款" {
			t.Errorf("deciding the moved order = %d %s", r.Status, r.Body)
		}
	})
}

func TestMisplacedCommasInAmountsAreRefusedNamingTheField(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		for _, c := range []struct{ name, body, field string }{
			{"line amount 1,5", fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1,"amount":"1,5"}]}`, o.customer, o.product), "lines[0].amount"},
			{"line amount 12,34.5", fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1,"amount":"12,34.5"}]}`, o.customer, o.product), "lines[0].amount"},
			{"remittance ,,,1", fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1}],"remittance":",,,1"}`, o.customer, o.product), "remittance"},
		} {
			if _, r := o.submit(o.am1, c.body); r.Status != 422 || !strings.Contains(strings.Join(fieldsOf(r), ","), c.field) {
				t.Errorf("%s = %d %s, want 422 naming %s", c.name, r.Status, r.Body, c.field)
			}
		}
		if _, r := e.product(o.gm, `{"code":"DH-X","name":"逗号泵","list_price":"1,5"}`); r.Status != 422 || !strings.Contains(strings.Join(fieldsOf(r), ","), "list_price") {
			t.Errorf("list price 1,5 = %d %s", r.Status, r.Body)
		}
		ord, r := o.submit(o.am1, fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1,"amount":"1,234.50"}]}`, o.customer, o.product))
		if r.Status != 201 || ord.Total != "1234.50" {
			t.Errorf("1,234.50 = %d %s", r.Status, r.Body)
		}
	})
}

func TestTheSubmitterDoesNotDecideTheirOwnOrder(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		mgrC := e.userIn("mgr_c", crm.RoleSalesManager, "华南", "gm")
		c, r := o.create(o.am3, `{"name":"广州南方经销"}`)
		if r.Status != 201 {
			t.Fatalf("customer: %d %s", r.Status, r.Body)
		}
		// mgr_c is the only sales manager of 华南: his own order's sales
		// step falls to his manager, the gm.
		ord, r := o.submit(mgrC, fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1}]}`, c.ID, o.product))
		if r.Status != 201 || ord.CurrentStep != "销售审核" {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		if _, r := o.decide(mgrC, ord.ID, "approve", "自批"); r.Status != http.StatusForbidden ||
			!strings.Contains(string(r.Body), "职责分离") && !strings.Contains(string(r.Body), "separation of duties") {
			t.Errorf("the submitter approves his own order = %d %s, want 403", r.Status, r.Body)
		}
		if !hasOrderTask(inboxTasks(t, e, o.gm), ord.ID) {
			t.Error("the sales step did not fall to the submitter's manager")
		}
		if got, r := o.decide(o.gm, ord.ID, "approve", "同意"); r.Status != 200 || got.CurrentStep != "财务确认到款" {
			t.Fatalf("the manager decides = %d %s", r.Status, r.Body)
		}
		// The gm's own order: another gm decides its GM step.
		gm2 := e.user("gm2", crm.RoleGM)
		own, _ := o.submit(o.gm, o.orderBody("1"))
		o.decide(o.mgrA, own.ID, "approve", "ok")
		o.decide(o.finance, own.ID, "approve", "到款")
		if _, r := o.decide(o.gm, own.ID, "approve", "自批"); r.Status != http.StatusForbidden {
			t.Errorf("the gm approves his own order = %d %s, want 403", r.Status, r.Body)
		}
		if !hasOrderTask(inboxTasks(t, e, gm2), own.ID) {
			t.Error("the other gm does not have the gm's order")
		}
	})
}

func TestAnAdjustmentDuringApprovalRestartsIt(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		ord, _ := o.submit(o.am1, o.orderBody("10"))
		if got, r := o.decide(o.mgrA, ord.ID, "approve", "ok"); r.Status != 200 || got.CurrentStep != "财务确认到款" {
			t.Fatalf("sales: %d %s", r.Status, r.Body)
		}
		adjust := func(q int) response {
			return e.do("POST", fmt.Sprintf("/api/v1/orders/%d/adjustments", ord.ID),
				strings.NewReader(fmt.Sprintf(`{"lines":[{"product_id":%d,"quantity":%d}],"reason":"缺货","agreed_by":"王经理"}`, o.product, q)), as(o.warehouse))
		}
		if r := adjust(10); r.Status != 422 || fieldsOf(r)[0] != "lines" || !strings.Contains(string(r.Body), "没有任何变化") && !strings.Contains(string(r.Body), "nothing changed") {
			t.Errorf("an adjustment that changes nothing = %d %s", r.Status, r.Body)
		}
		r := adjust(6)
		var got orderJSON
		if r.Status != 200 || json.Unmarshal(r.Body, &got) != nil || got.CurrentStep != "销售审核" || got.Status != "approving" ||
			got.Workflow == nil || len(got.Workflow.Decisions) != 0 || got.Total != "600.00" {
			t.Fatalf("adjusting mid-approval = %d %s, want the approval restarted at 销售审核", r.Status, r.Body)
		}
		if !hasOrderTask(inboxTasks(t, e, o.mgrA), ord.ID) || hasOrderTask(inboxTasks(t, e, o.finance), ord.ID) {
			t.Error("the restarted approval is not back with sales only")
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE action = 'order_adjust' AND detail LIKE '%workflow_restarted%'"); n != 1 {
			t.Errorf("%d adjustments record the restart, want 1", n)
		}
	})
}

func TestBadWorkflowsDelegationsAndOrderFundsAreRefused(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		// Funds: a negative remittance, a non-number balance; a negative
		// balance is a debt and stands. A huge quantity names the limit.
		for _, c := range []struct{ name, extra, field string }{
			{"negative remittance", `"remittance":"-5"`, "remittance"},
			{"balance not a number", `"previous_balance":"abc"`, "previous_balance"},
		} {
			body := fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1}],%s}`, o.customer, o.product, c.extra)
			if _, r := o.submit(o.am1, body); r.Status != 422 || !strings.Contains(strings.Join(fieldsOf(r), ","), c.field) {
				t.Errorf("%s = %d %s", c.name, r.Status, r.Body)
			}
		}
		if _, r := o.submit(o.am1, fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1}],"previous_balance":"-50.00"}`, o.customer, o.product)); r.Status != 201 {
			t.Errorf("a debt as previous balance = %d %s", r.Status, r.Body)
		}
		if _, r := o.submit(o.am1, o.orderBody("99999999")); r.Status != 422 || !strings.Contains(string(r.Body), "10000000") {
			t.Errorf("a huge quantity = %d %s, want the limit named", r.Status, r.Body)
		}
		// Workflows: an approver who cannot decide, N over the approvers,
		// If-Match, a missing version.
		admin := o.admin
		step := func(approver, extra string) string {
			return `{"version":1,"steps":[{"name":"审核","approver":` + approver + extra + `}]}`
		}
		if r := e.do("PUT", "/api/v1/workflows/1", strings.NewReader(step(fmt.Sprintf(`{"kind":"user","user_id":%d}`, e.userID("root")), "")), as(admin)); r.Status != 422 || fieldsOf(r)[0] != "steps[0].approver.user_id" {
			t.Errorf("an admin as approver = %d %s", r.Status, r.Body)
		}
		if r := e.do("PUT", "/api/v1/workflows/1", strings.NewReader(step(`{"kind":"role","role":"finance"}`, `,"mode":"n_of_m","n":3`)), as(admin)); r.Status != 422 || fieldsOf(r)[0] != "steps[0].n" {
			t.Errorf("3 of finance's 1 = %d %s", r.Status, r.Body)
		}
		put := `{"steps":[{"name":"审核","approver":{"kind":"role","role":"gm"}}]}`
		if r := e.do("PUT", "/api/v1/workflows/1", strings.NewReader(put), as(admin, "If-Match", `"7"`)); r.Status != http.StatusPreconditionFailed {
			t.Errorf("a stale If-Match = %d %s, want 412", r.Status, r.Body)
		}
		if r := e.do("PUT", "/api/v1/workflows/1", strings.NewReader(put), as(admin, "If-Match", `"1"`)); r.Status != 200 {
			t.Errorf("If-Match 1 = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/workflows/1?version=3", nil, as(admin, "Accept-Language", "en")); r.Status != 404 || !strings.Contains(string(r.Body), "no version 3") {
			t.Errorf("a missing version = %d %s", r.Status, r.Body)
		}
		// Delegations: staff delegates only, sane windows; whoever can
		// create can list.
		to := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
		for _, c := range []struct{ name, body, field string }{
			{"an admin delegate", fmt.Sprintf(`{"delegate_id":%d,"to":%q}`, e.userID("root"), to), "delegate_id"},
			{"an auditor delegate", fmt.Sprintf(`{"delegate_id":%d,"to":%q}`, e.userID("shen"), to), "delegate_id"},
			{"from the year 2000", fmt.Sprintf(`{"delegate_id":%d,"from":"2000-01-01T00:00:00Z","to":%q}`, e.userID("mgr_b"), to), "from"},
			{"until 2099", fmt.Sprintf(`{"delegate_id":%d,"to":"2099-01-01T00:00:00Z"}`, e.userID("mgr_b")), "to"},
		} {
			if r := e.do("POST", "/api/v1/delegations", strings.NewReader(c.body), as(o.gm)); r.Status != 422 || !strings.Contains(strings.Join(fieldsOf(r), ","), c.field) {
				t.Errorf("%s = %d %s, want 422 naming %s", c.name, r.Status, r.Body, c.field)
			}
		}
		create := e.do("POST", "/api/v1/delegations", strings.NewReader(fmt.Sprintf(`{"user_id":%d,"delegate_id":%d,"to":%q}`, e.userID("gm"), e.userID("mgr_b"), to)), as(admin))
		list := e.do("GET", "/api/v1/delegations", nil, as(admin))
		if create.Status != list.Status || create.Status != 403 {
			t.Errorf("an admin creates a delegation (%d) and lists them (%d): want both 403", create.Status, list.Status)
		}
	})
}

func TestOrderPagesSpeakThePagesLanguageAndTheInboxNamesTheOrder(t *testing.T) {
	e := newEnvSQLite(t)
	o := newOrderOrg(t, e)
	ord, r := o.submit(o.am1, strings.Replace(o.orderBody("2"), `"transport":"air"`, `"transport":"rail"`, 1))
	if r.Status != 201 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	mgr := e.formSignIn("mgr_a")
	// The English order page: labels, not codes or Chinese step names.
	p := e.page(fmt.Sprintf("/orders/%d", ord.ID), "en", mgr)
	body := string(p.Body)
	wantAll(t, "the English order page", body, "Awaiting approval", "Sales review", "By rail", "Awaiting decision")
	for _, raw := range []string{"销售审核", ">approving<", "> rail<", ">open<"} {
		if strings.Contains(body, raw) {
			t.Errorf("the English order page shows %q", raw)
		}
	}
	if p := e.page("/orders", "en", mgr); strings.Contains(string(p.Body), "销售审核") || !strings.Contains(string(p.Body), "Sales review") {
		t.Error("the English order list shows the Chinese step name")
	}
	// The inbox names the order: its code, customer and amount.
	for lang, words := range map[string][]string{"zh-CN": {"订货单 " + ord.Code, "湖州经销有限公司", "¥200.00"}, "en": {"Order " + ord.Code, "湖州经销有限公司", "¥200.00"}} {
		wantAll(t, "the inbox in "+lang, string(e.page("/workflow-tasks", lang, mgr).Body), words...)
	}
	// The editor: the hook in words; read-only without workflow.manage.
	am := e.formSignIn("am1")
	ed := string(e.page("/workflows/1", "en", am).Body)
	wantAll(t, "the editor for an account manager", ed, "Finance confirms the funds", `id="workflow-read-only"`, " disabled")
	if strings.Contains(ed, `id="save-workflow"`) || strings.Contains(ed, ">funds<") {
		t.Error("the editor offers an account manager a save button, or shows the raw hook")
	}
	admin := e.signIn("root2", "admin")
	if ed := string(e.page("/workflows/1", "en", admin).Body); !strings.Contains(ed, `id="save-workflow"`) || strings.Contains(ed, `id="workflow-read-only"`) {
		t.Error("the admin's editor is not editable")
	}
}
