package complaint

import (
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
)

// The holidays these tests cross, as the State Council arranged them and
// the built-in calendar holds them:
//
//	国庆中秋 2025: 10-01 … 10-08 off; Sunday 09-28 and Saturday 10-11 worked (调休).
//	春节 2026:     02-15 … 02-23 off; Saturdays 02-14 and 02-28 worked (调休).
//
// Business ends at 18:00 China time, so a deadline of n working days is
// 18:00 on the n-th working day after the day it counts from.

// cst is a time on the wall clock in China.
func cst(year int, month time.Month, day, hour, min int) time.Time {
	return time.Date(year, month, day, hour, min, 0, 0, crm.Shanghai)
}

// workingCalendar is the built-in China calendar with no overrides.
func workingCalendar(t *testing.T) *calendar.Calendar {
	t.Helper()
	cal, err := calendar.New()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func TestEscalateAt(t *testing.T) {
	cal := workingCalendar(t)
	for _, tc := range []struct {
		name string
		now  time.Time
		days int
		want time.Time
	}{
		{"one working day after an ordinary Monday is Tuesday evening", cst(2025, 11, 10, 10, 0), 1, cst(2025, 11, 11, 18, 0)},
		{"one working day after a Friday skips the weekend", cst(2025, 11, 14, 10, 0), 1, cst(2025, 11, 17, 18, 0)},
		{"one working day after the eve of 国庆 is the first day back", cst(2025, 9, 30, 10, 0), 1, cst(2025, 10, 9, 18, 0)},
		{"one working day after a day inside 国庆 is the first day back", cst(2025, 10, 3, 10, 0), 1, cst(2025, 10, 9, 18, 0)},
		{"the Saturday worked after 国庆 (调休) counts as a working day", cst(2025, 10, 10, 10, 0), 1, cst(2025, 10, 11, 18, 0)},
		{"the Sunday worked before 国庆 (调休) counts as a working day", cst(2025, 9, 26, 10, 0), 1, cst(2025, 9, 28, 18, 0)},
		{"three working days from the Friday before 春节 count the Saturday worked (调休), then skip the holiday", cst(2026, 2, 13, 10, 0), 3, cst(2026, 2, 25, 18, 0)},
		{"one working day after the last day of 春节 is the first day back", cst(2026, 2, 23, 10, 0), 1, cst(2026, 2, 24, 18, 0)},
		{"the Saturday worked after 春节 (调休) counts as a working day", cst(2026, 2, 27, 10, 0), 2, cst(2026, 3, 2, 18, 0)},
		{"no delay on a working day morning is the end of that day", cst(2025, 11, 10, 10, 0), 0, cst(2025, 11, 10, 18, 0)},
		{"no delay after business hours is now, never earlier", cst(2025, 11, 10, 20, 0), 0, cst(2025, 11, 10, 20, 0)},
		{"no delay during 国庆 is the end of the first day back", cst(2025, 10, 1, 10, 0), 0, cst(2025, 10, 9, 18, 0)},
		{"the day counts in China time, not UTC: 01:00 on 10-01 is inside 国庆",
			time.Date(2025, 9, 30, 17, 0, 0, 0, time.UTC), 1, cst(2025, 10, 9, 18, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := escalateAt(cal, tc.now)
			got := at(tc.days)
			if !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Errorf("escalateAt(%v)(%d) = %v, want %v in UTC", tc.now, tc.days, got, tc.want.UTC())
			}
			if again := at(tc.days); !again.Equal(got) {
				t.Errorf("asked twice: %v, then %v", got, again)
			}
		})
	}
}

