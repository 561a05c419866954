package crm_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

const goodPassword = "Kehu-2026-pass"

// fixture is an identity service on a real database with a clock the test
// moves.
type fixture struct {
	id   *crm.Identity
	keys *secure.Keyring
	db   *store.DB
	now  time.Time
	sys  context.Context // acting as the command line
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	cfg := crm.DefaultAuthConfig()
	cfg.Argon2 = secure.Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32} // fast for tests
	f := &fixture{db: db, now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	f.id = crm.NewIdentity(db, cfg, func() time.Time { return f.now })
	keys, err := secure.LoadOrCreateKeyring(filepath.Join(t.TempDir(), secure.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	f.keys = keys
	f.id.SetSealer(keys)
	f.sys = crm.WithPrincipal(context.Background(), crm.SystemPrincipal("cli"))
	return f
}

func (f *fixture) add(t *testing.T, username string, role crm.Role) crm.User {
	t.Helper()
	u, err := f.id.AddUser(f.sys, crm.NewUser{Username: username, Role: role, Password: goodPassword}, "en")
	if err != nil {
		t.Fatalf("add %s: %v", username, err)
	}
	return u
}

func (f *fixture) login(t *testing.T, username, pw string) (context.Context, error) {
	t.Helper()
	tok, _, err := f.id.Login(context.Background(), username, pw, "api")
	if err != nil {
		return nil, err
	}
	p, err := f.id.Authenticate(context.Background(), tok)
	if err != nil {
		t.Fatalf("authenticate a fresh session: %v", err)
	}
	return crm.WithPrincipal(context.Background(), p), nil
}

func TestAddUserValidatesEveryField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		_, err := f.id.AddUser(f.sys, crm.NewUser{Username: "Bad Name", Role: "king", Password: "short"}, "en")
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
		f.add(t, "zhang.wei", crm.RoleAccountManager)
		if _, err := f.id.AddUser(f.sys, crm.NewUser{Username: "ZHANG.WEI", Role: crm.RoleGM, Password: goodPassword}, "en"); crm.ErrorCode(err) != crm.EConflict {
			t.Errorf("a second zhang.wei: %v, want conflict", err)
		}
		if _, err := f.id.AddUser(f.sys, crm.NewUser{Username: "li", Role: crm.RoleGM, Password: "li"}, "en"); crm.ErrorCode(err) != crm.EInvalid {
			t.Errorf("a password equal to the username: %v, want validation_failed", err)
		}
	})
}

func TestOnlyAdministratorsManageUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.add(t, "gm", crm.RoleGM)
		admin := f.add(t, "root", crm.RoleAdmin)
		gm, _ := f.login(t, "gm", goodPassword)
		if _, err := f.id.AddUser(gm, crm.NewUser{Username: "x1", Role: crm.RoleAdmin, Password: goodPassword}, "en"); crm.ErrorCode(err) != crm.EForbidden {
			t.Errorf("gm adding a user: %v, want forbidden", err)
		}
		if _, err := f.id.AddUser(context.Background(), crm.NewUser{Username: "x2", Role: crm.RoleAdmin, Password: goodPassword}, "en"); crm.ErrorCode(err) != crm.EUnauthorized {
			t.Errorf("nobody adding a user: %v, want unauthorized", err)
		}
		root, _ := f.login(t, "root", goodPassword)
		gmRole := crm.RoleGM
		if _, err := f.id.UpdateUser(root, "root", crm.UserChange{Version: admin.Version, Role: &gmRole}); crm.ErrorCode(err) != crm.EForbidden {
			t.Errorf("an admin changing their own role: %v, want forbidden", err)
		}
	})
}

func TestUnknownUserAnswersLikeAWrongPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.add(t, "wang", crm.RoleService)
		_, errWrong := f.login(t, "wang", "Wrong-pass-1")
		_, errUnknown := f.login(t, "nobody", "Wrong-pass-1")
		if errWrong == nil || errUnknown == nil || errWrong.Error() != errUnknown.Error() {
			t.Errorf("wrong password: %v; unknown user: %v; want the same answer", errWrong, errUnknown)
		}
	})
}

func TestFiveFailuresLockTheAccountForFifteenMinutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.add(t, "liu", crm.RoleFinance)
		for range 5 {
			if _, err := f.login(t, "liu", "Wrong-pass-1"); crm.ErrorCode(err) != crm.EUnauthorized {
				t.Fatalf("wrong password: %v", err)
			}
		}
		if _, err := f.login(t, "liu", goodPassword); crm.ErrorCode(err) != crm.ELocked {
			t.Fatalf("right password on a locked account: %v, want account_locked", err)
		}
		f.now = f.now.Add(15*time.Minute + time.Second)
		if _, err := f.login(t, "liu", goodPassword); err != nil {
			t.Fatalf("after 15 minutes: %v", err)
		}
	})
}

func TestSessionsEndWhenIdleOrOld(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.add(t, "zhao", crm.RoleQA)
		tok, _, err := f.id.Login(context.Background(), "zhao", goodPassword, "ui")
		if err != nil {
			t.Fatal(err)
		}
		// Active every 20 minutes for 11 hours 40 minutes: still signed in.
		for range 35 {
			f.now = f.now.Add(20 * time.Minute)
			if _, err := f.id.Authenticate(context.Background(), tok); err != nil {
				t.Fatalf("active session refused after %v: %v", f.now, err)
			}
		}
		f.now = f.now.Add(21 * time.Minute) // past 12 hours since sign-in
		if _, err := f.id.Authenticate(context.Background(), tok); crm.ErrorCode(err) != crm.EUnauthorized {
			t.Errorf("session older than 12 hours: %v, want unauthorized", err)
		}
		tok, _, _ = f.id.Login(context.Background(), "zhao", goodPassword, "ui")
		f.now = f.now.Add(31 * time.Minute)
		if _, err := f.id.Authenticate(context.Background(), tok); crm.ErrorCode(err) != crm.EUnauthorized {
			t.Errorf("session idle for 31 minutes: %v, want unauthorized", err)
		}
	})
}

func TestLogoutAndDisablingEndSessionsAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.add(t, "root", crm.RoleAdmin)
		f.add(t, "sun", crm.RoleWarehouse)
		ctx, err := f.login(t, "sun", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.id.Logout(ctx); err != nil {
			t.Fatal(err)
		}
		p, _ := crm.PrincipalFrom(ctx)
		_ = p
		tok, _, _ := f.id.Login(context.Background(), "sun", goodPassword, "ui")
		apiTok, _, err := f.id.CreateAPIToken(f.sys, "sun", "erp sync", 90*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.id.Authenticate(context.Background(), apiTok); err != nil {
			t.Fatalf("fresh API token: %v", err)
		}
		root, _ := f.login(t, "root", goodPassword)
		if _, err := f.id.DisableUser(root, "sun"); err != nil {
			t.Fatal(err)
		}
		for name, tk := range map[string]string{"session": tok, "API token": apiTok} {
			if _, err := f.id.Authenticate(context.Background(), tk); crm.ErrorCode(err) != crm.EUnauthorized {
				t.Errorf("%s of a disabled user: %v, want unauthorized", name, err)
			}
		}
		if _, err := f.login(t, "sun", goodPassword); err == nil {
			t.Error("a disabled user signed in")
		}
	})
}

func TestIdentityChangesAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.add(t, "qian", crm.RoleMarketing)
		_, _ = f.login(t, "qian", "Wrong-pass-1")
		_, _ = f.login(t, "qian", goodPassword)
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
