package crm

import (
	"context"
	"time"
)

// Notification is a message in a user's in-app inbox.
type Notification struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Kind      string     `json:"kind"`
	Entity    string     `json:"entity"`
	EntityID  string     `json:"entity_id"`
	Message   string     `json:"message"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// OverdueStore finds and marks overdue complaints and keeps the inbox.
type OverdueStore interface {
	// MarkOverdue marks, in one transaction, every open complaint whose
	// deadline passed before now — the first reply (still registered after
	// reply_due_at) or the solution (not yet approved after
	// solution_due_at) — and notifies its assignee, the assignee's manager
	// and, with none assigned, every gm; each mark is audited. It returns
	// the complaints marked.
	MarkOverdue(ctx context.Context, now time.Time) ([]Complaint, error)
	Notifications(ctx context.Context, userID int64, unreadOnly bool, limit int) ([]Notification, error)
	MarkNotificationRead(ctx context.Context, userID, id int64, at time.Time) error
}

// Inbox is a signed-in user's notifications.
type Inbox struct {
	store OverdueStore
	now   func() time.Time
}

// NewInbox returns the inbox service.
func NewInbox(s OverdueStore, now func() time.Time) *Inbox {
	if now == nil {
		now = time.Now
	}
	return &Inbox{store: s, now: now}
}

// List returns the caller's notifications, newest first.
func (in *Inbox) List(ctx context.Context, unreadOnly bool, limit int) ([]Notification, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok || p.UserID <= 0 {
		return nil, Errorf(EUnauthorized, "sign in first")
	}
	return in.store.Notifications(ctx, p.UserID, unreadOnly, limit)
}

// MarkRead marks one of the caller's notifications read.
func (in *Inbox) MarkRead(ctx context.Context, id int64) error {
	p, ok := PrincipalFrom(ctx)
	if !ok || p.UserID <= 0 {
		return Errorf(EUnauthorized, "sign in first")
	}
	return in.store.MarkNotificationRead(ctx, p.UserID, id, in.now().UTC())
}
