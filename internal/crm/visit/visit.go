// Package visit plans contacts with customers (客户维护, 定期拜访/回访):
// plan items generated from each customer's service standard on the
// working-day calendar, completed by an interaction of the matching kind,
// escalated by a ladder when overdue, and the compliance that follows.
package visit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
)

// Item is one planned contact with a customer.
type Item struct {
	ID           int64      `json:"id"`
	CustomerID   int64      `json:"customer_id"`
	CustomerName string     `json:"customer_name"`
	OwnerID      int64      `json:"owner_id"`
	OwnerName    string     `json:"owner_name"`
	TeamID       int64      `json:"team_id"`
	Kind         string     `json:"kind"`
	PeriodStart  string     `json:"period_start"` // YYYY-MM-DD
	DueOn        string     `json:"due_on"`       // YYYY-MM-DD
	Cadence      int        `json:"cadence_working_days"`
	SchemeID     int64      `json:"scheme_id"`
	Level        string     `json:"level"`
	Status       string     `json:"status"`
	Step         int        `json:"escalation_step"`
	CompletedBy  *int64     `json:"completed_by"` // the interaction
	CompletedAt  *time.Time `json:"completed_at"`
	Version      int        `json:"version"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Filter selects plan items; empty fields select all.
type Filter struct {
	Scope      crm.Scope
	CustomerID int64
	OwnerID    int64
	Status     string
	Kind       string
	Open       bool   // open or escalated only
	DueFrom    string // YYYY-MM-DD, included
	DueTo      string // YYYY-MM-DD, included
	AfterDue   string // the page after (AfterDue, After), in due date then id order
	After      int64
	Limit      int
}

// Member is a customer as generation sees it, with the standards of its
// current levels that plan contacts.
type Member struct {
	CustomerID int64
	OwnerID    int64
	TeamID     int64
	Cadences   []Cadence
}

// Run is a generation of plan items for a range of days.
type Run struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"` // manual, nightly
	From       string     `json:"from"`
	To         string     `json:"to"`
	Status     string     `json:"status"` // queued, running, done, failed
	Checkpoint int64      `json:"checkpoint"`
	Customers  int64      `json:"customers"`
	Created    int64      `json:"created"`
	Error      string     `json:"error,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// Run statuses.
const (
	RunQueued  = "queued"
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
)

// Settings is the escalation ladder.
type Settings struct {
	Steps       []Step    `json:"steps"`
	Version     int       `json:"version"`
	EscalatedOn string    `json:"escalated_on"`
	UpdatedAt   time.Time `json:"updated_at"`
	UpdatedBy   string    `json:"updated_by"`
}

// Escalation is what the ladder does to one item: its new step and
// status, and the notices it sends.
type Escalation struct {
	ItemID  int64
	Step    int
	Status  string
	Notices []crm.Notice
}

// Row is one line of compliance: a manager or a team over a period.
type Row struct {
	GroupID  int64   `json:"group_id"`
	Name     string  `json:"name"`
	Due      int64   `json:"due"`
	OnTime   int64   `json:"on_time"`
	Late     int64   `json:"late"`
	Open     int64   `json:"open"` // overdue, not done
	Rate     float64 `json:"rate"` // on_time ÷ due, 0…1; 0 when nothing is due
	RateText string  `json:"rate_text"`
}

// ComplianceQuery selects compliance rows.
type ComplianceQuery struct {
	GroupBy string // owner, team
	From    string
	To      string
	Today   string // items due before today count as due; done ones always
	OwnerID int64  // restrict to one owner (account managers)
	TeamID  int64  // restrict to a team (sales managers: their team and their own)
	Self    int64
}

// Store is what visit plans need from storage.
type Store interface {
	VisitItems(ctx context.Context, f Filter) ([]Item, error)
	VisitItemTotal(ctx context.Context, f Filter) (crm.ListTotal, error)
	VisitItem(ctx context.Context, s crm.Scope, id int64) (Item, error)

	// VisitMembers reads up to n live customers after id after, by id,
	// with the standards of their current levels.
	VisitMembers(ctx context.Context, after int64, n int) ([]Member, error)
	// SaveVisitItems inserts the items that are not there yet (one per
	// customer, kind and period), returns how many it inserted, and
	// moves r's checkpoint, in one transaction.
	SaveVisitItems(ctx context.Context, r Run, items []Item) (int64, error)

	CreateVisitRun(ctx context.Context, r *Run, e *crm.AuditEntry) error
	VisitRun(ctx context.Context, id int64) (Run, error)
	// OpenVisitRun reads the latest run of kind for from, if any.
	OpenVisitRun(ctx context.Context, kind, from string) (Run, bool, error)
	ClaimVisitRun(ctx context.Context, now, leaseUntil time.Time) (Run, bool, error)
	FinishVisitRun(ctx context.Context, r Run) error

	VisitSettings(ctx context.Context) (Settings, error)
	PutVisitSettings(ctx context.Context, s *Settings, version int, e *crm.AuditEntry) error
	// OverdueVisitItems reads up to n items in status due before today,
	// after id after, by id.
	OverdueVisitItems(ctx context.Context, status, today string, after int64, n int) ([]Item, error)
	// Escalate saves the ladder's steps and sends their notices (with e,
	// when not nil), and records day as the day the ladder was worked
	// once done is true.
	Escalate(ctx context.Context, es []Escalation, day string, done bool, e *crm.AuditEntry) error

	Compliance(ctx context.Context, q ComplianceQuery) ([]Row, error)
	Audit(ctx context.Context, e *crm.AuditEntry) error
}

// Service is the visit plan service.
type Service struct {
	store     Store
	calendars *crm.Calendars
	now       func() time.Time
}

// New returns the visit plan service.
func New(s Store, calendars *crm.Calendars, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, calendars: calendars, now: now}
}

// today is the date in China.
func (vs *Service) today() calendar.Date { return calendar.DateOf(vs.now().In(crm.Shanghai)) }

// Today is the date in China as YYYY-MM-DD.
func (vs *Service) Today() string { return vs.today().String() }

// itemScope is the scope of plan items: the customers' (account managers
// their own, sales managers their team's, gm all).
func itemScope(p crm.Principal) crm.Scope { return crm.CustomerScope(p) }

// Items lists the plan items in the caller's scope.
func (vs *Service) Items(ctx context.Context, f Filter) ([]Item, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActVisitRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	var bad []crm.FieldError
	for _, d := range []struct{ name, v string }{{"due_from", f.DueFrom}, {"due_to", f.DueTo}} {
		if d.v != "" {
			if _, err := calendar.ParseDate(d.v); err != nil {
				bad = append(bad, crm.Bad(d.name, "format", "visit.err.date", d.v))
			}
		}
	}
	if len(bad) > 0 {
		return nil, crm.ListTotal{}, crm.Invalid(bad...)
	}
	f.Scope = itemScope(p)
	list, err := vs.store.VisitItems(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := vs.store.VisitItemTotal(ctx, f)
	return list, total, err
}

// Item reads one plan item in the caller's scope (not found otherwise).
func (vs *Service) Item(ctx context.Context, id int64) (Item, error) {
	p, err := crm.Authorize(ctx, crm.ActVisitRead)
	if err != nil {
		return Item{}, err
	}
	return vs.store.VisitItem(ctx, itemScope(p), id)
}

// Mine is the caller's own open items: due today, the rest of this
// week, overdue, and later (the next NightlyDays days after this week).
type Mine struct {
	Today    []Item `json:"today"`
	Week     []Item `json:"week"`
	Overdue  []Item `json:"overdue"`
	Later    []Item `json:"later"`
	Date     string `json:"date"`
	WeekEnds string `json:"week_ends"`
}

// MyItems returns the caller's open items of today, this week and
// overdue, at most limit of each.
func (vs *Service) MyItems(ctx context.Context, limit int) (Mine, error) {
	p, err := crm.Authorize(ctx, crm.ActVisitRead)
	if err != nil {
		return Mine{}, err
	}
	today := vs.today()
	sunday := today.AddDays((7 - int(today.Weekday())) % 7)
	m := Mine{Date: today.String(), WeekEnds: sunday.String()}
	base := Filter{Scope: crm.Scope{UserID: p.UserID}, OwnerID: p.UserID, Open: true, Limit: limit}
	q := func(from, to string) ([]Item, error) {
		f := base
		f.DueFrom, f.DueTo = from, to
		return vs.store.VisitItems(ctx, f)
	}
	if m.Today, err = q(today.String(), today.String()); err != nil {
		return m, err
	}
	if m.Week, err = q(today.AddDays(1).String(), sunday.String()); err != nil {
		return m, err
	}
	if m.Overdue, err = q("", today.AddDays(-1).String()); err != nil {
		return m, err
	}
	m.Later, err = q(sunday.AddDays(1).String(), today.AddDays(NightlyDays).String())
	return m, err
}

// Settings reads the escalation ladder.
func (vs *Service) Settings(ctx context.Context) (Settings, error) {
	if _, err := crm.Authorize(ctx, crm.ActVisitRead); err != nil {
		if _, err2 := crm.Authorize(ctx, crm.ActTierManage); err2 != nil {
			return Settings{}, err
		}
	}
	return vs.store.VisitSettings(ctx)
}

// ValidateSteps checks a ladder: known actions, each at most once, in
// the ladder's order, after 0…260 working days, not decreasing.
func ValidateSteps(steps []Step) []crm.FieldError {
	var bad []crm.FieldError
	if len(steps) > len(Actions) {
		bad = append(bad, crm.Bad("steps", "length", "visit.err.steps_len", len(Actions)))
		return bad
	}
	last, lastDays := -1, 0
	for i, s := range steps {
		f := func(n string) string { return fmt.Sprintf("steps[%d].%s", i, n) }
		at := -1
		for j, a := range Actions {
			if a == s.Action {
				at = j
			}
		}
		switch {
		case at < 0:
			bad = append(bad, crm.Bad(f("action"), "unknown", "visit.err.action", s.Action))
		case at <= last:
			bad = append(bad, crm.Bad(f("action"), "order", "visit.err.action_order"))
		default:
			last = at
		}
		if s.AfterDays < 0 || s.AfterDays > 260 {
			bad = append(bad, crm.Bad(f("after_working_days"), "range", "visit.err.after_days"))
		} else if i > 0 && s.AfterDays < lastDays {
			bad = append(bad, crm.Bad(f("after_working_days"), "order", "visit.err.after_days_order"))
		}
		lastDays = s.AfterDays
	}
	return bad
}

// PutSettings replaces the escalation ladder (tier.manage, which admins
// hold), audited; version is the one read.
func (vs *Service) PutSettings(ctx context.Context, steps []Step, version int) (Settings, error) {
	p, err := crm.Authorize(ctx, crm.ActTierManage)
	if err != nil {
		return Settings{}, err
	}
	if steps == nil {
		return Settings{}, crm.Invalid(crm.Bad("steps", "required", "visit.err.steps_required"))
	}
	if bad := ValidateSteps(steps); len(bad) > 0 {
		return Settings{}, crm.Invalid(bad...)
	}
	old, err := vs.store.VisitSettings(ctx)
	if err != nil {
		return Settings{}, err
	}
	if version == 0 {
		version = old.Version
	}
	s := Settings{Steps: steps, Version: version + 1, UpdatedAt: vs.now().UTC(), UpdatedBy: p.Username}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "visit_settings", "1", crm.Change{Before: old.Steps, After: steps})
	if err := vs.store.PutVisitSettings(ctx, &s, version, &e); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// idText is an id as text.
func idText(id int64) string { return strconv.FormatInt(id, 10) }
