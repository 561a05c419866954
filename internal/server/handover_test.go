package server_test

import (
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
			t.Errorf("the customer's history lacks the handover: %s", r.Body)
		}
		away := fmt.Sprintf(`{"from_owner_id":%d,"to_owner_id":%d,"reason":"调往华南"}`, e.userID("am2"), e.userID("am3"))
		if r := e.do("POST", "/api/v1/customers/handover", strings.NewReader(away), as(o.mgrA)); r.Status != 403 {
			t.Errorf("a sales manager handing over outside the team = %d, want 403", r.Status)
		}
	})
}
