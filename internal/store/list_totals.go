package store

import (
	"context"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
)

// The totals of the lists whose condition is one line; the others sit
// beside their list (CountAudit, CountAccessRequests, CountComplaints …).

// CountNotifications counts a user's notifications (the unread ones only
// when unreadOnly).
func (db *DB) CountNotifications(ctx context.Context, userID int64, unreadOnly bool) (crm.ListTotal, error) {
	where := "user_id = ?"
	if unreadOnly {
		where += " AND read_at IS NULL"
	}
	return db.listTotal(ctx, "notifications", where, []any{userID})
}

// CountInteractions counts a customer's timeline entries.
func (db *DB) CountInteractions(ctx context.Context, customerID int64) (crm.ListTotal, error) {
	return db.listTotal(ctx, "interactions", "customer_id = ?", []any{customerID})
}

// CountAbnormalities counts the abnormality records (in status, when set).
func (db *DB) CountAbnormalities(ctx context.Context, status complaint.AbnormalityStatus) (crm.ListTotal, error) {
	if status == "" {
		return db.listTotal(ctx, "abnormalities a", "1 = 1", nil)
	}
	return db.listTotal(ctx, "abnormalities a", "a.status = ?", []any{status})
}

// CountPhoneFollowUps counts the unanswered surveys to take by phone.
func (db *DB) CountPhoneFollowUps(ctx context.Context) (crm.ListTotal, error) {
	return db.listTotal(ctx, "csat_surveys s", "s.channel = ? AND s.answered_at IS NULL", []any{complaint.CSATPhone})
}

// CountImports counts a user's imports.
func (db *DB) CountImports(ctx context.Context, userID int64) (crm.ListTotal, error) {
	return db.listTotal(ctx, "imports", "created_by = ?", []any{userID})
}
