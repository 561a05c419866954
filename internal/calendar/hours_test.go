package calendar

import (
	"errors"
	"testing"
	"time"
)

func TestParseBusinessHours(t *testing.T) {
	good := map[string]string{
		"09:00-12:00,13:00-18:00":             "09:00-12:00,13:00-18:00",
		" 08:30 - 17:30 ":                     "08:30-17:30",
		"00:00-24:00":                         "00:00-24:00",
		"09:00-12:00,12:00-13:00":             "09:00-12:00,12:00-13:00",
		"07:00-08:00,09:00-10:00,22:00-23:59": "07:00-08:00,09:00-10:00,22:00-23:59",
	}
	for in, want := range good {
		spans, err := ParseBusinessHours(in)
		if err != nil {
			t.Errorf("ParseBusinessHours(%q): %v", in, err)
			continue
		}
		if got := joinSpans(spans); got != want {
			t.Errorf("ParseBusinessHours(%q) = %s, want %s", in, got, want)
		}
	}
	bad := []string{"", "9:00-12:00", "09:00", "09:00-09:00", "12:00-09:00", "09:00-25:00",
		"24:01-24:30", "09:60-10:00", "13:00-18:00,09:00-12:00", "09:00-13:00,12:00-18:00",
		"09:00-12:00,", "-1:00-02:00", "０9:00-10:00"}
	for _, in := range bad {
		if _, err := ParseBusinessHours(in); !errors.Is(err, ErrInvalidHours) {
			t.Errorf("ParseBusinessHours(%q) error = %v, want ErrInvalidHours", in, err)
		}
	}
	if got := joinSpans(DefaultBusinessHours()); got != "09:00-12:00,13:00-18:00" {
		t.Errorf("DefaultBusinessHours = %s", got)
	}
}

// joinSpans formats spans the way ParseBusinessHours reads them.
func joinSpans(spans []Span) string {
	s := ""
	for i, sp := range spans {
		if i > 0 {
			s += ","
		}
		s += sp.String()
	}
	return s
}

func TestOptions(t *testing.T) {
	if _, err := New(WithLocation(nil)); err == nil {
		t.Error("nil location accepted")
	}
	if _, err := New(WithBusinessHours()); !errors.Is(err, ErrInvalidHours) {
		t.Errorf("no spans: %v", err)
	}
	if _, err := New(WithBusinessHours(Span{Start: 20 * time.Hour, End: 25 * time.Hour})); !errors.Is(err, ErrInvalidHours) {
		t.Errorf("span past midnight: %v", err)
	}
	if c := newCal(t, nil); c.Location().String() != DefaultLocation {
		t.Errorf("default location = %s", c.Location())
	}
	// A calendar in UTC reads the date of the same instant differently.
	at := ts(t, "2025-01-27T10:00:00-08:00") // 18:00 UTC on the 27th, 02:00 on the 28th in Shanghai
	utc := newCal(t, WithLocation(time.UTC))
	got, err := utc.AddWorkingDays(at, 0)
	if err != nil || !got.Time.Equal(ts(t, "2025-01-27T18:00:00Z")) || got.Time.Location() != time.UTC {
		t.Errorf("UTC calendar: %s, %v", got.Time, err)
	}
	got, err = newCal(t).AddWorkingDays(at, 0)
	if err != nil || !got.Time.Equal(ts(t, "2025-02-05T18:00:00+08:00")) {
		t.Errorf("Shanghai calendar: %s, %v", got.Time, err)
	}
}

func TestKind(t *testing.T) {
	for in, want := range map[string]Kind{"day_off": DayOff, " WORKING_DAY ": WorkingDay} {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "off", "day off", "0"} {
		if _, err := ParseKind(in); !errors.Is(err, ErrInvalidKind) {
			t.Errorf("ParseKind(%q) error = %v", in, err)
		}
	}
	if b, err := WorkingDay.MarshalText(); err != nil || string(b) != "working_day" {
		t.Errorf("MarshalText = %s, %v", b, err)
	}
	if _, err := Kind(0).MarshalText(); err == nil {
		t.Error("zero Kind marshalled")
	}
	var k Kind
	if err := k.UnmarshalText([]byte("day_off")); err != nil || k != DayOff || k.String() != "day_off" {
		t.Errorf("UnmarshalText: %v %v", k, err)
	}
	if Kind(7).String() != "Kind(7)" {
		t.Errorf("invalid kind String = %s", Kind(7))
	}
}
