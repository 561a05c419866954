package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestHandoverMovesCustomersWithAReasonInTheirHistory(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a, _ := o.create(o.am1, `{"name":"客户甲"}`)
		b, _ := o.create(o.am1, `{"name":"客户乙"}`)
		body := fmt.Sprintf(`{"from_owner_id":%d,"to_owner_id":%d,"reason":"张经理离职交接"}`, e.userID("am1"), e.userID("am2"))
		if r := e.do("POST", "/api/v1/customers/handover", strings.NewReader(body), as(o.am1)); r.Status != 403 {
			t.Errorf("an account manager handing over = %d, want 403", r.Status)
		}
		r := e.do("POST", "/api/v1/customers/handover", strings.NewReader(body), as(o.mgrA))
		if r.Status != 200 || !strings.Contains(string(r.Body), fmt.Sprint(a.ID)) || !strings.Contains(string(r.Body), fmt.Sprint(b.ID)) {
			t.Fatalf("handover = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", a.ID), nil, as(o.am2)); r.Status != 200 {
			t.Errorf("the new owner cannot see the customer: %d", r.Status)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", a.ID), nil, as(o.am1)); r.Status != 404 {
			t.Errorf("the old owner still sees the customer: %d", r.Status)
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/audit?entity=customer&entity_id=%d", a.ID), nil, as(o.auditor))
		if !strings.Contains(string(r.Body), "张经理离职交接") {
			t.Errorf("the audit log lacks the handover: %s", r.Body)
		}
		// The customer's own history shows it to those who work with the
		// customer, not only to auditors; to the old owner it is gone.
		history := fmt.Sprintf("/api/v1/customers/%d/history", a.ID)
		for _, who := range []string{o.am2, o.mgrA} {
			r = e.do("GET", history, nil, as(who))
			var h struct {
				Items []struct {
					Action   string         `json:"action"`
					Username string         `json:"username"`
					Detail   map[string]any `json:"detail"`
				} `json:"items"`
			}
			if err := json.Unmarshal(r.Body, &h); err != nil || r.Status != 200 || len(h.Items) != 2 {
				t.Fatalf("history = %d %s, want the creation and the handover", r.Status, r.Body)
			}
			if got := h.Items[0]; got.Action != "update" || got.Username != "mgr_a" || got.Detail["handover_reason"] != "张经理离职交接" {
				t.Errorf("the newest entry = %+v, want the handover with its reason", got)
			}
			if got := h.Items[1]; got.Action != "create" || got.Detail["code"] != a.Code {
				t.Errorf("the oldest entry = %+v, want the creation of %s", got, a.Code)
			}
		}
		if r := e.do("GET", history, nil, as(o.am1)); r.Status != 404 {
			t.Errorf("the old owner reads the history: %d, want 404", r.Status)
		}
		// Named twice, a customer moves once (back to am1).
		twice := fmt.Sprintf(`{"from_owner_id":%d,"to_owner_id":%d,"customer_ids":[%d,%d],"reason":"回到原负责人"}`, e.userID("am2"), e.userID("am1"), a.ID, a.ID)
		if r := e.do("POST", "/api/v1/customers/handover", strings.NewReader(twice), as(o.mgrA)); r.Status != 200 || !strings.Contains(string(r.Body), fmt.Sprintf(`"moved":[%d]`, a.ID)) {
			t.Errorf("a customer named twice = %d %s, want it moved once", r.Status, r.Body)
		}
		// Another team's account manager's customers: refused, not
		// "nothing moved".
		o.create(o.am3, `{"name":"华南客户丙"}`)
		other := fmt.Sprintf(`{"from_owner_id":%d,"to_owner_id":%d,"reason":"越权"}`, e.userID("am3"), e.userID("am2"))
		if r := e.do("POST", "/api/v1/customers/handover", strings.NewReader(other), as(o.mgrA)); r.Status != 403 || !strings.Contains(string(r.Body), "from_owner_id") {
			t.Errorf("a sales manager handing over another team's customers = %d %s, want 403 on from_owner_id", r.Status, r.Body)
		}
		// An unknown new owner is reported on to_owner_id.
		unknown := fmt.Sprintf(`{"from_owner_id":%d,"to_owner_id":99999,"reason":"无此人"}`, e.userID("am2"))
		if r := e.do("POST", "/api/v1/customers/handover", strings.NewReader(unknown), as(o.mgrA)); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"to_owner_id"`) {
			t.Errorf("an unknown new owner = %d %s, want 422 on to_owner_id", r.Status, r.Body)
		}
		away := fmt.Sprintf(`{"from_owner_id":%d,"to_owner_id":%d,"reason":"调往华南"}`, e.userID("am2"), e.userID("am3"))
		if r := e.do("POST", "/api/v1/customers/handover", strings.NewReader(away), as(o.mgrA)); r.Status != 403 {
			t.Errorf("a sales manager handing over outside the team = %d, want 403", r.Status)
		}
	})
}
