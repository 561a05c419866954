package crm

import (
	"context"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
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

// OverdueStore finds and marks overdue complaints.
type OverdueStore interface {
	// MarkOverdue marks, in one transaction, every open complaint whose
	// deadline passed before now — the first reply (still registered after
	// reply_due_at) or the solution (not yet approved after
	// solution_due_at) — and notifies its assignee, the assignee's manager
	// and, with none assigned, every gm; each mark is audited. It returns
	// the complaints marked.
	// escalateAt gives the time an overdue complaint goes to the gm, n
	// working days after now; the people told also get an e-mail (through
	// the outbox) when they gave an address.
	MarkOverdue(ctx context.Context, now time.Time, escalateAt func(n int) time.Time) ([]Complaint, error)
	// EscalateDue escalates to every active gm — once: escalated_at is set
	// in the same transaction, audited — each complaint still unresolved
	// whose escalate_at passed.
	EscalateDue(ctx context.Context, now time.Time) ([]Complaint, error)
}

// InboxStore keeps users' notifications and notice addresses.
type InboxStore interface {
	NotificationEmail(ctx context.Context, userID int64) (string, error)
	SetNotificationEmail(ctx context.Context, userID int64, email string, at time.Time, e *AuditEntry) error
	Notifications(ctx context.Context, userID int64, unreadOnly bool, limit int) ([]Notification, error)
	MarkNotificationRead(ctx context.Context, userID, id int64, at time.Time) error
}

// Inbox is a signed-in user's notifications.
type Inbox struct {
	store InboxStore
	now   func() time.Time
}

// NewInbox returns the inbox service.
func NewInbox(s InboxStore, now func() time.Time) *Inbox {
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

// NotifyEmail is where a user's notices go by e-mail.
type NotifyEmail struct {
	Email string `json:"email"` // empty: in-app inbox only
}

// Email returns the caller's notice address.
func (in *Inbox) Email(ctx context.Context) (NotifyEmail, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok || p.UserID <= 0 {
		return NotifyEmail{}, Errorf(EUnauthorized, "sign in first")
	}
	s, err := in.store.NotificationEmail(ctx, p.UserID)
	return NotifyEmail{Email: s}, err
}

// SetEmail sets (or, empty, removes) the caller's notice address, audited.
func (in *Inbox) SetEmail(ctx context.Context, email string) (NotifyEmail, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok || p.UserID <= 0 {
		return NotifyEmail{}, Errorf(EUnauthorized, "sign in first")
	}
	email = strings.TrimSpace(email)
	if email != "" && !validEmail(email) {
		return NotifyEmail{}, Invalid(FieldError{Field: "email", Code: "format", Message: "must be an e-mail address such as name@example.com"})
	}
	e := NewAudit(ctx, AuditUpdate, "notification_email", "", map[string]any{"email": maskEmail(email)})
	if err := in.store.SetNotificationEmail(ctx, p.UserID, email, in.now().UTC(), &e); err != nil {
		return NotifyEmail{}, err
	}
	return NotifyEmail{Email: email}, nil
}

// SweepResult is what one SLA sweep did.
type SweepResult struct {
	Overdue   []Complaint
	Escalated []Complaint
}

// SweepSLA marks the complaints whose deadline passed (setting when each
// goes to the gm: its rule's escalate_after_working_days on the
// working-day calendar after now) and escalates those whose time came.
// Each step is one transaction; mail goes to the outbox, sent afterwards.
func SweepSLA(ctx context.Context, s OverdueStore, calendars *Calendars, now time.Time) (SweepResult, error) {
	var res SweepResult
	cal, err := calendars.Current(ctx)
	if err != nil {
		return res, err
	}
	res.Overdue, err = s.MarkOverdue(ctx, now, escalateAt(cal, now))
	if err != nil {
		return res, err
	}
	res.Escalated, err = s.EscalateDue(ctx, now)
	return res, err
}

// escalateAt is n working days after now, at the end of that day.
func escalateAt(cal *calendar.Calendar, now time.Time) func(int) time.Time {
	memo := map[int]time.Time{}
	return func(n int) time.Time {
		if t, ok := memo[n]; ok {
			return t
		}
		t := now.UTC()
		if due, err := cal.AddWorkingDays(now, n); err == nil && due.Time.After(now) {
			t = due.Time.UTC()
		}
		memo[n] = t
		return t
	}
}
