package complaint

import (
	"context"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// LedgerEntry is a complaint as the ledger (台账) reads it from the store:
// the complaint's ledger fields (not its description, contact or phone),
// the names the ledger shows, and when its first reply and its solution
// came (the first step out of registered, the first approval of a
// solution), nil while they have not.
type LedgerEntry struct {
	Complaint
	CustomerName string
	AssigneeName string
	RepliedAt    *time.Time
	SolvedAt     *time.Time
}

// Step notes a step of the complaint's timeline: the first step out of
// RepliedFrom is its first reply, the first into SolvedTo its solution.
// Steps come oldest first.
func (e *LedgerEntry) Step(from, to Status, at time.Time) {
	if from == RepliedFrom && e.RepliedAt == nil {
		e.RepliedAt = &at
	}
	if to == SolvedTo && e.SolvedAt == nil {
		e.SolvedAt = &at
	}
}

// LedgerFilter chooses the complaints of a ledger: those received in
// [From, To) in Scope, after AfterID, at most Limit (0: no limit).
type LedgerFilter struct {
	Scope    crm.Scope
	From, To time.Time
	AfterID  int64
	Limit    int
	// At is now: an access grant in Scope counts while it is valid at At.
	At time.Time
}

// LedgerStore reads the ledger and records who read it.
type LedgerStore interface {
	ComplaintLedger(ctx context.Context, f LedgerFilter) ([]LedgerEntry, error)
	CountComplaintLedger(ctx context.Context, f LedgerFilter) (int, error)
	// ComplaintQueue reads the open complaints q chooses, the nearest
	// deadline first.
	ComplaintQueue(ctx context.Context, q QueueQuery) ([]LedgerEntry, error)
	Audit(ctx context.Context, e *crm.AuditEntry) error
}

// LedgerCap bounds a whole month read at once (the export and the
// analysis); a month with more complaints is refused, not cut short.
const LedgerCap = 100_000

// The outcomes of a deadline in the ledger.
const (
	DeadlineMet     = "met"
	DeadlineMissed  = "missed"
	DeadlinePending = "pending" // not yet reached, not yet done
	DeadlineNone    = "none"    // the complaint has no such deadline
)

// LedgerRow is one line of the ledger.
type LedgerRow struct {
	ID               int64      `json:"id"`
	Number           string     `json:"number"`
	CustomerID       int64      `json:"customer_id,omitempty"`
	Customer         string     `json:"customer"` // the customer's name, or the unidentified caller's
	Category         string     `json:"category"`
	Quality          bool       `json:"quality"`
	Severity         string     `json:"severity"`
	PartNo           string     `json:"part_no"`
	Status           Status     `json:"status"`
	ReceivedAt       time.Time  `json:"received_at"`
	ReplyDueAt       time.Time  `json:"reply_due_at"`
	RepliedAt        *time.Time `json:"replied_at,omitempty"`
	Reply            string     `json:"reply"`
	SolutionDueAt    *time.Time `json:"solution_due_at,omitempty"`
	SolvedAt         *time.Time `json:"solved_at,omitempty"`
	Solution         string     `json:"solution"`
	Department       string     `json:"department"`
	Assignee         string     `json:"assignee"`
	Cause            string     `json:"cause"`
	Responsibility   string     `json:"responsibility"`
	Handling         string     `json:"handling"`
	CorrectiveAction string     `json:"corrective_action"`
	Result           string     `json:"result"` // 效果确认
	DelayReason      string     `json:"delay_reason"`
	ClosedAt         *time.Time `json:"closed_at,omitempty"`
}

// Month is a calendar month in China time, written YYYY-MM.
type Month struct {
	Name     string
	From, To time.Time // [From, To), UTC
}

// ParseMonth reads YYYY-MM; "" is the current month in China time.
func ParseMonth(s string, now time.Time) (Month, error) {
	if s == "" {
		s = now.In(crm.Shanghai).Format("2006-01")
	}
	t, err := time.ParseInLocation("2006-01", s, crm.Shanghai)
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return Month{}, crm.Invalid(crm.Bad("month", "format", "complaint_err.month.format"))
	}
	return Month{Name: s, From: t.UTC(), To: t.AddDate(0, 1, 0).UTC()}, nil
}

// LedgerPage is one page of a month's ledger, in number order.
type LedgerPage struct {
	Month string      `json:"month"`
	Total int         `json:"total"` // complaints of the month in the caller's scope
	Items []LedgerRow `json:"items"`
	Next  int64       `json:"-"` // the last ID of a page that has more after it, 0 on the last page
}

