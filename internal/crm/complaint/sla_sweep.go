package complaint

import (
	"context"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
)

// OverdueStore finds and marks overdue complaints. The store finds them
// and writes the marks; what each mark brings (when the complaint goes
// to the gm, who is told, the audit entry) the rule decides.
type OverdueStore interface {
	// MarkOverdue marks, in one transaction, every open complaint whose
	// deadline passed before now — the first reply (still registered after
	// reply_due_at) or the solution (not yet approved after
	// solution_due_at) — and writes what mark decides for each: its
	// escalate_at, its notice (inbox, and mail through the outbox for
	// those who gave an address) and its audit entry. It returns the
	// complaints marked.
	MarkOverdue(ctx context.Context, now time.Time, mark MarkRule) ([]Complaint, error)
	// EscalateDue escalates each complaint still unresolved whose
	// escalate_at passed — once: escalated_at and the reason
	// EscalationOverdue are set in the same transaction — and writes the
	// notice and audit entry escalate decides for it.
	EscalateDue(ctx context.Context, now time.Time, escalate EscalationRule) ([]Complaint, error)
}

// OverdueMark is what marking one complaint overdue writes with the mark.
type OverdueMark struct {
	EscalateAt time.Time // when it goes to the gm if still unresolved
	Notice     crm.Notice
	Audit      crm.AuditEntry
}

// MarkRule decides the mark of a complaint found overdue at now.
type MarkRule func(c Complaint, now time.Time) OverdueMark

// Escalation is what escalating one overdue complaint writes.
type Escalation struct {
	Notice crm.Notice
	Audit  crm.AuditEntry
}

// EscalationRule decides the escalation of a complaint at now.
type EscalationRule func(c Complaint, now time.Time) Escalation

// OverdueRule is the sweep's mark: the complaint goes to the gm at
// escalateAt(its rule's escalate_after_working_days) — at once when
// escalateAt is nil — its people are told (OverdueNotice), and the mark
// is audited as the SLA job's.
func OverdueRule(escalateAt func(days int) time.Time) MarkRule {
	return func(c Complaint, now time.Time) OverdueMark {
		at := now
		if escalateAt != nil {
			at = escalateAt(c.EscalateAfterDays)
		}
		return OverdueMark{EscalateAt: at.UTC(), Notice: OverdueNotice(c),
			Audit: slaAudit(c, now, map[string]crm.Change{"overdue": {Before: false, After: true}})}
	}
}

// EscalateRule is the sweep's escalation: every gm is told
// (EscalatedNotice), audited as the SLA job's.
func EscalateRule(c Complaint, now time.Time) Escalation {
	return Escalation{Notice: EscalatedNotice(c),
		Audit: slaAudit(c, now, map[string]crm.Change{"escalated": {Before: nil, After: EscalationOverdue}})}
}

// slaAudit is the SLA job's audit entry of a change to c.
func slaAudit(c Complaint, now time.Time, changes map[string]crm.Change) crm.AuditEntry {
	e := crm.NewAudit(context.Background(), crm.AuditUpdate, "complaint", strconv.FormatInt(c.ID, 10), changes)
	e.At = now.UTC()
	e.At, e.Username = now, "system:sla"
	return e
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
	res.Overdue, err = s.MarkOverdue(ctx, now, OverdueRule(escalateAt(cal, now)))
	if err != nil {
		return res, err
	}
	res.Escalated, err = s.EscalateDue(ctx, now, EscalateRule)
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
