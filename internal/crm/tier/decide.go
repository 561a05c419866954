package tier

import "time"

// Where a customer's effective level comes from.
const (
	SourceCalc     = "calc"     // computed from sales and complaints (with hysteresis)
	SourceFlag     = "flag"     // a watch flag (重点关注) over the value level
	SourceOverride = "override" // set by hand, with a reason, until it expires
)

// Override is a level set by hand for a while.
type Override struct {
	Level  string    `json:"level"`
	Reason string    `json:"reason"`
	Until  time.Time `json:"until"`
	By     string    `json:"by"`
}

// Current is a customer's standing in one scheme: the effective level,
// since when and from where, the inputs of its latest computation, the
// hysteresis state and an override.
type Current struct {
	SchemeID   int64     `json:"scheme_id"`
	CustomerID int64     `json:"customer_id"`
	Level      string    `json:"level"`
	Since      time.Time `json:"since"`
	Source     string    `json:"source"`
	Inputs     Inputs    `json:"inputs"`
	State      State     `json:"state"`
	Override   *Override `json:"override,omitempty"`
	RunID      int64     `json:"run_id,omitempty"`
}

// Decision is what one computation makes of a customer: the new standing,
// and whether the effective level changed (Previous was it before; "" the
// first time).
type Decision struct {
	Next     Current
	Changed  bool
	Previous string
}

// Decide computes f's level in s for the run's params and takes it into
// the customer's standing cur (nil: none yet): the computed level moves
// only after the scheme's consecutive periods (Step); a watch flag puts
// the customer in the flag level at once; an unexpired override wins over
// both; an expired one is dropped.
func Decide(s Scheme, p Params, f Facts, cur *Current, now time.Time) Decision {
	computed, in := Classify(s, p, f)
	var st State
	if cur != nil {
		st = cur.State
	}
	st, _ = Step(st, computed, p.Period, s.Periods)
	next := Current{SchemeID: s.ID, CustomerID: f.CustomerID, State: st, Inputs: in}
	if cur != nil {
		next.Override = cur.Override
	}
	return settle(s, cur, next, f.Flagged, f.FlagReason, now)
}

// Reassess takes a changed flag or override into cur at once, without a
// computation.
func Reassess(s Scheme, cur *Current, customerID int64, flagged bool, reason string, override *Override, now time.Time) Decision {
	next := Current{SchemeID: s.ID, CustomerID: customerID, Override: override}
	if cur != nil {
		next.State, next.Inputs = cur.State, cur.Inputs
	}
	if next.State.Level == "" {
		next.State.Level = s.ranked()[len(s.ranked())-1].Code // no computation yet: the lowest level
	}
	if next.Inputs.Amount == "" {
		next.Inputs.Amount = "0.00" // none counted before the first run (an amount, as the API's inputs always carry)
	}
	return settle(s, cur, next, flagged, reason, now)
}

func settle(s Scheme, cur *Current, next Current, flagged bool, reason string, now time.Time) Decision {
	if next.Override != nil && !next.Override.Until.After(now) {
		next.Override = nil
	}
	level, source := next.State.Level, SourceCalc
	next.Inputs.Flagged, next.Inputs.FlagReason = false, ""
	if fl, ok := s.FlagLevel(); ok && flagged {
		level, source = fl.Code, SourceFlag
		next.Inputs.Flagged, next.Inputs.FlagReason = true, reason
	}
	if next.Override != nil {
		level, source = next.Override.Level, SourceOverride
	}
	d := Decision{Next: next}
	if cur != nil {
		d.Previous = cur.Level
		next.Since = cur.Since
	}
	d.Changed = cur == nil || cur.Level != level || cur.Source != source
	next.Level, next.Source = level, source
	if cur == nil || cur.Level != level {
		next.Since = now
	}
	d.Next = next
	return d
}
