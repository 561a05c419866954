package visit

import (
	"testing"

	"github.com/kehucrm/kehu/internal/calendar"
)

func mustCal(t *testing.T) *calendar.Calendar {
	t.Helper()
	c, err := calendar.New()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestPeriodsFollowTheWorkingDayCalendar(t *testing.T) {
	cal := mustCal(t)
	// 2026: 1–3 January is the New Year holiday, 4 January (Sunday) a make-up
	// working day; so the first working day after the epoch is 4 January.
	first := PeriodAt(cal, 21, 0)
	if first.Start != day("2026-01-04") {
		t.Fatalf("period 0 starts %s, want 2026-01-04", first.Start)
	}
	for _, tc := range []struct {
		name     string
		n        int
		from, to string
		want     int
	}{
		{"a month at a 21-day cadence overlaps two periods at most", 21, "2026-03-01", "2026-03-31", 2},
		{"a quarter at a monthly cadence", 21, "2026-04-01", "2026-06-30", 4},
		{"a quarter at a quarterly cadence", 63, "2026-04-01", "2026-06-30", 2},
		{"a half year cadence over a quarter", 126, "2026-04-01", "2026-06-30", 1},
		{"no cadence, no periods", 0, "2026-04-01", "2026-06-30", 0},
		{"a range of days off holds no working day", 21, "2026-10-01", "2026-10-03", 0},
		{"an empty range", 21, "2026-05-02", "2026-05-01", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := Periods(cal, tc.n, day(tc.from), day(tc.to))
			if len(ps) != tc.want {
				t.Fatalf("%d periods, want %d: %+v", len(ps), tc.want, ps)
			}
			for i, p := range ps {
				if got := cal.WorkingDaysBetween(p.Start.AddDays(-1), p.Due); got != tc.n {
					t.Errorf("period %d holds %d working days, want %d", p.Index, got, tc.n)
				}
				if !cal.IsWorkingDay(p.Start) || !cal.IsWorkingDay(p.Due) {
					t.Errorf("period %d runs %s–%s: both ends must be working days", p.Index, p.Start, p.Due)
				}
				if p.Due.Before(day(tc.from)) || p.Start.After(day(tc.to)) {
					t.Errorf("period %d (%s–%s) does not overlap the range", p.Index, p.Start, p.Due)
				}
				if i > 0 && ps[i-1].Due.AddDays(1).After(p.Start) {
					t.Errorf("periods overlap: %s and %s", ps[i-1].Due, p.Start)
				}
			}
		})
	}
}

func TestTheChannelMixTakesTurnsInProportion(t *testing.T) {
	for _, tc := range []struct {
		mix  Mix
		n    int
		want [3]int
	}{
		{Mix{50, 30, 20}, 10, [3]int{5, 3, 2}},
		{Mix{100, 0, 0}, 7, [3]int{7, 0, 0}},
		{Mix{0, 40, 60}, 5, [3]int{0, 2, 3}},
		{Mix{0, 0, 0}, 3, [3]int{3, 0, 0}},
	} {
		var got [3]int
		for k := 0; k < tc.n; k++ {
			switch KindFor(tc.mix, k) {
			case KindVisit:
				got[0]++
			case KindPhone:
				got[1]++
			case KindMessage:
				got[2]++
			}
		}
		if got != tc.want {
			t.Errorf("mix %v over %d periods gave %v, want %v", tc.mix, tc.n, got, tc.want)
		}
	}
	if KindFor(Mix{50, 30, 20}, 0) != KindVisit {
		t.Error("the largest share goes first")
	}
}

func TestTheStrictestStandardPlans(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []Cadence
		want int
		ok   bool
	}{
		{"none", nil, 0, false},
		{"only standards without visits", []Cadence{{Days: 0}}, 0, false},
		{"the most frequent wins", []Cadence{{Days: 63, SchemeID: 1}, {Days: 21, SchemeID: 2}, {Days: 126, SchemeID: 3}}, 21, true},
	} {
		c, ok := Strictest(tc.in)
		if ok != tc.ok || c.Days != tc.want {
			t.Errorf("%s: got %d %v, want %d %v", tc.name, c.Days, ok, tc.want, tc.ok)
		}
	}
}

