// Package pool keeps the public pool (公海) of customers: the rules per
// tier (days without follow-up before a customer returns, the notice
// before, the cap of customers per account manager, the cool-down before
// the same manager may reclaim), claims, and the job that returns
// neglected customers.
//
// A customer is in the pool while the pool account (OwnerID, a disabled
// user created by the migration that never signs in and has no team) owns
// it: it is then in no account manager's scope, counts against nobody's
// cap, and any account manager may claim it; the pool row keeps the owner
// it returned from, for the cool-down. Handing it to anyone (a claim, a
// handover) takes it out of the pool. Days are calendar days (a 公海 rule
// reads "30 天未跟进"), counted from the last interaction, the last claim
// or handover, or the creation of the customer, whichever is latest.
//
// The cap is the default rule's: it limits what an account manager holds,
// whatever the tiers of the customers, so a tier's rule has none.
package pool

import (
	"fmt"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// DefaultTier names the rule of customers whose tier has none.
const DefaultTier = "default"

// OwnerID is the pool account's user id: customers.owner_id of a customer
// in the pool.
const OwnerID int64 = -1

// Rule is the pool rule of a tier level (scheme code and level) or the
// default.
type Rule struct {
	ID           int64     `json:"id"`
	Tier         string    `json:"tier"` // "default" or "<scheme code>:<level>", e.g. "abc:A"
	SchemeID     int64     `json:"scheme_id,omitempty"`
	Level        string    `json:"level,omitempty"`
	Days         int       `json:"days"`          // days without follow-up before it returns (0: never)
	NoticeDays   int       `json:"notice_days"`   // the owner is told this many days before
	Cap          int       `json:"cap"`           // customers an account manager may hold (0: no cap; the default rule's only)
	CooldownDays int       `json:"cooldown_days"` // days before the same manager may reclaim
	Version      int       `json:"version"`
	UpdatedAt    time.Time `json:"updated_at"`
	UpdatedBy    string    `json:"updated_by"`
}

// Limits of a rule's numbers.
const (
	MaxDays = 3650
	MaxCap  = 100000
)

// Check returns every problem of r's numbers.
func (r Rule) Check() []crm.FieldError {
	var bad []crm.FieldError
	if r.Days < 0 || r.Days > MaxDays {
		bad = append(bad, crm.Bad("days", "range", "pool_err.range", 0, MaxDays))
	}
	if r.NoticeDays < 0 || r.NoticeDays > MaxDays {
		bad = append(bad, crm.Bad("notice_days", "range", "pool_err.range", 0, MaxDays))
	} else if r.Days > 0 && r.NoticeDays >= r.Days {
		bad = append(bad, crm.Bad("notice_days", "too_long", "pool_err.notice_days", r.Days))
	}
	if r.Cap < 0 || r.Cap > MaxCap {
		bad = append(bad, crm.Bad("cap", "range", "pool_err.range", 0, MaxCap))
	}
	if r.CooldownDays < 0 || r.CooldownDays > MaxDays {
		bad = append(bad, crm.Bad("cooldown_days", "range", "pool_err.range", 0, MaxDays))
	}
	return bad
}

// ParseTier splits a tier key into its scheme code and level ("", "" for
// the default).
func ParseTier(s string) (scheme, level string, ok bool) {
	s = strings.TrimSpace(s)
	if s == DefaultTier {
		return "", "", true
	}
	scheme, level, ok = strings.Cut(s, ":")
	return scheme, level, ok && scheme != "" && level != ""
}

// Standing is a customer's tier levels (scheme id → level).
type Standing map[int64]string

// Pick returns the rule that applies to a customer of standing: of the
// rules of its levels, the strictest (fewest days; 0 counts as never),
// else the default; ok is false when none applies.
func Pick(rules []Rule, st Standing) (Rule, bool) {
	var best, def Rule
	found, hasDef := false, false
	for _, r := range rules {
		if r.SchemeID == 0 {
			def, hasDef = r, true
			continue
		}
		if st[r.SchemeID] != r.Level {
			continue
		}
		if !found || stricter(r, best) {
			best, found = r, true
		}
	}
	if found {
		return best, true
	}
	return def, hasDef
}

func stricter(a, b Rule) bool {
	switch {
	case a.Days == 0:
		return false
	case b.Days == 0:
		return true
	}
	return a.Days < b.Days
}

const day = 24 * time.Hour

// Due is when a customer last touched at returns under r (zero: never).
func Due(lastTouch time.Time, r Rule) time.Time {
	if r.Days <= 0 {
		return time.Time{}
	}
	return lastTouch.Add(time.Duration(r.Days) * day)
}

// The states of a customer under its rule.
const (
	StateKept   = "kept"   // nothing to do
	StateNotice = "notice" // within the notice window: listed, owner told
	StateReturn = "return" // due: back to the pool
)

// State is what the job does with a customer last touched at lastTouch,
// at now, under r.
func State(lastTouch, now time.Time, r Rule) string {
	due := Due(lastTouch, r)
	switch {
	case due.IsZero():
		return StateKept
	case !now.Before(due):
		return StateReturn
	case !now.Before(due.Add(-time.Duration(r.NoticeDays) * day)):
		return StateNotice
	}
	return StateKept
}

// CapError is the refusal of a claim by a manager holding held customers
// over the cap of def, the default rule (the cap is per manager, not per
// tier).
func CapError(def Rule, held int) error {
	if def.Cap == 0 || held < def.Cap {
		return nil
	}
	e := crm.Fail(crm.EConflict, "pool_err.cap", def.Cap, held)
	e.Fields = []crm.FieldError{crm.Bad("cap", "reached", "pool_err.cap", def.Cap, held)}
	return e
}

// Default returns the default rule of rules (ok false: none).
func Default(rules []Rule) (Rule, bool) {
	for _, r := range rules {
		if r.SchemeID == 0 {
			return r, true
		}
	}
	return Rule{}, false
}

// CooldownUntil is when a manager whose customer returned at returned may
// claim it again under r (zero: at once).
func CooldownUntil(returned time.Time, r Rule) time.Time {
	if returned.IsZero() || r.CooldownDays <= 0 {
		return time.Time{}
	}
	return returned.Add(time.Duration(r.CooldownDays) * day)
}

// CooldownError is the refusal of a reclaim within the cool-down of r.
func CooldownError(returned, now time.Time, r Rule) error {
	until := CooldownUntil(returned, r)
	if until.IsZero() || !now.Before(until) {
		return nil
	}
	when := until.In(crm.Shanghai).Format("2006-01-02 15:04")
	e := crm.Fail(crm.EConflict, "pool_err.cooldown", r.Tier, r.CooldownDays, when)
	e.Fields = []crm.FieldError{crm.Bad("cooldown_days", "active", "pool_err.cooldown", r.Tier, r.CooldownDays, when)}
	return e
}

// tierKey is a rule's tier key for a scheme code and level.
func tierKey(scheme, level string) string {
	if scheme == "" {
		return DefaultTier
	}
	return fmt.Sprintf("%s:%s", scheme, level)
}
