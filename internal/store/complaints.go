package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
)

const complaintColumns = `k.id, k.number, k.customer_id, k.caller_name, k.caller_phone_enc, k.contact_name, k.received_at, k.channel,
	k.category, k.quality, k.severity, k.order_no, k.part_no, k.quantity, k.delivery_date, k.defective_quantity, k.demand,
	k.description, k.status, k.reply_due_at, k.solution_due_at, k.created_by, k.version, k.created_at, k.updated_at,
	k.department, k.assignee_id, k.batch_no, k.line_no, k.shift, k.operator_name, k.production_date, k.cause, k.handling,
	k.responsibility, k.corrective_action, k.effect_confirmed, k.delay_reason, k.closed_at, k.overdue_at,
	k.contact_email_enc, k.sla_rule, k.escalate_after_days, k.escalate_at, k.escalated_at, k.escalation_reason, k.abnormality_id,
	k.csat_score, k.csat_comment, k.csat_at`

func scanComplaint(s scanner) (complaint.Complaint, error) {
	var c complaint.Complaint
	var customer, qty, defective, createdBy sql.NullInt64
	var solution, closed, overdue, escAt, escalated, csatAt sql.NullTime
	var assignee, abnormality, csat sql.NullInt64
	err := s.Scan(&c.ID, &c.Number, &customer, &c.CallerName, &c.CallerPhoneEnc, &c.ContactName, &c.ReceivedAt, &c.Channel,
		&c.Category, &c.Quality, &c.Severity, &c.OrderNo, &c.PartNo, &qty, &c.DeliveryDate, &defective, &c.Demand,
		&c.Description, &c.Status, &c.ReplyDueAt, &solution, &createdBy, &c.Version, &c.CreatedAt, &c.UpdatedAt,
		&c.Department, &assignee, &c.BatchNo, &c.LineNo, &c.Shift, &c.OperatorName, &c.ProductionDate, &c.Cause, &c.Handling,
		&c.Responsibility, &c.CorrectiveAction, &c.EffectConfirmed, &c.DelayReason, &closed, &overdue,
		&c.ContactEmailEnc, &c.SLARule, &c.EscalateAfterDays, &escAt, &escalated, &c.EscalationReason, &abnormality,
		&csat, &c.CSATComment, &csatAt)
	c.CustomerID, c.CreatedBy, c.SolutionDueAt = customer.Int64, createdBy.Int64, timePtr(solution)
	c.AssigneeID, c.ClosedAt, c.OverdueAt = assignee.Int64, timePtr(closed), timePtr(overdue)
	c.EscalateAt, c.EscalatedAt, c.AbnormalityID, c.CSATAt = timePtr(escAt), timePtr(escalated), abnormality.Int64, timePtr(csatAt)
	if csat.Valid {
		n := int(csat.Int64)
		c.CSATScore = &n
	}
	if qty.Valid {
		c.Quantity = &qty.Int64
	}
	if defective.Valid {
		c.DefectiveQuantity = &defective.Int64
	}
	return c, err
}

// CreateComplaint allocates the number — the month's next serial of
// r.Number (nextSerial) — and inserts the complaint in the same
// transaction, so concurrent creators (on any number of kehu instances)
// never share a number. In that transaction too: the audit entry and
// what r.Then decides comes with the complaint (a quality complaint's
// abnormality record, notices in the inbox and the mail outbox).
//
// Concurrent creations in one process are group-committed: whoever finds
// no commit running takes every complaint waiting and writes them in one
// transaction, each inside its own savepoint (a failing one is rolled
// back alone and gets its own error), so many complaints share one
// durable commit (one fsync) instead of queueing for one each.
func (db *DB) CreateComplaint(ctx context.Context, c *complaint.Complaint, r complaint.Registration, e *crm.AuditEntry) error {
	saved := *c
	return db.groupAudited(ctx, &complaintGroups, &auditedWrite{e: e,
		fn:    func(ctx context.Context, p *preparedTx) error { return insertComplaint(ctx, p, c, r, e) },
		reset: func() { *c = saved }})
}

