package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// org is a small company: two teams, their managers and account managers,
// a GM, QA and an administrator.
type org struct {
	e                                           *env
	gm, mgrA, am1, am2, am3, qa, admin, auditor string
}

func newOrg(e *env) org {
	o := org{e: e}
	o.gm = e.user("gm", crm.RoleGM)
	o.mgrA = e.userIn("mgr_a", crm.RoleSalesManager, "华东", "")
	o.am1 = e.userIn("am1", crm.RoleAccountManager, "华东", "mgr_a")
	o.am2 = e.userIn("am2", crm.RoleAccountManager, "华东", "mgr_a")
	o.am3 = e.userIn("am3", crm.RoleAccountManager, "华南", "")
	o.qa = e.user("qa1", crm.RoleQA)
	o.admin = e.user("root", crm.RoleAdmin)
	o.auditor = e.user("shen", crm.RoleAuditor)
	return o
}

type customerJSON struct {
	ID      int64
	Code    string
	Name    string
	OwnerID int64 `json:"owner_id"`
	Version int
}

func (o org) create(token, body string) (customerJSON, response) {
	o.e.t.Helper()
	r := o.e.do("POST", "/api/v1/customers", strings.NewReader(body), as(token))
	var c customerJSON
	_ = json.Unmarshal(r.Body, &c)
	return c, r
}

func TestCustomersAreSeenOnlyWithinScope(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c1, r := o.create(o.am1, `{"name":"苏州华达机械有限公司","uscc":"91350100M000100Y43","stage":"important","region_code":"320500","industry_code":"C"}`)
		if r.Status != 201 || !strings.HasPrefix(c1.Code, "KH") || c1.OwnerID != e.userID("am1") {
			t.Fatalf("create = %d %s", r.Status, r.Body)
		}
		c3, _ := o.create(o.am3, `{"name":"广州南方贸易","kind":"company","industry_code":"38"}`)
		tests := []struct {
			who, token string
			id         int64
			status     int
		}{
			{"the owner", o.am1, c1.ID, 200},
			{"a teammate who does not own it", o.am2, c1.ID, 404},
			{"the team's sales manager", o.mgrA, c1.ID, 200},
			{"a sales manager of another team", o.mgrA, c3.ID, 404},
			{"the general manager", o.gm, c3.ID, 200},
			{"QA without a grant", o.qa, c1.ID, 404},
			{"the administrator (no customer data)", o.admin, c1.ID, 403},
			{"the auditor (audit log only)", o.auditor, c1.ID, 403},
		}
		for _, tt := range tests {
			t.Run(tt.who, func(t *testing.T) {
				if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", tt.id), nil, as(tt.token)); r.Status != tt.status {
					t.Errorf("GET = %d, want %d", r.Status, tt.status)
				}
			})
		}
		outOfScope := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", c1.ID), nil, as(o.am2))
		missing := e.do("GET", "/api/v1/customers/999999", nil, as(o.am2))
		if requestIDField.ReplaceAllString(string(outOfScope.Body), "") != requestIDField.ReplaceAllString(string(missing.Body), "") {
			t.Errorf("out of scope and missing answer differently:\n%s\n%s", outOfScope.Body, missing.Body)
		}
		r = e.do("GET", "/api/v1/customers", nil, as(o.mgrA))
		if !strings.Contains(string(r.Body), c1.Code) || strings.Contains(string(r.Body), c3.Code) {
			t.Errorf("the sales manager's list should hold their team's customer only: %s", r.Body)
		}
		// A section holds its divisions: C (manufacturing) lists the
		// customer filed under C and the one under division 38.
		for _, tt := range []struct {
			industry string
			want     []string
		}{{"C", []string{c1.Code, c3.Code}}, {"38", []string{c3.Code}}, {"F", nil}} {
			r = e.do("GET", "/api/v1/customers?industry="+tt.industry, nil, as(o.gm))
			if n := strings.Count(string(r.Body), `"code":"KH`); n != len(tt.want) {
				t.Errorf("industry=%s lists %d customers, want %d: %s", tt.industry, n, len(tt.want), r.Body)
			}
			for _, code := range tt.want {
				if !strings.Contains(string(r.Body), code) {
					t.Errorf("industry=%s lacks %s", tt.industry, code)
				}
			}
		}
	})
}

func TestCustomerOwnershipCannotBeMassAssigned(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		tests := []struct {
			name, token string
			owner       string
			status      int
		}{
			{"an account manager giving a customer to a colleague", o.am1, "am2", 403},
			{"a sales manager giving one outside the team", o.mgrA, "am3", 403},
			{"a sales manager giving one to the team", o.mgrA, "am1", 201},
			{"the general manager giving one to anyone", o.gm, "am3", 201},
			{"the general manager giving one to the auditor", o.gm, "shen", 422},
			{"the general manager giving one to QA", o.gm, "qa1", 422},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, r := o.create(tt.token, fmt.Sprintf(`{"name":"测试客户 %s","owner_id":%d}`, tt.name, e.userID(tt.owner)))
				if r.Status != tt.status {
					t.Errorf("create = %d, want %d: %s", r.Status, tt.status, r.Body)
				}
			})
		}
		r := e.do("GET", "/api/v1/customers", nil, as(o.gm))
		if n := strings.Count(string(r.Body), `"code":"KH`); n != 2 {
			t.Errorf("refused creations left records behind: %d customers, want 2", n)
		}
		if _, r := o.create(o.am1, `{"name":"x","credit_limit":"100000.00"}`); r.Status != 400 {
			t.Errorf("an unknown field = %d, want 400", r.Status)
		}
	})
}

