package calendar

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

func TestNextWorkingTime(t *testing.T) {
	c := newCal(t)
	cases := []struct {
		name     string
		from     time.Time
		want     time.Time
		provOnly bool
	}{
		{"inside morning span", sh(t, 2025, 3, 3, 10, 0), sh(t, 2025, 3, 3, 10, 0), false},
		{"before opening", sh(t, 2025, 3, 3, 8, 0), sh(t, 2025, 3, 3, 9, 0), false},
		{"at lunch start", sh(t, 2025, 3, 3, 12, 0), sh(t, 2025, 3, 3, 13, 0), false},
		{"during lunch", sh(t, 2025, 3, 3, 12, 30), sh(t, 2025, 3, 3, 13, 0), false},
		{"last minute", sh(t, 2025, 3, 3, 17, 59), sh(t, 2025, 3, 3, 17, 59), false},
		{"at closing", sh(t, 2025, 3, 3, 18, 0), sh(t, 2025, 3, 4, 9, 0), false},
		{"saturday", sh(t, 2025, 3, 8, 10, 0), sh(t, 2025, 3, 10, 9, 0), false},
		{"国庆中秋", sh(t, 2025, 10, 1, 10, 0), sh(t, 2025, 10, 9, 9, 0), false},
		{"make-up sunday inside", sh(t, 2025, 9, 28, 10, 0), sh(t, 2025, 9, 28, 10, 0), false},
		{"make-up sunday early", sh(t, 2025, 9, 28, 7, 0), sh(t, 2025, 9, 28, 9, 0), false},
		{"friday night before make-up saturday", sh(t, 2025, 10, 10, 19, 0), sh(t, 2025, 10, 11, 9, 0), false},
		{"-08:00 input on a holiday", ts(t, "2025-01-27T20:00:00-08:00"), sh(t, 2025, 2, 5, 9, 0), false},
		{"UTC input inside hours", ts(t, "2025-03-03T01:30:00Z"), sh(t, 2025, 3, 3, 9, 30), false},
		{"year end into 2026 make-up sunday", sh(t, 2025, 12, 31, 18, 0), sh(t, 2026, 1, 4, 9, 0), false},
		{"past the data", sh(t, 2027, 12, 31, 18, 30), sh(t, 2028, 1, 3, 9, 0), true},
	}
	for _, tc := range cases {
		got := c.NextWorkingTime(tc.from)
		sameInstant(t, tc.name, got.Time, tc.want)
		if got.Provisional != tc.provOnly {
			t.Errorf("%s: provisional = %v", tc.name, got.Provisional)
		}
	}
}

func TestAddBusinessHours(t *testing.T) {
	c := newCal(t)
	h := time.Hour
	cases := []struct {
		name string
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"within morning", sh(t, 2025, 3, 3, 10, 0), h, sh(t, 2025, 3, 3, 11, 0)},
		{"over lunch", sh(t, 2025, 3, 3, 11, 0), 2 * h, sh(t, 2025, 3, 3, 14, 0)},
		{"lands on closing", sh(t, 2025, 3, 3, 17, 0), h, sh(t, 2025, 3, 3, 18, 0)},
		{"lands on lunch start", sh(t, 2025, 3, 3, 11, 0), h, sh(t, 2025, 3, 3, 12, 0)},
		{"overnight", sh(t, 2025, 3, 3, 17, 0), 2 * h, sh(t, 2025, 3, 4, 10, 0)},
		{"start after hours", sh(t, 2025, 3, 3, 20, 0), h, sh(t, 2025, 3, 4, 10, 0)},
		{"start at lunch", sh(t, 2025, 3, 3, 12, 30), 30 * time.Minute, sh(t, 2025, 3, 3, 13, 30)},
		{"zero at lunch", sh(t, 2025, 3, 3, 12, 0), 0, sh(t, 2025, 3, 3, 13, 0)},
		{"zero inside", sh(t, 2025, 3, 3, 10, 15), 0, sh(t, 2025, 3, 3, 10, 15)},
		{"a full day from 09:00", sh(t, 2025, 3, 3, 9, 0), 8 * h, sh(t, 2025, 3, 3, 18, 0)},
		{"a full day from 10:00", sh(t, 2025, 3, 3, 10, 0), 8 * h, sh(t, 2025, 3, 4, 10, 0)},
		{"two full days", sh(t, 2025, 3, 3, 9, 0), 16 * h, sh(t, 2025, 3, 4, 18, 0)},
		{"over 春节", sh(t, 2025, 1, 27, 17, 0), 2 * h, sh(t, 2025, 2, 5, 10, 0)},
		{"onto make-up sunday", sh(t, 2025, 1, 24, 17, 0), 2 * h, sh(t, 2025, 1, 26, 10, 0)},
		{"five days over 国庆中秋", sh(t, 2025, 9, 30, 16, 0), 40 * h, sh(t, 2025, 10, 14, 16, 0)},
		{"month end", sh(t, 2025, 2, 28, 17, 30), h, sh(t, 2025, 3, 3, 9, 30)},
		{"year end", sh(t, 2026, 12, 31, 17, 0), 2 * h, sh(t, 2027, 1, 4, 10, 0)},
		{"-08:00 input", ts(t, "2025-03-02T17:30:00-08:00"), h, sh(t, 2025, 3, 3, 10, 30)},
		{"all of 2025's business time", sh(t, 2025, 1, 2, 9, 0), 248 * 8 * h, sh(t, 2025, 12, 31, 18, 0)},
		{"and one hour more", sh(t, 2025, 1, 2, 9, 0), 248*8*h + h, sh(t, 2026, 1, 4, 10, 0)},
	}
	for _, tc := range cases {
		got, err := c.AddBusinessHours(tc.from, tc.d)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		sameInstant(t, tc.name, got.Time, tc.want)
	}
	if _, err := c.AddBusinessHours(sh(t, 2025, 3, 3, 10, 0), -time.Minute); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("negative duration: %v", err)
	}
	tiny := newCal(t, WithBusinessHours(Span{Start: 9 * h, End: 9*h + time.Nanosecond}))
	if _, err := tiny.AddBusinessHours(sh(t, 2025, 3, 3, 10, 0), 200*24*h); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("absurd duration: %v", err)
	}
}

// TestAddBusinessHoursAgainstNaive counts business minutes one by one,
// with three irregular spans.
func TestAddBusinessHoursAgainstNaive(t *testing.T) {
	spans, err := ParseBusinessHours("08:30-11:45, 12:15-12:45,14:00-19:10")
	if err != nil {
		t.Fatal(err)
	}
	c := newCal(t, WithBusinessHours(spans...))
	inSpan := func(x time.Time) bool {
		if !c.IsWorkingDay(DateOf(x)) {
			return false
		}
		off := time.Duration(x.Hour())*time.Hour + time.Duration(x.Minute())*time.Minute
		for _, s := range spans {
			if off >= s.Start && off < s.End {
				return true
			}
		}
		return false
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200; i++ {
		from := sh(t, 2025, 1, 1, 0, 0).Add(time.Duration(rng.IntN(3*365*24*60)) * time.Minute)
		mins := rng.IntN(3*530) + 1
		x := from
		for left := mins; ; x = x.Add(time.Minute) {
			if inSpan(x) {
				if left--; left == 0 {
					x = x.Add(time.Minute)
					break
				}
			}
		}
		got, err := c.AddBusinessHours(from, time.Duration(mins)*time.Minute)
		if err != nil || !got.Time.Equal(x) {
			t.Fatalf("AddBusinessHours(%s, %dm) = %s, %v; naive %s", from, mins, got.Time, err, x)
		}
	}
}
