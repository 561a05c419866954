package tier

import (
	"math"
	"slices"
	"time"
)

// Facts are what a customer did, as the store reads them: the window's
// sales summed over months and shards, the last purchase ever, and the
// complaints received in the window.
type Facts struct {
	CustomerID   int64
	AmountFen    int64
	Orders       int64  // sales lines in the window
	LastPurchase string // YYYY-MM-DD, "" if never
	Complaints   int
	Flagged      bool // a watch flag (重点关注) is set
	FlagReason   string
}

// Inputs are the facts and figures that produced a level, kept with it
// in the history so the customer page can say why.
type Inputs struct {
	WindowFrom   string  `json:"window_from"` // first month of the window, YYYY-MM
	AsOf         string  `json:"as_of"`       // the day computed, YYYY-MM-DD
	Amount       string  `json:"amount"`      // yuan
	Orders       int64   `json:"orders"`
	LastPurchase string  `json:"last_purchase,omitempty"`
	RecencyDays  *int    `json:"recency_days,omitempty"` // days since the last purchase; absent: never bought
	Complaints   int     `json:"complaints"`
	SharePct     float64 `json:"share_pct,omitempty"`   // abc: this customer's share of the window's sales
	CutoffAmount string  `json:"cutoff,omitempty"`      // abc: the least amount of the level reached
	Score        *int    `json:"score,omitempty"`       // value: the weighted score
	Flagged      bool    `json:"flagged,omitempty"`     // bank: a watch flag set the level
	FlagReason   string  `json:"flag_reason,omitempty"` // bank: why
}

// Params are what a computation needs of the whole population, prepared
// once at the start of a run and kept with it, so a resumed run ranks
// its later batches exactly as its first.
type Params struct {
	AsOf       string  `json:"as_of"`
	WindowFrom string  `json:"window_from"`
	Period     string  `json:"period"`
	TotalFen   int64   `json:"total_fen,omitempty"`
	Cutoffs    []int64 `json:"cutoffs,omitempty"`   // abc: least amount of each level but the last
	AmountQ    []int64 `json:"amount_q,omitempty"`  // value: quantiles of amount (101 points)
	OrdersQ    []int64 `json:"orders_q,omitempty"`  // value: of orders
	RecencyQ   []int64 `json:"recency_q,omitempty"` // value: of minus the days since the last purchase
}

// Window returns the first month (YYYY-MM) of the scheme's window that
// ends with asOf's month, and the first day of that month.
func Window(months int, asOf time.Time) (string, time.Time) {
	first := time.Date(asOf.Year(), asOf.Month()-time.Month(months-1), 1, 0, 0, 0, 0, time.UTC)
	return first.Format("2006-01"), first
}

// PeriodKey names the period of day in which hysteresis counts.
func PeriodKey(period string, day time.Time) string {
	switch period {
	case "day":
		return day.Format("2006-01-02")
	case "week":
		y, w := day.ISOWeek()
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + "-W" + twoDigits(w)
	case "quarter":
		return day.Format("2006") + "-Q" + string(rune('1'+(int(day.Month())-1)/3))
	}
	return day.Format("2006-01")
}

