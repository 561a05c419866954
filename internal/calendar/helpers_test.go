package calendar

import (
	"testing"
	"time"
)

// shanghai is the default zone, loaded once per test that needs it.
func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// newCal builds a Calendar or fails the test.
func newCal(t testing.TB, opts ...Option) *Calendar {
	t.Helper()
	c, err := New(opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// d parses a YYYY-MM-DD literal or fails the test.
func d(t testing.TB, s string) Date {
	t.Helper()
	v, err := ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return v
}

// ts parses an RFC 3339 literal or fails the test.
func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time.Parse(%q): %v", s, err)
	}
	return v
}

// sh returns y-m-d hh:mm in Shanghai.
func sh(t testing.TB, y int, m time.Month, day, hh, mm int) time.Time {
	t.Helper()
	return time.Date(y, m, day, hh, mm, 0, 0, shanghai(t))
}

// naiveWorking is the reference rule the fast table must agree with:
// the exception list of the calendar itself, else Monday–Friday.
func naiveWorking(c *Calendar, x Date) bool {
	for _, e := range c.Year(x.Year()) {
		if e.Date == x {
			return e.Kind == WorkingDay
		}
	}
	wd := x.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// naiveAdd steps day by day: the n-th working day after x (n > 0).
func naiveAdd(c *Calendar, x Date, n int) Date {
	for n > 0 {
		x = x.AddDays(1)
		if naiveWorking(c, x) {
			n--
		}
	}
	return x
}

// sameInstant fails unless got and want are the same instant and got is
// in the calendar's zone.
func sameInstant(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.Location().String() != want.Location().String() {
		t.Errorf("%s = %s, want %s", what, got.Format(time.RFC3339), want.Format(time.RFC3339))
	}
}
