package calendar

import (
	"errors"
	"sync"
	"testing"
)

func TestToLunar(t *testing.T) {
	cases := map[string]LunarDate{
		"2025-01-28": {2024, 12, 29, false}, // 除夕 2025: no 腊月三十 that year
		"2025-01-29": {2025, 1, 1, false},
		"2025-07-25": {2025, 6, 1, true}, // 闰六月 2025
		"2025-10-06": {2025, 8, 15, false},
		"2026-02-17": {2026, 1, 1, false},
		"2020-05-23": {2020, 4, 1, true},  // 闰四月 2020
		"2023-03-22": {2023, 2, 1, true},  // 闰二月 2023
		"2033-12-22": {2033, 11, 1, true}, // the 2033 闰十一月
		"2023-01-21": {2022, 12, 30, false},
	}
	for s, want := range cases {
		got, err := ToLunar(d(t, s))
		if err != nil || got != want {
			t.Errorf("ToLunar(%s) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := ToLunar(d(t, "2101-01-10")); err != nil || got != (LunarDate{2100, 12, 11, false}) {
		t.Errorf("ToLunar(2101-01-10) = %v, %v; want the end of lunar 2100", got, err)
	}
	for _, s := range []string{"1900-12-31", "2101-12-31", "2102-01-01", "0001-01-01"} {
		if _, err := ToLunar(d(t, s)); !errors.Is(err, ErrLunarRange) {
			t.Errorf("ToLunar(%s) error = %v", s, err)
		}
	}
}

func TestLunarDateString(t *testing.T) {
	cases := map[LunarDate]string{
		{2025, 6, 5, true}:    "2025年闰六月初五",
		{2025, 12, 30, false}: "2025年腊月三十",
		{2026, 11, 20, false}: "2026年冬月二十",
		{2026, 1, 10, false}:  "2026年正月初十",
		{2026, 1, 21, false}:  "2026年正月廿一",
		{2026, 10, 15, false}: "2026年十月十五",
		{2026, 13, 1, false}:  "2026年?13月?1日",
	}
	for l, want := range cases {
		if got := l.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", l, got, want)
		}
	}
}

func TestLunarBirthday(t *testing.T) {
	cases := []struct {
		year, month, day int
		leap             bool
		want             string
		leapMissing      bool
		clamped          bool
	}{
		{2025, 1, 1, false, "2025-01-29", false, false},
		{2025, 6, 10, true, "2025-08-03", false, false},   // 闰六月初十
		{2025, 6, 30, true, "2025-08-22", false, true},    // 闰六月 2025 has 29 days
		{2024, 12, 30, false, "2025-01-28", false, true},  // no 年三十 in 2025
		{2025, 12, 30, false, "2026-02-16", false, true},  // nor in 2026
		{2022, 12, 30, false, "2023-01-21", false, false}, // 2023 had one
		{2025, 8, 15, false, "2025-10-06", false, false},
	}
	for _, tc := range cases {
		got, err := LunarBirthday(tc.year, tc.month, tc.day, tc.leap)
		if err != nil || got.Date != d(t, tc.want) || got.LeapMonthMissing != tc.leapMissing || got.DayClamped != tc.clamped {
			t.Errorf("LunarBirthday(%d, %d, %d, %v) = %+v, %v; want %s", tc.year, tc.month, tc.day, tc.leap, got, err, tc.want)
		}
	}
	// No 闰六月 in 2026: the ordinary 六月 is used.
	got, err := LunarBirthday(2026, 6, 10, true)
	plain, _ := LunarBirthday(2026, 6, 10, false)
	if err != nil || !got.LeapMonthMissing || got.Date != plain.Date || got.Lunar != (LunarDate{2026, 6, 10, false}) {
		t.Errorf("missing leap month: %+v, %v (ordinary %+v)", got, err, plain)
	}
	for _, bad := range [][3]int{{2025, 0, 1}, {2025, 13, 1}, {2025, 1, 0}, {2025, 1, 31}, {1900, 1, 1}, {2101, 1, 1}} {
		if _, err := LunarBirthday(bad[0], bad[1], bad[2], false); !errors.Is(err, ErrLunarRange) {
			t.Errorf("LunarBirthday(%v) error = %v", bad, err)
		}
	}
}

// TestLunarRoundTrip converts sampled days of the whole supported range
// to lunar and back.
func TestLunarRoundTrip(t *testing.T) {
	for x := d(t, "1901-01-01"); x.Year() <= MaxLunarYear; x = x.AddDays(13) {
		l, err := ToLunar(x)
		if err != nil {
			t.Fatalf("ToLunar(%s): %v", x, err)
		}
		if l.Year < MinLunarYear {
			continue // early 1901 belongs to lunar 1900
		}
		back, err := LunarBirthday(l.Year, l.Month, l.Day, l.Leap)
		if err != nil || back.Date != x || back.LeapMonthMissing || back.DayClamped {
			t.Fatalf("%s -> %v -> %+v, %v", x, l, back, err)
		}
	}
}

func TestNextLunarBirthday(t *testing.T) {
	cases := []struct {
		from         string
		month, day   int
		leap         bool
		want         string
		wantFallback bool
	}{
		{"2026-01-01", 12, 8, false, "2026-01-26", false},
		{"2026-01-27", 12, 8, false, "2027-01-15", false},
		{"2025-10-06", 8, 15, false, "2025-10-06", false},
		{"2025-10-07", 8, 15, false, "2026-09-25", false},
		{"2025-07-01", 6, 10, true, "2025-08-03", false},
	}
	for _, tc := range cases {
		got, err := NextLunarBirthday(d(t, tc.from), tc.month, tc.day, tc.leap)
		if err != nil || got.Date != d(t, tc.want) || got.LeapMonthMissing != tc.wantFallback {
			t.Errorf("NextLunarBirthday(%s, %d, %d, %v) = %+v, %v; want %s", tc.from, tc.month, tc.day, tc.leap, got, err, tc.want)
		}
	}
	// After 闰六月 2025 the next one falls back to the ordinary 六月 of 2026.
	got, err := NextLunarBirthday(d(t, "2025-09-01"), 6, 10, true)
	if l, _ := ToLunar(got.Date); err != nil || !got.LeapMonthMissing || l != (LunarDate{2026, 6, 10, false}) {
		t.Errorf("fallback birthday: %+v (%v), %v", got, l, err)
	}
	if _, err := NextLunarBirthday(d(t, "2101-06-01"), 1, 1, false); err == nil {
		t.Error("a birthday past the supported range was found")
	}
	if _, err := NextLunarBirthday(d(t, "2025-06-01"), 13, 1, false); !errors.Is(err, ErrLunarRange) {
		t.Errorf("bad month: %v", err)
	}
}

// TestLunarConcurrent runs lunar conversions in parallel: lunar-go keeps a
// one-entry year cache behind a mutex, which must hold up under -race.
func TestLunarConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := 2020 + g; y < 2040; y += 4 {
				if _, err := Festivals(y); err != nil {
					t.Error(err)
				}
				if _, err := LunarBirthday(y, 8, 15, false); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}
