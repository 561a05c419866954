package complaint

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
)

// OverdueStore finds and marks overdue complaints.
type OverdueStore interface {
	// MarkOverdue marks, in one transaction, every open complaint whose
	// deadline passed before now — the first reply (still registered after
	// reply_due_at) or the solution (not yet approved after
	// solution_due_at) — and notifies its assignee, the assignee's manager
	// and, with none assigned, every gm; each mark is audited. It returns
	// the complaints marked.
	// escalateAt gives the time an overdue complaint goes to the gm, n
	// working days after now; the people told also get an e-mail (through
	// the outbox) when they gave an address.
	MarkOverdue(ctx context.Context, now time.Time, escalateAt func(n int) time.Time) ([]Complaint, error)
	// EscalateDue escalates to every active gm — once: escalated_at is set
	// in the same transaction, audited — each complaint still unresolved
	// whose escalate_at passed.
	EscalateDue(ctx context.Context, now time.Time) ([]Complaint, error)
}

// SweepResult is what one SLA sweep did.
type SweepResult struct {
	Overdue   []Complaint
	Escalated []Complaint
}

// SweepSLA marks the complaints whose deadline passed (setting when each
// goes to the gm: its rule's escalate_after_working_days on the
// working-day calendar after now) and escalates those whose time came.
// Each step is one transaction; mail goes to the outbox, sent afterwards.
func SweepSLA(ctx context.Context, s OverdueStore, calendars *crm.Calendars, now time.Time) (SweepResult, error) {
	var res SweepResult
	cal, err := calendars.Current(ctx)
	if err != nil {
		return res, err
	}
	res.Overdue, err = s.MarkOverdue(ctx, now, escalateAt(cal, now))
	if err != nil {
		return res, err
	}
	res.Escalated, err = s.EscalateDue(ctx, now)
	return res, err
}

// escalateAt is n working days after now, at the end of that day.
func escalateAt(cal *calendar.Calendar, now time.Time) func(int) time.Time {
	memo := map[int]time.Time{}
	return func(n int) time.Time {
		if t, ok := memo[n]; ok {
			return t
		}
		t := now.UTC()
		if due, err := cal.AddWorkingDays(now, n); err == nil && due.Time.After(now) {
			t = due.Time.UTC()
		}
		memo[n] = t
		return t
	}
}
