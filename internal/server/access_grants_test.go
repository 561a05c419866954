package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestAccessGrantsLetAUserSeeARecordForAWhileAndAreAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"宁波海港物流"}`)
		path := fmt.Sprintf("/api/v1/customers/%d", c.ID)
		r := e.do("POST", "/api/v1/access-requests", strings.NewReader(fmt.Sprintf(`{"entity":"customer","record_id":%d,"reason":""}`, c.ID)), as(o.qa))
		if r.Status != 422 {
			t.Errorf("a request without a reason = %d, want 422", r.Status)
		}
		r = e.do("POST", "/api/v1/access-requests", strings.NewReader(fmt.Sprintf(`{"entity":"customer","record_id":%d,"reason":"调查客诉 202611-0001"}`, c.ID)), as(o.qa))
		var req struct {
			ID     int64
			Status string
		}
		if r.Status != 201 || json.Unmarshal(r.Body, &req) != nil || req.Status != "pending" {
			t.Fatalf("request = %d %s", r.Status, r.Body)
		}
		approve := fmt.Sprintf("/api/v1/access-requests/%d/approve", req.ID)
		if r := e.do("POST", approve, nil, as(o.am2)); r.Status != 403 {
			t.Errorf("approval by a colleague = %d, want 403", r.Status)
		}
		if r := e.do("GET", "/api/v1/access-requests?status=pending", nil, as(o.mgrA)); !strings.Contains(string(r.Body), "调查客诉") {
			t.Errorf("the owner's manager does not see the request in their inbox: %s", r.Body)
		}
		if r := e.do("POST", approve, strings.NewReader(`{"note":"同意，限本案"}`), as(o.mgrA)); r.Status != 200 || !strings.Contains(string(r.Body), `"status":"approved"`) || !strings.Contains(string(r.Body), "expires_at") {
			t.Fatalf("approval by the owner's manager = %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", approve, nil, as(o.gm)); r.Status != 409 {
			t.Errorf("deciding twice = %d, want 409", r.Status)
		}
		if r := e.do("GET", path, nil, as(o.qa)); r.Status != 200 {
			t.Fatalf("QA with a grant = %d, want 200", r.Status)
		}
		r = e.do("GET", "/api/v1/audit?action=read_under_grant", nil, as(o.auditor))
		if !strings.Contains(string(r.Body), `"username":"qa1"`) {
			t.Errorf("the read under the grant is not audited: %s", r.Body)
		}
		if r := e.do("GET", "/api/v1/audit?action=access_decision", nil, as(o.auditor)); !strings.Contains(string(r.Body), `"username":"mgr_a"`) {
			t.Errorf("the approval is not audited: %s", r.Body)
		}
	})
}

func TestAGrantLetsItsHolderLookButNotChange(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"绍兴纺织"}`)
		r := e.do("POST", "/api/v1/access-requests", strings.NewReader(fmt.Sprintf(`{"entity":"customer","record_id":%d,"reason":"协助跟进"}`, c.ID)), as(o.am3))
		var req struct{ ID int64 }
		_ = json.Unmarshal(r.Body, &req)
		if r := e.do("POST", fmt.Sprintf("/api/v1/access-requests/%d/approve", req.ID), nil, as(o.gm)); r.Status != 200 {
			t.Fatalf("approve = %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/api/v1/customers/%d", c.ID)
		if r := e.do("GET", path, nil, as(o.am3)); r.Status != 200 {
			t.Fatalf("reading under the grant = %d", r.Status)
		}
		steal := fmt.Sprintf(`{"version":1,"owner_id":%d}`, e.userID("am3"))
		if r := e.do("PATCH", path, strings.NewReader(steal), as(o.am3)); r.Status != 404 {
			t.Errorf("taking the customer under a read grant = %d, want 404", r.Status)
		}
		if r := e.do("DELETE", path, nil, as(o.am3, "If-Match", `"1"`)); r.Status != 404 {
			t.Errorf("trashing the customer under a read grant = %d, want 404", r.Status)
		}
		if r := e.do("POST", path+"/contacts", strings.NewReader(`{"name":"x"}`), as(o.am3)); r.Status != 404 {
			t.Errorf("adding a contact under a read grant = %d, want 404", r.Status)
		}
		if r := e.do("GET", path, nil, as(o.am1)); !strings.Contains(string(r.Body), fmt.Sprintf(`"owner_id":%d`, e.userID("am1"))) {
			t.Errorf("the owner changed: %s", r.Body)
		}
	})
}
