package tier

import (
	"errors"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

func ip(n int) *int { return &n }

func abc() Scheme {
	return Scheme{Code: "abc", Kind: KindABC, Name: "ABC", Levels: []Level{
		{Code: "A", Name: "A类", CumulativePct: 80}, {Code: "B", Name: "B类", CumulativePct: 95}, {Code: "C", Name: "C类", CumulativePct: 100}}}
}

func bank() Scheme {
	return Scheme{Code: "bank", Kind: KindBank, Name: "四层级", Levels: []Level{
		{Code: "high", Name: "高端", MinAmount: "1000000"}, {Code: "mid", Name: "中端", MinAmount: "100000"},
		{Code: "basic", Name: "普通", MinAmount: "0"}, {Code: "watch", Name: "重点关注", Flag: true}}}
}

func value() Scheme {
	return Scheme{Code: "value", Kind: KindValue, Name: "价值", Weights: &Weights{Amount: 50, Frequency: 30, Recency: 20}, Levels: []Level{
		{Code: "strategic", Name: "战略", MinScore: 80}, {Code: "important", Name: "重要", MinScore: 60},
		{Code: "general", Name: "一般", MinScore: 20}, {Code: "potential", Name: "潜在", MinScore: 0}}}
}

func behaviour() Scheme {
	return Scheme{Code: "behaviour", Kind: KindBehaviour, Name: "行为", Levels: []Level{
		{Code: "loyal", Name: "忠诚", MaxRecencyDays: ip(90), MinOrders: ip(6), MaxComplaints: ip(0)},
		{Code: "satisfied", Name: "满意", MaxRecencyDays: ip(180), MinOrders: ip(2), MaxComplaints: ip(2)},
		{Code: "ordinary", Name: "一般", MaxRecencyDays: ip(365)},
		{Code: "lost", Name: "流失"}}}
}

func mustValid(t *testing.T, s Scheme) Scheme {
	t.Helper()
	if err := Validate(&s); err != nil {
		t.Fatalf("the scheme %s is refused: %v", s.Code, err)
	}
	return s
}

var asOf = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

func TestABCAnalysisRanksByCumulativeContribution(t *testing.T) {
	s := mustValid(t, abc())
	// 10 customers: 500, 200, 100, 60, 50, 40, 30, 10, 10, 0 (total 1000)
	amounts := []int64{500, 200, 100, 60, 50, 40, 30, 10, 10, 0}
	var all []Facts
	for i, a := range amounts {
		all = append(all, Facts{CustomerID: int64(i + 1), AmountFen: a * 100})
	}
	p := Prepare(s, asOf, all)
	want := []string{"A", "A", "A", "B", "B", "B", "C", "C", "C", "C"} // before 0, 50, 70 %: A; 80, 86, 91 %: B; 95 % on: C
	for i, f := range all {
		got, in := Classify(s, p, f)
		if got != want[i] {
			t.Errorf("customer with %d yuan (share before %v): %s, want %s", amounts[i], in.SharePct, got, want[i])
		}
	}
}

func TestABCWindowIsTheLastTwelveMonthsByDefault(t *testing.T) {
	s := mustValid(t, abc())
	if s.WindowMonths != 12 || s.Periods != 2 || s.Period != "month" {
		t.Fatalf("defaults: window %d, periods %d, period %s", s.WindowMonths, s.Periods, s.Period)
	}
	if from, _ := Window(12, asOf); from != "2026-01" {
		t.Errorf("window of December 2026 starts %s, want 2026-01", from)
	}
}

func TestBankLevelsByThresholdsAndTheWatchFlagWins(t *testing.T) {
	s := mustValid(t, bank())
	p := Prepare(s, asOf, nil)
	cases := []struct {
		name string
		f    Facts
		want string
	}{
		{"above the high threshold", Facts{AmountFen: 200000000}, "high"},
		{"exactly the high threshold", Facts{AmountFen: 100000000}, "high"},
		{"between", Facts{AmountFen: 50000000}, "mid"},
		{"small", Facts{AmountFen: 100}, "basic"},
		{"nothing bought", Facts{}, "basic"},
		{"flagged high-value customer is watched", Facts{AmountFen: 900000000, Flagged: true, FlagReason: "逾期"}, "watch"},
	}
	for _, c := range cases {
		d := Decide(s, p, c.f, nil, asOf)
		got, in := d.Next.Level, d.Next.Inputs
		if got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
		if c.f.Flagged && (!in.Flagged || in.FlagReason != "逾期") {
			t.Errorf("%s: the inputs do not keep the flag's reason: %+v", c.name, in)
		}
	}
}

func TestValueLevelsByWeightedScore(t *testing.T) {
	s := mustValid(t, value())
	var all []Facts
	for i := 1; i <= 100; i++ {
		all = append(all, Facts{CustomerID: int64(i), AmountFen: int64(i) * 10000, Orders: int64(i),
			LastPurchase: asOf.AddDate(0, 0, -(101 - i)).Format("2006-01-02")})
	}
	all = append(all, Facts{CustomerID: 101})
	p := Prepare(s, asOf, all)
	cases := []struct {
		i    int
		want string
	}{{99, "strategic"}, {70, "important"}, {30, "general"}, {5, "potential"}, {100, "potential"}}
	for _, c := range cases {
		got, in := Classify(s, p, all[c.i])
		if got != c.want {
			t.Errorf("customer %d (score %d): %s, want %s", c.i+1, *in.Score, got, c.want)
		}
	}
}

func TestBehaviourFromRecencyFrequencyAmountAndComplaints(t *testing.T) {
	s := mustValid(t, behaviour())
	p := Prepare(s, asOf, nil)
	day := func(daysAgo int) string { return asOf.AddDate(0, 0, -daysAgo).Format("2006-01-02") }
	cases := []struct {
		name string
		f    Facts
		want string
	}{
		{"recent, frequent, no complaints", Facts{Orders: 8, LastPurchase: day(10)}, "loyal"},
		{"recent and frequent but complained once", Facts{Orders: 8, LastPurchase: day(10), Complaints: 1}, "satisfied"},
		{"bought twice this half year", Facts{Orders: 2, LastPurchase: day(150)}, "satisfied"},
		{"complained three times", Facts{Orders: 8, LastPurchase: day(10), Complaints: 3}, "ordinary"},
		{"bought once ten months ago", Facts{Orders: 1, LastPurchase: day(300)}, "ordinary"},
		{"nothing for over a year", Facts{LastPurchase: day(400)}, "lost"},
		{"never bought", Facts{}, "lost"},
	}
	for _, c := range cases {
		if got, _ := Classify(s, p, c.f); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestASchemeWhoseThresholdsOverlapIsRefusedNamingTheField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func() Scheme
		field string
	}{
		{"abc B not above A", func() Scheme { s := abc(); s.Levels[1].CumulativePct = 80; return s }, "levels[1].cumulative_pct"},
		{"abc last below 100", func() Scheme { s := abc(); s.Levels[2].CumulativePct = 99; return s }, "levels[2].cumulative_pct"},
		{"bank mid above high", func() Scheme { s := bank(); s.Levels[1].MinAmount = "2000000"; return s }, "levels[1].min_amount"},
		{"bank last not open", func() Scheme { s := bank(); s.Levels[2].MinAmount = "10"; return s }, "levels[2].min_amount"},
		{"bank bad amount", func() Scheme { s := bank(); s.Levels[0].MinAmount = "-5"; return s }, "levels[0].min_amount"},
		{"value scores overlap", func() Scheme { s := value(); s.Levels[2].MinScore = 60; return s }, "levels[2].min_score"},
		{"value weights", func() Scheme { s := value(); s.Weights.Recency = 30; return s }, "weights"},
		{"behaviour stricter below", func() Scheme { s := behaviour(); s.Levels[1].MinOrders = ip(10); return s }, "levels[1].min_orders"},
		{"behaviour last has a condition", func() Scheme { s := behaviour(); s.Levels[3].MaxComplaints = ip(5); return s }, "levels[3].code"},
		{"duplicate code", func() Scheme { s := abc(); s.Levels[2].Code = "A"; return s }, "levels[2].code"},
		{"flag outside bank", func() Scheme { s := abc(); s.Levels[0].Flag = true; return s }, "levels[0].flag"},
		{"one level", func() Scheme { s := abc(); s.Levels = s.Levels[:1]; return s }, "levels"},
		{"window too long", func() Scheme { s := abc(); s.WindowMonths = 99; return s }, "window_months"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.edit()
			err := Validate(&s)
			var e *crm.Error
			if !errors.As(err, &e) || e.Code != crm.EInvalid {
				t.Fatalf("Validate = %v, want a validation error", err)
			}
			found := false
			for _, f := range e.Fields {
				found = found || f.Field == c.field
			}
			if !found {
				t.Errorf("fields %+v do not name %s", e.Fields, c.field)
			}
		})
	}
}

