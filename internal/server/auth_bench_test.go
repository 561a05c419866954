package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// BenchmarkAuthOverhead serves one row (an applied migration) through the
// whole handler stack twice: as the API's signed-in, authorized route, and
// as the same read registered on the same router without authentication,
// authorization or audit. The ratio of the two is the cost of identity on
// a request (target ≤ 1.15×, docs/benchmarks.md).
//
//	go test ./internal/server -run '^$' -bench AuthOverhead -benchtime 30000x -count 6
func BenchmarkAuthOverhead(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			db, srv, token := benchServer(b, engine, "bench_admin", crm.RoleAdmin)
			srv.Router.HandleFunc("GET /bench/raw/migrations/{version}", func(w http.ResponseWriter, r *http.Request) error {
				m, err := db.AppliedMigration(r.Context(), 1)
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusOK, map[string]any{"version": m.Version, "name": m.Name, "applied": true, "applied_at": m.AppliedAt})
				return nil
			})
			for _, c := range []struct{ name, path, token string }{
				{"no-auth", "/bench/raw/migrations/1", ""},
				{"signed-in", "/api/v1/system/migrations/1", token},
			} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						req := httptest.NewRequest("GET", c.path, nil)
						if c.token != "" {
							req.Header.Set("Authorization", "Bearer "+c.token)
						}
						w := httptest.NewRecorder()
						srv.Handler.ServeHTTP(w, req)
						if w.Code != http.StatusOK {
							b.Fatal(w.Code, w.Body.String())
						}
					}
				})
			}
		})
	}
}

// benchServer is the handler stack over a fresh database on engine, with
// one user of role signed in by API token, for benchmarks.
func benchServer(b *testing.B, engine store.Engine, username string, role crm.Role) (*store.DB, *server.Server, string) {
	b.Helper()
	db := storetest.Open(b, engine)
	keys, err := secure.LoadOrCreateKeyring(filepath.Join(b.TempDir(), secure.KeyFileName))
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(db, server.Options{Version: "bench", Auth: testAuth(), Sealer: keys})
	if err != nil {
		b.Fatal(err)
	}
	id := identity.New(db, testAuth(), nil, nil)
	sys := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("bench"))
	if _, err := id.AddUser(sys, identity.NewUser{Username: username, Role: role, Password: testPassword}, "en"); err != nil {
		b.Fatal(err)
	}
	token, _, err := id.Login(context.Background(), username, testPassword, "api")
	if err != nil {
		b.Fatal(err)
	}
	return db, srv, token
}