// Ledger returns one page of the month's ledger: up to limit rows after
// afterID, of the complaints the caller may read. It is audited as an
// export: the ledger lists customers and their complaints.
func (cr *Service) Ledger(ctx context.Context, month string, afterID int64, limit int) (LedgerPage, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return LedgerPage{}, err
	}
	m, err := ParseMonth(month, cr.now())
	if err != nil {
		return LedgerPage{}, err
	}
	f := LedgerFilter{Scope: complaintScope(p), From: m.From, To: m.To, At: cr.now()}
	total, err := cr.store.CountComplaintLedger(ctx, f)
	if err != nil {
		return LedgerPage{}, err
	}
	f.AfterID, f.Limit = afterID, limit+1
	entries, err := cr.store.ComplaintLedger(ctx, f)
	if err != nil {
		return LedgerPage{}, err
	}
	page := LedgerPage{Month: m.Name, Total: total, Items: make([]LedgerRow, 0, min(len(entries), limit))}
	if len(entries) > limit {
		entries = entries[:limit]
		page.Next = entries[limit-1].ID
	}
	now := cr.now()
	for _, e := range entries {
		page.Items = append(page.Items, ledgerRow(e, now))
	}
	a := crm.NewAudit(ctx, crm.AuditExport, "complaint_ledger", m.Name, map[string]any{"format": "json", "after_id": afterID, "rows": len(page.Items)})
	return page, cr.store.Audit(ctx, &a)
}

// Month returns every ledger row of the month the caller may read, with
// its analysis, for the export and the dashboard; a month over LedgerCap
// is refused. what names the use in the audit entry (xlsx, analysis).
func (cr *Service) Month(ctx context.Context, month, what string) ([]LedgerRow, ComplaintAnalysis, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return nil, ComplaintAnalysis{}, err
	}
	m, err := ParseMonth(month, cr.now())
	if err != nil {
		return nil, ComplaintAnalysis{}, err
	}
	entries, err := cr.store.ComplaintLedger(ctx, LedgerFilter{Scope: complaintScope(p), From: m.From, To: m.To, Limit: LedgerCap + 1, At: cr.now()})
	if err != nil {
		return nil, ComplaintAnalysis{}, err
	}
	if len(entries) > LedgerCap {
		return nil, ComplaintAnalysis{}, crm.Invalid(crm.Bad("month", "too_many", "complaint_err.month.too_many", LedgerCap))
	}
	now := cr.now()
	rows := make([]LedgerRow, len(entries))
	for i, e := range entries {
		rows[i] = ledgerRow(e, now)
	}
	a := crm.NewAudit(ctx, crm.AuditExport, "complaint_ledger", m.Name, map[string]any{"format": what, "rows": len(rows)})
	if err := cr.store.Audit(ctx, &a); err != nil {
		return nil, ComplaintAnalysis{}, err
	}
	return rows, Analyse(m.Name, rows), nil
}

// ledgerRow turns an entry into its ledger line, judging each deadline
// against when it was met, or against now while it has not been.
func ledgerRow(e LedgerEntry, now time.Time) LedgerRow {
	c := e.Complaint
	who := e.CustomerName
	if c.CustomerID == 0 {
		who = strings.TrimSpace(c.CallerName)
	}
	row := LedgerRow{ID: c.ID, Number: c.Number, CustomerID: c.CustomerID, Customer: who, Category: c.Category, Quality: c.Quality,
		Severity: c.Severity, PartNo: c.PartNo, Status: c.Status, ReceivedAt: c.ReceivedAt, ReplyDueAt: c.ReplyDueAt,
		RepliedAt: e.RepliedAt, SolutionDueAt: c.SolutionDueAt, SolvedAt: e.SolvedAt, Department: c.Department,
		Assignee: e.AssigneeName, Cause: c.Cause, Responsibility: c.Responsibility, Handling: c.Handling,
		CorrectiveAction: c.CorrectiveAction, Result: c.EffectConfirmed, DelayReason: c.DelayReason, ClosedAt: c.ClosedAt}
	row.Reply = judge(&c.ReplyDueAt, e.RepliedAt, now)
	row.Solution = judge(c.SolutionDueAt, e.SolvedAt, now)
	return row
}

// judge tells whether a deadline was met by done, missed, still pending
// at now, or absent.
func judge(due, done *time.Time, now time.Time) string {
	switch {
	case due == nil || due.IsZero():
		return DeadlineNone
	case done != nil && !done.After(*due):
		return DeadlineMet
	case done != nil || now.After(*due):
		return DeadlineMissed
	}
	return DeadlinePending
}
