package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// chinaTime is where a complaint's month is counted.
var chinaTime = crm.ChinaTime()

const complaintColumns = `k.id, k.number, k.customer_id, k.caller_name, k.caller_phone_enc, k.contact_name, k.received_at, k.channel,
	k.category, k.quality, k.severity, k.order_no, k.part_no, k.quantity, k.delivery_date, k.defective_quantity, k.demand,
	k.description, k.status, k.reply_due_at, k.solution_due_at, k.created_by, k.version, k.created_at, k.updated_at,
	k.department, k.assignee_id, k.batch_no, k.line_no, k.shift, k.operator_name, k.production_date, k.cause, k.handling,
	k.responsibility, k.corrective_action, k.effect_confirmed, k.delay_reason, k.closed_at, k.overdue_at`

func scanComplaint(s scanner) (crm.Complaint, error) {
	var c crm.Complaint
	var customer, qty, defective, createdBy sql.NullInt64
	var solution, closed, overdue sql.NullTime
	var assignee sql.NullInt64
	err := s.Scan(&c.ID, &c.Number, &customer, &c.CallerName, &c.CallerPhoneEnc, &c.ContactName, &c.ReceivedAt, &c.Channel,
		&c.Category, &c.Quality, &c.Severity, &c.OrderNo, &c.PartNo, &qty, &c.DeliveryDate, &defective, &c.Demand,
		&c.Description, &c.Status, &c.ReplyDueAt, &solution, &createdBy, &c.Version, &c.CreatedAt, &c.UpdatedAt,
		&c.Department, &assignee, &c.BatchNo, &c.LineNo, &c.Shift, &c.OperatorName, &c.ProductionDate, &c.Cause, &c.Handling,
		&c.Responsibility, &c.CorrectiveAction, &c.EffectConfirmed, &c.DelayReason, &closed, &overdue)
	c.CustomerID, c.CreatedBy, c.SolutionDueAt = customer.Int64, createdBy.Int64, timePtr(solution)
	c.AssigneeID, c.ClosedAt, c.OverdueAt = assignee.Int64, timePtr(closed), timePtr(overdue)
	if qty.Valid {
		c.Quantity = &qty.Int64
	}
	if defective.Valid {
		c.DefectiveQuantity = &defective.Int64
	}
	return c, err
}

