package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// TestAuthVersionMovesWithChangesFromAnyConnection checks the signal the
// principal cache relies on: a user changed through another handle on the
// same database (another process, another instance) moves AuthVersion.
// On SQLite it also holds still while nothing is written.
func TestAuthVersionMovesWithChangesFromAnyConnection(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			db, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			other, err := store.Open(ctx, dsn, store.Options{Shared: true})
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			if _, err := other.W.ExecContext(ctx, other.Rebind(`INSERT INTO users (username, display_name, role, password_hash, password_changed_at, created_at, updated_at)
				VALUES ('watched', 'W', 'gm', 'x', ?, ?, ?)`), time.Now().UTC(), time.Now().UTC(), time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
			waitTrusted := time.Now().Add(5 * time.Second)
			v0, ok := db.AuthVersion()
			for !ok && time.Now().Before(waitTrusted) { // PostgreSQL: until LISTEN is in place
				time.Sleep(10 * time.Millisecond)
				v0, ok = db.AuthVersion()
			}
			if !ok {
				t.Fatal("AuthVersion is never trusted")
			}
			if engine == store.SQLite {
				if v, _ := db.AuthVersion(); v != v0 {
					t.Fatal("AuthVersion moved with nothing written")
				}
			}
			if _, err := other.W.ExecContext(ctx, "UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE username = 'watched'"); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now() // SQLite: at once
			if engine == store.Postgres {
				deadline = deadline.Add(5 * time.Second) // the NOTIFY's delivery
			}
			for {
				if v, ok := db.AuthVersion(); ok && v != v0 {
					return
				}
				if time.Now().After(deadline) {
					t.Fatal("AuthVersion did not move after another connection disabled a user")
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
}
