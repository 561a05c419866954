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

func TestTheDataCardKeepsRevisionsWithTheSeedsOptionLists(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"台州塑胶"}`)
		path := fmt.Sprintf("/api/v1/customers/%d/card", c.ID)
		save := func(token, body string) response { return e.do("PUT", path, strings.NewReader(body), as(token)) }
		r := save(o.am1, `{"surveyor":"张伟","surveyed_on":"2026-11-20","values":{"payment_attitude":"爽快","funds":"充足","bank":"工商银行台州分行","bank_account":"6222020304051234567"}}`)
		if r.Status != 201 || !strings.Contains(string(r.Body), `"revision":1`) || strings.Contains(string(r.Body), "6222020304051234567") {
			t.Fatalf("first save = %d %s", r.Status, r.Body)
		}
		tests := []struct{ name, body, field string }{
			{"a payment attitude outside the seed's list", `{"surveyor":"张伟","values":{"payment_attitude":"很好"}}`, "values.payment_attitude"},
			{"a field the card does not have", `{"surveyor":"张伟","values":{"shoe_size":"42"}}`, "values.shoe_size"},
			{"no surveyor", `{"surveyor":"","values":{"funds":"紧张"}}`, "surveyor"},
		}
		for _, tt := range tests {
			if r := save(o.am1, tt.body); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+tt.field+`"`) {
				t.Errorf("%s = %d %s, want 422 naming %s", tt.name, r.Status, r.Body, tt.field)
			}
		}
		r = save(o.am1, `{"surveyor":"陈静","values":{"payment_attitude":"迟延","funds":"充足","bank":"工商银行台州分行","bank_account":"6222020304051234567","business_status":"衰退"}}`)
		if r.Status != 201 || !strings.Contains(string(r.Body), `"changed":["payment_attitude","business_status"]`) {
			t.Errorf("second save = %d %s, want payment_attitude and business_status changed", r.Status, r.Body)
		}
		r = e.do("GET", path+"/revisions/2/diff", nil, as(o.mgrA))
		if !strings.Contains(string(r.Body), `{"key":"payment_attitude","before":"爽快","after":"迟延"}`) {
			t.Errorf("the diff of revision 2 = %s", r.Body)
		}
		if r := save(o.am2, `{"surveyor":"x","values":{}}`); r.Status != 404 {
			t.Errorf("a colleague saving the card = %d, want 404", r.Status)
		}
		if r := e.do("GET", path+"/revisions", nil, as(o.am1)); strings.Count(string(r.Body), `"revision":`) != 2 {
			t.Errorf("revisions: %s", r.Body)
		}
	})
}

func TestAdministratorsAddCardFields(t *testing.T) {
	e := newEnvSQLite(t)
	o := newOrg(e)
	body := `{"version":1,"fields":[{"key":"wechat_group","section":"custom","label_zh":"微信群","label_en":"WeChat group","type":"choice","options":["已加入","未加入"]}]}`
	if r := e.do("PUT", "/api/v1/card-template", strings.NewReader(body), as(o.am1)); r.Status != 403 {
		t.Errorf("an account manager changing the template = %d, want 403", r.Status)
	}
	if r := e.do("PUT", "/api/v1/card-template", strings.NewReader(body), as(o.admin)); r.Status != 200 {
		t.Fatalf("the admin adding a field = %d %s", r.Status, r.Body)
	}
	if r := e.do("PUT", "/api/v1/card-template", strings.NewReader(body), as(o.admin)); r.Status != 409 {
		t.Errorf("a stale template version = %d, want 409", r.Status)
	}
	c, _ := o.create(o.am1, `{"name":"舟山海产"}`)
	r := e.do("PUT", fmt.Sprintf("/api/v1/customers/%d/card", c.ID), strings.NewReader(`{"surveyor":"张伟","values":{"wechat_group":"已加入"}}`), as(o.am1))
	if r.Status != 201 {
		t.Errorf("saving the added field = %d %s", r.Status, r.Body)
	}
}

func TestCardBankAccountsAreSealedOnDisk(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db)
	o := newOrg(e)
	c, _ := o.create(o.am1, `{"name":"嘉善木业"}`)
	e.do("PUT", fmt.Sprintf("/api/v1/customers/%d/card", c.ID), strings.NewReader(`{"surveyor":"张伟","values":{"bank_account":"6228480402564890018"}}`), as(o.am1))
	backup := t.TempDir() + "/b.db"
	if _, err := store.Backup(context.Background(), db.Path, backup); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{db.Path, db.Path + "-wal", backup} {
		if raw, _ := os.ReadFile(f); strings.Contains(string(raw), "6228480402564890018") {
			t.Errorf("%s holds the bank account in the clear", f)
		}
	}
}

func TestAMaskedCardValueSentBackKeepsTheValueOnFile(t *testing.T) {
	e := newEnvSQLite(t)
	o := newOrg(e)
	c, _ := o.create(o.am1, `{"name":"丽水茶业"}`)
	path := fmt.Sprintf("/api/v1/customers/%d/card", c.ID)
	e.do("PUT", path, strings.NewReader(`{"surveyor":"张伟","values":{"bank_account":"6217000010002345678"}}`), as(o.am1))
	r := e.do("GET", path+"/revisions", nil, as(o.am1))
	var revs struct {
		Items []struct {
			Values map[string]string `json:"values"`
		} `json:"items"`
	}
	if err := json.Unmarshal(r.Body, &revs); err != nil || len(revs.Items) != 1 {
		t.Fatalf("revisions: %s", r.Body)
	}
	masked := revs.Items[0].Values["bank_account"]
	if masked == "" || strings.Contains(masked, "6217000010002345678") {
		t.Fatalf("the account should read masked, got %q", masked)
	}
	r = e.do("PUT", path, strings.NewReader(`{"surveyor":"张伟","values":{"bank_account":"`+masked+`","funds":"充足"}}`), as(o.am1))
	if r.Status != 201 || strings.Contains(string(r.Body), `"bank_account"`) && strings.Contains(string(r.Body), `"changed":["bank_account"`) {
		t.Errorf("sending the masked value back = %d %s", r.Status, r.Body)
	}
	if !strings.Contains(string(r.Body), `"changed":["funds"]`) {
		t.Errorf("only funds changed, got %s", r.Body)
	}
}
