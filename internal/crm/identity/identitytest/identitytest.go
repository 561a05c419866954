// Package identitytest gives tests an identity service on a real database.
package identitytest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
)

// GoodPassword meets the password policy.
const GoodPassword = "Kehu-2026-pass"

// Fixture is an identity service on a real database with a clock the test
// moves.
type Fixture struct {
	ID   *identity.Service
	Keys *secure.Keyring
	DB   *store.DB
	Now  time.Time
	Sys  context.Context // acting as the command line
}

// New returns a fixture on db, at 2026-11-30 09:00 UTC. Its per-username
// failure rate is off, so that a test can lock an account in one burst;
// NewWith sets the rules.
func New(t testing.TB, db *store.DB) *Fixture {
	return NewWith(t, db, func(c *identity.AuthConfig) { c.FailuresPerUser = 0 })
}

// NewWith is New with the default sign-in rules changed by set.
func NewWith(t testing.TB, db *store.DB, set func(*identity.AuthConfig)) *Fixture {
	cfg := identity.DefaultAuthConfig()
	cfg.Argon2 = secure.Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32} // fast for tests
	if set != nil {
		set(&cfg)
	}
	f := &Fixture{DB: db, Now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	keys, err := secure.LoadOrCreateKeyring(filepath.Join(t.TempDir(), secure.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	f.Keys = keys
	f.ID = identity.New(db, cfg, keys, func() time.Time { return f.Now })
	f.Sys = crm.WithPrincipal(context.Background(), crm.SystemPrincipal("cli"))
	return f
}

// Add adds a user with the good password.
func (f *Fixture) Add(t testing.TB, username string, role crm.Role) identity.User {
	t.Helper()
	u, err := f.ID.AddUser(f.Sys, identity.NewUser{Username: username, Role: role, Password: GoodPassword}, "en")
	if err != nil {
		t.Fatalf("add %s: %v", username, err)
	}
	return u
}

// Login signs in and returns the signed-in context.
func (f *Fixture) Login(t testing.TB, username, pw string) (context.Context, error) {
	t.Helper()
	tok, _, err := f.ID.Login(context.Background(), username, pw, "api")
	if err != nil {
		return nil, err
	}
	p, err := f.ID.Authenticate(context.Background(), tok)
	if err != nil {
		t.Fatalf("authenticate a fresh session: %v", err)
	}
	return crm.WithPrincipal(context.Background(), p), nil
}
