package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm/complaint"
)

// ledgerColumns are what the ledger and the queue show of a complaint:
// no description, no sealed phone (a month's ledger reads thousands); the
// assignee by name (their username when they have none).
const ledgerColumns = `k.id, k.number, k.customer_id, k.caller_name, k.received_at, k.category, k.quality, k.severity, k.part_no,
	k.status, k.reply_due_at, k.solution_due_at, k.department, k.assignee_id, k.cause, k.handling, k.responsibility,
	k.corrective_action, k.effect_confirmed, k.delay_reason, k.closed_at, k.overdue_at,
	COALESCE(cu.name, ''), COALESCE(NULLIF(u.display_name, ''), u.username, '')
	FROM complaints k LEFT JOIN customers cu ON cu.id = k.customer_id LEFT JOIN users u ON u.id = k.assignee_id`

func scanLedgerEntry(s scanner) (complaint.LedgerEntry, error) {
	var e complaint.LedgerEntry
	var customer, assignee sql.NullInt64
	var solution, closed, overdue sql.NullTime
	err := s.Scan(&e.ID, &e.Number, &customer, &e.CallerName, &e.ReceivedAt, &e.Category, &e.Quality, &e.Severity, &e.PartNo,
		&e.Status, &e.ReplyDueAt, &solution, &e.Department, &assignee, &e.Cause, &e.Handling, &e.Responsibility,
		&e.CorrectiveAction, &e.EffectConfirmed, &e.DelayReason, &closed, &overdue, &e.CustomerName, &e.AssigneeName)
	e.CustomerID, e.AssigneeID = customer.Int64, assignee.Int64
	e.SolutionDueAt, e.ClosedAt, e.OverdueAt = timePtr(solution), timePtr(closed), timePtr(overdue)
	return e, err
}

// ledgerWhere is the condition of a ledger: received in the month, in
// scope, after the cursor.
func ledgerWhere(f complaint.LedgerFilter) (string, []any) {
	q := "k.received_at >= ? AND k.received_at < ?"
	args := []any{f.From.UTC(), f.To.UTC()}
	if !f.Scope.All {
		cond, cargs := scopeSQL(f.Scope, f.At)
		q += " AND k.customer_id IN (SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND " + cond + ")"
		args = append(args, cargs...)
	}
	if f.AfterID > 0 {
		q += " AND k.id > ?"
		args = append(args, f.AfterID)
	}
	return q, args
}

// CountComplaintLedger counts the complaints of a ledger (the cursor and
// limit aside).
func (db *DB) CountComplaintLedger(ctx context.Context, f complaint.LedgerFilter) (int, error) {
	f.AfterID = 0
	where, args := ledgerWhere(f)
	var n int
	err := db.QueryRow(ctx, "SELECT count(*) FROM complaints k WHERE "+where, args...).Scan(&n)
	return n, err
}

// ComplaintLedger returns the complaints of a ledger in number order
// with the customer's and assignee's names, and when each was first
// replied to (its first step out of registered) and solved (its first
// approval), read from the timeline in one more query.
func (db *DB) ComplaintLedger(ctx context.Context, f complaint.LedgerFilter) ([]complaint.LedgerEntry, error) {
	where, args := ledgerWhere(f)
	q := "SELECT " + ledgerColumns + " WHERE " + where + " ORDER BY k.id"
	qargs := args
	// A whole month (the export, the analysis, the workbench's figures,
	// up to the cap) is read whole anyway: sorted without a LIMIT and cut
	// here. A page takes the month's IDs from the received_at index, the
	// page's in number (ID) order, then those rows: no sort of the month
	// under a LIMIT.
	whole := f.Limit <= 0 || f.Limit >= complaint.LedgerCap
	if !whole {
		ids, err := queryIDs(ctx, db, "SELECT k.id FROM complaints k WHERE "+where, args...)
		if err != nil {
			return nil, fmt.Errorf("store: complaint ledger: %w", err)
		}
		slices.Sort(ids)
		if len(ids) > f.Limit {
			ids = ids[:f.Limit]
		}
		if len(ids) == 0 {
			return []complaint.LedgerEntry{}, nil
		}
		q = "SELECT " + ledgerColumns + " WHERE k.id IN (" + inList(len(ids)) + ") ORDER BY k.id"
		qargs = int64Args(ids)
	}
	out, err := db.ledgerEntries(ctx, q, qargs)
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	if err != nil || len(out) == 0 {
		return out, err
	}
	byID := make(map[int64]*complaint.LedgerEntry, len(out))
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	err = eachRow(ctx, db, func(s scanner) error {
		var id int64
		var from, to complaint.Status
		var at time.Time
		if err := s.Scan(&id, &from, &to, &at); err != nil {
			return err
		}
		if e := byID[id]; e != nil {
			e.Step(from, to, at)
		}
		return nil
	}, `SELECT e.complaint_id, e.from_status, e.to_status, e.at FROM complaint_events e
		WHERE e.complaint_id IN (SELECT k.id FROM complaints k WHERE `+where+` AND k.id <= ?)
		AND (e.from_status = ? OR e.to_status = ?) ORDER BY e.id`, append(args, out[len(out)-1].ID, complaint.RepliedFrom, complaint.SolvedTo)...)
	if err != nil {
		return nil, fmt.Errorf("store: complaint ledger steps: %w", err)
	}
	return out, nil
}

