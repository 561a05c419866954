package store

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// SendNotices is sendNotices, for tests that send notices without the
// change (a complaint filed or marked overdue) that causes them.
func SendNotices(ctx context.Context, tx *Tx, notices []crm.Notice, now time.Time) error {
	return sendNotices(ctx, tx, notices, now)
}
