package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

type dutyJSON struct {
	ID       int64
	Kind     string
	Status   string
	Target   string
	TargetID int64 `json:"target_id"`
}

// pending checks r is a 202 naming a duty request and returns it.
func (e *env) pending(r response, what string) dutyJSON {
	e.t.Helper()
	var d dutyJSON
	if r.Status != 202 || json.Unmarshal(r.Body, &d) != nil || d.Status != "pending" ||
		r.Header.Get("Location") != fmt.Sprintf("/api/v1/duty-requests/%d", d.ID) {
		e.t.Fatalf("%s = %d %s (Location %q), want 202 with a pending request", what, r.Status, r.Body, r.Header.Get("Location"))
	}
	return d
}

func (e *env) decide(token string, d dutyJSON, verb string) response {
	e.t.Helper()
	return e.do("POST", fmt.Sprintf("/api/v1/duty-requests/%d/%s", d.ID, verb), nil, as(token))
}

func (e *env) signInStatus(username, password string) int {
	e.t.Helper()
	return e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+password+`"}`), jsonHeader).Status
}

// audited counts the audit entries with action on entity.
func (e *env) audited(action, entity string) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action = ? AND entity = ?", action, entity).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestAdminCreatingAGMAccountWaitsForASecondAdministrator(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a1, a2 := e.user("admin1", crm.RoleAdmin), e.user("admin2", crm.RoleAdmin)
		d := e.pending(e.do("POST", "/api/v1/users", strings.NewReader(`{"username":"boss","role":"gm","password":"`+testPassword+`"}`),
			as(a1, "Idempotency-Key", "gm-1")), "an admin creating a gm")
		if d.Kind != "user_create" || d.Target != "boss" {
			t.Errorf("request %+v", d)
		}
		if s := e.signInStatus("boss", testPassword); s != 401 {
			t.Errorf("signing in as the pending gm = %d, want 401", s)
		}
		if r := e.decide(a1, d, "approve"); r.Status != 403 {
			t.Errorf("the requester approving their own request = %d %s, want 403", r.Status, r.Body)
		}
		if r := e.get(fmt.Sprintf("/api/v1/duty-requests/%d", d.ID)); r.Status != 401 {
			t.Errorf("a request without a session = %d", r.Status)
		}
		if r := e.do("GET", "/api/v1/duty-requests?status=pending", nil, as(a2)); r.Status != 200 || !strings.Contains(string(r.Body), `"target":"boss"`) {
			t.Errorf("the pending list = %d %s", r.Status, r.Body)
		}
		if r := e.decide(a2, d, "approve"); r.Status != 200 || !strings.Contains(string(r.Body), `"status":"approved"`) {
			t.Fatalf("a second admin approving = %d %s", r.Status, r.Body)
		}
		if s := e.signInStatus("boss", testPassword); s != 200 {
			t.Errorf("signing in as the approved gm = %d, want 200", s)
		}
		if r := e.decide(a2, d, "approve"); r.Status != 409 {
			t.Errorf("approving twice = %d, want 409", r.Status)
		}
		if e.audited(crm.AuditDutyRequest, "duty_request") != 1 || e.audited(crm.AuditDutyDecision, "duty_request") != 1 {
			t.Error("the request and its decision are not both audited")
		}
	})
}

func TestSecurityAdminGrantsRolesDirectly(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sec := e.user("sec", crm.RoleSecurityAdmin)
		if r := e.do("POST", "/api/v1/users", strings.NewReader(`{"username":"boss","role":"gm","password":"`+testPassword+`"}`),
			as(sec, "Idempotency-Key", "gm-1")); r.Status != 201 {
			t.Fatalf("the security admin creating a gm = %d %s, want 201", r.Status, r.Body)
		}
		if s := e.signInStatus("boss", testPassword); s != 200 {
			t.Errorf("signing in as the gm = %d", s)
		}
	})
}

func TestAdminRoleChangeAndPasswordResetOfAGuardedAccountWait(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a1, sec := e.user("admin1", crm.RoleAdmin), e.user("sec", crm.RoleSecurityAdmin)
		e.user("boss", crm.RoleGM)
		e.user("clerk", crm.RoleWarehouse)
		d := e.pending(e.do("POST", "/api/v1/users/boss/password", strings.NewReader(`{"password":"Another-2026-pass"}`), as(a1)), "an admin resetting a gm's password")
		if s := e.signInStatus("boss", "Another-2026-pass"); s != 401 {
			t.Errorf("the new password before approval = %d, want 401", s)
		}
		if r := e.decide(sec, d, "approve"); r.Status != 200 {
			t.Fatalf("the security admin approving = %d %s", r.Status, r.Body)
		}
		if s := e.signInStatus("boss", "Another-2026-pass"); s != 200 {
			t.Errorf("the new password after approval = %d, want 200", s)
		}
		r := e.do("PATCH", "/api/v1/users/clerk", strings.NewReader(`{"version":1,"role":"finance"}`), as(a1))
		d = e.pending(r, "an admin giving the finance role")
		if r := e.decide(sec, d, "reject"); r.Status != 200 || !strings.Contains(string(r.Body), `"status":"rejected"`) {
			t.Fatalf("reject = %d %s", r.Status, r.Body)
		}
		if got, _ := e.db.UserByUsername(context.Background(), "clerk"); got.Role != crm.RoleWarehouse {
			t.Errorf("after a rejection clerk is %s", got.Role)
		}
	})
}

func TestAdminHardDeleteWaitsForTheGM(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		admin2 := e.user("admin2", crm.RoleAdmin)
		c, _ := o.create(o.am1, `{"name":"杭州云杉科技"}`)
		path := fmt.Sprintf("/api/v1/customers/%d", c.ID)
		e.do("DELETE", path, nil, as(o.am1, "If-Match", "*"))
		d := e.pending(e.do("DELETE", path+"?hard=true", nil, as(o.admin)), "an admin's hard delete")
		if d.Kind != "customer_delete" {
			t.Errorf("request %+v", d)
		}
		if r := e.decide(admin2, d, "approve"); r.Status != 404 {
			t.Errorf("a second admin approving an erasure = %d, want 404 (the GM decides)", r.Status)
		}
		if r := e.do("GET", "/api/v1/customers?trash=true", nil, as(o.am1)); !strings.Contains(string(r.Body), c.Code) {
			t.Errorf("the customer left the trash before approval")
		}
		if r := e.decide(o.gm, d, "approve"); r.Status != 200 {
			t.Fatalf("the GM approving = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/customers?trash=true", nil, as(o.am1)); strings.Contains(string(r.Body), c.Code) {
			t.Errorf("the customer is still in the trash after approval")
		}
		if n := e.audited(crm.AuditDutyDecision, "duty_request"); n != 1 {
			t.Errorf("%d decisions audited, want 1", n)
		}
	})
}