func TestCustomerUpdatesUseOptimisticLockingAndTheTrash(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"杭州云杉科技"}`)
		path := fmt.Sprintf("/api/v1/customers/%d", c.ID)
		if r := e.do("PATCH", path, strings.NewReader(`{"stage":"general"}`), as(o.am1)); r.Status != 428 {
			t.Errorf("PATCH without a version = %d, want 428", r.Status)
		}
		if r := e.do("PATCH", path, strings.NewReader(`{"version":1,"stage":"general","short_name":"云杉"}`), as(o.am1)); r.Status != 200 || !strings.Contains(string(r.Body), `"version":2`) {
			t.Fatalf("PATCH = %d %s", r.Status, r.Body)
		}
		if r := e.do("PATCH", path, strings.NewReader(`{"version":1,"stage":"important"}`), as(o.am1)); r.Status != 409 || !strings.Contains(string(r.Body), "version_conflict") {
			t.Errorf("a stale version = %d %s, want 409 version_conflict", r.Status, r.Body)
		}
		if r := e.do("PATCH", path, strings.NewReader(`{"stage":"vip"}`), as(o.am1, "If-Match", "2")); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"stage"`) {
			t.Errorf("a bad stage = %d %s, want 422 naming stage", r.Status, r.Body)
		}
		if r := e.do("DELETE", path+"?hard=true", nil, as(o.admin)); r.Status != 404 {
			t.Errorf("hard delete of a live customer = %d, want 404 (trash first)", r.Status)
		}
		if r := e.do("DELETE", path, nil, as(o.am1, "If-Match", `"2"`)); r.Status != 204 {
			t.Fatalf("DELETE = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", path, nil, as(o.am1)); r.Status != 404 {
			t.Errorf("a trashed customer = %d, want 404", r.Status)
		}
		if r := e.do("GET", "/api/v1/customers?trash=true", nil, as(o.am1)); !strings.Contains(string(r.Body), c.Code) {
			t.Errorf("the trash lacks the customer: %s", r.Body)
		}
		if r := e.do("POST", path+"/restore", nil, as(o.am1)); r.Status != 200 {
			t.Fatalf("restore = %d %s", r.Status, r.Body)
		}
		e.do("DELETE", path, nil, as(o.am1, "If-Match", "*"))
		if r := e.do("DELETE", path+"?hard=true", nil, as(o.am1)); r.Status != 403 {
			t.Errorf("hard delete by an account manager = %d, want 403", r.Status)
		}
		if r := e.decide(o.gm, e.pending(e.do("DELETE", path+"?hard=true", nil, as(o.admin)), "hard delete by the administrator"), "approve"); r.Status != 200 {
			t.Errorf("the GM approving the hard delete = %d %s", r.Status, r.Body) // two-person rule
		}
		r := e.do("GET", "/api/v1/audit?entity=customer&entity_id="+fmt.Sprint(c.ID), nil, as(o.auditor))
		for _, want := range []string{`"action":"create"`, `"action":"update"`, `"action":"delete"`, `short_name`} {
			if !strings.Contains(string(r.Body), want) {
				t.Errorf("the customer's audit trail lacks %s", want)
			}
		}
		// The creation and the erasure each say which customer: its code
		// (allocated on creation) and, once erased, its name.
		if n := strings.Count(string(r.Body), `\"code\":\"`+c.Code+`\"`); n != 2 {
			t.Errorf("the create and erase entries name %s %d times, want 2: %s", c.Code, n, r.Body)
		}
		if !strings.Contains(string(r.Body), `\"name\":\"杭州云杉科技\"`) {
			t.Errorf("the erase entry lacks the name: %s", r.Body)
		}
		// The erased customer was the newest: the next one gets a new ID,
		// so the audit trail of this ID stays this customer's alone.
		if d, r := o.create(o.am1, `{"name":"宁波新桥贸易"}`); r.Status != 201 || d.ID == c.ID {
			t.Errorf("the next customer = %d, ID %d, want a new ID after the erased %d", r.Status, d.ID, c.ID)
		}
	})
}

func TestCustomerInputIsValidated(t *testing.T) {
	e := newEnvSQLite(t)
	o := newOrg(e)
	tests := []struct {
		name, body string
		status     int
		field      string
	}{
		{"a malformed USCC", `{"name":"甲","uscc":"12345"}`, 422, "uscc"},
		{"an unknown region", `{"name":"甲","region_code":"999999"}`, 422, "region_code"},
		{"an unknown industry", `{"name":"甲","industry_code":"Z"}`, 422, "industry_code"},
		{"no name", `{"name":"  "}`, 422, "name"},
		{"a USCC whose check character fails", `{"name":"乙","uscc":"91350100M000100Y44"}`, 422, "uscc"},
		{"a valid USCC", `{"name":"乙","uscc":"91350100M000100Y43"}`, 201, ""},
		{"the same USCC twice", `{"name":"丙","uscc":"91350100M000100Y43"}`, 409, "uscc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, r := o.create(o.am1, tt.body)
			if r.Status != tt.status || (tt.field != "" && !strings.Contains(string(r.Body), `"field":"`+tt.field+`"`)) {
				t.Errorf("= %d %s, want %d naming %q", r.Status, r.Body, tt.status, tt.field)
			}
		})
	}
}
