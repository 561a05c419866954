package call

import (
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
)

func TestCallbackDueIsTheStartOfTheNextWorkingPeriod(t *testing.T) {
	cal, err := calendar.New()
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		name, call, due string
		after           bool
	}{
		{"inside the morning span: no call-back", "2026-11-26 10:15", "2026-11-26 10:15", false},
		{"inside the afternoon span", "2026-11-26 17:59", "2026-11-26 17:59", false},
		{"a weekday evening: the next working morning", "2026-11-26 19:30", "2026-11-27 09:00", true},
		{"closing time itself is outside", "2026-11-26 18:00", "2026-11-27 09:00", true},
		{"early morning: the same day's opening", "2026-11-27 07:45", "2026-11-27 09:00", true},
		{"lunch: the afternoon span", "2026-11-27 12:30", "2026-11-27 13:00", true},
		{"Friday night: Monday morning", "2026-11-27 21:00", "2026-11-30 09:00", true},
		{"Sunday: Monday morning", "2026-11-29 11:00", "2026-11-30 09:00", true},
		{"National Day holiday: the first working day after", "2026-10-03 10:00", "2026-10-08 09:00", true},
		{"the eve of the holiday: after the holiday", "2026-09-30 19:00", "2026-10-08 09:00", true},
		{"a make-up Saturday is a working day", "2026-02-14 10:00", "2026-02-14 10:00", false},
		{"New Year's Eve night: after New Year's Day", "2026-12-31 19:00", "2027-01-04 09:00", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			due, after := CallbackDue(cal, at(c.call))
			if !due.Equal(at(c.due)) || after != c.after {
				t.Errorf("a call at %s: due %s (after hours %v), want %s (%v)", c.call, due.In(loc).Format("2006-01-02 15:04"), after, c.due, c.after)
			}
		})
	}
}
