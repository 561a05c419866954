package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// overdueCondition is an open complaint past a deadline it has not met.
const overdueCondition = `overdue_at IS NULL AND status <> 'closed' AND (
	(status = 'registered' AND reply_due_at < ?)
	OR (solution_due_at IS NOT NULL AND solution_due_at < ?
		AND status IN ('registered', 'accepted', 'assigned', 'investigating', 'solution_proposed')))`

// MarkOverdue marks overdue complaints, notifies the people responsible
// and audits each mark, in one transaction (see crm.OverdueStore).
func (db *DB) MarkOverdue(ctx context.Context, now time.Time) ([]crm.Complaint, error) {
	now = now.UTC()
	var marked []crm.Complaint
	err := db.InTx(ctx, func(tx *Tx) error {
		marked = nil
		rows, err := tx.Query(ctx, "SELECT "+complaintColumns+" FROM complaints k WHERE "+overdueCondition+" ORDER BY id LIMIT 5000", now, now)
		if err != nil {
			return err
		}
		for rows.Next() {
			c, err := scanComplaint(rows)
			if err != nil {
				rows.Close()
				return err
			}
			marked = append(marked, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range marked {
			c := &marked[i]
			if _, err := tx.Exec(ctx, "UPDATE complaints SET overdue_at = ? WHERE id = ? AND overdue_at IS NULL", now, c.ID); err != nil {
				return err
			}
			people, err := responsible(ctx, tx, c.AssigneeID)
			if err != nil {
				return err
			}
			msg := "客诉 " + c.Number + " 已逾期（" + c.Status + "）/ complaint " + c.Number + " is overdue"
			for _, u := range people {
				if _, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, kind, entity, entity_id, message, created_at)
					VALUES (?, 'complaint_overdue', 'complaint', ?, ?, ?)`, u, strconv.FormatInt(c.ID, 10), msg, now); err != nil {
					return err
				}
			}
			e := crm.AuditEntry{At: now, Username: "system:sla", Action: crm.AuditUpdate, Entity: "complaint", EntityID: strconv.FormatInt(c.ID, 10),
				Detail: changeDetail(map[string]crm.Change{"overdue": {Before: false, After: true}})}
			if err := tx.AppendAudit(ctx, &e); err != nil {
				return err
			}
			c.OverdueAt = &now
		}
		return nil
	})
	return marked, err
}

// responsible returns who hears of an overdue complaint: the assignee
// and their manager, or every active gm when nobody is assigned yet.
func responsible(ctx context.Context, tx *Tx, assignee int64) ([]int64, error) {
	if assignee != 0 {
		var manager sql.NullInt64
		if err := tx.QueryRow(ctx, "SELECT manager_id FROM users WHERE id = ?", assignee).Scan(&manager); err != nil {
			return nil, err
		}
		out := []int64{assignee}
		if manager.Valid {
			out = append(out, manager.Int64)
		}
		return out, nil
	}
	rows, err := tx.Query(ctx, "SELECT id FROM users WHERE role = 'gm' AND disabled_at IS NULL ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Notifications returns a user's notifications, newest first.
func (db *DB) Notifications(ctx context.Context, userID int64, unreadOnly bool, limit int) ([]crm.Notification, error) {
	q := "SELECT id, user_id, kind, entity, entity_id, message, created_at, read_at FROM notifications WHERE user_id = ?"
	if unreadOnly {
		q += " AND read_at IS NULL"
	}
	rows, err := db.Query(ctx, q+" ORDER BY id DESC LIMIT ?", userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: notifications: %w", err)
	}
	defer rows.Close()
	out := []crm.Notification{}
	for rows.Next() {
		var n crm.Notification
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.UserID, &n.Kind, &n.Entity, &n.EntityID, &n.Message, &n.CreatedAt, &read); err != nil {
			return nil, err
		}
		n.ReadAt = timePtr(read)
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkNotificationRead marks a user's own notification read.
func (db *DB) MarkNotificationRead(ctx context.Context, userID, id int64, at time.Time) error {
	res, err := db.Exec(ctx, "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL", at.UTC(), id, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return crm.Errorf(crm.ENotFound, "no unread notification %d", id)
	}
	return nil
}