func (db *DB) ledgerEntries(ctx context.Context, q string, args []any) ([]complaint.LedgerEntry, error) {
	out, err := queryAll(ctx, db, scanLedgerEntry, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: complaint ledger: %w", err)
	}
	return out, nil
}

// ComplaintQueue returns the open complaints q chooses (in scope; of
// q.Statuses, assigned to q.Assignee or, with q.Unlinked, registered
// without a customer; only escalated ones with q.Escalated), the nearest
// deadline first: overdue ones, then by the deadline the status runs
// against (the reply while registered, the solution until approved),
// then those without one.
func (db *DB) ComplaintQueue(ctx context.Context, qq complaint.QueueQuery) ([]complaint.LedgerEntry, error) {
	// The open statuses by name (not "<> closed"), so each part reads
	// an index; the queue is sorted without a LIMIT in SQL (open
	// complaints at a person's steps are a day's work, not the archive)
	// and cut here.
	open := slices.DeleteFunc(slices.Clone(complaint.Statuses), func(s complaint.Status) bool { return !s.Open() })
	// Which complaints, as a union of parts that each read an index:
	// every open one, or a person's (at their steps, assigned to them,
	// waiting for a customer). closed_at IS NULL picks the partial index
	// of open complaints by status (migration 0031).
	var ids []string
	var args []any
	if qq.Statuses == nil {
		ids = append(ids, "SELECT id FROM complaints WHERE closed_at IS NULL AND status IN "+sqlList(open))
	} else {
		if len(qq.Statuses) > 0 {
			ids = append(ids, "SELECT id FROM complaints WHERE closed_at IS NULL AND status IN ("+inList(len(qq.Statuses))+")")
			for _, st := range qq.Statuses {
				args = append(args, st)
			}
		}
		ids = append(ids, "SELECT id FROM complaints WHERE assignee_id = ? AND status IN "+sqlList(open))
		args = append(args, qq.Assignee)
		if qq.Unlinked {
			ids = append(ids, "SELECT id FROM complaints WHERE customer_id IS NULL AND status = "+sqlString(complaint.StatusRegistered))
		}
	}
	q := "SELECT " + ledgerColumns + " WHERE k.id IN (" + strings.Join(ids, " UNION ") + ")"
	if !qq.Scope.All {
		cond, cargs := scopeSQL(qq.Scope, qq.Now)
		q += " AND k.customer_id IN (SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND " + cond + ")"
		args = append(args, cargs...)
	}
	if qq.Escalated {
		q += " AND k.escalated_at IS NOT NULL"
	}
	q += " ORDER BY CASE WHEN k.overdue_at IS NULL THEN 1 ELSE 0 END, CASE WHEN " + due + " IS NULL THEN 1 ELSE 0 END, " + due + ", k.id"
	out, err := db.ledgerEntries(ctx, q, args)
	if len(out) > qq.Limit {
		out = out[:qq.Limit]
	}
	return out, err
}

// due is the deadline a complaint runs against now, as the domain's
// Status.Deadline says: the reply, the solution, or none (NULL).
var due = dueSQL()

func dueSQL() string {
	column := map[string]string{complaint.DeadlineReply: "k.reply_due_at", complaint.DeadlineSolution: "k.solution_due_at"}
	byDeadline := map[string][]complaint.Status{}
	var kinds []string
	for _, st := range complaint.Statuses {
		d := st.Deadline()
		if d == "" {
			continue
		}
		if byDeadline[d] == nil {
			kinds = append(kinds, d)
		}
		byDeadline[d] = append(byDeadline[d], st)
	}
	q := "CASE"
	for _, d := range kinds {
		q += " WHEN k.status IN " + sqlList(byDeadline[d]) + " THEN " + column[d]
	}
	return q + " END"
}

// CustomerIDByCode finds a live customer by its code (KH00000001), for a
// form where staff type the code; the domain then checks the customer.
func (db *DB) CustomerIDByCode(ctx context.Context, code string) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, "SELECT id FROM customers WHERE code = ? AND deleted_at IS NULL", strings.ToUpper(strings.TrimSpace(code))).Scan(&id)
	return id, noSuch(err, "store.no_such_customer")
}

// ComplaintNames names a complaint's customer and assignee for its page
// (the caller has already been allowed to read the complaint).
func (db *DB) ComplaintNames(ctx context.Context, customerID, assigneeID int64) (customer, assignee string, err error) {
	err = db.QueryRow(ctx, `SELECT COALESCE((SELECT name FROM customers WHERE id = ?), ''), COALESCE((SELECT username FROM users WHERE id = ?), '')`,
		customerID, assigneeID).Scan(&customer, &assignee)
	return customer, assignee, err
}
