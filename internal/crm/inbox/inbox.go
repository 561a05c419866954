package inbox

import (
	"context"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// Notification is a message in a user's in-app inbox. Text is what it
// says, to be rendered in the reader's language (see In); Message is the
// text written when it was sent, which is all a notification sent before
// texts kept their key has.
type Notification struct {
	ID        int64       `json:"id"`
	UserID    int64       `json:"user_id"`
	Kind      string      `json:"kind"`
	Entity    string      `json:"entity"`
	EntityID  string      `json:"entity_id"`
	Message   string      `json:"message"`
	Text      msg.Message `json:"-"`
	CreatedAt time.Time   `json:"created_at"`
	ReadAt    *time.Time  `json:"read_at,omitempty"`
}

// In is n as a reader of lang reads it: its Message is its Text rendered
// in lang, or, for a notification without Text, as it was written.
func (n Notification) In(lang string) Notification {
	if !n.Text.IsZero() {
		n.Message = n.Text.In(lang)
	}
	return n
}

// InboxStore keeps users' notifications and notice addresses.
type InboxStore interface {
	NotificationEmail(ctx context.Context, userID int64) (string, error)
	SetNotificationEmail(ctx context.Context, userID int64, email string, at time.Time, e *crm.AuditEntry) error
	// Notifications lists a user's notifications older than beforeID (0:
	// the newest), newest first.
	Notifications(ctx context.Context, userID int64, unreadOnly bool, beforeID int64, limit int) ([]Notification, error)
	CountNotifications(ctx context.Context, userID int64, unreadOnly bool) (crm.ListTotal, error)
	MarkNotificationRead(ctx context.Context, userID, id int64, at time.Time) error
}

// Service is a signed-in user's notifications.
type Service struct {
	store InboxStore
	now   func() time.Time
}

// New returns the inbox service.
func New(s InboxStore, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, now: now}
}

// List returns the caller's notifications, newest first.
func (in *Service) List(ctx context.Context, unreadOnly bool, limit int) ([]Notification, error) {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok || p.UserID <= 0 {
		return nil, crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	return in.store.Notifications(ctx, p.UserID, unreadOnly, 0, limit)
}

// Page returns a page of the caller's notifications, older than beforeID
// (0: the newest), and how many there are in all.
func (in *Service) Page(ctx context.Context, unreadOnly bool, beforeID int64, limit int) ([]Notification, crm.ListTotal, error) {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok || p.UserID <= 0 {
		return nil, crm.ListTotal{}, crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	list, err := in.store.Notifications(ctx, p.UserID, unreadOnly, beforeID, limit)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := in.store.CountNotifications(ctx, p.UserID, unreadOnly)
	return list, total, err
}

// MarkRead marks one of the caller's notifications read.
func (in *Service) MarkRead(ctx context.Context, id int64) error {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok || p.UserID <= 0 {
		return crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	return in.store.MarkNotificationRead(ctx, p.UserID, id, in.now().UTC())
}

// NotifyEmail is where a user's notices go by e-mail.
type NotifyEmail struct {
	Email string `json:"email"` // empty: in-app inbox only
}

// Email returns the caller's notice address.
func (in *Service) Email(ctx context.Context) (NotifyEmail, error) {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok || p.UserID <= 0 {
		return NotifyEmail{}, crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	s, err := in.store.NotificationEmail(ctx, p.UserID)
	return NotifyEmail{Email: s}, err
}

// SetEmail sets (or, empty, removes) the caller's notice address, audited.
func (in *Service) SetEmail(ctx context.Context, email string) (NotifyEmail, error) {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok || p.UserID <= 0 {
		return NotifyEmail{}, crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	email = strings.TrimSpace(email)
	if email != "" && !crm.ValidEmail(email) {
		return NotifyEmail{}, crm.Invalid(crm.Bad("email", "format", "inbox.email.format"))
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "notification_email", "", map[string]any{"email": crm.MaskEmail(email)})
	if err := in.store.SetNotificationEmail(ctx, p.UserID, email, in.now().UTC(), &e); err != nil {
		return NotifyEmail{}, err
	}
	return NotifyEmail{Email: email}, nil
}
