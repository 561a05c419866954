package dealer

import (
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
)

func mustCalendar(t *testing.T) *calendar.Calendar {
	t.Helper()
	c, err := calendar.New()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPlansAreDueOnTheDueDayOrTheNextWorkingDay(t *testing.T) {
	cal := mustCalendar(t)
	tests := []struct {
		month  string
		dueDay int
		want   string
	}{
		{"2026-12", 5, "2026-12-07"},  // the 5th is a Saturday
		{"2026-10", 5, "2026-10-08"},  // 国庆 1–7 October
		{"2026-05", 5, "2026-05-06"},  // 劳动节 1–5 May
		{"2026-01", 5, "2026-01-05"},  // a Monday
		{"2026-02", 5, "2026-02-05"},  // a Thursday
		{"2026-10", 10, "2026-10-10"}, // a Saturday made a working day (调休)
		{"2026-11", 28, "2026-11-30"}, // Saturday the 28th
	}
	for _, tt := range tests {
		got, err := DueDate(cal, tt.month, tt.dueDay)
		if err != nil || got.String() != tt.want {
			t.Errorf("DueDate(%s, %d) = %v, %v; want %s", tt.month, tt.dueDay, got, err, tt.want)
		}
	}
	if _, err := DueDate(cal, "2026-13", 5); err == nil {
		t.Error("month 2026-13 has a due date")
	}
	at, err := DueAt(cal, "2026-12", 5, time.FixedZone("CST", 8*3600))
	if err != nil || !at.Equal(time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("DueAt = %v, %v; want the end of 7 December in China (16:00 UTC)", at, err)
	}
}

func TestRemindersFallOnTheFirstAndThirdWorkingDays(t *testing.T) {
	cal := mustCalendar(t)
	tests := []struct {
		month        string
		first, third string
	}{
		{"2026-12", "2026-12-01", "2026-12-03"},
		{"2026-10", "2026-10-08", "2026-10-10"}, // after 国庆; the 10th is a make-up working Saturday
		{"2026-01", "2026-01-04", "2026-01-06"}, // Sunday the 4th is a make-up working day
		{"2026-05", "2026-05-06", "2026-05-08"},
		{"2026-02", "2026-02-02", "2026-02-04"},
	}
	for _, tt := range tests {
		first, ok1 := ReminderDate(cal, tt.month, 1)
		third, ok3 := ReminderDate(cal, tt.month, 3)
		if !ok1 || !ok3 || first.String() != tt.first || third.String() != tt.third {
			t.Errorf("%s: reminders on %v and %v, want %s and %s", tt.month, first, third, tt.first, tt.third)
		}
	}
	rounds := []struct {
		day  string
		want int
	}{
		{"2026-12-01", 1}, {"2026-12-02", 0}, {"2026-12-03", 3}, {"2026-12-04", 0},
		{"2026-10-01", 0}, {"2026-10-08", 1}, {"2026-10-10", 3}, {"2026-01-01", 0}, {"2026-01-04", 1},
	}
	for _, r := range rounds {
		d, err := calendar.ParseDate(r.day)
		if err != nil {
			t.Fatal(err)
		}
		if got := ReminderRound(cal, d); got != r.want {
			t.Errorf("ReminderRound(%s) = %d, want %d", r.day, got, r.want)
		}
	}
}

func TestAPlanIsLateWhenSubmittedOrStillOpenAfterItsDueTime(t *testing.T) {
	due := time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC)
	before, after := due.Add(-time.Minute), due.Add(time.Minute)
	tests := []struct {
		name      string
		submitted *time.Time
		now       time.Time
		late      bool
	}{
		{"open before the due time", nil, before, false},
		{"open after the due time", nil, after, true},
		{"submitted in time, read later", &before, after, false},
		{"submitted late", &after, after, true},
		{"submitted exactly at the due time", &due, after, true},
	}
	for _, tt := range tests {
		p := Plan{DueAt: due, SubmittedAt: tt.submitted}
		p.SetLate(tt.now)
		if p.Late != tt.late {
			t.Errorf("%s: late = %v, want %v", tt.name, p.Late, tt.late)
		}
	}
}
