package complaint

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// PeriodCount is how many complaints a customer made in one period.
type PeriodCount struct {
	Period string `json:"period"` // 2026, 2026-Q4 or 2026-11
	Count  int    `json:"count"`
}

// CountsByPeriod counts a customer's complaints by month, quarter or year
// of receipt in China time, oldest first (for tiering and risk).
func (cs *Service) CountsByPeriod(ctx context.Context, customerID int64, period string) ([]PeriodCount, error) {
	if _, err := crm.Authorize(ctx, crm.ActComplaintRead); err != nil {
		return nil, err
	}
	if _, err := cs.customers.Get(ctx, customerID); err != nil {
		return nil, err
	}
	key := map[string]func(time.Time) string{
		"month":   func(t time.Time) string { return t.Format("2006-01") },
		"quarter": func(t time.Time) string { return t.Format("2006") + "-Q" + string(rune('1'+(int(t.Month())-1)/3)) },
		"year":    func(t time.Time) string { return t.Format("2006") },
	}[period]
	if key == nil {
		return nil, crm.Invalid(crm.Bad("period", "unknown", "complaint_err.period.unknown"))
	}
	times, err := cs.store.ComplaintTimes(ctx, customerID)
	if err != nil {
		return nil, err
	}
	out := []PeriodCount{}
	for _, t := range times {
		k := key(t.In(crm.Shanghai))
		if n := len(out); n > 0 && out[n-1].Period == k {
			out[n-1].Count++
		} else {
			out = append(out, PeriodCount{Period: k, Count: 1})
		}
	}
	return out, nil
}
