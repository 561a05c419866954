package calendar

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestOverrides(t *testing.T) {
	base := newCal(t)
	c, err := base.WithOverrides(
		Override{Date: d(t, "2025-03-03"), Kind: DayOff, Name: "司庆"},            // add a day off
		Override{Date: d(t, "2025-03-08"), Kind: WorkingDay, Name: "年会补班"},      // weekend -> working
		Override{Date: d(t, "2025-10-08"), Kind: WorkingDay, Name: "值班"},        // remove a statutory day off
		Override{Date: d(t, "2025-09-28"), Kind: DayOff, Name: "取消调休"},          // remove a make-up day
		Override{Date: d(t, "2028-01-03"), Kind: DayOff, Name: "元旦节 (2028 通知)"}, // next year's notice
	)
	if err != nil {
		t.Fatal(err)
	}
	work := map[string]bool{"2025-03-03": false, "2025-03-08": true, "2025-10-08": true,
		"2025-09-28": false, "2028-01-03": false, "2025-10-07": false, "2025-10-11": true}
	for s, want := range work {
		if got := c.IsWorkingDay(d(t, s)); got != want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", s, got, want)
		}
	}
	adds := []struct {
		from string
		n    int
		want string
	}{
		{"2025-02-28", 1, "2025-03-04"}, // over the extra day off
		{"2025-03-07", 1, "2025-03-08"}, // onto the working saturday
		{"2025-10-07", 1, "2025-10-08"}, // the former holiday now counts
		{"2025-09-26", 1, "2025-09-29"}, // the cancelled make-up day no longer counts
		{"2027-12-31", 1, "2028-01-04"}, // an override past the library data
	}
	for _, a := range adds {
		got, err := c.AddWorkingDays(d(t, a.from).In(c.Location()), a.n)
		if err != nil || DateOf(got.Time) != d(t, a.want) {
			t.Errorf("AddWorkingDays(%s, %d) = %s, %v; want %s", a.from, a.n, got.Time, err, a.want)
		}
	}
	if got, _ := c.AddWorkingDays(d(t, "2027-12-31").In(c.Location()), 1); !got.Provisional {
		t.Error("an override does not make 2028 covered: result should stay provisional")
	}
	// The base snapshot is untouched.
	if !base.IsWorkingDay(d(t, "2025-03-03")) || base.IsWorkingDay(d(t, "2025-10-08")) || len(base.Overrides()) != 0 {
		t.Error("WithOverrides changed the original calendar")
	}
	y := c.Year(2025)
	if len(y) != len(base.Year(2025))+2 {
		t.Errorf("Year(2025) has %d entries, want statutory %d + 2 added (2 replaced)", len(y), len(base.Year(2025)))
	}
	found := map[string]Day{}
	for _, e := range y {
		found[e.Date.String()] = e
	}
	wantDay := Day{Date: d(t, "2025-10-08"), Kind: WorkingDay, Name: "值班", Source: SourceOverride}
	if found["2025-10-08"] != wantDay {
		t.Errorf("Year(2025) 10-08 = %+v, want %+v", found["2025-10-08"], wantDay)
	}
	if found["2025-10-07"].Source != SourceStatutory || found["2025-03-03"].Name != "司庆" {
		t.Errorf("Year(2025) entries: %+v / %+v", found["2025-10-07"], found["2025-03-03"])
	}
	if got := c.Year(2028); len(got) != 1 || got[0].Source != SourceOverride {
		t.Errorf("Year(2028) = %v", got)
	}
}

func TestOverridesReplaceAndCopy(t *testing.T) {
	c1 := newCal(t, WithOverrides(Override{Date: d(t, "2025-03-03"), Kind: DayOff, Name: "a"}))
	c2, err := c1.WithOverrides(Override{Date: d(t, "2025-03-04"), Kind: DayOff, Name: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if !c2.IsWorkingDay(d(t, "2025-03-03")) || c2.IsWorkingDay(d(t, "2025-03-04")) {
		t.Error("WithOverrides should replace the table, not extend it")
	}
	ovs := c2.Overrides()
	ovs[0].Kind = WorkingDay
	if c2.IsWorkingDay(d(t, "2025-03-04")) || c2.Overrides()[0].Kind != DayOff {
		t.Error("Overrides() must return a copy")
	}
	hours := c2.BusinessHours()
	hours[0].Start = 0
	if c2.BusinessHours()[0].Start != 9*time.Hour {
		t.Error("BusinessHours() must return a copy")
	}
}

func TestOverrideValidation(t *testing.T) {
	c := newCal(t)
	bad := [][]Override{
		{{Date: d(t, "2025-03-03"), Kind: DayOff}, {Date: d(t, "2025-03-03"), Kind: WorkingDay}},
		{{Date: d(t, "2025-03-03")}},
		{{Date: d(t, "2025-03-03"), Kind: Kind(9)}},
		{{Date: d(t, "2500-01-01"), Kind: DayOff}},
		{{Date: Date{}, Kind: DayOff}},
	}
	for i, ovs := range bad {
		if _, err := c.WithOverrides(ovs...); err == nil {
			t.Errorf("case %d: WithOverrides(%v) accepted", i, ovs)
		}
		if _, err := New(WithOverrides(ovs...)); err == nil {
			t.Errorf("case %d: New(WithOverrides(%v)) accepted", i, ovs)
		}
	}
}

// TestConcurrentSwap has readers use whatever snapshot is current while a
// writer swaps in new override tables, as the server does; run with -race.
func TestConcurrentSwap(t *testing.T) {
	var cur atomic.Pointer[Calendar]
	cur.Store(newCal(t))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				c := cur.Load()
				if _, err := c.AddWorkingDays(sh(t, 2025, 3, 3, 10, 0), i%50); err != nil {
					t.Error(err)
					return
				}
				_ = c.Year(2025)
			}
		}()
	}
	for i := 0; i < 20; i++ {
		next, err := cur.Load().WithOverrides(Override{Date: NewDate(2025, 3, 3+i%5), Kind: DayOff, Name: "x"})
		if err != nil {
			t.Fatal(err)
		}
		cur.Store(next)
	}
	wg.Wait()
}
