package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestPurgeExpiredRemovesDeadSessionsOnly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		u := identity.User{Username: "p", Role: crm.RoleGM, PasswordHash: "x", PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
		e := crm.AuditEntry{At: time.Now(), Action: crm.AuditCreate}
		if err := db.CreateUser(ctx, &u, &e); err != nil {
			t.Fatal(err)
		}
		for _, s := range []identity.Session{
			{TokenHash: "live", UserID: u.ID, Kind: "ui", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)},
			{TokenHash: "expired", UserID: u.ID, Kind: "ui", CreatedAt: now.Add(-13 * time.Hour), LastSeenAt: now.Add(-time.Hour), ExpiresAt: now.Add(-time.Hour)},
			{TokenHash: "idle", UserID: u.ID, Kind: "api", CreatedAt: now.Add(-48 * time.Hour), LastSeenAt: now.Add(-48 * time.Hour), ExpiresAt: now.Add(time.Hour)},
		} {
			e := crm.AuditEntry{At: time.Now(), Action: crm.AuditLogin}
			if err := db.CreateSession(ctx, s, u.ID, &e); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := db.Hit(ctx, "old", time.Minute, now.Add(-48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		n, err := db.PurgeExpired(ctx, now)
		if err != nil || n != 3 {
			t.Fatalf("purged %d rows (%v), want 3 (two sessions, one counter)", n, err)
		}
		if _, err := db.SessionByHash(ctx, "live"); err != nil {
			t.Errorf("the live session went too: %v", err)
		}
	})
}