// CreateComplaint allocates the number — YYYYMM of the month received in
// China time, then the month's next serial from a counter row that the
// insert-or-increment locks — and inserts the complaint in the same
// transaction, so concurrent creators (on any number of kehu instances)
// never share a number.
func (db *DB) CreateComplaint(ctx context.Context, c *crm.Complaint, e *crm.AuditEntry) error {
	month := c.ReceivedAt.In(chinaTime).Format("200601")
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var serial int64
		err := tx.QueryRow(ctx, `INSERT INTO counters (name, value) VALUES (?, 1)
			ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`, "complaint:"+month).Scan(&serial)
		if err != nil {
			return fmt.Errorf("store: complaint number: %w", err)
		}
		c.Number = fmt.Sprintf("%s-%04d", month, serial)
		err = tx.QueryRow(ctx, `INSERT INTO complaints (number, customer_id, caller_name, caller_phone_enc, contact_name, received_at, channel,
			category, quality, severity, order_no, part_no, quantity, delivery_date, defective_quantity, demand, description, status,
			reply_due_at, solution_due_at, created_by, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			c.Number, nullID(c.CustomerID), c.CallerName, c.CallerPhoneEnc, c.ContactName, c.ReceivedAt, c.Channel, c.Category, c.Quality,
			c.Severity, c.OrderNo, c.PartNo, c.Quantity, c.DeliveryDate, c.DefectiveQuantity, c.Demand, c.Description, c.Status,
			c.ReplyDueAt, c.SolutionDueAt, nullID(c.CreatedBy), c.CreatedAt, c.UpdatedAt).Scan(&c.ID)
		e.EntityID = strconv.FormatInt(c.ID, 10)
		return err
	})
}

// Complaint reads one complaint.
func (db *DB) Complaint(ctx context.Context, id int64) (crm.Complaint, error) {
	c, err := scanComplaint(db.QueryRow(ctx, "SELECT "+complaintColumns+" FROM complaints k WHERE k.id = ?", id))
	return c, notFound(err, "such complaint")
}

// ListComplaints returns complaints in scope (all, or those of customers
// in the customer scope), newest first.
func (db *DB) ListComplaints(ctx context.Context, s crm.Scope, beforeID int64, limit int) ([]crm.Complaint, error) {
	q := "SELECT " + complaintColumns + " FROM complaints k WHERE 1 = 1"
	var args []any
	if !s.All {
		cond, cargs := scopeSQL(s, time.Now())
		q += " AND k.customer_id IN (SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND " + cond + ")"
		args = append(args, cargs...)
	}
	if beforeID > 0 {
		q += " AND k.id < ?"
		args = append(args, beforeID)
	}
	rows, err := db.Query(ctx, q+" ORDER BY k.id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: complaints: %w", err)
	}
	defer rows.Close()
	out := []crm.Complaint{}
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ComplaintTimes returns when each of a customer's complaints was
// received, oldest first.
func (db *DB) ComplaintTimes(ctx context.Context, customerID int64) ([]time.Time, error) {
	rows, err := db.Query(ctx, "SELECT received_at FROM complaints WHERE customer_id = ? ORDER BY received_at", customerID)
	if err != nil {
		return nil, fmt.Errorf("store: complaint times: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// MoveComplaint writes a workflow step: the complaint's new status and
// fields (if its version is current), the step's event and its audit
// entry, in one transaction.
func (db *DB) MoveComplaint(ctx context.Context, c *crm.Complaint, ev *crm.ComplaintEvent, e *crm.AuditEntry) error {
	detail := changeDetail(nil)
	if b, err := json.Marshal(ev.Fields); err == nil {
		detail = string(b)
	}
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE complaints SET status = ?, department = ?, assignee_id = ?, batch_no = ?, line_no = ?, shift = ?,
			operator_name = ?, production_date = ?, cause = ?, handling = ?, responsibility = ?, corrective_action = ?,
			effect_confirmed = ?, delay_reason = ?, closed_at = ?, order_no = ?, part_no = ?, delivery_date = ?, demand = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			c.Status, c.Department, nullID(c.AssigneeID), c.BatchNo, c.LineNo, c.Shift, c.OperatorName, c.ProductionDate, c.Cause,
			c.Handling, c.Responsibility, c.CorrectiveAction, c.EffectConfirmed, c.DelayReason, c.ClosedAt, c.OrderNo, c.PartNo,
			c.DeliveryDate, c.Demand, c.UpdatedAt, c.ID, c.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Errorf(crm.EVersionConflict, "the complaint was changed by someone else; reload and try again")
		}
		return tx.QueryRow(ctx, `INSERT INTO complaint_events (complaint_id, from_status, to_status, note, detail, actor_id, at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, ev.ComplaintID, ev.From, ev.To, ev.Note, detail, nullID(ev.ActorID), ev.At).Scan(&ev.ID)
	})
	if err == nil {
		c.Version++
	}
	return err
}

// ComplaintEvents returns a complaint's steps, oldest first.
func (db *DB) ComplaintEvents(ctx context.Context, complaintID int64) ([]crm.ComplaintEvent, error) {
	rows, err := db.Query(ctx, `SELECT id, complaint_id, from_status, to_status, note, detail, actor_id, at
		FROM complaint_events WHERE complaint_id = ? ORDER BY id`, complaintID)
	if err != nil {
		return nil, fmt.Errorf("store: complaint events: %w", err)
	}
	defer rows.Close()
	out := []crm.ComplaintEvent{}
	for rows.Next() {
		var ev crm.ComplaintEvent
		var detail string
		var actor sql.NullInt64
		if err := rows.Scan(&ev.ID, &ev.ComplaintID, &ev.From, &ev.To, &ev.Note, &detail, &actor, &ev.At); err != nil {
			return nil, err
		}
		ev.ActorID, ev.Fields = actor.Int64, map[string]string{}
		_ = json.Unmarshal([]byte(detail), &ev.Fields)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// SetStatusToken stores the hash of a complaint's public status token.
func (db *DB) SetStatusToken(ctx context.Context, id int64, hash string) error {
	_, err := db.Exec(ctx, "UPDATE complaints SET status_token_hash = ? WHERE id = ?", hash, id)
	return err
}

// ComplaintByStatusToken finds a complaint by the hash of its token.
func (db *DB) ComplaintByStatusToken(ctx context.Context, hash string) (crm.Complaint, error) {
	c, err := scanComplaint(db.QueryRow(ctx, "SELECT "+complaintColumns+" FROM complaints k WHERE k.status_token_hash = ? AND k.status_token_hash <> ''", hash))
	return c, notFound(err, "such complaint")
}
