package calendar

import (
	"fmt"
	"time"
)

// NextWorkingTime returns t itself (in the calendar's location) when t lies
// inside a business span on a working day, otherwise the start of the next
// business span on a working day. Spans are half-open, so 12:00 and 18:00
// with the default hours are outside and move on to 13:00 and the next
// working day's 09:00.
func (c *Calendar) NextWorkingTime(t time.Time) Due {
	d, off := c.split(t)
	if c.tab.isWorking(d.days) {
		for _, s := range c.spans {
			if off < s.End {
				if off >= s.Start {
					return Due{Time: t.In(c.loc), Provisional: c.Provisional(d)}
				}
				return c.at(d, s.Start)
			}
		}
	}
	next := Date{days: c.tab.selectRank(c.tab.rankOf(d.days + 1))}
	return c.at(next, c.spans[0].Start)
}

// AddBusinessHours returns the moment at which d of business time has
// elapsed, counting only the business spans of working days. A start
// outside business hours begins at NextWorkingTime(t), so d = 0 yields
// NextWorkingTime(t). A result that uses up a span exactly is that span's
// end (17:00 + 1h is 18:00 the same day, not 09:00 the next working day).
//
// Times are wall-clock offsets within the day, so in a zone with daylight
// saving a span crossing a transition counts its nominal length. The error
// is non-nil for a negative d, or when d would span more than
// MaxWorkingDays working days (possible only with tiny spans).
func (c *Calendar) AddBusinessHours(t time.Time, d time.Duration) (Due, error) {
	if d < 0 {
		return Due{}, fmt.Errorf("%w: negative duration %v", ErrOutOfRange, d)
	}
	start := c.NextWorkingTime(t)
	if d == 0 {
		return start, nil
	}
	day, off := c.split(start.Time)
	left := c.remaining(off)
	if d <= left {
		return c.at(day, c.walk(off, d)), nil
	}
	d -= left
	// Skip whole working days arithmetically instead of looping, leaving
	// the last day between 0 (exclusive) and a full day (inclusive).
	skip := int64((d - 1) / c.dayTotal)
	if skip > MaxWorkingDays {
		return Due{}, fmt.Errorf("%w: %v of business time", ErrOutOfRange, d)
	}
	d -= time.Duration(skip) * c.dayTotal
	last := Date{days: c.tab.selectRank(c.tab.rankOf(day.days+1) + skip)}
	return c.at(last, c.walk(c.spans[0].Start, d)), nil
}

// split returns t's date and wall-clock offset from midnight in the
// calendar's location.
func (c *Calendar) split(t time.Time) (Date, time.Duration) {
	lt := t.In(c.loc)
	h, m, s := lt.Clock()
	off := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(lt.Nanosecond())
	return DateOf(lt), off
}

// remaining returns the business time from offset off to the end of the
// day; off is expected inside a span or at a span's start.
func (c *Calendar) remaining(off time.Duration) time.Duration {
	var r time.Duration
	for _, s := range c.spans {
		if off < s.End {
			r += s.End - max(off, s.Start)
		}
	}
	return r
}

// walk returns the offset reached after d of business time from off;
// callers guarantee d <= remaining(off).
func (c *Calendar) walk(off, d time.Duration) time.Duration {
	for _, s := range c.spans {
		if off >= s.End {
			continue
		}
		from := max(off, s.Start)
		if d <= s.End-from {
			return from + d
		}
		d -= s.End - from
	}
	return c.dayEnd
}
