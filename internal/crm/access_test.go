package crm_test

import (
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestAccessGrantsExpireByThemselves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		clock := func() time.Time { return f.now }
		customers, access := crm.NewCustomers(db, clock), crm.NewAccess(db, 0, clock)
		f.add(t, "boss", crm.RoleSalesManager)
		if _, err := f.id.AddUser(f.sys, crm.NewUser{Username: "owner", Role: crm.RoleAccountManager, Manager: "boss", Password: goodPassword}, "en"); err != nil {
			t.Fatal(err)
		}
		f.add(t, "inspector", crm.RoleQA)
		owner, _ := f.login(t, "owner", goodPassword)
		boss, _ := f.login(t, "boss", goodPassword)
		inspector, _ := f.login(t, "inspector", goodPassword)

		c, err := customers.Create(owner, crm.Customer{Name: "温州东海电器"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		req, err := access.Request(inspector, "customer", c.ID, "质量追溯")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := access.Decide(boss, req.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := customers.Get(inspector, c.ID); err != nil {
			t.Fatalf("read under a fresh grant: %v", err)
		}
		f.now = f.now.Add(crm.DefaultGrantTTL + time.Minute)
		if _, err := customers.Get(inspector, c.ID); crm.ErrorCode(err) != crm.ENotFound {
			t.Errorf("read after the grant expired: %v, want not_found", err)
		}
		list, err := access.List(inspector, "", 0, 10)
		if err != nil || len(list) != 1 || list[0].Status != "expired" {
			t.Errorf("the inspector's requests %+v (%v), want one expired", list, err)
		}
		if _, err := access.Decide(inspector, req.ID, true, ""); crm.ErrorCode(err) != crm.EForbidden {
			t.Errorf("QA deciding a request: %v, want forbidden", err)
		}
	})
}
