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
		{"not yet arrived: now", nil, "2026-11-05T10:30"},
		{"arrived an hour ago: now", at(-time.Hour), "2026-11-05T10:30"},
		{"arrived earlier this minute: nothing, not the arrival's minute", at(-20 * time.Second), ""},
		{"arrived at the start of this minute: nothing", at(-25 * time.Second), ""},
		{"arrived in the minute before: now", at(-30 * time.Second), "2026-11-05T10:30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := leftDefault(service.ServiceOrder{ServiceWork: service.ServiceWork{ArrivedAt: tc.arrived}}, now, loc); got != tc.want {
				t.Errorf("left_at defaults to %q, want %q", got, tc.want)
			}
		})
	}
}
