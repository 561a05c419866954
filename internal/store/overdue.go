package store

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
)

// unresolvedSQL is the domain's unresolved statuses as the SQL list the
// partial indexes complaints_solution_open and complaints_escalate_open
// are declared with (migration 0019): a planner matches a partial index
// only when the query's condition says the same literally, so the list
// is written into the queries, not bound, and a test holds it to the
// migration's text.
var unresolvedSQL = sqlList(complaint.Unresolved)

// The sweep's detection queries: open complaints past a deadline they
// have not met and not yet marked. Each reads one partial index on open
// complaints only (complaints_reply_open, complaints_solution_open), so
// it stays fast however many closed complaints there are.
var (
	overdueReplyQuery = `SELECT id FROM complaints WHERE overdue_at IS NULL AND status = ` + sqlString(complaint.StatusRegistered) +
		` AND reply_due_at < ?`
	overdueSolutionQuery = `SELECT id FROM complaints WHERE overdue_at IS NULL AND solution_due_at IS NOT NULL
		AND status IN ` + unresolvedSQL + ` AND solution_due_at < ?`
	// OverdueDetectionQuery is both. One sweep transaction marks at most
	// 5000; the next sweep (30 s later) takes the rest.
	OverdueDetectionQuery = overdueReplyQuery + " UNION " + overdueSolutionQuery + " ORDER BY id LIMIT 5000"
)

// MarkOverdue marks overdue complaints and writes what mark decides for
// each — when it goes to the gm, its notice in the inbox and the mail
// outbox, its audit entry — in one transaction (see
// complaint.OverdueStore).
func (db *DB) MarkOverdue(ctx context.Context, now time.Time, mark complaint.MarkRule) ([]complaint.Complaint, error) {
	now = now.UTC()
	var marked []complaint.Complaint
	err := db.InTx(ctx, func(tx *Tx) error {
		marked = nil
		ids, err := queryIDs(ctx, tx, OverdueDetectionQuery, now, now)
		if err != nil || len(ids) == 0 {
			return err
		}
		if marked, err = complaintsByID(ctx, tx, ids); err != nil {
			return err
		}
		notices := make([]crm.Notice, len(marked))
		audits := make([]crm.AuditEntry, len(marked))
		byTime := map[time.Time][]int64{}
		for i := range marked {
			c := &marked[i]
			m := mark(*c, now)
			at := m.EscalateAt.UTC()
			c.OverdueAt, c.EscalateAt = &now, &at
			byTime[at] = append(byTime[at], c.ID)
			notices[i], audits[i] = m.Notice, m.Audit
		}
		for at, group := range byTime {
			for _, chunk := range chunks(group, 500) {
				if _, err := tx.Exec(ctx, "UPDATE complaints SET overdue_at = ?, escalate_at = ? WHERE overdue_at IS NULL AND id IN ("+inList(len(chunk))+")",
					append([]any{now, at}, int64Args(chunk)...)...); err != nil {
					return err
				}
			}
		}
		if err := sendNotices(ctx, tx, notices, now); err != nil {
			return err
		}
		return appendAudits(ctx, tx, audits)
	})
	return marked, err
}

// EscalateQuery finds overdue complaints still unresolved whose time to
// go to the gm came, through the partial index complaints_escalate_open.
var EscalateQuery = `SELECT id FROM complaints WHERE escalated_at IS NULL AND escalate_at IS NOT NULL AND escalate_at <= ?
	AND status IN ` + unresolvedSQL + ` ORDER BY id LIMIT 5000`

// EscalateDue escalates overdue complaints once each (escalated_at is set
// where it is still empty, with the reason complaint.EscalationOverdue)
// and writes the notice and audit entry escalate decides for each, in
// one transaction.
func (db *DB) EscalateDue(ctx context.Context, now time.Time, escalate complaint.EscalationRule) ([]complaint.Complaint, error) {
	now = now.UTC()
	var out []complaint.Complaint
	err := db.InTx(ctx, func(tx *Tx) error {
		out = nil
		ids, err := queryIDs(ctx, tx, EscalateQuery, now)
		if err != nil || len(ids) == 0 {
			return err
		}
		for _, chunk := range chunks(ids, 500) {
			if _, err := tx.Exec(ctx, "UPDATE complaints SET escalated_at = ?, escalation_reason = ? WHERE escalated_at IS NULL AND id IN ("+inList(len(chunk))+")",
				append([]any{now, complaint.EscalationOverdue}, int64Args(chunk)...)...); err != nil {
				return err
			}
		}
		if out, err = complaintsByID(ctx, tx, ids); err != nil {
			return err
		}
		notices := make([]crm.Notice, len(out))
		audits := make([]crm.AuditEntry, len(out))
		for i, c := range out {
			x := escalate(c, now)
			notices[i], audits[i] = x.Notice, x.Audit
		}
		if err := sendNotices(ctx, tx, notices, now); err != nil {
			return err
		}
		return appendAudits(ctx, tx, audits)
	})
	return out, err
}

// complaintsByID reads complaints by id, in id order.
func complaintsByID(ctx context.Context, tx *Tx, ids []int64) ([]complaint.Complaint, error) {
	out := make([]complaint.Complaint, 0, len(ids))
	for _, chunk := range chunks(ids, 500) {
		part, err := queryAll(ctx, tx, scanComplaint, "SELECT "+complaintColumns+" FROM complaints k WHERE k.id IN ("+inList(len(chunk))+") ORDER BY k.id", int64Args(chunk)...)
		if err != nil {
			return nil, err
		}
		out = append(out, part...)
	}
	return out, nil
}
