package calendar

import (
	"testing"
	"time"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-01-28", "2024-02-29", "2025-02-29", "0000-00-00", "9999-12-31", "2025-1-1", "", "２025-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseDate(s)
		if err != nil {
			return
		}
		if v.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, v)
		}
		if again, err := ParseDate(v.String()); err != nil || again != v {
			t.Fatalf("round trip of %q: %v %v", s, again, err)
		}
	})
}

func FuzzParseBusinessHours(f *testing.F) {
	for _, s := range []string{"09:00-12:00,13:00-18:00", "00:00-24:00", "9-5", "12:00-09:00", ",", "09:00-12:00,11:00-13:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spans, err := ParseBusinessHours(s)
		if err != nil {
			return
		}
		if err := checkSpans(spans); err != nil {
			t.Fatalf("ParseBusinessHours(%q) returned invalid spans: %v", s, err)
		}
		again, err := ParseBusinessHours(joinSpans(spans))
		if err != nil || joinSpans(again) != joinSpans(spans) {
			t.Fatalf("round trip of %q: %v %v", s, again, err)
		}
	})
}

func FuzzParseKind(f *testing.F) {
	for _, s := range []string{"day_off", "working_day", "DAY_OFF ", "", "off"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKind(s)
		if err != nil {
			return
		}
		if again, err := ParseKind(k.String()); err != nil || again != k {
			t.Fatalf("round trip of %q: %v %v", s, again, err)
		}
	})
}

// fuzzTime maps any int64 to an instant between years 1 and 9999, so the
// fuzzer explores dates rather than time.Time's own overflow.
func fuzzTime(sec int64) time.Time {
	const lo, span = -62135596800, 315537897600 // 0001-01-01 .. 9999-12-31
	return time.Unix(lo+int64(floorMod(sec, span)), 0)
}

func FuzzAddWorkingDays(f *testing.F) {
	c := newCal(f)
	f.Add(int64(1737993600), 1)
	f.Add(int64(1759248000), 0)
	f.Add(int64(1767139200), -3)
	f.Add(int64(0), MaxWorkingDays)
	f.Add(int64(-1), -MaxWorkingDays-1)
	f.Fuzz(func(t *testing.T, sec int64, n int) {
		from := fuzzTime(sec)
		got, err := c.AddWorkingDays(from, n)
		if err != nil {
			if n >= -MaxWorkingDays && n <= MaxWorkingDays {
				t.Fatalf("AddWorkingDays(%s, %d): %v", from, n, err)
			}
			return
		}
		day := DateOf(got.Time)
		if !c.IsWorkingDay(day) || got.Time.Location() != c.Location() {
			t.Fatalf("AddWorkingDays(%s, %d) = %s: not a working day", from, n, got.Time)
		}
		start := c.DateOf(from)
		if n > 0 && c.WorkingDaysBetween(start, day) != n || n == 0 && day.Before(start) ||
			n < 0 && c.WorkingDaysBetween(day, start.AddDays(-1)) != -n-1 {
			t.Fatalf("AddWorkingDays(%s, %d) = %s: inconsistent with WorkingDaysBetween", from, n, day)
		}
	})
}

func FuzzAddBusinessHours(f *testing.F) {
	c := newCal(f)
	f.Add(int64(1737993600), int64(time.Hour))
	f.Add(int64(1759248000), int64(0))
	f.Add(int64(1767139200), int64(-5))
	f.Add(int64(-1), int64(1<<62))
	f.Fuzz(func(t *testing.T, sec, ns int64) {
		from := fuzzTime(sec)
		d := time.Duration(ns)
		got, err := c.AddBusinessHours(from, d)
		if err != nil {
			if d >= 0 && d < 100_000*time.Hour {
				t.Fatalf("AddBusinessHours(%s, %v): %v", from, d, err)
			}
			return
		}
		if got.Time.Before(from) || !c.IsWorkingDay(DateOf(got.Time)) {
			t.Fatalf("AddBusinessHours(%s, %v) = %s", from, d, got.Time)
		}
	})
}

func FuzzLunarBirthday(f *testing.F) {
	f.Add(2025, 6, 30, true)
	f.Add(2026, 6, 10, true)
	f.Add(2025, 12, 30, false)
	f.Add(1900, 0, 31, false)
	f.Fuzz(func(t *testing.T, year, month, day int, leap bool) {
		got, err := LunarBirthday(year, month, day, leap)
		if err != nil {
			return
		}
		if l, err := ToLunar(got.Date); err != nil || l != got.Lunar {
			t.Fatalf("LunarBirthday(%d, %d, %d, %v) = %+v but ToLunar says %v, %v", year, month, day, leap, got, l, err)
		}
	})
}
