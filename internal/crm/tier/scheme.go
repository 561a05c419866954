package tier

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// Kind is how a scheme ranks customers.
type Kind string

// The kinds of scheme, one per ranking the policies name.
const (
	KindABC       Kind = "abc"       // 客户分级管理: A/B/C by cumulative contribution (ABC analysis)
	KindBank      Kind = "bank"      // 高端/中端/普通 by amount, 重点关注 by a flag with a reason
	KindValue     Kind = "value"     // 战略/重要/一般/潜在 by a weighted score
	KindBehaviour Kind = "behaviour" // 忠诚/满意/一般/流失 from recency, frequency, amount and complaints
)

// Kinds lists every kind.
var Kinds = []Kind{KindABC, KindBank, KindValue, KindBehaviour}

// Periods are the lengths of the period hysteresis counts in.
var Periods = []string{"day", "week", "month", "quarter"}

// Level is one rank of a scheme, best first. Which thresholds apply
// depends on the scheme's kind; a behaviour level's nil conditions do not
// apply.
type Level struct {
	Code   string `json:"code"`
	Name   string `json:"name"`    // in Chinese
	NameEn string `json:"name_en"` // in English
	// CumulativePct (abc): the level takes the customers whose cumulative
	// share of the window's sales, before them, is below this percentage.
	CumulativePct int `json:"cumulative_pct,omitempty"`
	// MinAmount (bank, behaviour): the window's sales at least this, yuan.
	MinAmount string `json:"min_amount,omitempty"`
	// MinScore (value): the weighted score (0–100) at least this.
	MinScore int `json:"min_score,omitempty"`
	// Behaviour conditions.
	MaxRecencyDays *int `json:"max_recency_days,omitempty"` // bought within this many days
	MinOrders      *int `json:"min_orders,omitempty"`       // at least this many sales lines in the window
	MaxComplaints  *int `json:"max_complaints,omitempty"`   // at most this many complaints in the window
	// Flag (bank): the level of the customers with a watch flag (重点关注),
	// which wins over the value level.
	Flag bool `json:"flag,omitempty"`

	minAmountFen int64
}

// Label is the level's name in both languages, for notices.
func (l Level) Label() string {
	if l.NameEn == "" || l.NameEn == l.Name {
		return l.Name
	}
	return l.Name + " (" + l.NameEn + ")"
}

// Weights weigh the value score's parts; they add up to 100.
type Weights struct {
	Amount    int `json:"amount"`
	Frequency int `json:"frequency"`
	Recency   int `json:"recency"`
}

