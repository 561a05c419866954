// Package tier ranks customers (客户分级): schemes as versioned data, the
// pure rules that compute a level, recalculation runs with hysteresis,
// overrides and watch flags, effective-dated history, and the service
// standard of each level.
package tier

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// Member is one customer as a run sees it: its facts, owner and standing.
type Member struct {
	Facts
	Name    string
	OwnerID int64
	TeamID  int64
	Current *Current // nil: not ranked in this scheme yet
}

// Change is one customer's new standing in a scheme, and the history
// entry that starts when its effective level changed (nil: unchanged).
type Change struct {
	Next    Current
	History *HistoryEntry
}

// Store is what tiering needs from storage.
type Store interface {
	Schemes(ctx context.Context) ([]Scheme, error)
	Scheme(ctx context.Context, id int64) (Scheme, error)
	SchemeAt(ctx context.Context, id int64, version int) (Scheme, error)
	CreateScheme(ctx context.Context, s *Scheme, e *crm.AuditEntry) error
	// UpdateScheme saves s as version+1 of its scheme, refusing with a
	// version conflict when version is not the current one.
	UpdateScheme(ctx context.Context, s *Scheme, version int, e *crm.AuditEntry) error

	// Population reads every live customer's facts for a window.
	Population(ctx context.Context, windowFrom string, complaintsFrom time.Time) ([]Facts, error)
	// Members reads up to n live customers after id after, by id, with
	// their facts and standing in the scheme.
	Members(ctx context.Context, schemeID, after int64, n int, windowFrom string, complaintsFrom time.Time) ([]Member, error)
	Member(ctx context.Context, schemeID, customerID int64) (Member, error)

	RunStore
	CustomerTierStore
	StandardStore
}

// Service is the tiering service.
type Service struct {
	store     Store
	customers *customer.Service
	calendars *crm.Calendars
	now       func() time.Time
}

// New returns the tiering service.
func New(s Store, customers *customer.Service, calendars *crm.Calendars, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, calendars: calendars, now: now}
}

// inScope reports whether a customer of owner and team is in s (grants aside).
func inScope(s crm.Scope, owner, team int64) bool {
	return s.All || owner == s.UserID || (s.TeamID != 0 && team == s.TeamID)
}

// readAny authorizes a reader of schemes and standards: whoever reads
// tiers or manages them.
func readAny(ctx context.Context) (crm.Principal, error) {
	p, err := crm.Authorize(ctx, crm.ActTierRead)
	if err == nil {
		return p, nil
	}
	if q, err2 := crm.Authorize(ctx, crm.ActTierManage); err2 == nil {
		return q, nil
	}
	return p, err
}
