package calendar

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

func TestAddWorkingDays(t *testing.T) {
	c := newCal(t)
	cases := []struct {
		name string
		from time.Time
		n    int
		want string // the date of the result; the time is always 18:00 CST
		prov bool
	}{
		{"plain weekday", sh(t, 2025, 3, 3, 10, 0), 1, "2025-03-04", false},
		{"friday to monday", sh(t, 2025, 3, 7, 10, 0), 1, "2025-03-10", false},
		{"across 春节 2025", sh(t, 2025, 1, 27, 10, 0), 1, "2025-02-05", false},
		{"into sunday make-up day", sh(t, 2025, 1, 24, 10, 0), 1, "2025-01-26", false},
		{"holiday start, month boundary", sh(t, 2025, 1, 31, 10, 0), 1, "2025-02-05", false},
		{"劳动节 month boundary", sh(t, 2025, 4, 30, 10, 0), 1, "2025-05-06", false},
		{"february end", sh(t, 2025, 2, 28, 10, 0), 1, "2025-03-03", false},
		{"four across 国庆中秋 onto make-up saturday", sh(t, 2025, 9, 29, 9, 0), 4, "2025-10-11", false},
		{"five across 国庆中秋", sh(t, 2025, 9, 29, 9, 0), 5, "2025-10-13", false},
		{"year end into make-up sunday", sh(t, 2025, 12, 31, 10, 0), 1, "2026-01-04", false},
		{"year end two", sh(t, 2025, 12, 31, 10, 0), 2, "2026-01-05", false},
		{"year end 2024", sh(t, 2024, 12, 31, 10, 0), 1, "2025-01-02", false},
		{"year end 2026", sh(t, 2026, 12, 31, 10, 0), 1, "2027-01-04", false},
		{"n=0 working day, even after hours", sh(t, 2025, 3, 3, 20, 0), 0, "2025-03-03", false},
		{"n=0 on a holiday", sh(t, 2025, 10, 1, 10, 0), 0, "2025-10-09", false},
		{"n=0 on a saturday", sh(t, 2025, 3, 8, 10, 0), 0, "2025-03-10", false},
		{"n=0 on a make-up sunday", sh(t, 2025, 1, 26, 10, 0), 0, "2025-01-26", false},
		{"n=-1 back over 春节", sh(t, 2025, 2, 5, 10, 0), -1, "2025-01-27", false},
		{"n=-1 onto make-up sunday", sh(t, 2026, 1, 5, 10, 0), -1, "2026-01-04", false},
		{"n=-2 back over new year", sh(t, 2026, 1, 5, 10, 0), -2, "2025-12-31", false},
		{"-08:00 evening is next day in Shanghai", ts(t, "2025-01-27T20:00:00-08:00"), 0, "2025-02-05", false},
		{"-08:00 n=1", ts(t, "2025-01-27T20:00:00-08:00"), 1, "2025-02-05", false},
		{"-08:00 n=-1", ts(t, "2025-01-27T20:00:00-08:00"), -1, "2025-01-27", false},
		{"UTC just before CST midnight", ts(t, "2025-09-30T15:59:59Z"), 0, "2025-09-30", false},
		{"UTC at CST midnight", ts(t, "2025-09-30T16:00:00Z"), 0, "2025-10-09", false},
		{"+09:00 morning is previous day", ts(t, "2025-10-09T00:30:00+09:00"), 0, "2025-10-09", false},
		{"last covered day", sh(t, 2027, 12, 30, 10, 0), 1, "2027-12-31", false},
		{"past the data is provisional", sh(t, 2027, 12, 30, 10, 0), 2, "2028-01-03", true},
		{"before the data is provisional", sh(t, 1999, 12, 31, 10, 0), 1, "2000-01-03", true},
		{"a year of working days", sh(t, 2025, 1, 2, 10, 0), 248, "2026-01-04", false},
	}
	for _, tc := range cases {
		got, err := c.AddWorkingDays(tc.from, tc.n)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		want := d(t, tc.want).In(c.Location()).Add(18 * time.Hour)
		if !got.Time.Equal(want) || got.Time.Location() != c.Location() || got.Provisional != tc.prov {
			t.Errorf("%s: AddWorkingDays(%s, %d) = %s prov=%v, want %s prov=%v",
				tc.name, tc.from, tc.n, got.Time, got.Provisional, want, tc.prov)
		}
	}
	if _, err := c.AddWorkingDays(sh(t, 2025, 1, 1, 0, 0), MaxWorkingDays+1); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("huge n: %v", err)
	}
}

func TestAddWorkingDaysCustomEnd(t *testing.T) {
	c := newCal(t, WithBusinessHours(Span{8*time.Hour + 30*time.Minute, 17*time.Hour + 30*time.Minute}))
	got, err := c.AddWorkingDays(sh(t, 2025, 3, 3, 10, 0), 1)
	if err != nil || !got.Time.Equal(sh(t, 2025, 3, 4, 17, 30)) {
		t.Errorf("custom end of business: %v, %v", got.Time, err)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := newCal(t)
	cases := []struct {
		a, b string
		want int
	}{
		{"2025-01-27", "2025-02-05", 1},
		{"2025-09-30", "2025-10-09", 1},
		{"2025-12-31", "2026-01-05", 2},
		{"2026-01-05", "2025-12-31", -2},
		{"2025-03-03", "2025-03-03", 0},
		{"2025-03-08", "2025-03-09", 0},
		{"2024-12-31", "2025-12-31", 248}, // whole of 2025, counted by hand
		{"2025-12-31", "2026-12-31", 248},
		{"2026-12-31", "2027-12-31", 248},
		{"2027-12-31", "2028-12-31", 260}, // provisional: Monday–Friday only
	}
	for _, tc := range cases {
		if got := c.WorkingDaysBetween(d(t, tc.a), d(t, tc.b)); got != tc.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestAgainstNaive compares the table arithmetic with a day-by-day walk,
// including dates before and after the data range.
func TestAgainstNaive(t *testing.T) {
	c := newCal(t)
	rng := rand.New(rand.NewPCG(1, 2))
	base := d(t, "1999-06-01")
	for i := 0; i < 3000; i++ {
		from := base.AddDays(rng.IntN(365 * 33))
		n := rng.IntN(90) + 1
		want := naiveAdd(c, from, n)
		got, err := c.AddWorkingDays(from.In(c.Location()).Add(11*time.Hour), n)
		if err != nil || DateOf(got.Time) != want {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, %v; naive %s", from, n, got.Time, err, want)
		}
		if k := c.WorkingDaysBetween(from, want); k != n {
			t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", from, want, k, n)
		}
		back, err := c.AddWorkingDays(want.In(c.Location()), -n)
		if err != nil || !c.IsWorkingDay(from) && DateOf(back.Time).After(from) ||
			c.IsWorkingDay(from) && DateOf(back.Time) != from {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, want back to about %s", want, -n, back.Time, from)
		}
		if c.IsWorkingDay(from) != naiveWorking(c, from) {
			t.Fatalf("IsWorkingDay(%s) disagrees with the exception list", from)
		}
	}
}
