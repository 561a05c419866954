package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
)

// chinaTime is where a complaint's month is counted.
var chinaTime = crm.ChinaTime()

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

// CreateComplaint allocates the number — YYYYMM of the month received in
// China time, then the month's next serial from a counter row that the
// insert-or-increment locks — and inserts the complaint in the same
// transaction, so concurrent creators (on any number of kehu instances)
// never share a number. In that transaction too: the audit entry, a
// quality complaint's abnormality record, and for a major one
// (EscalatedAt set) the notice to every gm, in the inbox and the mail
// outbox.
//
// Concurrent creations in one process are group-committed: whoever finds
// no commit running takes every complaint waiting and writes them in one
// transaction, each inside its own savepoint (a failing one is rolled
// back alone and gets its own error), so many complaints share one
// durable commit (one fsync) instead of queueing for one each.
func (db *DB) CreateComplaint(ctx context.Context, c *complaint.Complaint, e *crm.AuditEntry) error {
	req := &createReq{c: c, e: e, done: make(chan error, 1)}
	g := groupOf(db)
	g.mu.Lock()
	g.pending = append(g.pending, req)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if lead {
		g.drain(context.WithoutCancel(ctx), db)
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		// The complaint may still be written by the commit under way.
		return ctx.Err()
	}
}

// maxGroup bounds the complaints of one group commit.
const maxGroup = 256

type createReq struct {
	c    *complaint.Complaint
	e    *crm.AuditEntry
	done chan error
}

type createGroup struct {
	mu      sync.Mutex
	pending []*createReq
	running bool
}

var createGroups sync.Map // *DB → *createGroup

func groupOf(db *DB) *createGroup {
	g, _ := createGroups.LoadOrStore(db, &createGroup{})
	return g.(*createGroup)
}

// drain commits the waiting complaints, batch after batch, until none
// wait.
func (g *createGroup) drain(ctx context.Context, db *DB) {
	for {
		g.mu.Lock()
		batch := g.pending
		if len(batch) > maxGroup {
			batch = batch[:maxGroup]
		}
		g.pending = g.pending[len(batch):]
		if len(batch) == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		db.commitGroup(ctx, batch)
	}
}

func (db *DB) commitGroup(ctx context.Context, batch []*createReq) {
	errs := make([]error, len(batch))
	saved := make([]complaint.Complaint, len(batch))
	for i, r := range batch {
		saved[i] = *r.c
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		p := &preparedTx{Tx: tx, stmts: map[string]*sql.Stmt{}}
		defer p.close()
		audits := make([]crm.AuditEntry, 0, len(batch))
		for i, r := range batch {
			*r.c = saved[i] // a retried transaction starts afresh
			r.e.EntityID = ""
			if _, err := p.exec(ctx, "SAVEPOINT complaint"); err != nil {
				return err
			}
			if errs[i] = insertComplaint(ctx, p, r.c, r.e); errs[i] != nil {
				if _, err := p.exec(ctx, "ROLLBACK TO SAVEPOINT complaint"); err != nil {
					return err
				}
			} else {
				audits = append(audits, *r.e)
			}
			if _, err := p.exec(ctx, "RELEASE SAVEPOINT complaint"); err != nil {
				return err
			}
		}
		// One move of the audit chain's head for the whole group.
		if err := appendAudits(ctx, tx, audits); err != nil {
			return err
		}
		j := 0
		for i, r := range batch {
			if errs[i] == nil {
				*r.e = audits[j]
				j++
			}
		}
		return nil
	})
	for i, r := range batch {
		if err != nil {
			r.done <- err
		} else {
			r.done <- errs[i]
		}
	}
}

