package ui

import (
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/service"
)

func TestTheWorkFormOffersADepartureAfterTheArrival(t *testing.T) {
	loc := crm.Shanghai
	now := time.Date(2026, 11, 5, 10, 30, 25, 0, loc)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	for _, tc := range []struct {
		name    string
		arrived *time.Time
		want    string
	}{
		{"not yet arrived: now", nil, "2026-11-05 10:30"},
		{"arrived an hour ago: now", at(-time.Hour), "2026-11-05 10:30"},
		{"arrived earlier this minute: nothing, not the arrival's minute", at(-20 * time.Second), ""},
		{"arrived at the start of this minute: nothing", at(-25 * time.Second), ""},
		{"arrived in the minute before: now", at(-30 * time.Second), "2026-11-05 10:30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := leftDefault(service.ServiceOrder{ServiceWork: service.ServiceWork{ArrivedAt: tc.arrived}}, now, loc); got != tc.want {
				t.Errorf("left_at defaults to %q, want %q", got, tc.want)
			}
		})
	}
}

// A date and time is read as the forms write it (YYYY-MM-DD HH:mm), as a
// datetime-local field sends it, and as typed with slashes; anything
// else is refused.
func TestDateTimesAreReadTheWayTheFormsWriteThem(t *testing.T) {
	want := time.Date(2026, 12, 5, 9, 5, 0, 0, crm.Shanghai)
	for _, in := range []string{"2026-12-05 09:05", "2026-12-05T09:05", " 2026-12-05  09:05 ", "2026-12-05 09:05:00", "2026/12/05 09:05", "2026/12/5 09:05"} {
		if got, err := parseDateTime(in, crm.Shanghai); err != nil || !got.Equal(want) {
			t.Errorf("parseDateTime(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "2026-12-05", "05/12/2026 09:05", "2026-13-05 09:05", "下午 9:05"} {
		if _, err := parseDateTime(in, crm.Shanghai); err == nil {
			t.Errorf("parseDateTime(%q) is taken", in)
		}
	}
	if got := formDateTime(want.UTC(), crm.Shanghai); got != "2026-12-05 09:05" {
		t.Errorf("formDateTime = %q", got)
	}
}
