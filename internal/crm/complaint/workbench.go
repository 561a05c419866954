package complaint

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// MonthFigures are a month's complaint figures in the caller's scope for
// the workbench: how many were received, and how the reply and solution
// deadlines were kept. They name no customer, so reading them is not
// audited as the ledger is.
type MonthFigures struct {
	Month       string
	Total       int
	ReplySLA    SLA
	SolutionSLA SLA
}

// Figures returns the figures of the month holding now and of the month
// before it, in the caller's scope.
func (cr *Service) Figures(ctx context.Context) (this, last MonthFigures, err error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return this, last, err
	}
	now := cr.now()
	cur, err := ParseMonth("", now)
	if err != nil {
		return this, last, err
	}
	prev, err := ParseMonth(cur.From.In(crm.Shanghai).AddDate(0, -1, 0).Format("2006-01"), now)
	if err != nil {
		return this, last, err
	}
	if this, err = cr.monthFigures(ctx, p, cur, now); err != nil {
		return this, last, err
	}
	last, err = cr.monthFigures(ctx, p, prev, now)
	return this, last, err
}

func (cr *Service) monthFigures(ctx context.Context, p crm.Principal, m Month, now time.Time) (MonthFigures, error) {
	entries, err := cr.store.ComplaintLedger(ctx, LedgerFilter{Scope: complaintScope(p), From: m.From, To: m.To, Limit: LedgerCap, At: now})
	if err != nil {
		return MonthFigures{}, err
	}
	rows := make([]LedgerRow, len(entries))
	for i, e := range entries {
		rows[i] = ledgerRow(e, now)
	}
	a := Analyse(m.Name, rows)
	return MonthFigures{Month: m.Name, Total: a.Total, ReplySLA: a.ReplySLA, SolutionSLA: a.SolutionSLA}, nil
}
