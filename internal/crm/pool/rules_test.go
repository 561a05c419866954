package pool

import (
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

var t0 = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func TestACustomerReturnsAfterItsRuleDaysWithANoticeBefore(t *testing.T) {
	r := Rule{Tier: "default", Days: 30, NoticeDays: 5}
	for _, c := range []struct {
		name  string
		since time.Duration // how long ago the last touch was
		want  string
	}{
		{"just touched", 0, StateKept},
		{"a day before the notice window", days(24), StateKept},
		{"the first day of the notice window", days(25), StateNotice},
		{"a minute before due", days(30) - time.Minute, StateNotice},
		{"due to the minute", days(30), StateReturn},
		{"long overdue", days(400), StateReturn},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := State(t0.Add(-c.since), t0, r); got != c.want {
				t.Errorf("State after %v = %s, want %s", c.since, got, c.want)
			}
		})
	}
	if got := Due(t0, r); !got.Equal(t0.Add(days(30))) {
		t.Errorf("Due = %v", got)
	}
	never := Rule{Days: 0, NoticeDays: 0}
	if got := State(t0.Add(-days(1000)), t0, never); got != StateKept || !Due(t0, never).IsZero() {
		t.Errorf("a rule of 0 days: %s, due %v; want never", got, Due(t0, never))
	}
}

func TestTheCapRefusesAClaimAtTheLimitNamingTheRule(t *testing.T) {
	for _, c := range []struct {
		name    string
		cap     int
		held    int
		refused bool
	}{
		{"no cap", 0, 10000, false},
		{"below", 3, 2, false},
		{"at the cap", 3, 3, true},
		{"over it (a cap lowered since)", 3, 5, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CapError(Rule{Tier: DefaultTier, Cap: c.cap}, c.held)
			if (err != nil) != c.refused {
				t.Fatalf("CapError(cap %d, held %d) = %v, want refused=%v", c.cap, c.held, err, c.refused)
			}
			if err != nil {
				e := err.(*crm.Error)
				if e.Code != crm.EConflict || len(e.Fields) != 1 || e.Fields[0].Field != "cap" {
					t.Errorf("refusal %+v, want a conflict naming cap", e)
				}
				if e.Message == "" || !contains(e.Message, "default rule") {
					t.Errorf("refusal %q does not name the rule", e.Message)
				}
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestTheCoolDownKeepsTheFormerOwnerAwayForItsDays(t *testing.T) {
	r := Rule{Tier: "default", CooldownDays: 7}
	for _, c := range []struct {
		name     string
		returned time.Time
		refused  bool
	}{
		{"never returned from them", time.Time{}, false},
		{"returned an hour ago", t0.Add(-time.Hour), true},
		{"a minute before the cool-down ends", t0.Add(-days(7) + time.Minute), true},
		{"the cool-down over", t0.Add(-days(7)), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CooldownError(c.returned, t0, r)
			if (err != nil) != c.refused {
				t.Fatalf("CooldownError = %v, want refused=%v", err, c.refused)
			}
			if err != nil && err.(*crm.Error).Fields[0].Field != "cooldown_days" {
				t.Errorf("refusal %v does not name cooldown_days", err)
			}
		})
	}
	if err := CooldownError(t0, t0, Rule{CooldownDays: 0}); err != nil {
		t.Errorf("no cool-down refused: %v", err)
	}
}

func TestTheStrictestRuleOfACustomersTiersApplies(t *testing.T) {
	def := Rule{ID: 1, Days: 90}
	a := Rule{ID: 2, SchemeID: 1, Level: "A", Days: 60}
	premium := Rule{ID: 3, SchemeID: 2, Level: "premium", Days: 30}
	never := Rule{ID: 4, SchemeID: 1, Level: "B", Days: 0}
	rules := []Rule{def, a, premium, never}
	for _, c := range []struct {
		name string
		st   Standing
		want int64
		ok   bool
	}{
		{"no tier: the default", nil, 1, true},
		{"A: its rule", Standing{1: "A"}, 2, true},
		{"A and premium: the fewer days", Standing{1: "A", 2: "premium"}, 3, true},
		{"B never returns, even beside premium", Standing{1: "B", 2: "premium"}, 3, true},
		{"B alone: never", Standing{1: "B"}, 4, true},
		{"C without a rule: the default", Standing{1: "C"}, 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Pick(rules, c.st)
			if ok != c.ok || got.ID != c.want {
				t.Errorf("Pick = %d %v, want %d %v", got.ID, ok, c.want, c.ok)
			}
		})
	}
	if _, ok := Pick([]Rule{a}, Standing{1: "C"}); ok {
		t.Error("no rule applies, but Pick found one")
	}
}

func TestABadRuleNamesEachField(t *testing.T) {
	for _, c := range []struct {
		name string
		r    Rule
		want []string
	}{
		{"fine", Rule{Days: 30, NoticeDays: 5, Cap: 100, CooldownDays: 7}, nil},
		{"negative", Rule{Days: -1, NoticeDays: -1, Cap: -1, CooldownDays: -1}, []string{"days", "notice_days", "cap", "cooldown_days"}},
		{"notice not before the return", Rule{Days: 10, NoticeDays: 10}, []string{"notice_days"}},
		{"too many days", Rule{Days: MaxDays + 1}, []string{"days"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := c.r.Check()
			var got []string
			for _, f := range bad {
				got = append(got, f.Field)
			}
			if len(got) != len(c.want) {
				t.Fatalf("fields %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("fields %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestTierKeys(t *testing.T) {
	for _, c := range []struct {
		in, scheme, level string
		ok                bool
	}{
		{"default", "", "", true},
		{"abc:A", "abc", "A", true},
		{"bank:premium", "bank", "premium", true},
		{"abc", "", "", false},
		{":A", "", "", false},
		{"abc:", "", "", false},
	} {
		s, l, ok := ParseTier(c.in)
		if ok != c.ok || ok && (s != c.scheme || l != c.level) {
			t.Errorf("ParseTier(%q) = %q %q %v", c.in, s, l, ok)
		}
	}
}
