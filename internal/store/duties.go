package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

const dutyColumns = `id, kind, target_id, target, role, payload, status, requested_by, requester, requested_at,
	decided_by, decider, decided_at, note`

// CreateDutyRequest records a request awaiting a second person, and its
// audit entry, in one transaction.
func (db *DB) CreateDutyRequest(ctx context.Context, r *crm.DutyRequest, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		r.Status = crm.DutyPending
		r.RequestedAt = r.RequestedAt.UTC().Truncate(time.Microsecond)
		if r.Payload == "" {
			r.Payload = "{}"
		}
		err := tx.QueryRow(ctx, `INSERT INTO duty_requests (kind, side, target_id, target, role, payload, status, requested_by, requester, requested_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.Kind, dutySide(r.Kind), r.TargetID, r.Target, string(r.Role), r.Payload, r.Status, r.RequestedBy, r.Requester, r.RequestedAt).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("store: duty request: %w", err)
		}
		e.EntityID = strconv.FormatInt(r.ID, 10)
		return nil
	})
}

// DutyRequest reads one request.
func (db *DB) DutyRequest(ctx context.Context, id int64) (crm.DutyRequest, error) {
	r, err := scanDuty(db.QueryRow(ctx, "SELECT "+dutyColumns+" FROM duty_requests WHERE id = ?", id))
	return r, noSuch(err, "duties.no_such_request")
}

// ListDutyRequests returns up to limit requests in status (all when "")
// whose kind starts with kindPrefix,
// newest first, below beforeID when it is set.
func (db *DB) ListDutyRequests(ctx context.Context, status, kindPrefix string, beforeID int64, limit int) ([]crm.DutyRequest, error) {
	kinds, args := dutyKinds(kindPrefix)
	q := "SELECT " + dutyColumns + " FROM duty_requests WHERE " + kinds
	if status != "" {
		q += " AND status = ?"
		args = append(args, status)
	}
	if beforeID > 0 {
		q += " AND id < ?"
		args = append(args, beforeID)
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: duty requests: %w", err)
	}
	defer rows.Close()
	var out []crm.DutyRequest
	for rows.Next() {
		r, err := scanDuty(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DecideDutyRequest marks a pending request decided, audited; a request
// someone else decided first is a conflict.
func (db *DB) DecideDutyRequest(ctx context.Context, r *crm.DutyRequest, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		at := r.DecidedAt.UTC().Truncate(time.Microsecond)
		res, err := tx.Exec(ctx, `UPDATE duty_requests SET status = ?, decided_by = ?, decider = ?, decided_at = ?, note = ?
			WHERE id = ? AND status = ?`, r.Status, r.DecidedBy, r.Decider, at, r.Note, r.ID, crm.DutyPending)
		if err != nil {
			return fmt.Errorf("store: decide duty request: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "duties.already_decided", r.ID)
		}
		return nil
	})
}

func scanDuty(row interface{ Scan(...any) error }) (crm.DutyRequest, error) {
	var r crm.DutyRequest
	var role string
	var decidedBy sql.NullInt64
	var decidedAt sql.NullTime
	err := row.Scan(&r.ID, &r.Kind, &r.TargetID, &r.Target, &role, &r.Payload, &r.Status, &r.RequestedBy, &r.Requester, &r.RequestedAt,
		&decidedBy, &r.Decider, &decidedAt, &r.Note)
	r.Role, r.DecidedBy = crm.Role(role), decidedBy.Int64
	if decidedAt.Valid {
		t := decidedAt.Time.UTC()
		r.DecidedAt = &t
	}
	r.RequestedAt = r.RequestedAt.UTC()
	return r, err
}

// CountDutyRequests counts the requests ListDutyRequests pages through.
func (db *DB) CountDutyRequests(ctx context.Context, status, kindPrefix string) (crm.ListTotal, error) {
	where, args := dutyKinds(kindPrefix)
	if status != "" {
		where += " AND status = ?"
		args = append(args, status)
	}
	return db.listTotal(ctx, "duty_requests", where, args)
}

// dutyKinds is the condition on the kinds starting with prefix: their
// side (who decides them), which the (side, status, id) index serves.
func dutyKinds(prefix string) (string, []any) {
	return "side = ?", []any{dutySide(prefix)}
}

// dutySide is who decides a kind (or kind prefix): the GM the customer
// erasures, the administrators the account requests.
func dutySide(kind string) string {
	if strings.HasPrefix(kind, "customer_") {
		return "customer"
	}
	return "account"
}
