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
	"github.com/kehucrm/kehu/internal/crm/workflow"
	"github.com/kehucrm/kehu/internal/jobs"
)

type orderJSON struct {
	ID           int64
	Code         string
	Status       string
	Total        string
	AtDealerCost bool       `json:"at_dealer_cost"`
	CurrentStep  string     `json:"current_step"`
	ShipDueAt    *time.Time `json:"ship_due_at"`
	ApprovedAt   *time.Time `json:"approved_at"`
	Revision     int
	Version      int
	Lines        []struct {
		ProductID int64 `json:"product_id"`
		Quantity  int64
		Amount    string
	}
	Workflow *struct {
		Status    string
		Version   int
		Decisions []struct {
			Username   string
			Decision   string
			Comment    string
			OnBehalfOf int64     `json:"on_behalf_of"`
			DecidedAt  time.Time `json:"decided_at"`
		}
	}
	Revisions []struct{ Revision int }
}

// orderOrg is the people of the default order workflow: a seller who
// enters orders, a sales manager (and a second one of the same team whose
// manager is the gm), finance, the gm and the goods department. Approvers
// named by role are resolved within the customer's scope: the sales step
// names the customer's team's managers only.
type orderOrg struct {
	org
	mgrB, finance, warehouse, office string
	customer, product                int64
}

func newOrderOrg(t *testing.T, e *env) orderOrg {
	t.Helper()
	o := orderOrg{org: newOrg(e)}
	o.mgrB = e.userIn("mgr_b", crm.RoleSalesManager, "华东", "gm")
	o.finance = e.user("caiwu", crm.RoleFinance)
	o.warehouse = e.user("cangku", crm.RoleWarehouse)
	o.office = e.user("zongban", crm.RoleGMOffice)
	c, r := o.create(o.am1, `{"name":"湖州经销有限公司"}`)
	if r.Status != 201 {
		t.Fatalf("customer: %d %s", r.Status, r.Body)
	}
	o.customer = c.ID
	p, r := e.product(o.gm, `{"code":"DH-PUMP","name":"订货水泵","spec":"KH-200","unit":"件","list_price":"100.00"}`)
	if r.Status != 201 {
		t.Fatalf("product: %d %s", r.Status, r.Body)
	}
	o.product = p.ID
	return o
}

func (o orderOrg) submit(token, body string, extra ...string) (orderJSON, response) {
	o.e.t.Helper()
	r := o.e.do("POST", "/api/v1/orders", strings.NewReader(body), as(token, extra...))
	var x orderJSON
	_ = json.Unmarshal(r.Body, &x)
	return x, r
}

func (o orderOrg) decide(token string, id int64, decision, comment string) (orderJSON, response) {
	o.e.t.Helper()
	b, _ := json.Marshal(map[string]string{"decision": decision, "comment": comment})
	r := o.e.do("POST", fmt.Sprintf("/api/v1/orders/%d/decisions", id), strings.NewReader(string(b)), as(token))
	var x orderJSON
	_ = json.Unmarshal(r.Body, &x)
	return x, r
}

