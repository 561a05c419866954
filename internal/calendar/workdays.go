package calendar

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// Due is a point in time computed by the calendar.
type Due struct {
	// Time is in the calendar's location.
	Time time.Time
	// Provisional is true when Time's date lies outside the years the
	// library data covers (see Calendar.Provisional): a later State Council
	// notice may still move it.
	Provisional bool
}

// ErrOutOfRange is returned when a request reaches too far to compute.
var ErrOutOfRange = errors.New("calendar: out of range")

// MaxWorkingDays bounds |n| in AddWorkingDays; ten million working days
// is about 38,000 years, far beyond any deadline, and keeps arithmetic
// clear of overflow.
const MaxWorkingDays = 10_000_000

// Year returns the exceptions to the Monday–Friday rule in year y, sorted
// by date: holiday days off (including weekend days inside a holiday
// period), make-up working days, and every override row in y (even one
// that merely restates the weekday rule, so the admin sees their table).
func (c *Calendar) Year(y int) []Day {
	days := c.tab.days
	lo := NewDate(y, time.January, 1)
	hi := NewDate(y+1, time.January, 1)
	i := sort.Search(len(days), func(i int) bool { return !days[i].Date.Before(lo) })
	j := sort.Search(len(days), func(i int) bool { return !days[i].Date.Before(hi) })
	return append([]Day(nil), days[i:j]...)
}

// AddWorkingDays returns the n-th working day after t's date, at the end
// of business on that day (the end of the last business span, 18:00 by
// default), in the calendar's location.
//
// t is first converted to the calendar's location and only its date is
// used, so 2025-01-27T20:00:00-08:00 counts from 2025-01-28. For n > 0 the
// result is the n-th working day strictly after that date. For n = 0 it is
// the date itself when that is a working day, otherwise the next working
// day ("due today, or the first working day if today is off"). For n < 0 it
// goes backwards: the |n|-th working day strictly before the date. Being
// date-based, n = 0 at 20:00 on a working day yields 18:00 that same day,
// earlier than t. The error is non-nil only when |n| > MaxWorkingDays.
func (c *Calendar) AddWorkingDays(t time.Time, n int) (Due, error) {
	if n > MaxWorkingDays || n < -MaxWorkingDays {
		return Due{}, fmt.Errorf("%w: %d working days", ErrOutOfRange, n)
	}
	d := c.DateOf(t).days
	var r int64
	switch {
	case n > 0:
		r = c.tab.rankOf(d+1) + int64(n) - 1
	case n == 0:
		r = c.tab.rankOf(d)
	default:
		r = c.tab.rankOf(d) + int64(n)
	}
	return c.at(Date{days: c.tab.selectRank(r)}, c.dayEnd), nil
}

// WorkingDaysBetween counts the working days in the half-open interval
// (a, b]: a itself is excluded and b included, so that
// WorkingDaysBetween(a, AddWorkingDays(a, n)) == n for n > 0. When b is
// before a the result is minus the count of (b, a]; it is 0 when a == b.
func (c *Calendar) WorkingDaysBetween(a, b Date) int {
	return int(c.tab.rankOf(b.days+1) - c.tab.rankOf(a.days+1))
}

// at returns the wall-clock time off (offset from midnight) on d in the
// calendar's location, with its provisional flag. The offset goes into the
// seconds and nanoseconds fields so that time.Date normalises it as
// wall-clock time; seconds keep it within a 32-bit int.
func (c *Calendar) at(d Date, off time.Duration) Due {
	y, m, dd := d.Date()
	return Due{
		Time:        time.Date(y, m, dd, 0, 0, int(off/time.Second), int(off%time.Second), c.loc),
		Provisional: y > c.stat.last || y < c.stat.first, // as Provisional(d)
	}
}