func TestEscalateAtHonoursCalendarOverrides(t *testing.T) {
	base := workingCalendar(t)
	annual, err := base.WithOverrides(calendar.Override{Date: calendar.NewDate(2025, time.November, 11), Kind: calendar.DayOff, Name: "公司年会"})
	if err != nil {
		t.Fatal(err)
	}
	saturday, err := base.WithOverrides(calendar.Override{Date: calendar.NewDate(2025, time.November, 15), Kind: calendar.WorkingDay, Name: "盘点"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cal  *calendar.Calendar
		now  time.Time
		want time.Time
	}{
		{"a company day off is skipped", annual, cst(2025, 11, 10, 10, 0), cst(2025, 11, 12, 18, 0)},
		{"a company working Saturday counts", saturday, cst(2025, 11, 14, 10, 0), cst(2025, 11, 15, 18, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := escalateAt(tc.cal, tc.now)(1); !got.Equal(tc.want) {
				t.Errorf("escalateAt(%v)(1) = %v, want %v", tc.now, got, tc.want)
			}
		})
	}
}

func TestComplaintDueTimes(t *testing.T) {
	cal := workingCalendar(t)
	def := DefaultComplaintRule
	slow := ComplaintRule{ReplyHours: 8, SolutionWorkingDays: 5, QualitySolutionWorkingDays: 3}
	for _, tc := range []struct {
		name          string
		rule          ComplaintRule
		received      time.Time
		quality       bool
		reply, solved time.Time
	}{
		{"an ordinary complaint gets its reply in 24 hours and its solution in 2 working days",
			def, cst(2025, 11, 10, 10, 0), false, cst(2025, 11, 11, 10, 0), cst(2025, 11, 12, 18, 0)},
		{"a quality complaint is solved by the end of the next working day",
			def, cst(2025, 11, 10, 10, 0), true, cst(2025, 11, 11, 10, 0), cst(2025, 11, 11, 18, 0)},
		{"a complaint on a Friday is solved after the weekend",
			def, cst(2025, 11, 14, 16, 0), false, cst(2025, 11, 15, 16, 0), cst(2025, 11, 18, 18, 0)},
		{"a complaint on the eve of 国庆 is replied to on the holiday and solved after it",
			def, cst(2025, 9, 30, 10, 0), false, cst(2025, 10, 1, 10, 0), cst(2025, 10, 10, 18, 0)},
		{"a quality complaint on the eve of 国庆 is solved on the first day back",
			def, cst(2025, 9, 30, 10, 0), true, cst(2025, 10, 1, 10, 0), cst(2025, 10, 9, 18, 0)},
		{"a complaint received during 国庆 counts from the first day back",
			def, cst(2025, 10, 3, 10, 0), false, cst(2025, 10, 4, 10, 0), cst(2025, 10, 10, 18, 0)},
		{"a complaint received on the Sunday worked before 国庆 (调休) counts from that day",
			def, cst(2025, 9, 28, 10, 0), false, cst(2025, 9, 29, 10, 0), cst(2025, 9, 30, 18, 0)},
		{"the Saturday worked after 国庆 (调休) counts toward the solution",
			def, cst(2025, 10, 10, 10, 0), false, cst(2025, 10, 11, 10, 0), cst(2025, 10, 13, 18, 0)},
		{"a quality complaint on the Friday after 国庆 is due on the Saturday worked (调休)",
			def, cst(2025, 10, 10, 10, 0), true, cst(2025, 10, 11, 10, 0), cst(2025, 10, 11, 18, 0)},
		{"the Saturday worked before 春节 (调休) counts, then the holiday is skipped",
			def, cst(2026, 2, 13, 10, 0), false, cst(2026, 2, 14, 10, 0), cst(2026, 2, 24, 18, 0)},
		{"a complaint received during 春节 counts from the first day back",
			def, cst(2026, 2, 18, 10, 0), false, cst(2026, 2, 19, 10, 0), cst(2026, 2, 25, 18, 0)},
		{"the Saturday worked after 春节 (调休) counts toward the solution",
			def, cst(2026, 2, 27, 10, 0), false, cst(2026, 2, 28, 10, 0), cst(2026, 3, 2, 18, 0)},
		{"a configured rule's days cross 春节 the same way",
			slow, cst(2026, 2, 12, 10, 0), false, cst(2026, 2, 12, 18, 0), cst(2026, 2, 26, 18, 0)},
		{"a configured rule's quality days cross 春节 the same way",
			slow, cst(2026, 2, 12, 10, 0), true, cst(2026, 2, 12, 18, 0), cst(2026, 2, 24, 18, 0)},
		{"the day counts in China time: 01:00 on Saturday 10-11 in China is Friday in UTC",
			def, time.Date(2025, 10, 10, 17, 0, 0, 0, time.UTC), false, cst(2025, 10, 12, 1, 0), cst(2025, 10, 14, 18, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply, solved, err := tc.rule.dueTimes(cal, tc.received, tc.quality)
			if err != nil {
				t.Fatal(err)
			}
			if !reply.Equal(tc.reply) || reply.Location() != time.UTC {
				t.Errorf("reply due %v, want %v in UTC", reply, tc.reply.UTC())
			}
			if !solved.Equal(tc.solved) || solved.Location() != time.UTC {
				t.Errorf("solution due %v, want %v in UTC", solved, tc.solved.UTC())
			}
		})
	}
}