func (o orderOrg) orderBody(quantity string) string {
	return fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":%s}],"delivery_address":"浙江省湖州市吴兴区1号","transport":"air",
		"destination_station":"湖州站","previous_balance":"50.00","remittance":"300","notes":"急需"}`, o.customer, o.product, quantity)
}

func inboxTasks(t *testing.T, e *env, token string) []workflow.InboxItem {
	t.Helper()
	r := e.do("GET", "/api/v1/workflow-tasks?mine=true", nil, as(token))
	var page struct{ Items []workflow.InboxItem }
	if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil {
		t.Fatalf("inbox: %d %s", r.Status, r.Body)
	}
	return page.Items
}

func hasOrderTask(items []workflow.InboxItem, id int64) bool {
	for _, it := range items {
		if it.Entity == "order" && it.EntityID == fmt.Sprint(id) {
			return true
		}
	}
	return false
}

func TestAnOrderIsApprovedBySalesFinanceTheGMAndTheGoodsDepartmentInTurn(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		ord, r := o.submit(o.am1, o.orderBody("3"))
		if r.Status != 201 || ord.Status != "approving" || ord.Total != "300.00" || !ord.AtDealerCost || ord.CurrentStep != "销售审核" ||
			!strings.HasPrefix(ord.Code, "DH") || len(ord.Lines) != 1 || ord.Lines[0].Amount != "300.00" {
			t.Fatalf("submit = %d %s", r.Status, r.Body)
		}
		if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/orders/%d", ord.ID) || r.Header.Get("ETag") == "" {
			t.Errorf("Location %q ETag %q", loc, r.Header.Get("ETag"))
		} else if g := e.do("GET", loc, nil, as(o.am1)); g.Status != 200 {
			t.Errorf("GET Location = %d", g.Status)
		}
		steps := []struct{ name, token, by, step string }{
			{"sales", o.mgrA, "mgr_a", "财务确认到款"},
			{"finance", o.finance, "caiwu", "总经理审批"},
			{"gm", o.gm, "gm", "货物部门确认"},
			{"goods", o.warehouse, "cangku", ""},
		}
		for i, s := range steps {
			if !hasOrderTask(inboxTasks(t, e, s.token), ord.ID) {
				t.Errorf("step %s: the order is not in %s's inbox", s.name, s.by)
			}
			// Someone the step does not name is refused, with the step named.
			wrong := o.mgrB
			if i == 0 {
				wrong = o.finance
			}
			if _, r := o.decide(wrong, ord.ID, "approve", "越权"); r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "不是该步骤的审批人") && !strings.Contains(string(r.Body), "not one of its approvers") {
				t.Errorf("step %s: a wrong approver = %d %s, want 403 naming the step", s.name, r.Status, r.Body)
			}
			got, r := o.decide(s.token, ord.ID, "approve", "同意 "+s.name)
			if r.Status != 200 || got.CurrentStep != s.step {
				t.Fatalf("step %s: decide = %d %s", s.name, r.Status, r.Body)
			}
			if hasOrderTask(inboxTasks(t, e, s.token), ord.ID) {
				t.Errorf("step %s: still in %s's inbox after deciding", s.name, s.by)
			}
			ord = got
		}
		if ord.Status != "approved" || ord.ApprovedAt == nil || ord.ShipDueAt == nil || !ord.ShipDueAt.After(*ord.ApprovedAt) {
			t.Fatalf("after the four steps: %+v", ord)
		}
		if d := ord.ShipDueAt.Sub(*ord.ApprovedAt); d < 24*time.Hour || d > 8*24*time.Hour {
			t.Errorf("ship_due_at is %v after approval, want about 2 working days", d)
		}
		if ord.Workflow == nil || ord.Workflow.Status != "approved" || len(ord.Workflow.Decisions) != 4 {
			t.Fatalf("workflow = %+v", ord.Workflow)
		}
		for i, d := range ord.Workflow.Decisions {
			if d.Username != steps[i].by || d.Decision != "approve" || d.Comment != "同意 "+steps[i].name || d.DecidedAt.IsZero() {
				t.Errorf("decision %d = %+v", i, d)
			}
		}
		if _, r := o.decide(o.gm, ord.ID, "approve", "再次"); r.Status != http.StatusConflict {
			t.Errorf("deciding an approved order = %d, want 409", r.Status)
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE action = 'workflow_decision'"); n != 4 {
			t.Errorf("%d decisions audited, want 4", n)
		}
	})
}

func TestAnOrderRejectedAtAStepEndsWithTheReason(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		ord, _ := o.submit(o.am1, o.orderBody("2"))
		if _, r := o.decide(o.mgrA, ord.ID, "reject", ""); r.Status != 422 || !strings.Contains(strings.Join(fieldsOf(r), ","), "comment") {
			t.Errorf("a rejection without a comment = %d %s", r.Status, r.Body)
		}
		if _, r := o.decide(o.mgrA, ord.ID, "maybe", "x"); r.Status != 422 || fieldsOf(r)[0] != "decision" {
			t.Errorf("an unknown decision = %d %s", r.Status, r.Body)
		}
		got, r := o.decide(o.mgrB, ord.ID, "reject", "价格不对")
		if r.Status != 200 || got.Status != "rejected" || got.ShipDueAt != nil {
			t.Fatalf("reject = %d %s", r.Status, r.Body)
		}
		if hasOrderTask(inboxTasks(t, e, o.mgrA), ord.ID) {
			t.Error("a rejected order stays in the other sales manager's inbox")
		}
	})
}

func TestBadOrdersAreRefusedNamingTheFieldAndNothingIsWritten(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		old, r := e.product(o.gm, `{"code":"DH-OLD","name":"停产泵","list_price":"10.00","active":false}`)
		if r.Status != 201 {
			t.Fatalf("product: %d %s", r.Status, r.Body)
		}
		before := e.countRows("SELECT COUNT(*) FROM orders")
		for _, c := range []struct{ name, body, field string }{
			{"inactive product", fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1}]}`, o.customer, old.ID), "lines[0].product_id"},
			{"unknown product", fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":999999,"quantity":1}]}`, o.customer), "lines[0].product_id"},
			{"zero quantity", o.orderBody("0"), "lines[0].quantity"},
			{"negative quantity", o.orderBody("-2"), "lines[0].quantity"},
			{"fractional quantity", o.orderBody(`"1.5"`), "lines[0].quantity"},
			{"no lines", fmt.Sprintf(`{"customer_id":%d,"lines":[]}`, o.customer), "lines"},
			{"unknown transport", fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1}],"transport":"sea"}`, o.customer, o.product), "transport"},
			{"customer out of scope", fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":1}]}`, o.customer, o.product), "customer_id"},
		} {
			token := o.am1
			if c.name == "customer out of scope" {
				token = o.am3
			}
			_, r := o.submit(token, c.body)
			if r.Status != 422 || !strings.Contains(strings.Join(fieldsOf(r), ","), c.field) {
				t.Errorf("%s = %d %s, want 422 naming %s", c.name, r.Status, r.Body, c.field)
			}
		}
		if n := e.countRows("SELECT COUNT(*) FROM orders"); n != before {
			t.Errorf("%d orders written by bad input", n-before)
		}
		if n := e.countRows("SELECT COUNT(*) FROM workflow_instances"); n != 0 {
			t.Errorf("%d workflow instances started by bad input", n)
		}
	})
}