func TestHysteresisMovesOnlyAfterConsecutivePeriods(t *testing.T) {
	type run struct {
		computed, period string
		moved            bool
		level            string
	}
	cases := []struct {
		name string
		need int
		runs []run
	}{
		{"first computation sets the level", 2, []run{{"B", "2026-10", true, "B"}}},
		{"two consecutive periods move", 2, []run{{"B", "2026-10", true, "B"}, {"A", "2026-11", false, "B"}, {"A", "2026-12", true, "A"}}},
		{"a rerun in the same period counts once", 2, []run{{"B", "2026-10", true, "B"}, {"A", "2026-11", false, "B"}, {"A", "2026-11", false, "B"}}},
		{"flapping never moves", 2, []run{{"B", "2026-08", true, "B"}, {"A", "2026-09", false, "B"}, {"B", "2026-10", false, "B"}, {"A", "2026-11", false, "B"}, {"C", "2026-12", false, "B"}}},
		{"one period is enough when the scheme says so", 1, []run{{"B", "2026-10", true, "B"}, {"A", "2026-11", true, "A"}}},
		{"three periods", 3, []run{{"C", "2026-09", true, "C"}, {"B", "2026-10", false, "C"}, {"B", "2026-11", false, "C"}, {"B", "2026-12", true, "B"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s State
			for i, r := range c.runs {
				var moved bool
				s, moved = Step(s, r.computed, r.period, c.need)
				if moved != r.moved || s.Level != r.level {
					t.Fatalf("run %d (%s in %s): moved %v, level %s; want %v, %s", i, r.computed, r.period, moved, s.Level, r.moved, r.level)
				}
			}
		})
	}
}

func TestYuanRoundTrips(t *testing.T) {
	for _, c := range []struct {
		in   string
		fen  int64
		fail bool
	}{{"1234.50", 123450, false}, {"0", 0, false}, {"12.5", 1250, false}, {"-1", 0, true}, {"1.234", 0, true}, {"abc", 0, true}, {"1.", 0, true}} {
		fen, err := ParseYuan(c.in)
		if (err != nil) != c.fail || fen != c.fen {
			t.Errorf("ParseYuan(%q) = %d, %v", c.in, fen, err)
		}
	}
	if Yuan(123450) != "1234.50" {
		t.Error(Yuan(123450))
	}
}

func TestAFlagOrAnOverrideActsAtOnceAndAnExpiredOverrideLapses(t *testing.T) {
	s := mustValid(t, bank())
	p := Prepare(s, asOf, nil)
	p.Period = "2026-12"
	held := &Current{Level: "mid", Source: SourceCalc, Since: asOf.AddDate(0, -3, 0), State: State{Level: "mid", LastPeriod: "2026-11"}}
	later := asOf.Add(time.Hour)
	cases := []struct {
		name   string
		cur    *Current
		f      Facts
		now    time.Time
		level  string
		source string
		change bool
	}{
		{"a big month alone does not move (hysteresis)", held, Facts{AmountFen: 900000000}, asOf, "mid", SourceCalc, false},
		{"a flag moves to watch at once", held, Facts{AmountFen: 100, Flagged: true, FlagReason: "担保代偿"}, asOf, "watch", SourceFlag, true},
		{"an override wins over the flag", func() *Current {
			c := *held
			c.Override = &Override{Level: "premium", Reason: "集团战略客户", Until: asOf.AddDate(0, 1, 0)}
			return &c
		}(), Facts{Flagged: true}, asOf, "premium", SourceOverride, true},
		{"an expired override lapses", func() *Current {
			c := *held
			c.Level, c.Source = "premium", SourceOverride
			c.Override = &Override{Level: "premium", Reason: "试用", Until: asOf}
			return &c
		}(), Facts{AmountFen: 60000000}, later, "mid", SourceCalc, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Decide(s, p, c.f, c.cur, c.now)
			if d.Next.Level != c.level || d.Next.Source != c.source || d.Changed != c.change {
				t.Errorf("level %s from %s (changed %v), want %s from %s (changed %v)", d.Next.Level, d.Next.Source, d.Changed, c.level, c.source, c.change)
			}
			if !d.Changed && !d.Next.Since.Equal(c.cur.Since) {
				t.Errorf("since moved to %v without a change", d.Next.Since)
			}
		})
	}
}

func TestTheNightlyRunsAreDueFromTwoOClockChinaTime(t *testing.T) {
	for _, c := range []struct {
		utc  string
		day  string
		want bool
	}{
		{"2026-12-07T17:59:00Z", "2026-12-08", false}, // 01:59 in Shanghai
		{"2026-12-07T18:00:00Z", "2026-12-08", true},  // 02:00
		{"2026-12-08T15:00:00Z", "2026-12-08", true},  // 23:00
	} {
		now, _ := time.Parse(time.RFC3339, c.utc)
		day, due := NightlyDue(now)
		if day != c.day || due != c.want {
			t.Errorf("%s: %s %v, want %s %v", c.utc, day, due, c.day, c.want)
		}
	}
}
