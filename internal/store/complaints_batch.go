package store

import (
	"context"
	"database/sql"
	"strconv"
	"sync"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
)

// complaintGroups are the complaints' group commits (write_group.go), one
// per database.
var complaintGroups sync.Map // *DB → *writeGroup[*auditedWrite]

// insertComplaint writes one complaint and what comes with it in tx.
func insertComplaint(ctx context.Context, p *preparedTx, c *complaint.Complaint, r complaint.Registration, e *crm.AuditEntry) error {
	var err error
	if c.Number, err = allocateNumber(ctx, p, r.Number); err != nil {
		return err
	}
	err = p.QueryRow(ctx, `INSERT INTO complaints (number, customer_id, caller_name, caller_phone_enc, contact_name, received_at, channel,
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
	e.EntityID = strconv.FormatInt(c.ID, 10)
	if r.Then == nil {
		return nil
	}
	in := r.Then(*c)
	if in.Abnormality != nil {
		if c.AbnormalityID, err = openAbnormality(ctx, p.Tx, *in.Abnormality); err != nil {
			return err
		}
	}
	return sendNotices(ctx, p.Tx, in.Notices, c.CreatedAt)
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

// QueryRow reads one row through the transaction's prepared statement.
func (p *preparedTx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.Tx.QueryRow(ctx, q, args...)
}

func (p *preparedTx) close() {
	for _, st := range p.stmts {
		st.Close()
	}
}
