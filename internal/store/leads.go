package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/lead"
)

const leadColumns = `l.id, l.company_name, l.contact_name, l.mobile_enc, l.mobile_idx, l.mobile_last4, l.source, l.notes, l.status,
	l.created_by, cu.username, l.assignee_id, COALESCE(au.username, ''), l.customer_id, l.version, l.created_at, l.updated_at`

const leadFrom = ` FROM leads l JOIN users cu ON cu.id = l.created_by LEFT JOIN users au ON au.id = l.assignee_id`

func scanLead(sc scanner) (lead.Lead, error) {
	var l lead.Lead
	var assignee, cust sql.NullInt64
	err := sc.Scan(&l.ID, &l.CompanyName, &l.ContactName, &l.MobileEnc, &l.MobileIdx, &l.MobileLast4, &l.Source, &l.Notes, &l.Status,
		&l.CreatedBy, &l.CreatedByName, &assignee, &l.AssigneeName, &cust, &l.Version, &l.CreatedAt, &l.UpdatedAt)
	l.AssigneeID, l.CustomerID = assignee.Int64, cust.Int64
	return l, err
}

func insertLeadEvent(ctx context.Context, tx *Tx, id int64, ev lead.Event) error {
	detail := "{}"
	if ev.Detail != nil {
		if b, err := json.Marshal(ev.Detail); err == nil {
			detail = string(b)
		}
	}
	_, err := tx.Exec(ctx, "INSERT INTO lead_events (lead_id, at, kind, actor, detail) VALUES (?, ?, ?, ?, ?)",
		id, ev.At.UTC(), ev.Kind, ev.Actor, detail)
	return err
}

// CreateLead inserts l with its first event and e.
func (db *DB) CreateLead(ctx context.Context, l *lead.Lead, ev lead.Event, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO leads (company_name, contact_name, mobile_enc, mobile_idx, mobile_last4, source, notes, status,
			created_by, assignee_id, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			l.CompanyName, l.ContactName, l.MobileEnc, l.MobileIdx, l.MobileLast4, l.Source, l.Notes, l.Status, l.CreatedBy,
			nullID(l.AssigneeID), l.Version, l.CreatedAt.UTC(), l.UpdatedAt.UTC()).Scan(&l.ID)
		if err != nil {
			return err
		}
		e.EntityID = strconv.FormatInt(l.ID, 10)
		return insertLeadEvent(ctx, tx, l.ID, ev)
	})
}

// Lead reads one lead.
func (db *DB) Lead(ctx context.Context, id int64) (lead.Lead, error) {
	l, err := scanLead(db.QueryRow(ctx, "SELECT "+leadColumns+leadFrom+" WHERE l.id = ?", id))
	if isNoRows(err) {
		return l, crm.Fail(crm.ENotFound, "lead_err.not_found")
	}
	return l, err
}

// leadWhere is the condition of a lead filter.
func leadWhere(f lead.Filter) (string, []any) {
	w, args := "1 = 1", []any{}
	if f.Mine != 0 {
		w += " AND (l.assignee_id = ? OR (l.assignee_id IS NULL AND l.status = 'new'))"
		args = append(args, f.Mine)
	}
	if f.Status != "" {
		w += " AND l.status = ?"
		args = append(args, f.Status)
	}
	if f.Source != "" {
		w += " AND l.source = ?"
		args = append(args, f.Source)
	}
	if f.AssigneeID != 0 {
		w += " AND l.assignee_id = ?"
		args = append(args, f.AssigneeID)
	}
	if f.CustomerID != 0 {
		w += " AND l.customer_id = ?"
		args = append(args, f.CustomerID)
	}
	return w, args
}

// Leads lists leads by id, newest first, after f.Before.
func (db *DB) Leads(ctx context.Context, f lead.Filter) ([]lead.Lead, error) {
	w, args := leadWhere(f)
	if f.Before > 0 {
		w += " AND l.id < ?"
		args = append(args, f.Before)
	}
	return queryAll(ctx, db, scanLead, "SELECT "+leadColumns+leadFrom+" WHERE "+w+" ORDER BY l.id DESC LIMIT ?", append(args, f.Limit)...)
}

// LeadTotal counts the leads of f, up to listTotalCap.
func (db *DB) LeadTotal(ctx context.Context, f lead.Filter) (crm.ListTotal, error) {
	w, args := leadWhere(f)
	var n int
	err := db.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM leads l WHERE "+w+" LIMIT ?) t", append(args, listTotalCap+1)...).Scan(&n)
	return cappedTotal(n), err
}

// UpdateLead writes l at version with its event and e.
func (db *DB) UpdateLead(ctx context.Context, l *lead.Lead, version int, onlyUnassigned bool, ev lead.Event, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		q := `UPDATE leads SET company_name = ?, contact_name = ?, mobile_enc = ?, mobile_idx = ?, mobile_last4 = ?, source = ?, notes = ?,
			status = ?, assignee_id = ?, customer_id = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`
		if onlyUnassigned {
			q += " AND assignee_id IS NULL"
		}
		res, err := tx.Exec(ctx, q, l.CompanyName, l.ContactName, l.MobileEnc, l.MobileIdx, l.MobileLast4, l.Source, l.Notes, l.Status,
			nullID(l.AssigneeID), nullID(l.CustomerID), l.UpdatedAt.UTC(), l.ID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if onlyUnassigned {
				return crm.Fail(crm.EConflict, "lead_err.taken")
			}
			return crm.Fail(crm.EVersionConflict, "lead_err.changed")
		}
		l.Version = version + 1
		return insertLeadEvent(ctx, tx, l.ID, ev)
	})
}

// LeadEvents lists a lead's history, oldest first.
func (db *DB) LeadEvents(ctx context.Context, id int64) ([]lead.Event, error) {
	return queryAll(ctx, db, func(sc scanner) (lead.Event, error) {
		var ev lead.Event
		var detail string
		err := sc.Scan(&ev.ID, &ev.LeadID, &ev.At, &ev.Kind, &ev.Actor, &detail)
		if err == nil {
			_ = json.Unmarshal([]byte(detail), &ev.Detail)
		}
		return ev, err
	}, "SELECT id, lead_id, at, kind, actor, detail FROM lead_events WHERE lead_id = ? ORDER BY id LIMIT 1000", id)
}

var _ lead.Store = (*DB)(nil)
