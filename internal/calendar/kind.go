package calendar

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind says whether an exceptional day is a day off or a working day.
type Kind uint8

// The zero Kind is invalid so that a forgotten field in an Override is
// caught by validation instead of silently meaning one or the other.
const (
	// DayOff marks a day on which nobody works (a holiday day).
	DayOff Kind = iota + 1
	// WorkingDay marks a day on which people work (e.g. a 调休 make-up day).
	WorkingDay
)

// String returns "day_off" or "working_day", the forms ParseKind accepts.
func (k Kind) String() string {
	switch k {
	case DayOff:
		return "day_off"
	case WorkingDay:
		return "working_day"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ErrInvalidKind is wrapped by every error ParseKind returns.
var ErrInvalidKind = errors.New("calendar: invalid day kind")

// ParseKind parses "day_off" or "working_day" (case-insensitive, surrounding
// spaces ignored), as stored in the admin's override table.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "day_off":
		return DayOff, nil
	case "working_day":
		return WorkingDay, nil
	}
	return 0, fmt.Errorf("%w %q: want day_off or working_day", ErrInvalidKind, s)
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) {
	if k != DayOff && k != WorkingDay {
		return nil, fmt.Errorf("%w: %d", ErrInvalidKind, uint8(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler via ParseKind.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Source tells where an exceptional day comes from.
type Source string

const (
	// SourceStatutory marks days from the State Council arrangement as
	// shipped in lunar-go.
	SourceStatutory Source = "statutory"
	// SourceOverride marks days from the admin-edited override table.
	SourceOverride Source = "override"
)

// Day is one exception to the Monday–Friday rule: a holiday day (also when
// it falls on a weekend inside a holiday period) or a make-up working day.
type Day struct {
	Date   Date
	Kind   Kind
	Name   string // e.g. 春节, 国庆节; for overrides whatever the admin typed
	Source Source
}

// Override is one row of the admin's override table; it wins over the
// statutory data for its date.
type Override struct {
	Date Date
	Kind Kind
	Name string
}

// Override dates are limited so that a typo such as year 20225 cannot make
// the per-day lookup table huge.
const (
	minOverrideYear = 1900
	maxOverrideYear = 2199
)

// checkOverrides validates ovs and returns a copy sorted by date. A
// duplicate date is an error rather than "last wins" because the admin
// table should never hold two contradicting rows for one day.
func checkOverrides(ovs []Override) ([]Override, error) {
	out := append([]Override(nil), ovs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	for i, o := range out {
		if o.Kind != DayOff && o.Kind != WorkingDay {
			return nil, fmt.Errorf("calendar: override %s: invalid kind %d", o.Date, uint8(o.Kind))
		}
		if y := o.Date.Year(); y < minOverrideYear || y > maxOverrideYear {
			return nil, fmt.Errorf("calendar: override %s: year outside %d..%d", o.Date, minOverrideYear, maxOverrideYear)
		}
		if i > 0 && out[i-1].Date == o.Date {
			return nil, fmt.Errorf("calendar: override %s: date listed twice", o.Date)
		}
	}
	return out, nil
}
