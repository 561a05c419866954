package tier

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
)

// Flag is a watch flag (重点关注) on a customer, with its reason: it puts
// the customer in the flag level of every scheme that has one.
type Flag struct {
	CustomerID int64     `json:"customer_id"`
	Reason     string    `json:"reason"`
	SetAt      time.Time `json:"set_at"`
	SetBy      string    `json:"set_by"`
}

// CustomerTier is a customer's standing in one scheme as the customer
// page shows it: the level, since when, why, and what is pending.
type CustomerTier struct {
	Current
	SchemeCode  string `json:"scheme_code"`
	SchemeName  string `json:"scheme_name"`
	SchemeEn    string `json:"scheme_name_en"`
	LevelName   string `json:"level_name"`
	LevelNameEn string `json:"level_name_en"`
}

// CustomerTiers answers each active scheme's current tier of a customer
// the caller may see, since when, and why (its inputs).
func (ts *Service) CustomerTiers(ctx context.Context, customerID int64) ([]CustomerTier, *Flag, error) {
	p, err := crm.Authorize(ctx, crm.ActTierRead)
	if err != nil {
		return nil, nil, err
	}
	if err := ts.customers.Visible(ctx, customerID, crm.ReadScope(p)); err != nil {
		return nil, nil, err
	}
	schemes, err := ts.store.Schemes(ctx)
	if err != nil {
		return nil, nil, err
	}
	cur, err := ts.store.CustomerTiers(ctx, customerID)
	if err != nil {
		return nil, nil, err
	}
	by := map[int64]Current{}
	for _, c := range cur {
		by[c.SchemeID] = c
	}
	out := []CustomerTier{}
	for _, s := range schemes {
		c, ok := by[s.ID]
		if !s.Active || !ok {
			continue
		}
		if c.Override != nil && !c.Override.Until.After(ts.now()) {
			c.Override = nil // lapsed; the next run writes the level beneath
		}
		l, _ := s.Level(c.Level)
		out = append(out, CustomerTier{Current: c, SchemeCode: s.Code, SchemeName: s.Name, SchemeEn: s.NameEn, LevelName: l.Name, LevelNameEn: l.NameEn})
	}
	f, err := ts.store.Flag(ctx, customerID)
	return out, f, err
}

// CustomerHistory lists a customer's tier history, newest first (one
// scheme, or all with schemeID 0).
func (ts *Service) CustomerHistory(ctx context.Context, customerID, schemeID, before int64, limit int) ([]HistoryEntry, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActTierRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	if err := ts.customers.Visible(ctx, customerID, crm.ReadScope(p)); err != nil {
		return nil, crm.ListTotal{}, err
	}
	h, err := ts.store.History(ctx, customerID, schemeID, before, limit)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := ts.store.HistoryTotal(ctx, customerID, schemeID)
	return h, total, err
}

// OverrideInput sets a customer's level in a scheme by hand.
type OverrideInput struct {
	Level  string `json:"level"`
	Reason string `json:"reason"`
	Until  string `json:"until"` // YYYY-MM-DD, the last day it holds (China time); at most a year ahead
}

// maxReason bounds a reason's length.
const maxReason = 500

func reasonOf(s string) (string, *crm.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		f := crm.Bad("reason", "required", "tier_err.reason")
		return "", &f
	}
	if utf8.RuneCountInString(s) > maxReason {
		f := crm.Bad("reason", "too_long", "tier_err.reason_long", maxReason)
		return "", &f
	}
	return s, nil
}

// Override sets a customer's level in a scheme until the end of a day,
// with a reason, audited; the owner is told.
func (ts *Service) Override(ctx context.Context, customerID, schemeID int64, in OverrideInput) (CustomerTier, error) {
	p, err := crm.Authorize(ctx, crm.ActTierOverride)
	if err != nil {
		return CustomerTier{}, err
	}
	if err := ts.customers.Visible(ctx, customerID, crm.CustomerScope(p)); err != nil {
		return CustomerTier{}, err
	}
	s, err := ts.store.Scheme(ctx, schemeID)
	if err != nil {
		return CustomerTier{}, err
	}
	now := ts.now()
	var bad []crm.FieldError
	l, ok := s.Level(strings.TrimSpace(in.Level))
	if !ok || l.Flag {
		bad = append(bad, crm.Bad("level", "unknown", "tier_err.level", in.Level))
	}
	reason, fe := reasonOf(in.Reason)
	if fe != nil {
		bad = append(bad, *fe)
	}
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.Until), crm.Shanghai)
	until := day.AddDate(0, 0, 1)
	switch {
	case err != nil:
		bad = append(bad, crm.Bad("until", "format", "tier_err.until"))
	case !until.After(now) || until.After(now.AddDate(1, 0, 1)):
		bad = append(bad, crm.Bad("until", "range", "tier_err.until_range"))
	}
	if len(bad) > 0 {
		return CustomerTier{}, crm.Invalid(bad...)
	}
	o := &Override{Level: l.Code, Reason: reason, Until: until.UTC(), By: p.Username}
	e := crm.NewAudit(ctx, "tier_override", "customer", strconv.FormatInt(customerID, 10),
		map[string]any{"scheme": s.Code, "level": l.Code, "reason": reason, "until": in.Until})
	return ts.reassess(ctx, s, customerID, o, false, nil, false, e)
}

// ClearOverride ends a customer's override in a scheme at once, audited.
func (ts *Service) ClearOverride(ctx context.Context, customerID, schemeID int64) (CustomerTier, error) {
	p, err := crm.Authorize(ctx, crm.ActTierOverride)
	if err != nil {
		return CustomerTier{}, err
	}
	if err := ts.customers.Visible(ctx, customerID, crm.CustomerScope(p)); err != nil {
		return CustomerTier{}, err
	}
	s, err := ts.store.Scheme(ctx, schemeID)
	if err != nil {
		return CustomerTier{}, err
	}
	e := crm.NewAudit(ctx, "tier_override_cleared", "customer", strconv.FormatInt(customerID, 10), map[string]any{"scheme": s.Code})
	return ts.reassess(ctx, s, customerID, nil, true, nil, false, e)
}

