package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/identity/identitytest"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

const goodPassword = identitytest.GoodPassword

func newFixture(t *testing.T, db *store.DB) *identitytest.Fixture { return identitytest.New(t, db) }

func TestAddUserValidatesEveryField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		_, err := f.ID.AddUser(f.Sys, identity.NewUser{Username: "Bad Name", Role: "king", Password: "short"}, "en")
		var e *crm.Error
		if !asError(err, &e) || e.Code != crm.EInvalid {
			t.Fatalf("got %v, want validation_failed", err)
		}
		fields := map[string]bool{}
		for _, fe := range e.Fields {
			fields[fe.Field] = true
		}
		for _, want := range []string{"username", "role", "password"} {
			if !fields[want] {
				t.Errorf("no error for %s in %+v", want, e.Fields)
			}
		}
		f.Add(t, "zhang.wei", crm.RoleAccountManager)
		if _, err := f.ID.AddUser(f.Sys, identity.NewUser{Username: "ZHANG.WEI", Role: crm.RoleGM, Password: goodPassword}, "en"); crm.ErrorCode(err) != crm.EConflict {
			t.Errorf("a second zhang.wei: %v, want conflict", err)
		}
		if _, err := f.ID.AddUser(f.Sys, identity.NewUser{Username: "li", Role: crm.RoleGM, Password: "li"}, "en"); crm.ErrorCode(err) != crm.EInvalid {
			t.Errorf("a password equal to the username: %v, want validation_failed", err)
		}
	})
}

func TestOnlyAdministratorsManageUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.Add(t, "gm", crm.RoleGM)
		admin := f.Add(t, "root", crm.RoleAdmin)
		gm, _ := f.Login(t, "gm", goodPassword)
		if _, err := f.ID.AddUser(gm, identity.NewUser{Username: "x1", Role: crm.RoleAdmin, Password: goodPassword}, "en"); crm.ErrorCode(err) != crm.EForbidden {
			t.Errorf("gm adding a user: %v, want forbidden", err)
		}
		if _, err := f.ID.AddUser(context.Background(), identity.NewUser{Username: "x2", Role: crm.RoleAdmin, Password: goodPassword}, "en"); crm.ErrorCode(err) != crm.EUnauthorized {
			t.Errorf("nobody adding a user: %v, want unauthorized", err)
		}
		root, _ := f.Login(t, "root", goodPassword)
		gmRole := crm.RoleGM
		if _, err := f.ID.UpdateUser(root, "root", identity.UserChange{Version: admin.Version, Role: &gmRole}); crm.ErrorCode(err) != crm.EForbidden {
			t.Errorf("an admin changing their own role: %v, want forbidden", err)
		}
	})
}

func TestUnknownUserAnswersLikeAWrongPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.Add(t, "wang", crm.RoleService)
		_, errWrong := f.Login(t, "wang", "Wrong-pass-1")
		_, errUnknown := f.Login(t, "nobody", "Wrong-pass-1")
		if errWrong == nil || errUnknown == nil || errWrong.Error() != errUnknown.Error() {
			t.Errorf("wrong password: %v; unknown user: %v; want the same answer", errWrong, errUnknown)
		}
	})
}

func TestFiveFailuresLockTheAccountForFifteenMinutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.Add(t, "liu", crm.RoleFinance)
		for range 5 {
			if _, err := f.Login(t, "liu", "Wrong-pass-1"); crm.ErrorCode(err) != crm.EUnauthorized {
				t.Fatalf("wrong password: %v", err)
			}
		}
		if _, err := f.Login(t, "liu", goodPassword); crm.ErrorCode(err) != crm.ELocked {
			t.Fatalf("right password on a locked account: %v, want account_locked", err)
		}
		f.Now = f.Now.Add(15*time.Minute + time.Second)
		if _, err := f.Login(t, "liu", goodPassword); err != nil {
			t.Fatalf("after 15 minutes: %v", err)
		}
	})
}

func TestSessionsEndWhenIdleOrOld(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.Add(t, "zhao", crm.RoleQA)
		tok, _, err := f.ID.Login(context.Background(), "zhao", goodPassword, "ui")
		if err != nil {
			t.Fatal(err)
		}
		// Active every 20 minutes for 11 hours 40 minutes: still signed in.
		for range 35 {
			f.Now = f.Now.Add(20 * time.Minute)
			if _, err := f.ID.Authenticate(context.Background(), tok); err != nil {
				t.Fatalf("active session refused after %v: %v", f.Now, err)
			}
		}
		f.Now = f.Now.Add(21 * time.Minute) // past 12 hours since sign-in
		if _, err := f.ID.Authenticate(context.Background(), tok); crm.ErrorCode(err) != crm.EUnauthorized {
			t.Errorf("session older than 12 hours: %v, want unauthorized", err)
		}
		tok, _, _ = f.ID.Login(context.Background(), "zhao", goodPassword, "ui")
		f.Now = f.Now.Add(31 * time.Minute)
		if _, err := f.ID.Authenticate(context.Background(), tok); crm.ErrorCode(err) != crm.EUnauthorized {
			t.Errorf("session idle for 31 minutes: %v, want unauthorized", err)
		}
	})
}

func TestLogoutAndDisablingEndSessionsAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.Add(t, "root", crm.RoleAdmin)
		f.Add(t, "sun", crm.RoleWarehouse)
		ctx, err := f.Login(t, "sun", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.ID.Logout(ctx); err != nil {
			t.Fatal(err)
		}
		p, _ := crm.PrincipalFrom(ctx)
		_ = p
		tok, _, _ := f.ID.Login(context.Background(), "sun", goodPassword, "ui")
		apiTok, _, err := f.ID.CreateAPIToken(f.Sys, "sun", "erp sync", 90*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.ID.Authenticate(context.Background(), apiTok); err != nil {
			t.Fatalf("fresh API token: %v", err)
		}
		root, _ := f.Login(t, "root", goodPassword)
		if _, err := f.ID.DisableUser(root, "sun"); err != nil {
			t.Fatal(err)
		}
		for name, tk := range map[string]string{"session": tok, "API token": apiTok} {
			if _, err := f.ID.Authenticate(context.Background(), tk); crm.ErrorCode(err) != crm.EUnauthorized {
				t.Errorf("%s of a disabled user: %v, want unauthorized", name, err)
			}
		}
		if _, err := f.Login(t, "sun", goodPassword); err == nil {
			t.Error("a disabled user signed in")
		}
	})
}

func TestIdentityChangesAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.Add(t, "qian", crm.RoleMarketing)
		_, _ = f.Login(t, "qian", "Wrong-pass-1")
		_, _ = f.Login(t, "qian", goodPassword)
		var actions []string
		rows, err := db.Query(context.Background(), "SELECT action FROM audit_log ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a string
			_ = rows.Scan(&a)
			actions = append(actions, a)
		}
		want := []string{crm.AuditCreate, crm.AuditLoginFailed, crm.AuditLogin}
		if len(actions) != len(want) {
			t.Fatalf("audit actions %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Errorf("audit actions %v, want %v", actions, want)
				break
			}
		}
	})
}

func asError(err error, target **crm.Error) bool {
	e, ok := err.(*crm.Error)
	if ok {
		*target = e
	}
	return ok
}
