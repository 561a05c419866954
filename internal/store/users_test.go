package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// TestAUsersSavedLanguageTravelsWithTheirSessionsAndTokens checks users.lang
// end to end: saved through the identity service, read back with the user,
// and carried by the principal of a session and of an API token, also
// after a principal was cached with the language before.
func TestAUsersSavedLanguageTravelsWithTheirSessionsAndTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		keys, err := secure.LoadOrCreateKeyring(filepath.Join(t.TempDir(), secure.KeyFileName))
		if err != nil {
			t.Fatal(err)
		}
		cfg := identity.DefaultAuthConfig()
		cfg.Argon2 = secure.Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
		id := identity.New(db, cfg, keys, nil)
		ctx := context.Background()
		u, err := id.AddUser(crm.WithPrincipal(ctx, crm.SystemPrincipal("test")),
			identity.NewUser{Username: "polyglot", Role: crm.RoleGM, Password: "Kehu-2026-pass"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		if u.Lang != "" {
			t.Fatalf("a new user's language is %q, want \"\" (follow the browser)", u.Lang)
		}
		session, _, err := id.Login(ctx, "polyglot", "Kehu-2026-pass", "ui")
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := id.CreateAPIToken(crm.WithPrincipal(ctx, crm.SystemPrincipal("test")), "polyglot", "cli", 0)
		if err != nil {
			t.Fatal(err)
		}
		langOf := func(token string) string {
			t.Helper()
			p, err := id.Authenticate(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			return p.Lang
		}
		if got := langOf(session); got != "" {
			t.Fatalf("before saving, the session's principal speaks %q", got)
		}
		me, err := id.Authenticate(ctx, session)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"en", "zh-CN", ""} {
			if _, err := id.UpdateMe(crm.WithPrincipal(ctx, me), identity.MeChange{Lang: &lang}); err != nil {
				t.Fatalf("saving %q: %v", lang, err)
			}
			if got, err := db.UserByID(ctx, u.ID); err != nil || got.Lang != lang {
				t.Errorf("after saving %q, UserByID reads %q (%v)", lang, got.Lang, err)
			}
			if got := langOf(session); got != lang {
				t.Errorf("after saving %q, the session's principal speaks %q", lang, got)
			}
			if got := langOf(token); got != lang {
				t.Errorf("after saving %q, the token's principal speaks %q", lang, got)
			}
		}
		fr := "fr"
		_, err = id.UpdateMe(crm.WithPrincipal(ctx, me), identity.MeChange{Lang: &fr})
		if crm.ErrorCode(err) != crm.EInvalid {
			t.Errorf("saving fr: got %v, want invalid", err)
		}
	})
}
