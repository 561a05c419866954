package access_test

import (
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/access"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/identity/identitytest"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

const goodPassword = identitytest.GoodPassword

func TestAccessGrantsExpireByThemselves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := identitytest.New(t, db)
		clock := func() time.Time { return f.Now }
		customers, grants := customer.New(db, f.Keys, clock), access.New(db, 0, clock)
		f.Add(t, "boss", crm.RoleSalesManager)
		if _, err := f.ID.AddUser(f.Sys, identity.NewUser{Username: "owner", Role: crm.RoleAccountManager, Manager: "boss", Password: goodPassword}, "en"); err != nil {
			t.Fatal(err)
		}
		f.Add(t, "inspector", crm.RoleQA)
		owner, _ := f.Login(t, "owner", goodPassword)
		boss, _ := f.Login(t, "boss", goodPassword)
		inspector, _ := f.Login(t, "inspector", goodPassword)

		c, err := customers.Create(owner, customer.Customer{Name: "温州东海电器"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		req, err := grants.Request(inspector, "customer", c.ID, "质量追溯")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := grants.Decide(boss, req.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := customers.Get(inspector, c.ID); err != nil {
			t.Fatalf("read under a fresh grant: %v", err)
		}
		f.Now = f.Now.Add(access.DefaultGrantTTL + time.Minute)
		if _, err := customers.Get(inspector, c.ID); crm.ErrorCode(err) != crm.ENotFound {
			t.Errorf("read after the grant expired: %v, want not_found", err)
		}
		list, err := grants.List(inspector, "", 0, 10)
		if err != nil || len(list) != 1 || list[0].Status != "expired" {
			t.Errorf("the inspector's requests %+v (%v), want one expired", list, err)
		}
		if _, err := grants.Decide(inspector, req.ID, true, ""); crm.ErrorCode(err) != crm.EForbidden {
			t.Errorf("QA deciding a request: %v, want forbidden", err)
		}
	})
}