func TestAnOrderSubmissionReplaysForTheSameKeyAndRefusesAnotherBody(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		first, r1 := o.submit(o.am1, o.orderBody("4"), "Idempotency-Key", "order-key-1")
		again, r2 := o.submit(o.am1, o.orderBody("4"), "Idempotency-Key", "order-key-1")
		if r1.Status != 201 || r2.Status != 201 || first.ID != again.ID || string(r1.Body) != string(r2.Body) {
			t.Fatalf("replay: %d %d, ids %d %d", r1.Status, r2.Status, first.ID, again.ID)
		}
		if _, r := o.submit(o.am1, o.orderBody("5"), "Idempotency-Key", "order-key-1"); r.Status != 422 {
			t.Errorf("same key, other body = %d %s, want 422", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM orders"); n != 1 {
			t.Errorf("%d orders, want 1", n)
		}
	})
}

func TestAShortageAdjustmentKeepsEveryRevision(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		ord, _ := o.submit(o.am1, o.orderBody("10"))
		body := fmt.Sprintf(`{"lines":[{"product_id":%d,"quantity":6}],"reason":"缺货 4 件","agreed_by":"王经理"}`, o.product)
		r := e.do("POST", fmt.Sprintf("/api/v1/orders/%d/adjustments", ord.ID), strings.NewReader(body), as(o.warehouse))
		var got orderJSON
		if r.Status != 200 || json.Unmarshal(r.Body, &got) != nil || got.Revision != 2 || got.Total != "600.00" || len(got.Revisions) != 2 {
			t.Fatalf("adjust = %d %s", r.Status, r.Body)
		}
		r = e.do("POST", fmt.Sprintf("/api/v1/orders/%d/adjustments", ord.ID), strings.NewReader(fmt.Sprintf(`{"lines":[{"product_id":%d,"quantity":0}],"reason":"x","agreed_by":"y"}`, o.product)), as(o.warehouse))
		if r.Status != 422 || fieldsOf(r)[0] != "lines[0].quantity" {
			t.Errorf("zero quantity adjustment = %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/orders/%d/adjustments", ord.ID), strings.NewReader(body), as(o.am1)); r.Status != 403 {
			t.Errorf("an account manager adjusts = %d, want 403", r.Status)
		}
	})
}

