package pool

import (
	"context"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// Entry is a customer in the pool.
type Entry struct {
	CustomerID    int64     `json:"customer_id"`
	Code          string    `json:"code"`
	Name          string    `json:"name"`
	RegionCode    string    `json:"region_code"`
	IndustryCode  string    `json:"industry_code"`
	Since         time.Time `json:"since"`
	FromOwnerID   int64     `json:"from_owner_id,omitempty"`
	FromOwnerName string    `json:"from_owner_name,omitempty"`
	Reason        string    `json:"reason"` // no_follow_up
}

// Upcoming is a customer about to return to the pool.
type Upcoming struct {
	CustomerID  int64     `json:"customer_id"`
	Code        string    `json:"code"`
	Name        string    `json:"name"`
	OwnerID     int64     `json:"owner_id"`
	OwnerName   string    `json:"owner_name"`
	LastTouchAt time.Time `json:"last_touch_at"`
	DueAt       time.Time `json:"due_at"`
	Tier        string    `json:"tier"` // the rule that applies
}

// Candidate is a live customer as the return job sees it.
type Candidate struct {
	CustomerID int64
	Name       string
	OwnerID    int64
	TeamID     int64
	LastTouch  time.Time // latest of the last interaction, the last claim or handover, and its creation
	Standing   Standing
	InPool     bool       // owned by the pool account
	Listed     bool       // it has a row among the upcoming
	NoticedDue *time.Time // the due date its owner was told of
}

// DueRow is one customer among the upcoming returns.
type DueRow struct {
	CustomerID, OwnerID, TeamID, RuleID int64
	LastTouchAt, DueAt                  time.Time
	NoticedDue                          *time.Time
}

// ListFilter narrows the pool or the upcoming returns.
type ListFilter struct {
	RegionCode  string
	FromOwnerID int64
	After       Cursor
	Limit       int
}

// Cursor is the key of a list's last row.
type Cursor struct {
	At time.Time `json:"at"`
	ID int64     `json:"id"`
}

// Sweep is what one batch of the return job writes.
type Sweep struct {
	Returns []Candidate // back to the pool
	Rules   map[int64]Rule
	Due     []DueRow // upserted among the upcoming
	Clear   []int64  // no longer upcoming
	Notices []crm.Notice
	Audits  []crm.AuditEntry
}

// Store is what the pool needs from storage.
type Store interface {
	PoolRules(ctx context.Context) ([]Rule, error)
	SchemeIDByCode(ctx context.Context, code string) (int64, error)
	SchemeCodes(ctx context.Context) (map[int64]string, error)
	// PutPoolRule inserts r (version 0) or writes it at version.
	PutPoolRule(ctx context.Context, r *Rule, version int, e *crm.AuditEntry) error
	DeletePoolRule(ctx context.Context, id int64, e *crm.AuditEntry) error

	PoolEntries(ctx context.Context, f ListFilter) ([]Entry, error)
	PoolTotal(ctx context.Context, f ListFilter) (crm.ListTotal, error)
	PoolEntry(ctx context.Context, customerID int64) (Entry, Standing, error)
	LastReturn(ctx context.Context, customerID, userID int64) (time.Time, error)
	// ClaimFromPool takes the customer out of the pool for p in one
	// transaction: check gets the number of customers p holds and may
	// refuse; a customer someone claimed meanwhile is a conflict.
	ClaimFromPool(ctx context.Context, customerID int64, p crm.Principal, now time.Time, check func(held int) error, e *crm.AuditEntry) error

	UpcomingReturns(ctx context.Context, s crm.Scope, f ListFilter) ([]Upcoming, error)
	UpcomingTotal(ctx context.Context, s crm.Scope) (crm.ListTotal, error)

	Candidates(ctx context.Context, after int64, n int) ([]Candidate, error)
	SaveSweep(ctx context.Context, s Sweep, now time.Time) error
}

// Service is the pool service.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns the pool service.
func New(s Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, now: now}
}

// rules reads the rules with their tier keys.
func (ps *Service) rules(ctx context.Context) ([]Rule, error) {
	rs, err := ps.store.PoolRules(ctx)
	if err != nil {
		return nil, err
	}
	codes, err := ps.store.SchemeCodes(ctx)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		rs[i].Tier = tierKey(codes[rs[i].SchemeID], rs[i].Level)
	}
	return rs, nil
}

// readRules authorizes a reader of the rules: whoever works the pool or
// keeps its rules.
func readRules(ctx context.Context) error {
	if _, err := crm.Authorize(ctx, crm.ActPoolRead); err == nil {
		return nil
	}
	_, err := crm.Authorize(ctx, crm.ActPoolManage)
	return err
}