// Complaint reads one complaint.
func (db *DB) Complaint(ctx context.Context, id int64) (complaint.Complaint, error) {
	c, err := scanComplaint(db.QueryRow(ctx, "SELECT "+complaintColumns+" FROM complaints k WHERE k.id = ?", id))
	return c, noSuch(err, "complaint_err.no_such_complaint")
}

// ComplaintTimes returns when each of a customer's complaints was
// received, oldest first.
func (db *DB) ComplaintTimes(ctx context.Context, customerID int64) ([]time.Time, error) {
	out, err := queryAll(ctx, db, func(s scanner) (t time.Time, err error) { return t, s.Scan(&t) },
		"SELECT received_at FROM complaints WHERE customer_id = ? ORDER BY received_at", customerID)
	if err != nil {
		return nil, fmt.Errorf("store: complaint times: %w", err)
	}
	return out, nil
}

// MoveComplaint writes a workflow step: the complaint's new status and
// fields (if its version is current), the step's event and its audit
// entry, in one transaction.
func (db *DB) MoveComplaint(ctx context.Context, c *complaint.Complaint, ev *complaint.ComplaintEvent, e *crm.AuditEntry, survey *complaint.CSATSurvey, mails []complaint.OutboxMail) error {
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
			return crm.Fail(crm.EVersionConflict, "store.complaint.changed")
		}
		err = tx.QueryRow(ctx, `INSERT INTO complaint_events (complaint_id, from_status, to_status, note, detail, actor_id, at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, ev.ComplaintID, ev.From, ev.To, ev.Note, detail, nullID(ev.ActorID), ev.At).Scan(&ev.ID)
		if err != nil || survey == nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO csat_surveys (complaint_id, token_hash, channel, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			survey.ComplaintID, survey.TokenHash, survey.Channel, survey.CreatedAt).Scan(&survey.ID); err != nil {
			return err
		}
		return queueMail(ctx, tx, mails, ev.At)
	})
	if err == nil {
		c.Version++
	}
	return err
}

// ComplaintEvents returns a complaint's steps, oldest first.
func (db *DB) ComplaintEvents(ctx context.Context, complaintID int64) ([]complaint.ComplaintEvent, error) {
	out, err := queryAll(ctx, db, scanComplaintEvent, `SELECT id, complaint_id, from_status, to_status, note, detail, actor_id, at
		FROM complaint_events WHERE complaint_id = ? ORDER BY id`, complaintID)
	if err != nil {
		return nil, fmt.Errorf("store: complaint events: %w", err)
	}
	return out, nil
}

func scanComplaintEvent(s scanner) (complaint.ComplaintEvent, error) {
	var ev complaint.ComplaintEvent
	var detail string
	var actor sql.NullInt64
	if err := s.Scan(&ev.ID, &ev.ComplaintID, &ev.From, &ev.To, &ev.Note, &detail, &actor, &ev.At); err != nil {
		return ev, err
	}
	ev.ActorID, ev.Fields = actor.Int64, map[string]string{}
	_ = json.Unmarshal([]byte(detail), &ev.Fields)
	return ev, nil
}

// SetStatusToken stores the hash of a complaint's public status token.
func (db *DB) SetStatusToken(ctx context.Context, id int64, hash string) error {
	_, err := db.Exec(ctx, "UPDATE complaints SET status_token_hash = ? WHERE id = ?", hash, id)
	return err
}

// ComplaintByStatusToken finds a complaint by the hash of its token.
func (db *DB) ComplaintByStatusToken(ctx context.Context, hash string) (complaint.Complaint, error) {
	c, err := scanComplaint(db.QueryRow(ctx, "SELECT "+complaintColumns+" FROM complaints k WHERE k.status_token_hash = ? AND k.status_token_hash <> ''", hash))
	return c, noSuch(err, "complaint_err.no_such_complaint")
}
