// Package dealer keeps the dealers' (经销商) side of Kehu: dealers are
// customers of kind dealer, whose accounts (role dealer) see their own
// dealer only; each month a dealer forecasts its orders in a monthly plan
// (月计划), due by the 5th; sales merges the month's plans into the
// month's sales plan, which the GM approves.
package dealer

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/sales"
)

// Kind is the customer kind of a dealer.
const Kind = "dealer"

// Plan statuses.
const (
	PlanDraft     = "draft"
	PlanSubmitted = "submitted"
)

// PlanStatuses lists every plan status.
var PlanStatuses = []string{PlanDraft, PlanSubmitted}

// Sales plan statuses.
const (
	SalesPlanDraft     = "draft"
	SalesPlanSubmitted = "submitted"
	SalesPlanApproved  = "approved"
	SalesPlanReturned  = "returned"
)

// MaxLines bounds a plan's lines.
const MaxLines = 200

// Store keeps plans, sales plans, reminders and the settings.
type Store interface {
	// CreatePlan inserts p with its lines and e; a plan for the same
	// dealer and month already there is a conflict naming it.
	CreatePlan(ctx context.Context, p *Plan, e *crm.AuditEntry) error
	// UpdatePlan writes p (lines, notes, status) if its version is still
	// p.Version, with e, and bumps the version.
	UpdatePlan(ctx context.Context, p *Plan, e *crm.AuditEntry) error
	// Plan reads one plan of a dealer in scope (others: not found).
	Plan(ctx context.Context, id int64, scope crm.Scope, now time.Time) (Plan, error)
	ListPlans(ctx context.Context, f PlanFilter) ([]Plan, error)
	CountPlans(ctx context.Context, f PlanFilter) (crm.ListTotal, error)
	// SubmittedPlans reads every submitted plan of the month, with lines.
	SubmittedPlans(ctx context.Context, month string) ([]Plan, error)

	SalesPlan(ctx context.Context, month string) (SalesPlan, error)
	// SaveSalesPlan writes the month's sales plan (and, with lines, its
	// merged lines) if its version is still sp.Version (0: new), with e.
	SaveSalesPlan(ctx context.Context, sp *SalesPlan, lines bool, e *crm.AuditEntry) error

	// DealersWithoutPlan lists live dealers with no submitted plan for the
	// month and not yet reminded in that round, with the active accounts
	// of each; MarkReminded records the round's reminders and sends the
	// notices in one transaction, skipping dealers already reminded.
	DealersWithoutPlan(ctx context.Context, month string, round int) ([]Reminder, error)
	MarkReminded(ctx context.Context, month string, round int, dealers []int64, notices []crm.Notice, at time.Time) (int, error)

	// DueDay is the configured due day (0: the default); SetDueDay sets it.
	DueDay(ctx context.Context) (int, int, error)
	SetDueDay(ctx context.Context, day, version int, e *crm.AuditEntry) error
	// IsDealer reports whether the customer is a live dealer.
	IsDealer(ctx context.Context, customerID int64) (bool, error)
}

// Reminder is a dealer due a reminder and the accounts to tell.
type Reminder struct {
	DealerID int64
	Name     string
	Users    []int64
}

// Service runs dealers' plans and the month's sales plan.
type Service struct {
	store     Store
	customers *customer.Service
	sales     *sales.Service
	calendars *crm.Calendars
	now       func() time.Time
}

// New returns the dealer service; now is the clock (time.Now when nil).
func New(s Store, customers *customer.Service, ss *sales.Service, cals *crm.Calendars, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, sales: ss, calendars: cals, now: now}
}

// IsDealer reports whether the customer is a live dealer; the identity
// service uses it to check a dealer account's dealer.
func (ds *Service) IsDealer(ctx context.Context, customerID int64) (bool, error) {
	return ds.store.IsDealer(ctx, customerID)
}

// authorizeAny is crm.Authorize for a read that any of acts allows; the
// refusal names the first.
func authorizeAny(ctx context.Context, acts ...crm.Action) (crm.Principal, error) {
	var first error
	for _, a := range acts {
		p, err := crm.Authorize(ctx, a)
		if err == nil {
			return p, nil
		}
		if first == nil {
			first = err
		}
	}
	return crm.Principal{}, first
}

// Month is the current month in China, YYYY-MM.
func (ds *Service) Month() string { return ds.now().In(crm.Shanghai).Format("2006-01") }

// Settings are the plans' settings an administrator keeps.
type Settings struct {
	DueDay  int `json:"due_day"` // the day of the month plans are due by (1–28)
	Version int `json:"version"`
}

// Settings reads the plans' settings.
func (ds *Service) Settings(ctx context.Context) (Settings, error) {
	if _, err := authorizeAny(ctx, crm.ActSettingsManage, crm.ActDealerPlanRead); err != nil {
		return Settings{}, err
	}
	day, version, err := ds.dueDay(ctx)
	return Settings{DueDay: day, Version: version}, err
}

func (ds *Service) dueDay(ctx context.Context) (int, int, error) {
	day, version, err := ds.store.DueDay(ctx)
	if day < 1 || day > 28 {
		day = DefaultDueDay
	}
	return day, version, err
}

// SetSettings changes the plans' settings (administrators), audited.
func (ds *Service) SetSettings(ctx context.Context, s Settings) (Settings, error) {
	if _, err := crm.Authorize(ctx, crm.ActSettingsManage); err != nil {
		return Settings{}, err
	}
	if s.DueDay < 1 || s.DueDay > 28 {
		return Settings{}, crm.Invalid(crm.Bad("due_day", "range", "dealer.due_day.range"))
	}
	old, version, err := ds.dueDay(ctx)
	if err != nil {
		return Settings{}, err
	}
	if s.Version != 0 && s.Version != version {
		return Settings{}, crm.Fail(crm.EVersionConflict, "dealer.settings.changed")
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "dealer_plan_settings", "", map[string]any{"due_day": map[string]int{"from": old, "to": s.DueDay}})
	if err := ds.store.SetDueDay(ctx, s.DueDay, version, &e); err != nil {
		return Settings{}, err
	}
	return Settings{DueDay: s.DueDay, Version: version + 1}, nil
}