func TestAnItemDoneAfterItsDueDateIsLate(t *testing.T) {
	for _, tc := range []struct{ due, on, want string }{
		{"2026-03-31", "2026-03-02", StatusDone},
		{"2026-03-31", "2026-03-31", StatusDone},
		{"2026-03-31", "2026-04-01", StatusLateDone},
	} {
		if got := CompletedStatus(day(tc.due), day(tc.on)); got != tc.want {
			t.Errorf("due %s done %s: %s, want %s", tc.due, tc.on, got, tc.want)
		}
	}
	for _, ch := range []struct{ channel, kind string }{{"visit", KindVisit}, {"meeting", KindVisit}, {"phone", KindPhone},
		{"sms", KindMessage}, {"email", KindMessage}, {"wechat", KindMessage}, {"other", ""}} {
		if got := KindOfChannel(ch.channel); got != ch.kind {
			t.Errorf("channel %s completes %q, want %q", ch.channel, got, ch.kind)
		}
	}
}

var defaultSteps = []Step{{ActRemind, 0}, {ActCopyManager, 3}, {ActReturn, 10}}

func TestTheLadderClimbsByWorkingDaysOverdue(t *testing.T) {
	cal := mustCal(t)
	it := Item{ID: 1, OwnerID: 7, Kind: KindVisit, DueOn: "2026-03-06", Status: StatusOpen} // a Friday
	for _, tc := range []struct {
		name, today string
		step        int
		status      string
		want        int // step reached; 0: nothing happens
		wantStatus  string
	}{
		{"not yet due", "2026-03-06", 0, StatusOpen, 0, ""},
		{"the weekend after: overdue by 0 working days, the owner is reminded", "2026-03-07", 0, StatusOpen, 1, StatusOpen},
		{"reminded already, 2 working days late: nothing new", "2026-03-10", 1, StatusOpen, 0, ""},
		{"3 working days late: the manager is copied", "2026-03-11", 1, StatusOpen, 2, StatusEscalated},
		{"missed days jump to the highest step", "2026-03-20", 0, StatusOpen, 3, StatusReturned},
		{"10 working days late: returned to the pool", "2026-03-20", 2, StatusEscalated, 3, StatusReturned},
		{"a done item never climbs", "2026-03-20", 0, StatusDone, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := it
			x.Step, x.Status = tc.step, tc.status
			e, ok := Climb(cal, defaultSteps, x, day(tc.today))
			if ok != (tc.want > 0) {
				t.Fatalf("climbed %v, want %v (%+v)", ok, tc.want > 0, e)
			}
			if !ok {
				return
			}
			if e.Step != tc.want || e.Status != tc.wantStatus {
				t.Errorf("step %d status %s, want %d %s", e.Step, e.Status, tc.want, tc.wantStatus)
			}
			if len(e.Notices) != 1 || e.Notices[0].To.Users[0] != 7 {
				t.Fatalf("notices %+v", e.Notices)
			}
			if copied := e.Notices[0].To.ManagerOf == 7; copied != (tc.want >= 2) {
				t.Errorf("manager copied %v at step %d", copied, tc.want)
			}
		})
	}
}

func TestALadderIsValidatedStepByStep(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []Step
		field string
	}{
		{"the default", defaultSteps, ""},
		{"off", []Step{}, ""},
		{"unknown action", []Step{{"shout", 1}}, "steps[0].action"},
		{"out of order", []Step{{ActCopyManager, 1}, {ActRemind, 2}}, "steps[1].action"},
		{"negative days", []Step{{ActRemind, -1}}, "steps[0].after_working_days"},
		{"decreasing days", []Step{{ActRemind, 5}, {ActReturn, 2}}, "steps[1].after_working_days"},
		{"too many", []Step{{ActRemind, 0}, {ActRemind, 1}, {ActRemind, 2}, {ActRemind, 3}}, "steps"},
	} {
		bad := ValidateSteps(tc.steps)
		if tc.field == "" {
			if len(bad) > 0 {
				t.Errorf("%s: refused %+v", tc.name, bad)
			}
			continue
		}
		if len(bad) == 0 || bad[0].Field != tc.field {
			t.Errorf("%s: got %+v, want a problem with %s", tc.name, bad, tc.field)
		}
	}
}
