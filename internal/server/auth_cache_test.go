package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// TestChangesFromAnotherProcessEndSessionsAtOnce serves from one database
// handle and makes each change through a second one, as `kehu user
// disable` beside the server or a second kehu instance would. The server
// caches principals; each change must still take effect on the next
// request — at once on SQLite, and as soon as PostgreSQL delivers the
// NOTIFY (milliseconds) there.
func TestChangesFromAnotherProcessEndSessionsAtOnce(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			ctx := context.Background()
			db, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			other, err := store.Open(ctx, dsn, store.Options{Shared: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { other.Close() })
			e := newEnv(t, db)
			admin := identity.New(other, testAuth(), nil, nil)
			sys := crm.WithPrincipal(ctx, crm.SystemPrincipal("other-process"))

			cases := []struct {
				name   string
				role   crm.Role
				change func(t *testing.T, username, token string)
				want   int
			}{
				{"disabled", crm.RoleGM, func(t *testing.T, username, _ string) {
					if _, err := admin.DisableUser(sys, username); err != nil {
						t.Fatal(err)
					}
				}, http.StatusUnauthorized},
				{"signed out elsewhere", crm.RoleGM, func(t *testing.T, _, token string) {
					p, err := admin.Authenticate(ctx, token)
					if err != nil {
						t.Fatal(err)
					}
					if err := admin.Logout(crm.WithPrincipal(ctx, p)); err != nil {
						t.Fatal(err)
					}
				}, http.StatusUnauthorized},
				{"role changed", crm.RoleGM, func(t *testing.T, username, _ string) {
					u, err := other.UserByUsername(ctx, username)
					if err != nil {
						t.Fatal(err)
					}
					role := crm.RoleMarketing
					if _, err := admin.UpdateUser(crm.WithPrincipal(ctx, crm.Principal{UserID: -1, Username: "root", Role: crm.RoleAdmin}), username, identity.UserChange{Version: u.Version, Role: &role}); err != nil {
						t.Fatal(err)
					}
				}, http.StatusUnauthorized}, // a new role signs the user out
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					username := "cache_" + strings.ReplaceAll(c.name, " ", "_")
					token := e.userIn(username, c.role, "", "")
					for range 3 { // the first request fills the cache, the others use it
						if r := e.do("GET", "/api/v1/complaints", nil, as(token)); r.Status != http.StatusOK {
							t.Fatalf("before the change: %d %s", r.Status, r.Body)
						}
					}
					c.change(t, username, token)
					deadline := time.Now() // SQLite: the very next request
					if engine == store.Postgres {
						deadline = deadline.Add(5 * time.Second) // the NOTIFY's delivery
					}
					for {
						r := e.do("GET", "/api/v1/complaints", nil, as(token))
						if r.Status == c.want {
							return
						}
						if time.Now().After(deadline) {
							t.Fatalf("after the change from another process: %d, want %d", r.Status, c.want)
						}
						time.Sleep(5 * time.Millisecond)
					}
				})
			}
		})
	}
}
