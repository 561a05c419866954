package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/inbox"
)

// The sweep's detection queries: open complaints past a deadline they
// have not met and not yet marked. Each reads one partial index on open
// complaints only (complaints_reply_open, complaints_solution_open), so
// it stays fast however many closed complaints there are.
const (
	overdueReplyQuery    = `SELECT id FROM complaints WHERE overdue_at IS NULL AND status = 'registered' AND reply_due_at < ?`
	overdueSolutionQuery = `SELECT id FROM complaints WHERE overdue_at IS NULL AND solution_due_at IS NOT NULL
		AND status IN ('registered', 'accepted', 'assigned', 'investigating', 'solution_proposed') AND solution_due_at < ?`
	// OverdueDetectionQuery is both. One sweep transaction marks at most
	// 5000; the next sweep (30 s later) takes the rest.
	OverdueDetectionQuery = overdueReplyQuery + " UNION " + overdueSolutionQuery + " ORDER BY id LIMIT 5000"
)

// MarkOverdue marks overdue complaints, sets when each goes to the gm
// (escalateAt of its rule's delay), notifies the people responsible in
// the inbox and the mail outbox, and audits each mark, in one
// transaction (see crm.OverdueStore).
func (db *DB) MarkOverdue(ctx context.Context, now time.Time, escalateAt func(n int) time.Time) ([]complaint.Complaint, error) {
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
		byDays := map[int][]int64{}
		for _, c := range marked {
			byDays[c.EscalateAfterDays] = append(byDays[c.EscalateAfterDays], c.ID)
		}
		for days, group := range byDays {
			at := now
			if escalateAt != nil {
				at = escalateAt(days).UTC()
			}
			for _, chunk := range chunks(group, 500) {
				if _, err := tx.Exec(ctx, "UPDATE complaints SET overdue_at = ?, escalate_at = ? WHERE overdue_at IS NULL AND id IN ("+inList(len(chunk))+")",
					append([]any{now, at}, int64Args(chunk)...)...); err != nil {
					return err
				}
			}
		}
		managers := map[int64]int64{}
		var gms []int64
		var notices []notice
		audits := make([]crm.AuditEntry, 0, len(marked))
		for i := range marked {
			c := &marked[i]
			c.OverdueAt = &now
			at := now
			if escalateAt != nil {
				at = escalateAt(c.EscalateAfterDays).UTC()
			}
			c.EscalateAt = &at
			var people []int64
			if c.AssigneeID != 0 {
				m, ok := managers[c.AssigneeID]
				if !ok {
					var manager sql.NullInt64
					if err := tx.QueryRow(ctx, "SELECT manager_id FROM users WHERE id = ?", c.AssigneeID).Scan(&manager); err != nil {
						return err
					}
					m = manager.Int64
					managers[c.AssigneeID] = m
				}
				people = []int64{c.AssigneeID}
				if m != 0 {
					people = append(people, m)
				}
			} else {
				if gms == nil {
					if gms, err = activeUsers(ctx, tx, crm.RoleGM); err != nil {
						return err
					}
				}
				people = gms
			}
			id := strconv.FormatInt(c.ID, 10)
			msg := "客诉 " + c.Number + " 已逾期（" + c.Status + "）/ complaint " + c.Number + " is overdue"
			notices = append(notices, noticesTo(people, "complaint_overdue", id, msg)...)
			audits = append(audits, crm.AuditEntry{At: now, Username: "system:sla", Action: crm.AuditUpdate, Entity: "complaint", EntityID: id,
				Detail: changeDetail(map[string]crm.Change{"overdue": {Before: false, After: true}})})
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
const EscalateQuery = `SELECT id FROM complaints WHERE escalated_at IS NULL AND escalate_at IS NOT NULL AND escalate_at <= ?
	AND status IN ('registered', 'accepted', 'assigned', 'investigating', 'solution_proposed') ORDER BY id LIMIT 5000`

// EscalateDue escalates overdue complaints to every active gm, once each
// (escalated_at is set where it is still empty), with an inbox notice,
// mail through the outbox and an audit entry, in one transaction.
func (db *DB) EscalateDue(ctx context.Context, now time.Time) ([]complaint.Complaint, error) {
	now = now.UTC()
	var out []complaint.Complaint
	err := db.InTx(ctx, func(tx *Tx) error {
		out = nil
		ids, err := queryIDs(ctx, tx, EscalateQuery, now)
		if err != nil || len(ids) == 0 {
			return err
		}
		for _, chunk := range chunks(ids, 500) {
			if _, err := tx.Exec(ctx, "UPDATE complaints SET escalated_at = ?, escalation_reason = 'overdue' WHERE escalated_at IS NULL AND id IN ("+inList(len(chunk))+")",
				append([]any{now}, int64Args(chunk)...)...); err != nil {
				return err
			}
		}
		if out, err = complaintsByID(ctx, tx, ids); err != nil {
			return err
		}
		gms, err := activeUsers(ctx, tx, crm.RoleGM)
		if err != nil {
			return err
		}
		var notices []notice
		audits := make([]crm.AuditEntry, 0, len(out))
		for _, c := range out {
			id := strconv.FormatInt(c.ID, 10)
			msg := "逾期客诉 " + c.Number + " 已上报总经理 / overdue complaint " + c.Number + " escalated to the GM"
			notices = append(notices, noticesTo(gms, "complaint_escalated", id, msg)...)
			audits = append(audits, crm.AuditEntry{At: now, Username: "system:sla", Action: crm.AuditUpdate, Entity: "complaint", EntityID: id,
				Detail: changeDetail(map[string]crm.Change{"escalated": {Before: nil, After: "overdue"}})})
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
		rows, err := tx.Query(ctx, "SELECT "+complaintColumns+" FROM complaints k WHERE k.id IN ("+inList(len(chunk))+") ORDER BY k.id", int64Args(chunk)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			c, err := scanComplaint(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// querier runs queries: a *DB or a *Tx.
// queryIDs runs a query of one integer column (IDs) and returns its rows.
func queryIDs(ctx context.Context, db querier, q string, args ...any) ([]int64, error) {
	return queryAll(ctx, db, func(s scanner) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	}, q, args...)
}

func chunks(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

func inList(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// activeUsers returns the active users of a role, by id.
func activeUsers(ctx context.Context, tx *Tx, role crm.Role) ([]int64, error) {
	rows, err := tx.Query(ctx, "SELECT id FROM users WHERE role = ? AND disabled_at IS NULL ORDER BY id", string(role))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// notice is one inbox message (and mail, when its user gave an address).
type notice struct {
	user                    int64
	kind, entityID, message string
}

func noticesTo(users []int64, kind, entityID, msg string) []notice {
	out := make([]notice, len(users))
	for i, u := range users {
		out[i] = notice{user: u, kind: kind, entityID: entityID, message: msg}
	}
	return out
}

// sendNotices writes notices to the inbox and, for users with a notice
// address, to the mail outbox, in tx, a few hundred rows a statement.
func sendNotices(ctx context.Context, tx *Tx, ns []notice, now time.Time) error {
	if len(ns) == 0 {
		return nil
	}
	users := map[int64]bool{}
	for _, n := range ns {
		users[n.user] = true
	}
	ids := make([]int64, 0, len(users))
	for u := range users {
		ids = append(ids, u)
	}
	emails := map[int64]string{}
	for _, chunk := range chunks(ids, 500) {
		rows, err := tx.Query(ctx, "SELECT user_id, email FROM notification_emails WHERE email <> '' AND user_id IN ("+inList(len(chunk))+")", int64Args(chunk)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var e string
			if err := rows.Scan(&id, &e); err != nil {
				rows.Close()
				return err
			}
			emails[id] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	var mails []complaint.OutboxMail
	for start := 0; start < len(ns); start += 200 {
		part := ns[start:min(start+200, len(ns))]
		args := make([]any, 0, len(part)*6)
		for _, n := range part {
			args = append(args, n.user, n.kind, "complaint", n.entityID, n.message, now)
			if e := emails[n.user]; e != "" {
				mails = append(mails, complaint.OutboxMail{To: e, Subject: n.message, Kind: n.kind,
					Body: n.message + "\n\n" + complaint.PublicURLPlaceholder + "/complaints/" + n.entityID + "\n"})
			}
		}
		if _, err := tx.Exec(ctx, "INSERT INTO notifications (user_id, kind, entity, entity_id, message, created_at) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", len(part)), ", "), args...); err != nil {
			return err
		}
	}
	return queueMail(ctx, tx, mails, now)
}

// queueMail writes mail to the outbox in tx; the SLA job sends it after
// commit, so a slow or failing mail server never holds up or undoes the
// change that caused the mail.
func queueMail(ctx context.Context, tx *Tx, mails []complaint.OutboxMail, now time.Time) error {
	for start := 0; start < len(mails); start += 200 {
		part := mails[start:min(start+200, len(mails))]
		args := make([]any, 0, len(part)*6)
		for _, m := range part {
			args = append(args, m.To, m.Subject, m.Body, m.Kind, now, now)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO mail_outbox (to_addr, subject, body, kind, created_at, next_attempt_at) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", len(part)), ", "), args...); err != nil {
			return fmt.Errorf("store: mail outbox: %w", err)
		}
	}
	return nil
}

// appendAudits appends entries to the hash chain in tx with one move of
// the head: the same chain AppendAudit writes, entry by entry.
func appendAudits(ctx context.Context, tx *Tx, es []crm.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	var last int64
	var prev string
	if err := tx.QueryRow(ctx, "UPDATE audit_head SET seq = seq + ? WHERE id = 1 RETURNING seq, last_hash", len(es)).Scan(&last, &prev); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	first := last - int64(len(es)) + 1
	for start := 0; start < len(es); start += 200 {
		part := es[start:min(start+200, len(es))]
		args := make([]any, 0, len(part)*12)
		for i := range part {
			e := &part[i]
			e.ID = first + int64(start+i)
			if e.At.IsZero() {
				e.At = time.Now()
			}
			e.At = e.At.UTC().Truncate(time.Microsecond)
			if e.Detail == "" {
				e.Detail = "{}"
			}
			hash := auditHash(prev, e)
			var userID any
			if e.UserID > 0 {
				userID = e.UserID
			}
			args = append(args, e.ID, e.At, userID, e.Username, e.Action, e.Entity, e.EntityID, e.Detail, e.IP, e.RequestID, prev, hash)
			prev = hash
		}
		if _, err := tx.Exec(ctx, `INSERT INTO audit_log (id, at, user_id, username, action, entity, entity_id, detail, ip, request_id, prev_hash, hash)
			VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(part)), ", "), args...); err != nil {
			return fmt.Errorf("store: append audit entries: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, "UPDATE audit_head SET last_hash = ? WHERE id = 1", prev); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	return nil
}

// NotificationEmail returns where a user wants notices by e-mail, or "".
func (db *DB) NotificationEmail(ctx context.Context, userID int64) (string, error) {
	var e string
	err := db.QueryRow(ctx, "SELECT email FROM notification_emails WHERE user_id = ?", userID).Scan(&e)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return e, err
}

// SetNotificationEmail sets or (empty) removes a user's notice address.
func (db *DB) SetNotificationEmail(ctx context.Context, userID int64, email string, at time.Time, e *crm.AuditEntry) error {
	e.EntityID = strconv.FormatInt(userID, 10)
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if email == "" {
			_, err := tx.Exec(ctx, "DELETE FROM notification_emails WHERE user_id = ?", userID)
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO notification_emails (user_id, email, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at`, userID, email, at)
		return err
	})
}

// Notifications returns a user's notifications, newest first.
func (db *DB) Notifications(ctx context.Context, userID int64, unreadOnly bool, limit int) ([]inbox.Notification, error) {
	q := "SELECT id, user_id, kind, entity, entity_id, message, created_at, read_at FROM notifications WHERE user_id = ?"
	if unreadOnly {
		q += " AND read_at IS NULL"
	}
	rows, err := db.Query(ctx, q+" ORDER BY id DESC LIMIT ?", userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: notifications: %w", err)
	}
	defer rows.Close()
	out := []inbox.Notification{}
	for rows.Next() {
		var n inbox.Notification
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
