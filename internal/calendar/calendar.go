// Package calendar is the China working-day calendar.
//
// A day is a working day when the official arrangement says so — statutory
// holidays off, make-up days (调休) on — and otherwise Monday to Friday. The
// arrangement comes from github.com/6tail/lunar-go's HolidayUtil, overlaid
// with an admin-edited override table that wins over the library data.
// Dates past the last year the library covers follow the plain
// Monday–Friday rule (plus overrides) and results there are marked
// provisional.
//
// The package also answers lunar questions for customer care: traditional
// festival dates (春节, 端午, 中秋, …) and lunar birthdays.
//
// A *Calendar is immutable and safe for concurrent use. To change the
// override table, build a new snapshot with WithOverrides and swap the
// pointer (e.g. with atomic.Pointer).
package calendar

import "time"

// Calendar is an immutable snapshot of the working-day calendar. Create
// one with New; the zero Calendar is not usable.
type Calendar struct {
	loc       *time.Location
	spans     []Span
	dayEnd    time.Duration // end of the last span: the "end of business"
	dayTotal  time.Duration // business time in one working day
	stat      *statutory    // shared with derived snapshots, never mutated
	overrides []Override    // sorted by date
	tab       *dayTable
}

// New builds a Calendar from lunar-go's data and the given options:
// WithLocation (default Asia/Shanghai), WithBusinessHours (default
// 09:00–12:00 and 13:00–18:00) and WithOverrides (default none).
func New(opts ...Option) (*Calendar, error) {
	s, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	st, err := loadStatutory()
	if err != nil {
		return nil, err
	}
	var total time.Duration
	for _, sp := range s.spans {
		total += sp.Len()
	}
	c := &Calendar{
		loc:      s.loc,
		spans:    s.spans,
		dayEnd:   s.spans[len(s.spans)-1].End,
		dayTotal: total,
		stat:     st,
	}
	return c.withChecked(s.overrides), nil
}

// WithOverrides returns a new snapshot whose override table is exactly ovs
// (it replaces, not extends, the current table); c itself is unchanged.
// An override turns its date into a day off or a working day whatever the
// statutory data or the weekday says. Dates must be unique and in
// 1900..2199, and Kind must be DayOff or WorkingDay.
func (c *Calendar) WithOverrides(ovs ...Override) (*Calendar, error) {
	cp, err := checkOverrides(ovs)
	if err != nil {
		return nil, err
	}
	return c.withChecked(cp), nil
}

// withChecked copies c with an already validated, sorted override table.
func (c *Calendar) withChecked(ovs []Override) *Calendar {
	n := *c
	n.overrides = ovs
	n.tab = buildTable(c.stat, ovs)
	return &n
}

// Overrides returns a copy of the override table, sorted by date.
func (c *Calendar) Overrides() []Override {
	return append([]Override(nil), c.overrides...)
}

// Location returns the zone in which the calendar reads dates and hours.
func (c *Calendar) Location() *time.Location { return c.loc }

// BusinessHours returns a copy of the business-hour spans.
func (c *Calendar) BusinessHours() []Span { return append([]Span(nil), c.spans...) }

// FirstDataYear returns the first year whose official arrangement lunar-go
// contains.
func (c *Calendar) FirstDataYear() int { return c.stat.first }

// LastDataYear returns the last year whose official arrangement lunar-go
// contains (2027 for lunar-go v1.4.7); later years are provisional.
func (c *Calendar) LastDataYear() int { return c.stat.last }

// Provisional reports whether d lies outside the years the library data
// covers, so that its working-day status rests only on the Monday–Friday
// rule and the overrides. Overrides do not make a year non-provisional:
// one override row says nothing about the rest of that year.
func (c *Calendar) Provisional(d Date) bool {
	y := d.Year()
	return y > c.stat.last || y < c.stat.first
}

// DateOf returns the date of t in the calendar's location.
func (c *Calendar) DateOf(t time.Time) Date {
	return DateOf(t.In(c.loc))
}

// IsWorkingDay reports whether d is a working day.
func (c *Calendar) IsWorkingDay(d Date) bool { return c.tab.isWorking(d.days) }
