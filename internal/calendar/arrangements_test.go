package calendar

import (
	"testing"
	"time"
)

// period is one holiday period of an official arrangement, written out by
// hand from the State Council notices (not derived from lunar-go).
type period struct {
	name        string   // lunar-go's name for the period
	first, last string   // first and last day off, inclusive
	makeUp      []string // 调休 make-up working days
}

// arrangements lists every holiday period and make-up day of 2025–2027.
// 2025: 国办发明电〔2024〕12号; 2026: the notice of November 2025;
// 2027: as lunar-go v1.4.7 has it (its changelog dates it 2026-11-06).
func arrangements() map[int][]period {
	return map[int][]period{
		2025: {
			{"元旦节", "2025-01-01", "2025-01-01", nil},
			{"春节", "2025-01-28", "2025-02-04", []string{"2025-01-26", "2025-02-08"}},
			{"清明节", "2025-04-04", "2025-04-06", nil},
			{"劳动节", "2025-05-01", "2025-05-05", []string{"2025-04-27"}},
			{"端午节", "2025-05-31", "2025-06-02", nil},
			{"国庆中秋", "2025-10-01", "2025-10-08", []string{"2025-09-28", "2025-10-11"}},
		},
		2026: {
			{"元旦节", "2026-01-01", "2026-01-03", []string{"2026-01-04"}},
			{"春节", "2026-02-15", "2026-02-23", []string{"2026-02-14", "2026-02-28"}},
			{"清明节", "2026-04-04", "2026-04-06", nil},
			{"劳动节", "2026-05-01", "2026-05-05", []string{"2026-05-09"}},
			{"端午节", "2026-06-19", "2026-06-21", nil},
			{"中秋节", "2026-09-25", "2026-09-27", nil},
			{"国庆节", "2026-10-01", "2026-10-07", []string{"2026-09-20", "2026-10-10"}},
		},
		2027: {
			{"元旦节", "2027-01-01", "2027-01-03", nil},
			{"春节", "2027-02-05", "2027-02-13", []string{"2027-01-31", "2027-02-14"}},
			{"清明节", "2027-04-03", "2027-04-05", nil},
			{"劳动节", "2027-05-01", "2027-05-05", []string{"2027-05-08"}},
			{"端午节", "2027-06-09", "2027-06-09", nil},
			{"中秋节", "2027-09-15", "2027-09-15", nil},
			{"国庆节", "2027-10-01", "2027-10-07", []string{"2027-09-26", "2027-10-09"}},
		},
	}
}

// TestArrangements checks, for every day of 2025–2027, IsWorkingDay and
// Year against the hand-written periods above.
func TestArrangements(t *testing.T) {
	c := newCal(t)
	for year, periods := range arrangements() {
		want := map[Date]Day{}
		for _, p := range periods {
			for x := d(t, p.first); !x.After(d(t, p.last)); x = x.AddDays(1) {
				want[x] = Day{Date: x, Kind: DayOff, Name: p.name, Source: SourceStatutory}
			}
			for _, s := range p.makeUp {
				want[d(t, s)] = Day{Date: d(t, s), Kind: WorkingDay, Name: p.name, Source: SourceStatutory}
			}
		}
		got := c.Year(year)
		if len(got) != len(want) {
			t.Errorf("Year(%d) has %d days, want %d: %v", year, len(got), len(want), got)
		}
		for i, g := range got {
			if w, ok := want[g.Date]; !ok || g != w {
				t.Errorf("Year(%d)[%d] = %+v, want %+v", year, i, g, w)
			}
			if i > 0 && !got[i-1].Date.Before(g.Date) {
				t.Errorf("Year(%d) not sorted at %s", year, g.Date)
			}
		}
		for x := NewDate(year, 1, 1); x.Year() == year; x = x.AddDays(1) {
			wantWork := x.Weekday() != time.Saturday && x.Weekday() != time.Sunday
			if w, ok := want[x]; ok {
				wantWork = w.Kind == WorkingDay
			}
			if got := c.IsWorkingDay(x); got != wantWork {
				t.Errorf("IsWorkingDay(%s %s) = %v, want %v", x, x.Weekday(), got, wantWork)
			}
		}
	}
}

// TestWeekendMakeUpDays pins the weekend make-up days: each is a Saturday
// or Sunday and still a working day, and counts in AddWorkingDays.
func TestWeekendMakeUpDays(t *testing.T) {
	c := newCal(t)
	days := []string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
		"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
		"2027-01-31", "2027-02-14", "2027-05-08", "2027-09-26", "2027-10-09"}
	for _, s := range days {
		x := d(t, s)
		if wd := x.Weekday(); wd != time.Saturday && wd != time.Sunday {
			t.Errorf("%s is a %s, expected a weekend make-up day", s, wd)
		}
		if !c.IsWorkingDay(x) {
			t.Errorf("IsWorkingDay(%s) = false, want true (make-up day)", s)
		}
		// The Friday before a weekend make-up day is followed by it.
		prev := x.AddDays(-1)
		for !c.IsWorkingDay(prev) {
			prev = prev.AddDays(-1)
		}
		due, err := c.AddWorkingDays(prev.In(c.Location()).Add(10*time.Hour), 1)
		if err != nil || DateOf(due.Time) != x {
			t.Errorf("AddWorkingDays(%s, 1) = %s, %v; want the make-up day %s", prev, due.Time, err, s)
		}
	}
}

func TestDataYears(t *testing.T) {
	c := newCal(t)
	if c.FirstDataYear() != 2002 || c.LastDataYear() != 2027 {
		t.Errorf("data years = %d..%d, want 2002..2027 for lunar-go v1.4.7", c.FirstDataYear(), c.LastDataYear())
	}
	for s, want := range map[string]bool{"2001-12-31": true, "2002-01-01": false, "2027-12-31": false,
		"2028-01-01": true, "2030-06-01": true} {
		if got := c.Provisional(d(t, s)); got != want {
			t.Errorf("Provisional(%s) = %v, want %v", s, got, want)
		}
	}
	if y := c.Year(2028); len(y) != 0 {
		t.Errorf("Year(2028) = %v, want no data", y)
	}
	// 2024 is outside the hand-written table but a good sanity check of
	// a year with an eight-day 春节 and its Sunday/Saturday make-up days.
	for s, want := range map[string]bool{"2024-02-04": true, "2024-02-18": true, "2024-02-16": false} {
		if got := c.IsWorkingDay(d(t, s)); got != want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", s, got, want)
		}
	}
}