// reassess applies a new override (or clears it) in one scheme and saves it.
func (ts *Service) reassess(ctx context.Context, s Scheme, customerID int64, o *Override, clearOverride bool, f *Flag, clearFlag bool, e crm.AuditEntry) (CustomerTier, error) {
	m, err := ts.store.Member(ctx, s.ID, customerID)
	if err != nil {
		return CustomerTier{}, err
	}
	if o == nil && !clearOverride && m.Current != nil {
		o = m.Current.Override
	}
	d := Reassess(s, m.Current, customerID, m.Flagged, m.FlagReason, o, ts.now())
	c := Change{Next: d.Next}
	var notices []crm.Notice
	if d.Changed {
		c.History = historyOf(s, d, 0, "", e.Username)
		if d.Previous != "" && d.Previous != d.Next.Level {
			notices = append(notices, ChangedNotice(s, m, d.Previous, d.Next.Level))
		}
	}
	if err := ts.store.SaveChanges(ctx, []Change{c}, f, clearFlag, customerID, notices, &e); err != nil {
		return CustomerTier{}, err
	}
	l, _ := s.Level(d.Next.Level)
	return CustomerTier{Current: d.Next, SchemeCode: s.Code, SchemeName: s.Name, SchemeEn: s.NameEn, LevelName: l.Name, LevelNameEn: l.NameEn}, nil
}

// SetFlag flags a customer for watch (重点关注) with a reason, or changes
// the reason; every active scheme with a flag level moves the customer
// there at once. Audited; the owner is told.
func (ts *Service) SetFlag(ctx context.Context, customerID int64, reason string) (Flag, error) {
	return ts.flag(ctx, customerID, reason, true)
}

// ClearFlag removes a customer's watch flag; the schemes with a flag
// level return the customer to the level computed.
func (ts *Service) ClearFlag(ctx context.Context, customerID int64) error {
	_, err := ts.flag(ctx, customerID, "", false)
	return err
}

func (ts *Service) flag(ctx context.Context, customerID int64, reason string, set bool) (Flag, error) {
	p, err := crm.Authorize(ctx, crm.ActTierOverride)
	if err != nil {
		return Flag{}, err
	}
	if err := ts.customers.Visible(ctx, customerID, crm.CustomerScope(p)); err != nil {
		return Flag{}, err
	}
	f := Flag{CustomerID: customerID, SetAt: ts.now().UTC(), SetBy: p.Username}
	if set {
		r, fe := reasonOf(reason)
		if fe != nil {
			return Flag{}, crm.Invalid(*fe)
		}
		f.Reason = r
	}
	schemes, err := ts.store.Schemes(ctx)
	if err != nil {
		return Flag{}, err
	}
	action := "tier_flag_set"
	if !set {
		action = "tier_flag_cleared"
	}
	e := crm.NewAudit(ctx, action, "customer", strconv.FormatInt(customerID, 10), map[string]any{"reason": f.Reason})
	var changes []Change
	var notices []crm.Notice
	for _, s := range schemes {
		if _, ok := s.FlagLevel(); !ok || !s.Active {
			continue
		}
		m, in, err := ts.inputsNow(ctx, s, customerID)
		if err != nil {
			return Flag{}, err
		}
		var o *Override
		if m.Current != nil {
			o = m.Current.Override
		}
		d := Reassess(s, m.Current, customerID, set, f.Reason, o, ts.now())
		// The standing and its history keep today's facts, not those of
		// the last run (sales may have come since).
		in.Flagged, in.FlagReason = d.Next.Inputs.Flagged, d.Next.Inputs.FlagReason
		d.Next.Inputs = in
		c := Change{Next: d.Next}
		if d.Changed {
			c.History = historyOf(s, d, 0, f.Reason, p.Username)
			if d.Previous != "" && d.Previous != d.Next.Level {
				notices = append(notices, ChangedNotice(s, m, d.Previous, d.Next.Level))
			}
		}
		changes = append(changes, c)
	}
	var fp *Flag
	if set {
		fp = &f
	}
	if err := ts.store.SaveChanges(ctx, changes, fp, !set, customerID, notices, &e); err != nil {
		return Flag{}, err
	}
	return f, nil
}

// inputsNow reads a customer's standing in s and computes its inputs as a
// run would today. The level computed is not taken: only a run counts the
// periods a customer must hold it.
func (ts *Service) inputsNow(ctx context.Context, s Scheme, customerID int64) (Member, Inputs, error) {
	if err := Validate(&s); err != nil {
		return Member{}, Inputs{}, err
	}
	day := dayOf(ts.now())
	from, first := Window(s.WindowMonths, day)
	var all []Facts
	if s.Kind == KindABC || s.Kind == KindValue { // they rank against everyone
		var err error
		if all, err = ts.store.Population(ctx, from, first); err != nil {
			return Member{}, Inputs{}, err
		}
	}
	p := Prepare(s, day, all)
	ms, err := ts.store.Members(ctx, s.ID, customerID-1, 1, p.WindowFrom, first)
	if err != nil {
		return Member{}, Inputs{}, err
	}
	if len(ms) == 0 || ms[0].CustomerID != customerID {
		m, err := ts.store.Member(ctx, s.ID, customerID) // gone: its error
		return m, Inputs{}, err
	}
	_, in := Classify(s, p, ms[0].Facts)
	return ms[0], in, nil
}