func twoDigits(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

// Prepare reads the population's facts for what the scheme ranks on.
func Prepare(s Scheme, asOf time.Time, all []Facts) Params {
	from, _ := Window(s.WindowMonths, asOf)
	p := Params{AsOf: asOf.Format("2006-01-02"), WindowFrom: from, Period: PeriodKey(s.Period, asOf)}
	switch s.Kind {
	case KindABC:
		amounts := make([]int64, 0, len(all))
		for _, f := range all {
			if f.AmountFen > 0 {
				amounts = append(amounts, f.AmountFen)
				p.TotalFen += f.AmountFen
			}
		}
		slices.SortFunc(amounts, func(a, b int64) int { return int(sign(b - a)) })
		p.Cutoffs = abcCutoffs(s.Levels, amounts, p.TotalFen)
	case KindValue:
		var am, or, re []int64
		for _, f := range all {
			if f.AmountFen <= 0 && f.Orders == 0 {
				continue
			}
			am, or = append(am, f.AmountFen), append(or, f.Orders)
			if d := recency(f.LastPurchase, asOf); d != nil {
				re = append(re, -int64(*d))
			}
		}
		p.AmountQ, p.OrdersQ, p.RecencyQ = quantiles(am), quantiles(or), quantiles(re)
	}
	return p
}

func sign(x int64) int64 {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// abcCutoffs walks the amounts, largest first: a customer belongs to the
// first level whose cumulative percentage the share before them is still
// below. A level's cutoff is the least amount it took (MaxInt64: none).
func abcCutoffs(levels []Level, amounts []int64, total int64) []int64 {
	cut := make([]int64, len(levels)-1)
	for i := range cut {
		cut[i] = math.MaxInt64
	}
	var before int64
	li := 0
	for _, a := range amounts {
		for li < len(cut) && float64(before)*100 >= float64(levels[li].CumulativePct)*float64(total) {
			li++
		}
		if li < len(cut) {
			cut[li] = a
		}
		before += a
	}
	// A level that took nobody (a step too narrow) takes nobody below the
	// level above either.
	for i := 1; i < len(cut); i++ {
		if cut[i] == math.MaxInt64 {
			cut[i] = cut[i-1]
		}
	}
	return cut
}

// quantiles returns 101 points of xs (its 0th … 100th percentile), or nil.
func quantiles(xs []int64) []int64 {
	if len(xs) == 0 {
		return nil
	}
	slices.Sort(xs)
	q := make([]int64, 101)
	for k := range q {
		q[k] = xs[k*(len(xs)-1)/100]
	}
	return q
}

// rank is the percentile rank of x among q's points: how many of the
// points 1…100 it reaches (0–100).
func rank(q []int64, x int64) int {
	n := 0
	for k := 1; k < len(q); k++ {
		if x >= q[k] {
			n++
		}
	}
	return n
}

func recency(last string, asOf time.Time) *int {
	if last == "" {
		return nil
	}
	t, err := time.Parse("2006-01-02", last)
	if err != nil {
		return nil
	}
	d := int(asOf.Sub(t).Hours() / 24)
	if d < 0 {
		d = 0
	}
	return &d
}

// Classify computes f's value level in s with the population's params,
// and the inputs that produced it. A watch flag is not a value: Decide
// puts it over the level Classify computes.
func Classify(s Scheme, p Params, f Facts) (string, Inputs) {
	asOf, _ := time.Parse("2006-01-02", p.AsOf)
	in := Inputs{WindowFrom: p.WindowFrom, AsOf: p.AsOf, Amount: Yuan(f.AmountFen), Orders: f.Orders,
		LastPurchase: f.LastPurchase, RecencyDays: recency(f.LastPurchase, asOf), Complaints: f.Complaints}
	levels := s.ranked()
	last := levels[len(levels)-1].Code
	switch s.Kind {
	case KindABC:
		if p.TotalFen > 0 {
			in.SharePct = math.Round(float64(f.AmountFen)*10000/float64(p.TotalFen)) / 100
		}
		for i, c := range p.Cutoffs {
			if i < len(levels)-1 && f.AmountFen > 0 && f.AmountFen >= c {
				in.CutoffAmount = Yuan(c)
				return levels[i].Code, in
			}
		}
		return last, in
	case KindBank:
		for _, l := range levels {
			if f.AmountFen >= l.minAmountFen {
				return l.Code, in
			}
		}
		return last, in
	case KindValue:
		score := 0
		if f.AmountFen > 0 || f.Orders > 0 {
			w := s.Weights
			if w == nil {
				w = &Weights{Amount: 50, Frequency: 30, Recency: 20}
			}
			rec := 0
			if d := in.RecencyDays; d != nil {
				rec = rank(p.RecencyQ, -int64(*d))
			}
			score = (w.Amount*rank(p.AmountQ, f.AmountFen) + w.Frequency*rank(p.OrdersQ, f.Orders) + w.Recency*rec + 50) / 100
		}
		in.Score = &score
		for _, l := range levels {
			if score >= l.MinScore {
				return l.Code, in
			}
		}
		return last, in
	case KindBehaviour:
		for _, l := range levels {
			if meets(l, f, in.RecencyDays) {
				return l.Code, in
			}
		}
		return last, in
	}
	return last, in
}

// meets reports whether f meets every condition of a behaviour level.
func meets(l Level, f Facts, days *int) bool {
	if l.MaxRecencyDays != nil && (days == nil || *days > *l.MaxRecencyDays) {
		return false
	}
	if l.MinOrders != nil && f.Orders < int64(*l.MinOrders) {
		return false
	}
	if l.MaxComplaints != nil && f.Complaints > *l.MaxComplaints {
		return false
	}
	return f.AmountFen >= l.minAmountFen
}
