package sales

import "testing"

func TestAWindowCountsTheCurrentMonthAndTheOnesBefore(t *testing.T) {
	months := []MonthTotal{
		{Month: "2025-12", Lines: 1, Quantity: 1, Amount: 100, LastDate: "2025-12-31"},
		{Month: "2026-01", Lines: 2, Quantity: 5, Amount: 1000, LastDate: "2026-01-09"},
		{Month: "2026-10", Lines: 3, Quantity: 7, Amount: 2000, LastDate: "2026-10-02"},
		{Month: "2026-12", Lines: 4, Quantity: 9, Amount: 4000, LastDate: "2026-12-05"},
	}
	for _, c := range []struct {
		n             int
		first         string
		lines, amount int64
	}{
		{1, "2026-12", 4, 4000},
		{3, "2026-10", 7, 6000},
		{12, "2026-01", 9, 7000},
		{13, "2025-12", 10, 7100},
	} {
		if got := FirstMonth("2026-12-07", c.n); got != c.first {
			t.Errorf("FirstMonth(%d) = %s, want %s", c.n, got, c.first)
		}
		w := Sum(months, "2026-12-07", c.n)
		if w.Lines != c.lines || int64(w.Amount) != c.amount {
			t.Errorf("Sum over %d months = %d lines, %d fen; want %d, %d", c.n, w.Lines, w.Amount, c.lines, c.amount)
		}
	}
	if got := LastPurchase(months); got != "2026-12-05" {
		t.Errorf("LastPurchase = %s", got)
	}
	if got := LastPurchase(nil); got != "" {
		t.Errorf("LastPurchase of nothing = %q", got)
	}
}