func TestADelegateDecidesForTheApproverWhileAway(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		to := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
		r := e.do("POST", "/api/v1/delegations", strings.NewReader(fmt.Sprintf(`{"delegate_id":%d,"to":%q}`, e.userID("mgr_b"), to)), as(o.gm))
		if r.Status != 201 {
			t.Fatalf("delegate: %d %s", r.Status, r.Body)
		}
		if g := e.do("GET", r.Header.Get("Location"), nil, as(o.gm)); g.Status != 200 {
			t.Errorf("GET Location = %d", g.Status)
		}
		ord, _ := o.submit(o.am1, o.orderBody("1"))
		o.decide(o.mgrA, ord.ID, "approve", "ok")
		o.decide(o.finance, ord.ID, "approve", "到款")
		if !hasOrderTask(inboxTasks(t, e, o.mgrB), ord.ID) {
			t.Fatal("the GM's step is not in the delegate's inbox")
		}
		got, r := o.decide(o.mgrB, ord.ID, "approve", "代总经理同意")
		if r.Status != 200 || got.CurrentStep != "货物部门确认" {
			t.Fatalf("delegate decides = %d %s", r.Status, r.Body)
		}
		last := got.Workflow.Decisions[len(got.Workflow.Decisions)-1]
		if last.Username != "mgr_b" || last.OnBehalfOf != e.userID("gm") {
			t.Errorf("the delegate's decision = %+v, want on behalf of the gm", last)
		}
	})
}

func TestAnOverdueStepIsEscalatedToTheApproversManagerOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		ord, r := o.submit(o.am1, o.orderBody("1"))
		if r.Status != 201 {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		cals, err := crm.NewCalendars(e.db)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		ws := workflow.New(e.db, cals, func() time.Time { return now })
		if n, err := jobs.SweepWorkflows(context.Background(), ws); err != nil || n != 0 {
			t.Fatalf("sweep before the deadline = %d, %v", n, err)
		}
		now = now.Add(30 * 24 * time.Hour) // long past 8 working hours
		n, err := jobs.SweepWorkflows(context.Background(), ws)
		if err != nil || n != 1 {
			t.Fatalf("sweep after the deadline = %d, %v; want 1", n, err)
		}
		if n := e.countRows("SELECT COUNT(*) FROM notifications WHERE kind = 'workflow_overdue' AND user_id = ?", e.userID("gm")); n != 1 {
			t.Errorf("the gm (mgr_b's manager) got %d escalation notices, want 1", n)
		}
		if n, err := jobs.SweepWorkflows(context.Background(), ws); err != nil || n != 0 {
			t.Errorf("a second sweep = %d, %v; want 0 (once)", n, err)
		}
		r = e.do("GET", "/api/v1/workflow-tasks?mine=true", nil, as(o.mgrB))
		if !strings.Contains(string(r.Body), fmt.Sprintf(`"entity_id":"%d"`, ord.ID)) {
			t.Errorf("the escalated step left the inbox: %s", r.Body)
		}
	})
}

func TestOrdersAreSeenOnlyWithinTheCustomersScope(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrderOrg(t, e)
		ord, _ := o.submit(o.am1, o.orderBody("1"))
		count := func(token, query string) int {
			t.Helper()
			r := e.do("GET", "/api/v1/orders"+query, nil, as(token))
			var page struct {
				Items []orderJSON
				Total int
			}
			if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil || page.Total != len(page.Items) {
				t.Fatalf("list %s: %d %s", query, r.Status, r.Body)
			}
			return len(page.Items)
		}
		for _, c := range []struct {
			who, token, query string
			want              int
		}{
			{"the owner", o.am1, "", 1},
			{"the owner, by status", o.am1, "?status=approving", 1},
			{"the owner, other status", o.am1, "?status=approved", 0},
			{"the owner, by customer", o.am1, fmt.Sprintf("?customer_id=%d", o.customer), 1},
			{"the team's manager", o.mgrA, "", 1},
			{"another team's seller", o.am3, "", 0},
			{"finance", o.finance, "?limit=1", 1},
			{"the goods department", o.warehouse, "", 1},
		} {
			if got := count(c.token, c.query); got != c.want {
				t.Errorf("%s lists %d orders, want %d", c.who, got, c.want)
			}
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/orders/%d", ord.ID), nil, as(o.am3)); r.Status != 404 {
			t.Errorf("another team's seller reads the order: %d, want 404", r.Status)
		}
		if r := e.do("GET", "/api/v1/orders", nil, as(o.qa)); r.Status != 403 {
			t.Errorf("qa lists orders: %d, want 403", r.Status)
		}
	})
}
