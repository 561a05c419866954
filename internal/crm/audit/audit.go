package audit

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// AuditFilter narrows an audit log listing. Zero fields do not filter.
type AuditFilter struct {
	Username string
	Entity   string
	EntityID string
	Action   string
	From, To time.Time // [From, To)
	BeforeID int64     // page: entries older than this ID
	Limit    int
}

// AuditStore reads the audit log.
type AuditStore interface {
	ListAudit(ctx context.Context, f AuditFilter) ([]crm.AuditEntry, error)
	// CountAudit counts the entries matching f, ignoring its cursor.
	CountAudit(ctx context.Context, f AuditFilter) (crm.ListTotal, error)
}

// Service lets the auditor read the audit log, newest first. Nobody else
// may, the administrator included (separation of duties).
type Service struct{ store AuditStore }

// New returns the audit log reader.
func New(s AuditStore) *Service { return &Service{store: s} }

// List returns entries matching f, newest first.
func (l *Service) List(ctx context.Context, f AuditFilter) ([]crm.AuditEntry, error) {
	if _, err := crm.Authorize(ctx, crm.ActAuditRead); err != nil {
		return nil, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, crm.Invalid(crm.Bad("to", "range", "auditlog.to.range"))
	}
	return l.store.ListAudit(ctx, f)
}

// Total counts the entries matching f, all pages.
func (l *Service) Total(ctx context.Context, f AuditFilter) (crm.ListTotal, error) {
	if _, err := crm.Authorize(ctx, crm.ActAuditRead); err != nil {
		return crm.ListTotal{}, err
	}
	return l.store.CountAudit(ctx, f)
}
