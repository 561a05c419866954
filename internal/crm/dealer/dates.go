package dealer

import (
	"fmt"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
)

// DefaultDueDay is the day of the month a dealer's plan is due by (月计划
// 每月5日前报送), unless an administrator sets another.
const DefaultDueDay = 5

// ReminderRounds are the working days of the month (the 1st and the 3rd)
// on which dealers without a submitted plan are reminded.
var ReminderRounds = []int{1, 3}

// ParseMonth reads a month written YYYY-MM.
func ParseMonth(s string) (year int, month time.Month, ok bool) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Format("2006-01") != s || t.Year() < 2000 || t.Year() > 2200 {
		return 0, 0, false
	}
	return t.Year(), t.Month(), true
}

// WorkingCalendar is what the plan dates need of the working-day calendar.
type WorkingCalendar interface {
	IsWorkingDay(d calendar.Date) bool
}

// DueDate is the day a month's plan is due by: the month's dueDay, moved
// to the next working day when that is a day off. The plan is on time
// until that day ends (China time).
func DueDate(cal WorkingCalendar, month string, dueDay int) (calendar.Date, error) {
	y, m, ok := ParseMonth(month)
	if !ok {
		return calendar.Date{}, fmt.Errorf("dealer: month %q is not YYYY-MM", month)
	}
	d := calendar.NewDate(y, m, dueDay)
	for i := 0; i < 31 && !cal.IsWorkingDay(d); i++ {
		d = d.AddDays(1)
	}
	return d, nil
}

// DueAt is the instant a month's plan is late after: the end of its due
// date in loc.
func DueAt(cal WorkingCalendar, month string, dueDay int, loc *time.Location) (time.Time, error) {
	d, err := DueDate(cal, month, dueDay)
	if err != nil {
		return time.Time{}, err
	}
	return d.AddDays(1).In(loc), nil
}

// ReminderDate is the n-th working day (1 = the first) of the month; ok
// is false when the month has fewer.
func ReminderDate(cal WorkingCalendar, month string, n int) (calendar.Date, bool) {
	y, m, okMonth := ParseMonth(month)
	if !okMonth || n < 1 {
		return calendar.Date{}, false
	}
	d := calendar.NewDate(y, m, 1)
	for seen := 0; d.Month() == m; d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			if seen++; seen == n {
				return d, true
			}
		}
	}
	return calendar.Date{}, false
}

// ReminderRound is the reminder round due on day (the latest of
// ReminderRounds whose working day is day), or 0 when none is.
func ReminderRound(cal WorkingCalendar, day calendar.Date) int {
	month := fmt.Sprintf("%04d-%02d", day.Year(), int(day.Month()))
	round := 0
	for _, n := range ReminderRounds {
		if d, ok := ReminderDate(cal, month, n); ok && d == day {
			round = n
		}
	}
	return round
}
