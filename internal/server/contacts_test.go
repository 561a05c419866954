package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestContactsKeepMobilesSealedMaskedAndUnique(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c1, _ := o.create(o.am1, `{"name":"无锡恒通电子"}`)
		c3, _ := o.create(o.am3, `{"name":"深圳前海贸易"}`)
		add := func(token string, customer int64, body string) response {
			return e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", customer), strings.NewReader(body), as(token))
		}
		r := add(o.am1, c1.ID, `{"name":"张伟","title":"采购经理","mobile":"+86 138-0013-8000","is_primary":true,"birthday":"08-15","birthday_lunar":true}`)
		if r.Status != 201 || !strings.Contains(string(r.Body), `"mobile":"138****8000"`) {
			t.Fatalf("add contact = %d %s", r.Status, r.Body)
		}
		var ct struct{ ID int64 }
		_ = json.Unmarshal(r.Body, &ct)
		if r := add(o.am2, c1.ID, `{"name":"李四"}`); r.Status != 404 {
			t.Errorf("adding a contact to a customer out of scope = %d, want 404", r.Status)
		}
		r = add(o.am3, c3.ID, `{"name":"王五","mobile":"13800138000"}`)
		if r.Status != 409 || strings.Contains(string(r.Body), c1.Code) {
			t.Errorf("a duplicate mobile seen from another team = %d %s, want 409 without naming the customer", r.Status, r.Body)
		}
		if r := add(o.am1, c1.ID, `{"name":"张伟二号","mobile":"13800138000"}`); r.Status != 409 || !strings.Contains(string(r.Body), c1.Code) {
			t.Errorf("a duplicate mobile within scope = %d %s, want 409 naming %s", r.Status, r.Body, c1.Code)
		}
		if r := add(o.am3, c3.ID, `{"name":"王五","mobile":"13800138000","force":true}`); r.Status != 201 {
			t.Errorf("a forced duplicate = %d %s", r.Status, r.Body)
		}
		if r := add(o.am1, c1.ID, `{"name":"赵六","mobile":"12345","birthday":"13-40"}`); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"birthday"`) {
			t.Errorf("bad mobile and birthday = %d %s", r.Status, r.Body)
		}
		r = e.do("GET", "/api/v1/contacts?mobile=13800138000", nil, as(o.am1))
		if r.Status != 200 || strings.Count(string(r.Body), `"name"`) != 1 {
			t.Errorf("find by mobile within scope = %d %s, want exactly the one contact am1 may see", r.Status, r.Body)
		}
		reveal := fmt.Sprintf("/api/v1/contacts/%d/reveal", ct.ID)
		if r := e.do("POST", reveal, strings.NewReader(`{"field":"mobile","reason":"回访"}`), as(o.qa)); r.Status != 403 {
			t.Errorf("QA revealing = %d, want 403", r.Status)
		}
		if r := e.do("POST", reveal, strings.NewReader(`{"field":"mobile","reason":"回访"}`), as(o.am2)); r.Status != 404 {
			t.Errorf("a colleague out of scope revealing = %d, want 404", r.Status)
		}
		if r := e.do("POST", reveal, strings.NewReader(`{"field":"mobile","reason":"回访确认"}`), as(o.am1)); r.Status != 200 || !strings.Contains(string(r.Body), `"13800138000"`) {
			t.Errorf("the owner revealing = %d %s", r.Status, r.Body)
		}
		if r := e.do("PATCH", fmt.Sprintf("/api/v1/contacts/%d", ct.ID), strings.NewReader(`{"version":1,"mobile":"13900139000"}`), as(o.am1)); r.Status != 200 || !strings.Contains(string(r.Body), `139****9000`) {
			t.Errorf("changing the mobile = %d %s", r.Status, r.Body)
		}
		r = e.do("GET", "/api/v1/audit?entity=contact", nil, as(o.auditor))
		if strings.Contains(string(r.Body), "13900139000") || strings.Contains(string(r.Body), "13800138000") || !strings.Contains(string(r.Body), "回访确认") {
			t.Errorf("the contact audit trail must hold masked numbers and the reveal's reason: %s", r.Body)
		}
		// A new primary contact demotes the old one, and its entry says so.
		if r := add(o.am1, c1.ID, `{"name":"钱七","is_primary":true}`); r.Status != 201 {
			t.Fatalf("a second primary contact = %d %s", r.Status, r.Body)
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d/contacts", c1.ID), nil, as(o.am1))
		var list struct {
			Items []struct {
				ID        int64  `json:"id"`
				Name      string `json:"name"`
				IsPrimary bool   `json:"is_primary"`
				Version   int    `json:"version"`
			} `json:"items"`
		}
		_ = json.Unmarshal(r.Body, &list)
		for _, k := range list.Items {
			if k.ID == ct.ID && (k.IsPrimary || k.Version != 3) {
				t.Errorf("the old primary contact = %+v, want demoted at version 3", k)
			}
		}
		r = e.do("GET", "/api/v1/audit?entity=contact&action=create", nil, as(o.auditor))
		if want := fmt.Sprintf(`\"demoted_primary_contact_id\":%d`, ct.ID); !strings.Contains(string(r.Body), want) {
			t.Errorf("the new primary's entry does not name the contact it demoted (%s): %s", want, r.Body)
		}
	})
}

func TestContactMobilesAreNotOnDisk(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db)
	o := newOrg(e)
	c, _ := o.create(o.am1, `{"name":"常州精工"}`)
	e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", c.ID), strings.NewReader(`{"name":"孙七","mobile":"15912345678"}`), as(o.am1))
	backup := t.TempDir() + "/b.db"
	if _, err := store.Backup(context.Background(), db.Path, backup); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{db.Path, db.Path + "-wal", backup} {
		raw, _ := os.ReadFile(f)
		if strings.Contains(string(raw), "15912345678") {
			t.Errorf("%s holds the contact's mobile in the clear", f)
		}
	}
}

// A contact stored before today's rules (a WeChat ID they would refuse, a
// birthday written wrongly long ago) stays editable: only what changes is
// checked again.
func TestAnOlderContactStaysEditable(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"温州老客户"}`)
		r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", c.ID), strings.NewReader(`{"name":"林老板"}`), as(o.am1))
		var k struct{ ID int64 }
		if err := json.Unmarshal(r.Body, &k); err != nil || r.Status != 201 {
			t.Fatalf("add contact = %d %s", r.Status, r.Body)
		}
		if _, err := e.db.Exec(context.Background(), "UPDATE contacts SET wechat_id = '12345', birthday = '2099-01-01' WHERE id = ?", k.ID); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/contacts/%d", k.ID)
		if r := e.do("PATCH", path, strings.NewReader(`{"version":1,"title":"董事长"}`), as(o.am1)); r.Status != 200 {
			t.Errorf("editing another field of an older contact = %d %s, want 200", r.Status, r.Body)
		}
		if r := e.do("PATCH", path, strings.NewReader(`{"version":2,"wechat_id":"54321"}`), as(o.am1)); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"wechat_id"`) {
			t.Errorf("a new WeChat ID against the rules = %d %s, want 422 on wechat_id", r.Status, r.Body)
		}
	})
}
