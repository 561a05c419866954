package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
)

// complaintDeadlineSQL is the deadline a complaint runs against
// (complaint.Status.Deadline): the reply while registered, the solution
// while unresolved, NULL after. Migration 0033 indexes this very
// expression, so the text must stay as it is there.
var complaintDeadlineSQL = `(CASE WHEN k.status = ` + sqlString(complaint.StatusRegistered) + ` THEN k.reply_due_at WHEN k.status IN ` +
	unresolvedSQL + ` THEN k.solution_due_at END)`

// complaintListWhere is the condition of f without its cursor.
func complaintListWhere(f complaint.ListFilter) (string, []any) {
	var w []string
	var args []any
	add := func(cond string, a ...any) { w = append(w, cond); args = append(args, a...) }
	add("1 = 1")
	if !f.Scope.All {
		cond, cargs := scopeSQL(f.Scope, f.Now)
		add("k.customer_id IN (SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND "+cond+")", cargs...)
	}
	if len(f.Statuses) > 0 {
		add("k.status IN " + sqlList(f.Statuses))
	}
	if f.CustomerID > 0 {
		add("k.customer_id = ?", f.CustomerID)
	}
	if len(f.Categories) > 0 {
		add("k.category IN " + sqlList(f.Categories))
	}
	if len(f.Severities) > 0 {
		add("k.severity IN " + sqlList(f.Severities))
	}
	if f.Department != "" {
		add("k.department = ?", f.Department)
	}
	if f.AssigneeID > 0 {
		add("k.assignee_id = ?", f.AssigneeID)
	}
	if f.Overdue != nil {
		if *f.Overdue {
			add(complaintDeadlineSQL+" < ?", f.Now.UTC())
		} else {
			add("("+complaintDeadlineSQL+" IS NULL OR "+complaintDeadlineSQL+" >= ?)", f.Now.UTC())
		}
	}
	if !f.ReceivedFrom.IsZero() {
		add("k.received_at >= ?", f.ReceivedFrom.UTC())
	}
	if !f.ReceivedTo.IsZero() {
		add("k.received_at < ?", f.ReceivedTo.UTC())
	}
	if !f.CreatedFrom.IsZero() {
		add("k.created_at >= ?", f.CreatedFrom.UTC())
	}
	if !f.CreatedTo.IsZero() {
		add("k.created_at < ?", f.CreatedTo.UTC())
	}
	return strings.Join(w, " AND "), args
}

// ListComplaints returns complaints matching f (all, or those of customers
// in the customer scope, narrowed by f's filters): newest first, or by
// the running deadline, soonest first and those without one last.
func (db *DB) ListComplaints(ctx context.Context, f complaint.ListFilter) ([]complaint.Complaint, error) {
	where, args := complaintListWhere(f)
	order := " ORDER BY k.id DESC"
	if f.Sort == complaint.SortDeadline {
		order = " ORDER BY (" + complaintDeadlineSQL + " IS NULL), " + complaintDeadlineSQL + ", k.id"
		switch {
		case f.After.ID > 0 && f.After.Due != nil:
			d := f.After.Due.UTC()
			where += " AND (" + complaintDeadlineSQL + " IS NULL OR " + complaintDeadlineSQL + " > ? OR (" + complaintDeadlineSQL + " = ? AND k.id > ?))"
			args = append(args, d, d, f.After.ID)
		case f.After.ID > 0:
			where += " AND " + complaintDeadlineSQL + " IS NULL AND k.id > ?"
			args = append(args, f.After.ID)
		}
	} else if f.After.ID > 0 {
		where += " AND k.id < ?"
		args = append(args, f.After.ID)
	}
	out, err := queryAll(ctx, db, scanComplaint, "SELECT "+complaintColumns+" FROM complaints k WHERE "+where+order+" LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: complaints: %w", err)
	}
	return out, nil
}

// CountComplaints counts the complaints matching f, ignoring its cursor:
// exactly up to countBound, estimated above (listTotal).
func (db *DB) CountComplaints(ctx context.Context, f complaint.ListFilter) (crm.ListTotal, error) {
	where, args := complaintListWhere(f)
	return db.listTotal(ctx, "complaints k", where, args)
}