// Rules lists the pool rules, the default first.
func (ps *Service) Rules(ctx context.Context) ([]Rule, error) {
	if err := readRules(ctx); err != nil {
		return nil, err
	}
	return ps.rules(ctx)
}

// PutRule sets the rule of a tier ("default" or "<scheme code>:<level>"),
// creating it when it has none; version must be the rule's (0 for a new
// one). Audited.
func (ps *Service) PutRule(ctx context.Context, tier string, in Rule) (Rule, error) {
	p, err := crm.Authorize(ctx, crm.ActPoolManage)
	if err != nil {
		return Rule{}, err
	}
	scheme, level, ok := ParseTier(tier)
	if !ok {
		return Rule{}, crm.Invalid(crm.Bad("tier", "format", "pool_err.tier"))
	}
	var schemeID int64
	if scheme != "" {
		if schemeID, err = ps.store.SchemeIDByCode(ctx, scheme); crm.ErrorCode(err) == crm.ENotFound {
			return Rule{}, crm.Invalid(crm.Bad("tier", "unknown", "pool_err.scheme", scheme))
		} else if err != nil {
			return Rule{}, err
		}
	}
	bad := in.Check()
	if scheme != "" && in.Cap != 0 {
		bad = append(bad, crm.Bad("cap", "default_only", "pool_err.cap_default_only"))
	}
	if len(bad) > 0 {
		return Rule{}, crm.Invalid(bad...)
	}
	all, err := ps.rules(ctx)
	if err != nil {
		return Rule{}, err
	}
	var old *Rule
	for i := range all {
		if all[i].SchemeID == schemeID && all[i].Level == level {
			old = &all[i]
		}
	}
	version := 0
	r := Rule{Tier: tierKey(scheme, level), SchemeID: schemeID, Level: level, Days: in.Days, NoticeDays: in.NoticeDays, Cap: in.Cap,
		CooldownDays: in.CooldownDays, Version: 1, UpdatedAt: ps.now().UTC(), UpdatedBy: p.Username}
	change := crm.Change{After: r}
	if old != nil {
		if in.Version != old.Version {
			return Rule{}, crm.Fail(crm.EVersionConflict, "pool_err.changed")
		}
		version, r.ID, r.Version, change.Before = old.Version, old.ID, old.Version+1, *old
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "pool_rule", r.Tier, change)
	if err := ps.store.PutPoolRule(ctx, &r, version, &e); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// DeleteRule removes the rule of a tier. Audited.
func (ps *Service) DeleteRule(ctx context.Context, tier string) error {
	if _, err := crm.Authorize(ctx, crm.ActPoolManage); err != nil {
		return err
	}
	all, err := ps.rules(ctx)
	if err != nil {
		return err
	}
	for _, r := range all {
		if r.Tier == tier {
			e := crm.NewAudit(ctx, crm.AuditDelete, "pool_rule", r.Tier, r)
			return ps.store.DeletePoolRule(ctx, r.ID, &e)
		}
	}
	return crm.Fail(crm.ENotFound, "pool_err.no_rule")
}

// List lists the customers in the pool, the latest returned first.
func (ps *Service) List(ctx context.Context, f ListFilter) ([]Entry, crm.ListTotal, error) {
	if _, err := crm.Authorize(ctx, crm.ActPoolRead); err != nil {
		return nil, crm.ListTotal{}, err
	}
	list, err := ps.store.PoolEntries(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := ps.store.PoolTotal(ctx, f)
	return list, total, err
}

// Claim takes a customer out of the pool as the caller's own, within the
// cool-down of its tier's rule (after the caller lost it) and the cap of
// the default rule (the customers the caller may hold, whatever their
// tiers). A refusal names the rule. Audited.
func (ps *Service) Claim(ctx context.Context, customerID int64) (Entry, error) {
	p, err := crm.Authorize(ctx, crm.ActPoolClaim)
	if err != nil {
		return Entry{}, err
	}
	entry, st, err := ps.store.PoolEntry(ctx, customerID)
	if err != nil {
		return Entry{}, err
	}
	rules, err := ps.rules(ctx)
	if err != nil {
		return Entry{}, err
	}
	r, _ := Pick(rules, st)
	if r.Tier == "" {
		r.Tier = DefaultTier
	}
	now := ps.now()
	returned, err := ps.store.LastReturn(ctx, customerID, p.UserID)
	if err != nil {
		return Entry{}, err
	}
	if err := CooldownError(returned, now, r); err != nil {
		return Entry{}, err
	}
	def, _ := Default(rules)
	e := crm.NewAudit(ctx, "pool_claim", "customer", strconv.FormatInt(customerID, 10),
		map[string]any{"owner_id": p.UserID, "from_owner_id": entry.FromOwnerID, "rule": r.Tier})
	err = ps.store.ClaimFromPool(ctx, customerID, p, now.UTC(), func(held int) error { return CapError(def, held) }, &e)
	return entry, err
}

// Upcoming lists the customers in the caller's scope about to return to
// the pool, the soonest first.
func (ps *Service) Upcoming(ctx context.Context, f ListFilter) ([]Upcoming, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActPoolRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	s := crm.CustomerScope(p)
	list, err := ps.store.UpcomingReturns(ctx, s, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := ps.store.UpcomingTotal(ctx, s)
	return list, total, err
}

// SweepBatch is how many customers the return job reads at a time.
const SweepBatch = 500

// SweepResult counts what a sweep did.
type SweepResult struct {
	Seen     int `json:"seen"`
	Returned int `json:"returned"`
	Noticed  int `json:"noticed"`
	Upcoming int `json:"upcoming"`
}

// NoticeReturning is the kind of notice that a customer is about to
// return to the pool.
const NoticeReturning crm.NoticeKind = "pool_returning"

// NoticeReturned is the kind of notice that a customer returned.
const NoticeReturned crm.NoticeKind = "pool_returned"

func notice(kind crm.NoticeKind, owner, customerID int64, text msg.Message) crm.Notice {
	id := strconv.FormatInt(customerID, 10)
	link := "{{public_url}}/customers/" + id
	zh, en := text.In(msg.ZhCN), text.In(msg.En)
	return crm.Notice{To: crm.Audience{Users: []int64{owner}}, Kind: kind, Entity: "customer", EntityID: id,
		Text: text, Link: link, Message: zh + " / " + en, MailBody: zh + "\n" + en + "\n\n" + link + "\n"}
}

// Sweep walks every live customer a batch at a time: one not touched
// within its rule's days returns to the pool (audited, its owner told);
// one within the notice window is listed among the upcoming returns and
// its owner told once per due date. Run by the pool job.
func (ps *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	rules, err := ps.rules(ctx)
	if err != nil || len(rules) == 0 {
		return res, err
	}
	now := ps.now().UTC()
	var after int64
	for {
		cs, err := ps.store.Candidates(ctx, after, SweepBatch)
		if err != nil {
			return res, err
		}
		if len(cs) == 0 {
			return res, nil
		}
		after = cs[len(cs)-1].CustomerID
		res.Seen += len(cs)
		sw := Sweep{Rules: map[int64]Rule{}}
		for _, c := range cs {
			if c.InPool {
				if c.Listed {
					sw.Clear = append(sw.Clear, c.CustomerID)
				}
				continue
			}
			r, ok := Pick(rules, c.Standing)
			state := StateKept
			if ok {
				state = State(c.LastTouch, now, r)
			}
			due := Due(c.LastTouch, r)
			when := func(t time.Time) string { return t.In(crm.Shanghai).Format("2006-01-02") }
			switch state {
			case StateReturn:
				sw.Returns = append(sw.Returns, c)
				sw.Rules[c.CustomerID] = r
				sw.Notices = append(sw.Notices, notice(NoticeReturned, c.OwnerID, c.CustomerID,
					msg.M("pool.notice.returned", c.Name, r.Days)))
				e := crm.NewAudit(ctx, "pool_return", "customer", strconv.FormatInt(c.CustomerID, 10),
					map[string]any{"owner_id": c.OwnerID, "rule": r.Tier, "days": r.Days, "last_touch_at": c.LastTouch})
				e.At = now
				sw.Audits = append(sw.Audits, e)
				res.Returned++
			case StateNotice:
				row := DueRow{CustomerID: c.CustomerID, OwnerID: c.OwnerID, TeamID: c.TeamID, RuleID: r.ID, LastTouchAt: c.LastTouch, DueAt: due,
					NoticedDue: c.NoticedDue}
				if c.NoticedDue == nil || !c.NoticedDue.Equal(due) {
					row.NoticedDue = &due
					sw.Notices = append(sw.Notices, notice(NoticeReturning, c.OwnerID, c.CustomerID,
						msg.M("pool.notice.returning", c.Name, when(due), r.Days)))
					res.Noticed++
				}
				sw.Due = append(sw.Due, row)
				res.Upcoming++
			default:
				if c.Listed {
					sw.Clear = append(sw.Clear, c.CustomerID)
				}
			}
		}
		if len(sw.Returns)+len(sw.Due)+len(sw.Clear) > 0 {
			if err := ps.store.SaveSweep(ctx, sw, now); err != nil {
				return res, err
			}
		}
	}
}
