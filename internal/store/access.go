package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/access"
)

const accessColumns = `a.id, a.user_id, u.username, a.entity, a.record_id, a.reason, a.status, a.decided_by, a.decided_at,
	a.decision_note, a.expires_at, a.created_at`

func scanAccess(s scanner) (access.AccessRequest, error) {
	var r access.AccessRequest
	var by sql.NullInt64
	var at, exp sql.NullTime
	err := s.Scan(&r.ID, &r.UserID, &r.Username, &r.Entity, &r.RecordID, &r.Reason, &r.Status, &by, &at, &r.DecisionNote, &exp, &r.CreatedAt)
	r.DecidedBy, r.DecidedAt, r.ExpiresAt = by.Int64, timePtr(at), timePtr(exp)
	return r, err
}

// CreateAccessRequest stores a request (pending, as the domain made it)
// and audits it.
func (db *DB) CreateAccessRequest(ctx context.Context, r *access.AccessRequest, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO access_requests (user_id, entity, record_id, reason, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, r.UserID, r.Entity, r.RecordID, r.Reason, r.Status, r.CreatedAt).Scan(&r.ID)
		e.EntityID = strconv.FormatInt(r.ID, 10)
		return err
	})
}

// AccessRequest reads one request.
func (db *DB) AccessRequest(ctx context.Context, id int64) (access.AccessRequest, error) {
	r, err := scanAccess(db.QueryRow(ctx, "SELECT "+accessColumns+" FROM access_requests a JOIN users u ON u.id = a.user_id WHERE a.id = ?", id))
	return r, noSuch(err, "store.no_such_access_request")
}

// ListAccessRequests returns the requests a user made and, for an
// approver, those about customers whose owner they manage (all, for the
// gm), newest first.
func (db *DB) ListAccessRequests(ctx context.Context, userID int64, all bool, status access.Status, beforeID int64, limit int) ([]access.AccessRequest, error) {
	where, args := accessWhere(userID, all, status)
	from := " FROM access_requests a JOIN users u ON u.id = a.user_id WHERE "
	if all {
		// Every request, newest first: walk them and look each one's user
		// up. CROSS JOIN keeps SQLite from reading the (few) users first
		// and sorting every request they made (the plan check found it).
		from = " FROM access_requests a CROSS JOIN users u WHERE u.id = a.user_id AND "
	}
	q := "SELECT " + accessColumns + from + where
	if beforeID > 0 {
		q += " AND a.id < ?"
		args = append(args, beforeID)
	}
	q += " ORDER BY a.id DESC LIMIT ?"
	args = append(args, limit)
	out, err := queryAll(ctx, db, scanAccess, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list access requests: %w", err)
	}
	return out, nil
}

// CountAccessRequests counts what ListAccessRequests lists, all pages.
func (db *DB) CountAccessRequests(ctx context.Context, userID int64, all bool, status access.Status) (crm.ListTotal, error) {
	where, args := accessWhere(userID, all, status)
	return db.listTotal(ctx, "access_requests a", where, args)
}

// accessWhere is the condition of ListAccessRequests.
func accessWhere(userID int64, all bool, status access.Status) (string, []any) {
	q := "(a.user_id = ?"
	args := []any{userID}
	if all {
		q += " OR 1 = 1"
	} else {
		q += ` OR (a.entity = ? AND a.record_id IN (SELECT c.id FROM customers c JOIN users o ON o.id = c.owner_id WHERE o.manager_id = ?))`
		args = append(args, access.EntityCustomer, userID)
	}
	q += ")"
	if status != "" {
		q += " AND a.status = ?"
		args = append(args, status)
	}
	return q, args
}

// DecideAccessRequest records a decision on a pending request (once) and
// audits it.
func (db *DB) DecideAccessRequest(ctx context.Context, r *access.AccessRequest, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE access_requests SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?, expires_at = ?
			WHERE id = ? AND status = ?`, r.Status, r.DecidedBy, r.DecidedAt, r.DecisionNote, r.ExpiresAt, r.ID, access.StatusPending)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "store.access_request.decided", r.ID)
		}
		return nil
	})
}