// insertComplaint writes one complaint and what comes with it in tx.
func insertComplaint(ctx context.Context, p *preparedTx, c *complaint.Complaint, e *crm.AuditEntry) error {
	tx := p.Tx
	month := c.ReceivedAt.In(chinaTime).Format("200601")
	var serial int64
	err := p.queryRow(ctx, `INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`, "complaint:"+month).Scan(&serial)
	if err != nil {
		return fmt.Errorf("store: complaint number: %w", err)
	}
	c.Number = fmt.Sprintf("%s-%04d", month, serial)
	err = p.queryRow(ctx, `INSERT INTO complaints (number, customer_id, caller_name, caller_phone_enc, contact_name, received_at, channel,
		category, quality, severity, order_no, part_no, quantity, delivery_date, defective_quantity, demand, description, status,
		reply_due_at, solution_due_at, created_by, version, created_at, updated_at,
		contact_email_enc, sla_rule, escalate_after_days, escalated_at, escalation_reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Number, nullID(c.CustomerID), c.CallerName, c.CallerPhoneEnc, c.ContactName, c.ReceivedAt, c.Channel, c.Category, c.Quality,
		c.Severity, c.OrderNo, c.PartNo, c.Quantity, c.DeliveryDate, c.DefectiveQuantity, c.Demand, c.Description, c.Status,
		c.ReplyDueAt, c.SolutionDueAt, nullID(c.CreatedBy), c.CreatedAt, c.UpdatedAt,
		c.ContactEmailEnc, c.SLARule, c.EscalateAfterDays, c.EscalatedAt, c.EscalationReason).Scan(&c.ID)
	if err != nil {
		return err
	}
	id := strconv.FormatInt(c.ID, 10)
	e.EntityID = id
	if c.Quality {
		if err := openAbnormality(ctx, tx, c); err != nil {
			return err
		}
	}
	if c.EscalatedAt != nil {
		gms, err := activeUsers(ctx, tx, crm.RoleGM)
		if err != nil {
			return err
		}
		msg := "重大客诉 " + c.Number + " 已上报总经理 / major complaint " + c.Number + " escalated to the GM"
		if err := sendNotices(ctx, tx, noticesTo(gms, "complaint_escalated", id, msg), c.CreatedAt); err != nil {
			return err
		}
	}
	return nil
}

// preparedTx prepares each statement once per transaction on SQLite,
// where parsing costs as much as running a small insert; PostgreSQL's
// driver caches prepared statements itself.
type preparedTx struct {
	*Tx
	stmts map[string]*sql.Stmt
}

func (p *preparedTx) stmt(ctx context.Context, q string) *sql.Stmt {
	if p.engine != SQLite {
		return nil
	}
	if st, ok := p.stmts[q]; ok {
		return st
	}
	st, err := p.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil // the plain path reports the error
	}
	p.stmts[q] = st
	return st
}

func (p *preparedTx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.Exec(ctx, q, args...)
}

func (p *preparedTx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.QueryRow(ctx, q, args...)
}

func (p *preparedTx) close() {
	for _, st := range p.stmts {
		st.Close()
	}
}

// nextSerial increments a named counter in tx and returns its new value.
func nextSerial(ctx context.Context, tx *Tx, name string) (int64, error) {
	var serial int64
	err := tx.QueryRow(ctx, `INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`, name).Scan(&serial)
	return serial, err
}

// Complaint reads one complaint.
func (db *DB) Complaint(ctx context.Context, id int64) (complaint.Complaint, error) {
	c, err := scanComplaint(db.QueryRow(ctx, "SELECT "+complaintColumns+" FROM complaints k WHERE k.id = ?", id))
	return c, notFound(err, "such complaint")
}

// ListComplaints returns complaints in scope (all, or those of customers
// in the customer scope), newest first.
func (db *DB) ListComplaints(ctx context.Context, s crm.Scope, beforeID int64, limit int) ([]complaint.Complaint, error) {
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
	out := []complaint.Complaint{}
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
			return crm.Errorf(crm.EVersionConflict, "the complaint was changed by someone else; reload and try again")
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
	rows, err := db.Query(ctx, `SELECT id, complaint_id, from_status, to_status, note, detail, actor_id, at
		FROM complaint_events WHERE complaint_id = ? ORDER BY id`, complaintID)
	if err != nil {
		return nil, fmt.Errorf("store: complaint events: %w", err)
	}
	defer rows.Close()
	out := []complaint.ComplaintEvent{}
	for rows.Next() {
		var ev complaint.ComplaintEvent
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
func (db *DB) ComplaintByStatusToken(ctx context.Context, hash string) (complaint.Complaint, error) {
	c, err := scanComplaint(db.QueryRow(ctx, "SELECT "+complaintColumns+" FROM complaints k WHERE k.status_token_hash = ? AND k.status_token_hash <> ''", hash))
	return c, notFound(err, "such complaint")
}
