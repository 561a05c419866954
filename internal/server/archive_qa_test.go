package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// What a third black-box pass found in the pages and the API, each now
// refused or reported as it should be.
func TestTheArchiveRefusesWhatAPassOfBadInputsTried(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a, _ := o.create(o.am1, `{"name":"宁波甲方贸易"}`)
		b, _ := o.create(o.am1, `{"name":"宁波乙方贸易"}`)
		mgr := e.formSignIn("mgr_a")
		am1 := e.formSignIn("am1")

		// A customer ID that is not a number never means "all of them".
		handover := url.Values{"from_owner_id": {strconv.FormatInt(e.userID("am1"), 10)}, "to_owner_id": {strconv.FormatInt(e.userID("am2"), 10)},
			"reason": {"测试"}, "customer_ids": {"abc"}}
		if r := e.post("/customers/handover", mgr, handover); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("a handover of customer abc = %d, want 422", r.Status)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", a.ID), nil, as(o.am1)); r.Status != 200 {
			t.Errorf("the customers moved anyway: am1 reads %d", r.Status)
		}
		long := fmt.Sprintf(`{"from_owner_id":%d,"to_owner_id":%d,"reason":%q}`, e.userID("am1"), e.userID("am2"), strings.Repeat("因", 501))
		if r := e.do("POST", "/api/v1/customers/handover", strings.NewReader(long), as(o.mgrA)); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"reason"`) {
			t.Errorf("a 501-character handover reason = %d %s, want 422 on reason", r.Status, r.Body)
		}

		// The trash button without the version it showed is refused.
		for _, v := range []string{"", "x"} {
			if r := e.post(fmt.Sprintf("/customers/%d/delete", b.ID), am1, url.Values{"version": {v}}); r.Status != http.StatusConflict {
				t.Errorf("move to the trash with version %q = %d, want 409", v, r.Status)
			}
		}
		// A restore refused because the USCC was taken says so.
		u, _ := o.create(o.am1, `{"name":"宁波丙方贸易","uscc":"91350100M000100Y43"}`)
		e.do("DELETE", fmt.Sprintf("/api/v1/customers/%d", u.ID), nil, as(o.am1))
		o.create(o.am1, `{"name":"宁波丁方贸易","uscc":"91350100M000100Y43"}`)
		if r := e.post(fmt.Sprintf("/customers/%d/restore", u.ID), am1, nil); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "统一社会信用代码") {
			t.Errorf("a restore whose USCC is taken = %d, want 409 saying so:\n%s", r.Status, r.Body)
		}
		// Only those who may move customers to the trash list it.
		if r := e.do("GET", "/api/v1/customers?trash=true", nil, as(o.qa)); r.Status != 403 {
			t.Errorf("QA listing the trash = %d, want 403", r.Status)
		}

		// Lengths and pairs the forms limit are limited on the server too.
		add := func(body string) response {
			return e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", a.ID), strings.NewReader(body), as(o.am1))
		}
		for _, c := range []struct{ body, field string }{
			{`{"channel":"visit","content":"x","participants":"` + strings.Repeat("人", 501) + `"}`, "participants"},
			{`{"channel":"visit","content":"x","feedback":"` + strings.Repeat("好", 2001) + `"}`, "feedback"},
			{`{"channel":"visit","content":"x","next_due_at":"2099-01-01"}`, "next_step"},
			{`{"channel":"visit","content":"x","at":"1900-01-01T09:00:00+08:00"}`, "at"},
		} {
			if r := add(c.body); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
				t.Errorf("interaction %.60s… = %d %s, want 422 on %s", c.body, r.Status, r.Body, c.field)
			}
		}
		contact := func(body string) response {
			return e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", a.ID), strings.NewReader(body), as(o.am1))
		}
		for _, c := range []struct{ body, field string }{
			{`{"name":"甲","birthday":"02-30"}`, "birthday"},
			{`{"name":"乙","birthday":"1800-01-01"}`, "birthday"},
			{`{"name":"丙","birthday_lunar":true,"birthday_leap":true}`, "birthday"},
		} {
			if r := contact(c.body); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
				t.Errorf("contact %s = %d %s, want 422 on %s", c.body, r.Status, r.Body, c.field)
			}
		}
		// Every problem of a contact at once, the mobile's with the rest.
		r := contact(`{"name":"","email":"bad","mobile":"123","landline":"abc"}`)
		for _, f := range []string{"name", "email", "mobile", "landline"} {
			if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+f+`"`) {
				t.Errorf("a contact wrong in four fields = %d %s, want 422 naming %s too", r.Status, r.Body, f)
			}
		}
		if r := contact(`{"name":"丁","birthday":"02-29"}`); r.Status != 201 {
			t.Errorf("a 29 February birthday = %d %s, want 201", r.Status, r.Body)
		}

		// chang'an as it is written with the syllables apart.
		cq, _ := o.create(o.am1, `{"name":"长安机械"}`)
		if r := e.do("GET", "/api/v1/customers?q="+url.QueryEscape("chang'an"), nil, as(o.am1)); !strings.Contains(string(r.Body), cq.Code) {
			t.Errorf("q=chang'an does not find %s: %s", cq.Code, r.Body)
		}
	})
}
