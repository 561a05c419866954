package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

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
		if r := e.do("DELETE", path, nil, as(o.am3)); r.Status != 404 {
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

func TestSignInCannotBeAbused(t *testing.T) {
	e := newEnvSQLite(t)
	auditor := e.user("shen", crm.RoleAuditor)
	long := strings.Repeat("x", 100000)
	r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+long+`","password":"x"}`), jsonHeader)
	if r.Status != http.StatusUnauthorized {
		t.Errorf("a 100 kB username = %d, want 401", r.Status)
	}
	if r := e.do("GET", "/api/v1/audit?action=login_failed", nil, as(auditor)); strings.Contains(string(r.Body), long[:1000]) {
		t.Error("the raw oversize username reached the append-only audit log")
	}
	var last response
	for range 6 {
		last = e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"ghost","password":"Wrong-pass-1"}`), jsonHeader)
	}
	if !strings.Contains(string(last.Body), "account_locked") {
		t.Errorf("an unknown username after 6 failures = %d %s, want the same account_locked answer a real account gets", last.Status, last.Body)
	}
}

func TestNULCharactersAreRefusedOnBothEngines(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		if _, r := o.create(o.am1, `{"name":"a\u0000b"}`); r.Status != 400 {
			t.Errorf("a NUL in a JSON body = %d %s, want 400", r.Status, r.Body)
		}
		for _, p := range []string{"/api/v1/customers?stage=a%00", "/api/v1/users/a%00"} {
			if r := e.do("GET", p, nil, as(o.admin)); r.Status != 400 {
				t.Errorf("GET %s = %d, want 400", p, r.Status)
			}
		}
	})
}

func TestSignInRedirectStaysOnSite(t *testing.T) {
	e := newEnvSQLite(t)
	e.user("zhang", crm.RoleGM)
	form := url.Values{"username": {"zhang"}, "password": {testPassword}, "next": {"/\t/evil.example"}}.Encode()
	r := e.do("POST", "/login", strings.NewReader(form), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if loc := r.Header.Get("Location"); loc != "/" {
		t.Errorf("next=/\\t/evil.example redirected to %q, want /", loc)
	}
}
