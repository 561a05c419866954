package identity_test

import (
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestMobilesAreSealedMaskedFoundAndRevealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		u, err := f.ID.AddUser(f.Sys, identity.NewUser{Username: "zhou", Role: crm.RoleService, Password: goodPassword, Mobile: "+86 139-1234-5678"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		if u.Mobile != "139****5678" {
			t.Errorf("mobile shown as %q, want 139****5678", u.Mobile)
		}
		found, err := f.ID.UserByMobile(f.Sys, "13912345678")
		if err != nil || found.ID != u.ID {
			t.Fatalf("find by mobile: %+v %v", found, err)
		}
		if _, err := f.ID.RevealMobile(f.Sys, "zhou", " "); crm.ErrorCode(err) != crm.EInvalid {
			t.Errorf("reveal without a reason: %v, want validation_failed", err)
		}
		full, err := f.ID.RevealMobile(f.Sys, "zhou", "回访核实")
		if err != nil || full != "13912345678" {
			t.Errorf("reveal = %q, %v", full, err)
		}
		if _, err := f.ID.AddUser(f.Sys, identity.NewUser{Username: "wu", Role: crm.RoleService, Password: goodPassword, Mobile: "12345"}, "en"); crm.ErrorCode(err) != crm.EInvalid {
			t.Errorf("a bad mobile: %v, want validation_failed", err)
		}
	})
}

func TestKeyRotationResealsEveryValue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, name := range []string{"a1", "a2", "a3"} {
			if _, err := f.ID.AddUser(f.Sys, identity.NewUser{Username: name, Role: crm.RoleService, Password: goodPassword, Mobile: "13800138000"}, "en"); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Keys.Rotate(); err != nil {
			t.Fatal(err)
		}
		n, err := identity.Reseal(t.Context(), db, f.Keys)
		if err != nil || n != 3 {
			t.Fatalf("reseal changed %d values (%v), want 3", n, err)
		}
		if n, _ := identity.Reseal(t.Context(), db, f.Keys); n != 0 {
			t.Errorf("a second pass changed %d values, want 0", n)
		}
		if full, err := f.ID.RevealMobile(f.Sys, "a2", "检查"); err != nil || full != "13800138000" {
			t.Errorf("after rotation reveal = %q, %v", full, err)
		}
		if _, err := f.ID.UserByMobile(f.Sys, "13800138000"); err != nil {
			t.Errorf("the blind index stopped working after rotation: %v", err)
		}
	})
}
