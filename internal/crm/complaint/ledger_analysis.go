package complaint

import (
	"math"
	"slices"
	"sort"
)

// ComplaintAnalysis is a month's complaints analysed (客诉分析): what they
// were about, why they happened, who handled them, and how well the
// deadlines were kept.
type ComplaintAnalysis struct {
	Month        string     `json:"month"`
	Total        int        `json:"total"`
	ByCategory   []KeyCount `json:"by_category"`   // every category, zero counts included, in the order of the option list
	ByProduct    []KeyCount `json:"by_product"`    // by part no.; "" is a complaint that names no part
	ByCause      []KeyCount `json:"by_cause"`      // "" is a complaint whose cause is not yet found
	ByDepartment []KeyCount `json:"by_department"` // "" is a complaint not yet assigned
	// Pareto (柏拉图) ranks the causes found, most frequent first, with the
	// cumulative share of the complaints whose cause is found.
	Pareto      []ParetoBar  `json:"pareto"`
	ReplySLA    SLA          `json:"reply_sla"`
	SolutionSLA SLA          `json:"solution_sla"`
	FirstReply  DurationStat `json:"first_reply"` // from receipt to the first reply
	Closure     DurationStat `json:"closure"`     // from receipt to closing
	// RepeatBasis says over which period repeat complainants are counted:
	// "month", the customers with two or more complaints received in the month.
	RepeatBasis string     `json:"repeat_basis"`
	Repeat      []Repeater `json:"repeat_complainants"`
}

// KeyCount is how many complaints share a value.
type KeyCount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// ParetoBar is one cause of the Pareto chart.
type ParetoBar struct {
	Cause         string  `json:"cause"`
	Count         int     `json:"count"`
	CumulativePct float64 `json:"cumulative_pct"`
}

// SLA is how a deadline was kept over a month. CompliancePct is met over
// met and missed (pending ones are not judged yet), nil when none is judged.
type SLA struct {
	Met           int      `json:"met"`
	Missed        int      `json:"missed"`
	Pending       int      `json:"pending"`
	None          int      `json:"none"`
	CompliancePct *float64 `json:"compliance_pct"`
}

// DurationStat is the median and 90th percentile (nearest rank) of a
// duration in hours, over the N complaints that have it; nil when N is 0.
type DurationStat struct {
	N           int      `json:"n"`
	MedianHours *float64 `json:"median_hours"`
	P90Hours    *float64 `json:"p90_hours"`
}

// Repeater is a customer who complained more than once.
type Repeater struct {
	CustomerID int64    `json:"customer_id"`
	Customer   string   `json:"customer"`
	Count      int      `json:"count"`
	Numbers    []string `json:"numbers"`
}

// Analyse computes the analysis of a month's ledger rows.
func Analyse(month string, rows []LedgerRow) ComplaintAnalysis {
	a := ComplaintAnalysis{Month: month, Total: len(rows), RepeatBasis: "month", Pareto: []ParetoBar{}, Repeat: []Repeater{}}
	category, product, cause, dept := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	var reply, closure []float64
	repeat := map[int64]*Repeater{}
	for _, r := range rows {
		category[r.Category]++
		product[r.PartNo]++
		cause[r.Cause]++
		dept[r.Department]++
		a.ReplySLA.add(r.Reply)
		a.SolutionSLA.add(r.Solution)
		if r.RepliedAt != nil {
			reply = append(reply, r.RepliedAt.Sub(r.ReceivedAt).Hours())
		}
		if r.ClosedAt != nil {
			closure = append(closure, r.ClosedAt.Sub(r.ReceivedAt).Hours())
		}
		if r.CustomerID != 0 {
			x := repeat[r.CustomerID]
			if x == nil {
				x = &Repeater{CustomerID: r.CustomerID, Customer: r.Customer}
				repeat[r.CustomerID] = x
			}
			x.Count++
			x.Numbers = append(x.Numbers, r.Number)
		}
	}
	for _, c := range ComplaintCategories {
		a.ByCategory = append(a.ByCategory, KeyCount{Key: c, Count: category[c]})
		delete(category, c)
	}
	a.ByCategory = append(a.ByCategory, ranked(category)...) // a category added later still counts
	a.ByProduct, a.ByCause, a.ByDepartment = ranked(product), ranked(cause), ranked(dept)
	found := len(rows) - cause[""]
	run := 0
	for _, kc := range a.ByCause {
		if kc.Key == "" {
			continue
		}
		run += kc.Count
		a.Pareto = append(a.Pareto, ParetoBar{Cause: kc.Key, Count: kc.Count, CumulativePct: round1(100 * float64(run) / float64(found))})
	}
	a.ReplySLA.finish()
	a.SolutionSLA.finish()
	a.FirstReply, a.Closure = stat(reply), stat(closure)
	for _, x := range repeat {
		if x.Count >= 2 {
			a.Repeat = append(a.Repeat, *x)
		}
	}
	sort.Slice(a.Repeat, func(i, j int) bool {
		if a.Repeat[i].Count != a.Repeat[j].Count {
			return a.Repeat[i].Count > a.Repeat[j].Count
		}
		return a.Repeat[i].CustomerID < a.Repeat[j].CustomerID
	})
	return a
}

// ranked lists counts most frequent first, ties by key.
func ranked(m map[string]int) []KeyCount {
	out := make([]KeyCount, 0, len(m))
	for k, n := range m {
		out = append(out, KeyCount{Key: k, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	return out
}

func (s *SLA) add(outcome string) {
	switch outcome {
	case DeadlineMet:
		s.Met++
	case DeadlineMissed:
		s.Missed++
	case DeadlinePending:
		s.Pending++
	default:
		s.None++
	}
}

func (s *SLA) finish() {
	if n := s.Met + s.Missed; n > 0 {
		pct := round1(100 * float64(s.Met) / float64(n))
		s.CompliancePct = &pct
	}
}

// stat is the median and nearest-rank 90th percentile of hours.
func stat(hours []float64) DurationStat {
	d := DurationStat{N: len(hours)}
	if len(hours) == 0 {
		return d
	}
	slices.Sort(hours)
	n := len(hours)
	median := hours[n/2]
	if n%2 == 0 {
		median = (hours[n/2-1] + hours[n/2]) / 2
	}
	p90 := hours[int(math.Ceil(0.9*float64(n)))-1]
	median, p90 = round1(median), round1(p90)
	d.MedianHours, d.P90Hours = &median, &p90
	return d
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
