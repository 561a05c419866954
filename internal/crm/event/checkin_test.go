package event

import (
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestEventCheckInOpensOnTheEventDayInChinaTime(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, crm.Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		starts string
		early  time.Duration
		opens  string
	}{
		{"2026-12-20 14:00", 0, "2026-12-20 00:00"},
		{"2026-12-20 00:30", 0, "2026-12-20 00:00"}, // 2026-12-19 16:30 UTC: the day is China's
		{"2026-12-20 09:00", 2 * time.Hour, "2026-12-19 22:00"},
	} {
		got := CheckInOpens(Event{StartsAt: at(c.starts).UTC()}, c.early)
		if !got.Equal(at(c.opens)) {
			t.Errorf("starts %s, early %v: opens %v, want %s", c.starts, c.early, got.In(crm.Shanghai), c.opens)
		}
	}
}

func TestEventWalkInOnlyWhileThereIsRoom(t *testing.T) {
	for _, c := range []struct {
		capacity, accepted, attended int
		room                         bool
	}{
		{0, 50, 50, true},
		{10, 9, 3, true},
		{10, 10, 3, false},
		{10, 2, 10, false},
		{1, 0, 0, true},
	} {
		ev := Event{Capacity: c.capacity, Counts: Counts{Accepted: c.accepted, Attended: c.attended}}
		if got := walkInRoom(ev); got != c.room {
			t.Errorf("capacity %d, accepted %d, attended %d: room %v, want %v", c.capacity, c.accepted, c.attended, got, c.room)
		}
	}
}
