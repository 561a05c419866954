package calendar

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	good := []struct {
		in      string
		y, m, d int
		wd      time.Weekday
	}{
		{"2025-01-28", 2025, 1, 28, time.Tuesday},
		{"2024-02-29", 2024, 2, 29, time.Thursday},
		{"2000-02-29", 2000, 2, 29, time.Tuesday},
		{"0001-01-01", 1, 1, 1, time.Monday},
		{"9999-12-31", 9999, 12, 31, time.Friday},
		{"1970-01-01", 1970, 1, 1, time.Thursday},
	}
	for _, tc := range good {
		got, err := ParseDate(tc.in)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tc.in, err)
			continue
		}
		y, m, dd := got.Date()
		if y != tc.y || int(m) != tc.m || dd != tc.d || got.Weekday() != tc.wd || got.String() != tc.in {
			t.Errorf("ParseDate(%q) = %d-%d-%d %s %q", tc.in, y, m, dd, got.Weekday(), got)
		}
	}
	bad := []string{"", "2025-1-28", "2025/01/28", "2025-13-01", "2025-00-10", "2025-02-29",
		"1900-02-29", "2025-04-31", "2025-01-00", "+025-01-01", "2025-01-2x", "２025-01-01", " 2025-01-28"}
	for _, in := range bad {
		if _, err := ParseDate(in); !errors.Is(err, ErrInvalidDate) {
			t.Errorf("ParseDate(%q) error = %v, want ErrInvalidDate", in, err)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	if got := NewDate(2025, time.February, 30); got != d(t, "2025-03-02") {
		t.Errorf("NewDate normalises to %s", got)
	}
	if got := NewDate(2025, 13, 1); got != d(t, "2026-01-01") {
		t.Errorf("NewDate(2025, 13, 1) = %s", got)
	}
	if got := NewDate(2025, 0, 1); got != d(t, "2024-12-01") {
		t.Errorf("NewDate(2025, 0, 1) = %s", got)
	}
	a, b := d(t, "2024-12-31"), d(t, "2025-03-01")
	if a.AddDays(60) != b || b.Sub(a) != 60 || a.Sub(b) != -60 {
		t.Errorf("AddDays/Sub across a year end: %s %d", a.AddDays(60), b.Sub(a))
	}
	if !a.Before(b) || !b.After(a) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("comparison broken")
	}
	if !(Date{}).IsZero() || (Date{}).String() != "0001-01-01" {
		t.Error("zero Date should be 0001-01-01")
	}
	loc := shanghai(t)
	if got := d(t, "2025-01-28").In(loc); !got.Equal(time.Date(2025, 1, 28, 0, 0, 0, 0, loc)) {
		t.Errorf("In = %s", got)
	}
}

// TestDateAgreesWithTime checks the civil arithmetic against package time
// for every day of several centuries, including negative years.
func TestDateAgreesWithTime(t *testing.T) {
	start := time.Date(-400, 1, 1, 12, 0, 0, 0, time.UTC)
	first := NewDate(-400, time.January, 1)
	for i := 0; i < 400*366*2+1000; i += 7 {
		tt := start.AddDate(0, 0, i)
		got := first.AddDays(i)
		y, m, dd := got.Date()
		if y != tt.Year() || m != tt.Month() || dd != tt.Day() || got.Weekday() != tt.Weekday() {
			t.Fatalf("day %d: got %d-%d-%d %s, time says %s", i, y, m, dd, got.Weekday(), tt)
		}
		if DateOf(tt) != got {
			t.Fatalf("DateOf(%s) = %s", tt, DateOf(tt))
		}
	}
}

func TestDateJSON(t *testing.T) {
	type row struct {
		On Date `json:"on"`
	}
	b, err := json.Marshal(row{On: d(t, "2026-02-17")})
	if err != nil || string(b) != `{"on":"2026-02-17"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var r row
	if err := json.Unmarshal([]byte(`{"on":"2027-10-01"}`), &r); err != nil || r.On != d(t, "2027-10-01") {
		t.Fatalf("Unmarshal = %v, %v", r.On, err)
	}
	if err := json.Unmarshal([]byte(`{"on":"2027-02-30"}`), &r); !errors.Is(err, ErrInvalidDate) {
		t.Fatalf("Unmarshal of an impossible date: %v", err)
	}
}
