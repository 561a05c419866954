package calendar

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidDate is wrapped by every error ParseDate returns.
var ErrInvalidDate = errors.New("calendar: invalid date")

// ParseDate parses a date in the form YYYY-MM-DD (layout "2006-01-02").
//
// It is strict on purpose: the input usually comes from an admin form or an
// API payload, and silently normalising "2025-02-30" into March would hide
// a typo, so an impossible day is an error rather than a different date.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%w %q: want YYYY-MM-DD", ErrInvalidDate, s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("%w %q: want YYYY-MM-DD with digits only", ErrInvalidDate, s)
	}
	if m < 1 || m > 12 {
		return Date{}, fmt.Errorf("%w %q: month %d is not in 1..12", ErrInvalidDate, s, m)
	}
	if dim := daysIn(y, time.Month(m)); d < 1 || d > dim {
		return Date{}, fmt.Errorf("%w %q: day %d is not in 1..%d", ErrInvalidDate, s, d, dim)
	}
	return NewDate(y, time.Month(m), d), nil
}

// MarshalText implements encoding.TextMarshaler using the YYYY-MM-DD form.
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler via ParseDate.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// digits parses an unsigned decimal made only of ASCII digits; strconv.Atoi
// would also accept signs, which YYYY-MM-DD does not allow.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
