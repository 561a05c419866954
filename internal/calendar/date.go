package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date (year, month, day) in the proleptic Gregorian
// calendar, with no time of day and no time zone.
//
// Whole-day questions ("is the 28th a working day?") must not depend on
// which zone a caller happens to hold a time.Time in, so they take a Date.
// The zero value is 0001-01-01. Dates compare with ==, Before, After and
// Compare.
type Date struct {
	// days counts days since 0001-01-01; a single integer keeps AddDays,
	// comparison and table look-ups to plain arithmetic.
	days int64
}

// unixEpochDays is the number of days from 0001-01-01 to 1970-01-01.
const unixEpochDays = 719162

// NewDate returns the date y-m-d; out-of-range months and days are
// normalised the way time.Date does (2025-02-30 becomes 2025-03-02).
func NewDate(y int, m time.Month, d int) Date {
	// Fold the month into the year first so daysFromCivil sees 1..12.
	mm := int64(m) - 1
	yy := int64(y) + floorDiv(mm, 12)
	mm = mm - floorDiv(mm, 12)*12 + 1
	return Date{days: daysFromCivil(yy, int(mm), 1) + int64(d) - 1}
}

// DateOf returns the date of t in t's own location; use
// Calendar.DateOf to get the date in the calendar's location instead.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// Date returns the year, month and day of d.
func (d Date) Date() (year int, month time.Month, day int) {
	y, m, dd := civilFromDays(d.days)
	return int(y), time.Month(m), dd
}

// Year returns the year of d.
func (d Date) Year() int { y, _, _ := d.Date(); return y }

// Month returns the month of d.
func (d Date) Month() time.Month { _, m, _ := d.Date(); return m }

// Day returns the day of the month of d.
func (d Date) Day() int { _, _, dd := d.Date(); return dd }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 0001-01-01 was a Monday (time.Weekday 1).
	return time.Weekday(floorMod(d.days+1, 7))
}

// AddDays returns d shifted by n days (n may be negative).
func (d Date) AddDays(n int) Date { return Date{days: d.days + int64(n)} }

// Sub returns the number of days from o to d (negative when d is earlier).
func (d Date) Sub(o Date) int { return int(d.days - o.days) }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.days < o.days }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.days > o.days }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.days < o.days:
		return -1
	case d.days > o.days:
		return 1
	}
	return 0
}

// IsZero reports whether d is the zero Date (0001-01-01).
func (d Date) IsZero() bool { return d.days == 0 }

// String formats d as YYYY-MM-DD, the form ParseDate accepts.
func (d Date) String() string {
	y, m, dd := d.Date()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// daysFromCivil converts a proleptic Gregorian y-m-d (m in 1..12) to days
// since 0001-01-01, using the era-based algorithm so any int64 year works
// without a loop.
func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := int64((m + 9) % 12) // March is 0, so leap day ends the year
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468 + unixEpochDays
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(days int64) (y int64, m, d int) {
	z := days - unixEpochDays + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// floorDiv divides rounding towards negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// floorMod is the remainder matching floorDiv, always in [0, b).
func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
