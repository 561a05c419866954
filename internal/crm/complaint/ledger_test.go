package complaint

import (
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestADeadlineIsMetMissedPendingOrAbsent(t *testing.T) {
	due := time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC)
	before, after := due.Add(-time.Minute), due.Add(time.Minute)
	tests := []struct {
		name      string
		due, done *time.Time
		now       time.Time
		want      string
	}{
		{"done before the deadline is met", &due, &before, after, DeadlineMet},
		{"done on the minute is met", &due, &due, after, DeadlineMet},
		{"done after the deadline is missed", &due, &after, after, DeadlineMissed},
		{"not done and past the deadline is missed", &due, nil, after, DeadlineMissed},
		{"not done before the deadline is pending", &due, nil, before, DeadlinePending},
		{"no deadline is none", nil, &after, after, DeadlineNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := judge(tt.due, tt.done, tt.now); got != tt.want {
				t.Errorf("judge = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAMonthIsReadInChinaTime(t *testing.T) {
	now := time.Date(2026, 10, 31, 17, 0, 0, 0, time.UTC) // 2026-11-01 01:00 in China
	m, err := ParseMonth("", now)
	if err != nil || m.Name != "2026-11" || !m.From.Equal(time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC)) || !m.To.Equal(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("the current month = %+v %v", m, err)
	}
	for _, bad := range []string{"2026-13", "2026-1", "11/2026", "2026-11-01", "1999-12"} {
		if _, err := ParseMonth(bad, now); crm.ErrorCode(err) != crm.EInvalid {
			t.Errorf("ParseMonth(%q) = %v, want invalid", bad, err)
		}
	}
}

func TestTheAnalysisRanksCausesAndTakesNearestRankPercentiles(t *testing.T) {
	at := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	var rows []LedgerRow
	for i := range 10 {
		replied := at.Add(time.Duration(i+1) * time.Hour)
		r := LedgerRow{ID: int64(i + 1), Number: "n", CustomerID: int64(1 + i%3), Category: "logistics", ReceivedAt: at, RepliedAt: &replied,
			Reply: DeadlineMet, Solution: DeadlinePending, Cause: []string{"甲", "乙", "甲", "丙", "", "甲", "乙", "甲", "", "丁"}[i]}
		if i == 9 {
			r.Reply = DeadlineMissed
		}
		rows = append(rows, r)
	}
	a := Analyse("2026-11", rows)
	if a.FirstReply.N != 10 || *a.FirstReply.MedianHours != 5.5 || *a.FirstReply.P90Hours != 9 {
		t.Errorf("first reply: n %d median %v p90 %v", a.FirstReply.N, *a.FirstReply.MedianHours, *a.FirstReply.P90Hours)
	}
	if a.Closure.N != 0 || a.Closure.MedianHours != nil {
		t.Errorf("nothing closed: %+v", a.Closure)
	}
	want := []ParetoBar{{"甲", 4, 50}, {"乙", 2, 75}, {"丁", 1, 87.5}, {"丙", 1, 100}}
	if len(a.Pareto) != len(want) {
		t.Fatalf("pareto = %+v", a.Pareto)
	}
	for i := range want {
		if a.Pareto[i] != want[i] {
			t.Errorf("pareto[%d] = %+v, want %+v", i, a.Pareto[i], want[i])
		}
	}
	if *a.ReplySLA.CompliancePct != 90 || a.SolutionSLA.CompliancePct != nil || a.SolutionSLA.Pending != 10 {
		t.Errorf("SLA: %+v %+v", a.ReplySLA, a.SolutionSLA)
	}
	if len(a.Repeat) != 3 || a.Repeat[0].CustomerID != 1 || a.Repeat[0].Count != 4 {
		t.Errorf("repeat: %+v", a.Repeat)
	}
	if empty := Analyse("2026-11", nil); empty.Total != 0 || len(empty.ByCategory) != len(ComplaintCategories) || empty.Pareto == nil || empty.Repeat == nil {
		t.Errorf("an empty month: %+v", empty)
	}
}
