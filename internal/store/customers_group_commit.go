package store

import (
	"context"
	"sync"

	"github.com/kehucrm/kehu/internal/crm"
)

// auditedGroups are the customers' group commits (write_group.go), one
// per database.
var auditedGroups sync.Map // *DB → *writeGroup[*auditedWrite]

// inTxAuditedGrouped is InTxAudited through the group commit: fn runs in
// a transaction that other writers' fns may share, so it must touch
// nothing outside tx and may run again (a PostgreSQL retry).
func (db *DB) inTxAuditedGrouped(ctx context.Context, e *crm.AuditEntry, fn func(*Tx) error) error {
	return db.groupAudited(ctx, &auditedGroups, &auditedWrite{e: e, fn: func(_ context.Context, p *preparedTx) error { return fn(p.Tx) }})
}
