package event

import (
	"slices"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm/sales"
)

func TestEventInputIsCheckedFieldByField(t *testing.T) {
	es := New(nil, nil, nil, nil)
	for _, c := range []struct {
		name   string
		in     Input
		fields []string
		budget int64
		cutoff string // China time; "" none expected
	}{
		{"a good event: the cut-off defaults to the start", Input{Kind: "training", Title: "产品培训", StartsAt: "2027-03-01 14:00", Budget: "1,234.5"}, nil, 123450, "2027-03-01 14:00"},
		{"an RFC 3339 start and a cut-off before it", Input{Kind: "social", Title: "联谊", StartsAt: "2027-03-01T14:00:00+08:00", RSVPCutoff: "2027-02-25T18:00"}, nil, 0, "2027-02-25 18:00"},
		{"an unknown kind, no title, no start", Input{Kind: "party"}, []string{"kind", "title", "starts_at"}, 0, ""},
		{"a cut-off after the start", Input{Kind: "other", Title: "x", StartsAt: "2027-03-01 14:00", RSVPCutoff: "2027-03-02 09:00"}, []string{"rsvp_cutoff_at"}, 0, ""},
		{"a bad budget and a negative capacity", Input{Kind: "other", Title: "x", StartsAt: "2027-03-01 14:00", Budget: "12.345", Capacity: -1}, []string{"capacity", "budget"}, 0, ""},
		{"a negative budget", Input{Kind: "other", Title: "x", StartsAt: "2027-03-01 14:00", Budget: "-5"}, []string{"budget"}, 0, ""},
		{"a start that is no time", Input{Kind: "other", Title: "x", StartsAt: "next Tuesday"}, []string{"starts_at"}, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev, fs := es.check(c.in)
			var got []string
			for _, f := range fs {
				got = append(got, f.Field)
			}
			slices.Sort(got)
			want := slices.Clone(c.fields)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("fields at fault %v, want %v", got, want)
			}
			if len(fs) == 0 {
				if int64(ev.Budget) != c.budget {
					t.Errorf("budget %d fen, want %d", ev.Budget, c.budget)
				}
				loc, _ := time.LoadLocation("Asia/Shanghai")
				if got := ev.RSVPCutoff.In(loc).Format("2006-01-02 15:04"); got != c.cutoff {
					t.Errorf("cut-off %s, want %s", got, c.cutoff)
				}
			}
		})
	}
}

func TestRSVPTokensAreLongRandomAndRecognised(t *testing.T) {
	a, b := newToken(), newToken()
	if a == b || len(a) != 32 || !validToken(a) {
		t.Errorf("tokens %q and %q", a, b)
	}
	for _, bad := range []string{"", "short", a + "x", "ABCDEFGHABCDEFGHABCDEFGHABCDEFGH", "0000000000000000000000000000000!"} {
		if validToken(bad) {
			t.Errorf("%q taken for a token", bad)
		}
	}
}

func TestCostPerAttendeeIsTheBudgetOverThoseWhoCame(t *testing.T) {
	for _, c := range []struct {
		budget   int64
		attended int
		want     string
	}{{100000, 0, ""}, {100000, 2, "500.00"}, {100000, 3, "333.33"}, {0, 5, "0.00"}} {
		ev := Event{Budget: sales.Money(c.budget), Counts: Counts{Attended: c.attended}}
		ev.finish()
		if ev.CostPerAttendee != c.want {
			t.Errorf("budget %d fen, %d came: %q, want %q", c.budget, c.attended, ev.CostPerAttendee, c.want)
		}
	}
}
