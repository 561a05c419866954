package sales

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// MonthTotal is a customer's sales in one month (YYYY-MM), its shards
// summed (see the migration of customer_sales_months).
type MonthTotal struct {
	Month    string `json:"month"`
	Lines    int64  `json:"lines"`
	Quantity int64  `json:"quantity"`
	Amount   Money  `json:"amount"`
	LastDate string `json:"last_date"`
}

// Window is a customer's sales over the last Months calendar months: the
// current month (by the business date in China) and the Months-1 before
// it.
type Window struct {
	Months   int   `json:"months"`
	Lines    int64 `json:"lines"`
	Quantity int64 `json:"quantity"`
	Amount   Money `json:"amount"`
}

// Summary is what the customer page shows of a customer's sales: the
// last purchase, and the 3- and 12-month windows.
type Summary struct {
	CustomerID   int64  `json:"customer_id"`
	LastPurchase string `json:"last_purchase,omitempty"` // YYYY-MM-DD; empty when the customer never bought
	Months3      Window `json:"months_3"`
	Months12     Window `json:"months_12"`
	Today        string `json:"as_of"`
}

// SummaryMonths are the windows of the summary.
var SummaryMonths = []int{3, 12}

// FirstMonth is the first month of an n-month window ending in the month
// of today (YYYY-MM-DD).
func FirstMonth(today string, n int) string {
	t, _ := time.Parse(time.DateOnly, today)
	return time.Date(t.Year(), t.Month()-time.Month(n-1), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}

// Sum is the window of n months ending in the month of today over
// months (any order).
func Sum(months []MonthTotal, today string, n int) Window {
	w := Window{Months: n}
	first, last := FirstMonth(today, n), today[:7]
	for _, m := range months {
		if m.Month >= first && m.Month <= last {
			w.Lines += m.Lines
			w.Quantity += m.Quantity
			w.Amount += m.Amount
		}
	}
	return w
}

// LastPurchase is the latest date of months, "" when none.
func LastPurchase(months []MonthTotal) string {
	last := ""
	for _, m := range months {
		last = max(last, m.LastDate)
	}
	return last
}

// CustomerWindow is a customer's sales over the last n months (n from 1
// to 120) and the last purchase within them, for the tier schemes; the
// customer must be in the caller's read scope.
func (ss *Service) CustomerWindow(ctx context.Context, customerID int64, n int) (Window, string, error) {
	p, err := crm.Authorize(ctx, crm.ActSalesRead)
	if err != nil {
		return Window{}, "", err
	}
	if n < 1 || n > 120 {
		return Window{}, "", crm.Invalid(crm.Bad("months", "range", "sales.months.range", 1, 120))
	}
	if err := ss.customers.Visible(ctx, customerID, crm.ReadScope(p)); err != nil {
		return Window{}, "", err
	}
	today := ss.Today()
	months, err := ss.store.CustomerSalesMonths(ctx, customerID, FirstMonth(today, n))
	if err != nil {
		return Window{}, "", err
	}
	return Sum(months, today, n), LastPurchase(months), nil
}

// Summary is the sales summary of a customer in the caller's read scope.
func (ss *Service) Summary(ctx context.Context, customerID int64) (Summary, error) {
	p, err := crm.Authorize(ctx, crm.ActSalesRead)
	if err != nil {
		return Summary{}, err
	}
	if err := ss.customers.Visible(ctx, customerID, crm.ReadScope(p)); err != nil {
		return Summary{}, err
	}
	today := ss.Today()
	// Every month: a customer has a few hundred at most, and the last
	// purchase may lie before the windows.
	months, err := ss.store.CustomerSalesMonths(ctx, customerID, "")
	if err != nil {
		return Summary{}, err
	}
	return Summary{CustomerID: customerID, LastPurchase: LastPurchase(months), Months3: Sum(months, today, 3),
		Months12: Sum(months, today, 12), Today: today}, nil
}
