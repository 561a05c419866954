package store

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// WalksNewestFirst tells a test which way PostgreSQL finds a search's
// page (see walkNewestFirst); always false on SQLite.
func (db *DB) WalksNewestFirst(ctx context.Context, s crm.Scope, q string, f crm.CustomerFilter, now time.Time) (bool, error) {
	if db.Engine != Postgres {
		return false, nil
	}
	return db.walkNewestFirst(ctx, s, f, now, q)
}