// Scheme is a tiering scheme: data an administrator edits. Every save is
// a new version; several schemes are active at once.
type Scheme struct {
	ID           int64     `json:"id"`
	Code         string    `json:"code"`
	Kind         Kind      `json:"kind"`
	Name         string    `json:"name"`
	NameEn       string    `json:"name_en"`
	Active       bool      `json:"active"`
	Version      int       `json:"version"`
	WindowMonths int       `json:"window_months"` // the sales window, months back from the current one
	Period       string    `json:"period"`        // day, week, month or quarter
	Periods      int       `json:"periods"`       // consecutive periods a new level must hold before a customer moves
	Levels       []Level   `json:"levels"`
	Weights      *Weights  `json:"weights,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
	UpdatedBy    string    `json:"updated_by"`

	// zeroWindow and zeroPeriods say window_months or periods was given
	// as an explicit 0 (refused), not left out (defaulted).
	zeroWindow, zeroPeriods bool
}

// UnmarshalJSON decodes a scheme, noting a window_months or periods given
// as an explicit 0 so that Validate refuses it rather than defaulting it.
func (s *Scheme) UnmarshalJSON(b []byte) error {
	type plain Scheme
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*s = Scheme(p)
	s.zeroWindow = explicitZero(raw["window_months"])
	s.zeroPeriods = explicitZero(raw["periods"])
	return nil
}

// explicitZero says a JSON value is present and a number equal to 0.
func explicitZero(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || bytes.Equal(v, []byte("null")) {
		return false
	}
	var f float64
	return json.Unmarshal(v, &f) == nil && f == 0
}

// Level returns the scheme's level of code.
func (s Scheme) Level(code string) (Level, bool) {
	for _, l := range s.Levels {
		if l.Code == code {
			return l, true
		}
	}
	return Level{}, false
}

// FlagLevel is the level a watch flag puts a customer in, if any.
func (s Scheme) FlagLevel() (Level, bool) {
	for _, l := range s.Levels {
		if l.Flag {
			return l, true
		}
	}
	return Level{}, false
}

// ranked are the levels a computation chooses from (all but the flag level).
func (s Scheme) ranked() []Level {
	out := make([]Level, 0, len(s.Levels))
	for _, l := range s.Levels {
		if !l.Flag {
			out = append(out, l)
		}
	}
	return out
}

var codeRe = regexp.MustCompile(`^[A-Za-z0-9_]{1,20}$`)

// Validate checks s and fills its defaults (window 12 months, a month's
// period, 2 periods), and parses its amounts. A scheme whose thresholds
// overlap is refused naming the field.
func Validate(s *Scheme) error {
	var bad []crm.FieldError
	add := func(field, code, key string, args ...any) { bad = append(bad, crm.Bad(field, code, key, args...)) }
	s.Code = strings.TrimSpace(s.Code)
	s.Name, s.NameEn = strings.TrimSpace(s.Name), strings.TrimSpace(s.NameEn)
	if !codeRe.MatchString(s.Code) {
		add("code", "format", "tier_err.code")
	}
	if s.Name == "" {
		add("name", "required", "tier_err.required")
	}
	if s.NameEn == "" {
		s.NameEn = s.Name
	}
	known := false
	for _, k := range Kinds {
		known = known || k == s.Kind
	}
	if !known {
		add("kind", "unknown", "tier_err.kind")
	}
	if s.WindowMonths == 0 && !s.zeroWindow {
		s.WindowMonths = 12
	}
	if s.WindowMonths < 1 || s.WindowMonths > 60 {
		add("window_months", "range", "tier_err.window_months")
	}
	if s.Period == "" {
		s.Period = "month"
	}
	okPeriod := false
	for _, p := range Periods {
		okPeriod = okPeriod || p == s.Period
	}
	if !okPeriod {
		add("period", "unknown", "tier_err.period")
	}
	if s.Periods == 0 && !s.zeroPeriods {
		s.Periods = 2
	}
	if s.Periods < 1 || s.Periods > 12 {
		add("periods", "range", "tier_err.periods")
	}
	if len(s.Levels) < 2 || len(s.Levels) > 8 {
		add("levels", "count", "tier_err.levels")
		return crm.Invalid(bad...)
	}
	seen := map[string]bool{}
	flags := 0
	for i := range s.Levels {
		l := &s.Levels[i]
		f := func(name string) string { return fmt.Sprintf("levels[%d].%s", i, name) }
		l.Code, l.Name, l.NameEn = strings.TrimSpace(l.Code), strings.TrimSpace(l.Name), strings.TrimSpace(l.NameEn)
		if !codeRe.MatchString(l.Code) {
			add(f("code"), "format", "tier_err.code")
		} else if seen[l.Code] {
			add(f("code"), "duplicate", "tier_err.duplicate", l.Code)
		}
		seen[l.Code] = true
		if l.Name == "" {
			add(f("name"), "required", "tier_err.required")
		}
		if l.NameEn == "" {
			l.NameEn = l.Name
		}
		if l.MinAmount != "" {
			fen, err := ParseYuan(l.MinAmount)
			if err != nil {
				add(f("min_amount"), "format", "tier_err.amount")
			}
			l.minAmountFen = fen
		} else {
			l.minAmountFen = 0
		}
		if l.Flag {
			flags++
			if s.Kind != KindBank {
				add(f("flag"), "kind", "tier_err.flag_kind")
			} else if flags > 1 {
				add(f("flag"), "duplicate", "tier_err.flag_twice")
			}
		}
	}
	if len(bad) > 0 {
		return crm.Invalid(bad...)
	}
	switch s.Kind {
	case KindABC:
		bad = validateABC(s)
	case KindBank:
		bad = validateBank(s)
	case KindValue:
		bad = validateValue(s)
	case KindBehaviour:
		bad = validateBehaviour(s)
	}
	if len(bad) > 0 {
		return crm.Invalid(bad...)
	}
	return nil
}

func validateABC(s *Scheme) []crm.FieldError {
	var bad []crm.FieldError
	prev := 0
	for i, l := range s.Levels {
		f := fmt.Sprintf("levels[%d].cumulative_pct", i)
		switch {
		case l.CumulativePct < 1 || l.CumulativePct > 100:
			bad = append(bad, crm.Bad(f, "range", "tier_err.pct"))
		case l.CumulativePct <= prev: // cumulative: each level reaches further than the one above
			bad = append(bad, crm.Bad(f, "overlap", "tier_err.overlap_cumulative", s.Levels[i-1].Code, prev))
		case i == len(s.Levels)-1 && l.CumulativePct != 100:
			bad = append(bad, crm.Bad(f, "last", "tier_err.last_pct"))
		}
		prev = l.CumulativePct
	}
	return bad
}

func validateBank(s *Scheme) []crm.FieldError {
	var bad []crm.FieldError
	levels := s.ranked()
	if len(levels) < 2 {
		return []crm.FieldError{crm.Bad("levels", "count", "tier_err.levels")}
	}
	var prev *Level
	for i, l := range s.Levels {
		if l.Flag {
			continue
		}
		f := fmt.Sprintf("levels[%d].min_amount", i)
		if prev != nil && l.minAmountFen >= prev.minAmountFen {
			bad = append(bad, crm.Bad(f, "overlap", "tier_err.overlap", prev.Code))
		}
		if l.Code == levels[len(levels)-1].Code && l.minAmountFen != 0 {
			bad = append(bad, crm.Bad(f, "last", "tier_err.last_open"))
		}
		prev = &s.Levels[i]
	}
	return bad
}

func validateValue(s *Scheme) []crm.FieldError {
	var bad []crm.FieldError
	if s.Weights == nil {
		s.Weights = &Weights{Amount: 50, Frequency: 30, Recency: 20}
	}
	w := *s.Weights
	if w.Amount < 0 || w.Frequency < 0 || w.Recency < 0 || w.Amount+w.Frequency+w.Recency != 100 {
		bad = append(bad, crm.Bad("weights", "sum", "tier_err.weights", w.Amount+w.Frequency+w.Recency))
	}
	for i, l := range s.Levels {
		f := fmt.Sprintf("levels[%d].min_score", i)
		switch {
		case l.MinScore < 0 || l.MinScore > 100:
			bad = append(bad, crm.Bad(f, "range", "tier_err.score"))
		case i > 0 && l.MinScore >= s.Levels[i-1].MinScore:
			bad = append(bad, crm.Bad(f, "overlap", "tier_err.overlap", s.Levels[i-1].Code))
		case i == len(s.Levels)-1 && l.MinScore != 0:
			bad = append(bad, crm.Bad(f, "last", "tier_err.last_open"))
		}
	}
	return bad
}

// validateBehaviour: each level's conditions are as loose as or looser
// than the level above's (else nobody who misses the level above could
// meet it), differ from them in one at least, and the last level has none.
func validateBehaviour(s *Scheme) []crm.FieldError {
	var bad []crm.FieldError
	inf := int(^uint(0) >> 1)
	or := func(p *int, d int) int {
		if p == nil {
			return d
		}
		return *p
	}
	for i, l := range s.Levels {
		f := func(name string) string { return fmt.Sprintf("levels[%d].%s", i, name) }
		for j, p := range []*int{l.MaxRecencyDays, l.MinOrders, l.MaxComplaints} {
			if p != nil && (*p < 0 || *p > 100000) {
				bad = append(bad, crm.Bad(f([]string{"max_recency_days", "min_orders", "max_complaints"}[j]), "range", "tier_err.count"))
			}
		}
		if i == len(s.Levels)-1 {
			if l.MaxRecencyDays != nil || l.MinOrders != nil || l.MaxComplaints != nil || l.minAmountFen != 0 {
				bad = append(bad, crm.Bad(f("code"), "last", "tier_err.last_open"))
			}
		}
		if i == 0 {
			continue
		}
		up := s.Levels[i-1]
		stricter := func(name string) { bad = append(bad, crm.Bad(f(name), "overlap", "tier_err.stricter", up.Code)) }
		if or(l.MaxRecencyDays, inf) < or(up.MaxRecencyDays, inf) {
			stricter("max_recency_days")
		}
		if or(l.MinOrders, 0) > or(up.MinOrders, 0) {
			stricter("min_orders")
		}
		if or(l.MaxComplaints, inf) < or(up.MaxComplaints, inf) {
			stricter("max_complaints")
		}
		if l.minAmountFen > up.minAmountFen {
			stricter("min_amount")
		}
		if or(l.MaxRecencyDays, inf) == or(up.MaxRecencyDays, inf) && or(l.MinOrders, 0) == or(up.MinOrders, 0) &&
			or(l.MaxComplaints, inf) == or(up.MaxComplaints, inf) && l.minAmountFen == up.minAmountFen {
			bad = append(bad, crm.Bad(f("code"), "overlap", "tier_err.same", up.Code))
		}
	}
	return bad
}

// ParseYuan reads a non-negative amount in yuan ("1234.50") as fen.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (dot && frac == "") || strings.ContainsAny(whole, "+-") {
		return 0, fmt.Errorf("tier: amount %q", s)
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > 1e13 {
		return 0, fmt.Errorf("tier: amount %q", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("tier: amount %q", s)
	}
	return y*100 + f, nil
}

// Yuan writes fen as yuan with two decimals.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
