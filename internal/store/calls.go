package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/call"
)

const callColumns = `k.id, k.direction, k.phone_enc, k.phone_idx, k.phone_masked, k.started_at, k.duration_seconds, k.customer_id,
	COALESCE(c.name, ''), k.contact_id, k.identity_confirmed, k.need, k.analysis, k.handling, k.transfer_to, k.callback_result, k.report,
	k.outcome, k.after_hours, k.callback_due_at, k.callback_done_at, k.escalated_at, k.complaint_id, k.service_order_id,
	k.interaction_id, COALESCE(k.taken_by, 0), k.version, k.created_at, k.updated_at`

const callFrom = " FROM calls k LEFT JOIN customers c ON c.id = k.customer_id"

func idPtr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func ptrID(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func ptrTime(p *time.Time) any {
	if p == nil {
		return nil
	}
	return p.UTC()
}

func scanCall(sc scanner) (call.Call, error) {
	var k call.Call
	var cust, contact, comp, order, inter sql.NullInt64
	var due, done, esc sql.NullTime
	err := sc.Scan(&k.ID, &k.Direction, &k.PhoneEnc, &k.PhoneIdx, &k.Phone, &k.StartedAt, &k.DurationSeconds, &cust, &k.CustomerName,
		&contact, &k.IdentityConfirmed, &k.Need, &k.Analysis, &k.Handling, &k.TransferTo, &k.CallbackResult, &k.Report, &k.Outcome,
		&k.AfterHours, &due, &done, &esc, &comp, &order, &inter, &k.TakenBy, &k.Version, &k.CreatedAt, &k.UpdatedAt)
	k.CustomerID, k.ContactID, k.ComplaintID, k.ServiceOrderID, k.InteractionID = idPtr(cust), idPtr(contact), idPtr(comp), idPtr(order), idPtr(inter)
	k.CallbackDueAt, k.CallbackDoneAt, k.EscalatedAt = timePtr(due), timePtr(done), timePtr(esc)
	return k, err
}

// CreateCall inserts a call with its audit entry.
func (db *DB) CreateCall(ctx context.Context, k *call.Call, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO calls (direction, phone_enc, phone_idx, phone_masked, started_at, duration_seconds, customer_id,
			contact_id, identity_confirmed, need, analysis, handling, transfer_to, callback_result, report, outcome, after_hours,
			callback_due_at, callback_done_at, taken_by, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			k.Direction, k.PhoneEnc, k.PhoneIdx, k.Phone, k.StartedAt.UTC(), k.DurationSeconds, ptrID(k.CustomerID), ptrID(k.ContactID),
			k.IdentityConfirmed, k.Need, k.Analysis, k.Handling, k.TransferTo, k.CallbackResult, k.Report, k.Outcome, k.AfterHours,
			ptrTime(k.CallbackDueAt), ptrTime(k.CallbackDoneAt), nullID(k.TakenBy), k.CreatedAt, k.UpdatedAt).Scan(&k.ID)
		e.EntityID = strconv.FormatInt(k.ID, 10)
		return err
	})
}

// UpdateCall writes k if its version is still k.Version.
func (db *DB) UpdateCall(ctx context.Context, k *call.Call, e *crm.AuditEntry) error {
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE calls SET direction = ?, phone_enc = ?, phone_idx = ?, phone_masked = ?, started_at = ?,
			duration_seconds = ?, customer_id = ?, contact_id = ?, identity_confirmed = ?, need = ?, analysis = ?, handling = ?,
			transfer_to = ?, callback_result = ?, report = ?, outcome = ?, after_hours = ?, callback_due_at = ?, callback_done_at = ?, escalated_at = ?,
			complaint_id = ?, service_order_id = ?, interaction_id = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			k.Direction, k.PhoneEnc, k.PhoneIdx, k.Phone, k.StartedAt.UTC(), k.DurationSeconds, ptrID(k.CustomerID), ptrID(k.ContactID),
			k.IdentityConfirmed, k.Need, k.Analysis, k.Handling, k.TransferTo, k.CallbackResult, k.Report, k.Outcome, k.AfterHours,
			ptrTime(k.CallbackDueAt), ptrTime(k.CallbackDoneAt), ptrTime(k.EscalatedAt), ptrID(k.ComplaintID), ptrID(k.ServiceOrderID),
			ptrID(k.InteractionID), k.UpdatedAt, k.ID, k.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "call.version", k.Version+1)
		}
		return nil
	})
	if err == nil {
		k.Version++
	}
	return err
}

// Call reads one call.
func (db *DB) Call(ctx context.Context, id int64) (call.Call, error) {
	k, err := scanCall(db.QueryRow(ctx, "SELECT "+callColumns+callFrom+" WHERE k.id = ?", id))
	return k, noSuch(err, "call.no_such_call")
}

// callScope keeps calls to a scope: those of its customers, and those
// with no customer that its user took (all of them for an All scope).
func callScope(s crm.Scope, now time.Time) (string, []any) {
	if s.All && s.CustomerID == 0 {
		return "1 = 1", nil
	}
	cond, args := scopeSQL(s, now)
	return "((k.customer_id IS NULL AND k.taken_by = ?) OR (k.customer_id IS NOT NULL AND " + cond + "))", append([]any{s.UserID}, args...)
}

// CallInScope reads a call the scope may see; any other is not found.
func (db *DB) CallInScope(ctx context.Context, id int64, s crm.Scope, now time.Time) (call.Call, error) {
	cond, args := callScope(s, now)
	k, err := scanCall(db.QueryRow(ctx, "SELECT "+callColumns+callFrom+" WHERE k.id = ? AND "+cond, append([]any{id}, args...)...))
	return k, noSuch(err, "call.no_such_call")
}

func callWhere(f call.Filter) (string, []any) {
	cond, args := callScope(f.Scope, f.Now)
	w := []string{cond}
	add := func(c string, a ...any) { w = append(w, c); args = append(args, a...) }
	if f.Direction != "" {
		add("k.direction = ?", f.Direction)
	}
	if f.CustomerID != 0 {
		add("k.customer_id = ?", f.CustomerID)
	}
	if f.Callbacks {
		add("k.callback_due_at IS NOT NULL AND k.callback_done_at IS NULL")
		if f.Overdue {
			add("k.callback_due_at < ?", f.Now)
		}
	}
	return strings.Join(w, " AND "), args
}

// ListCalls lists calls newest first (call-backs: soonest due first),
// paged on the ID.
func (db *DB) ListCalls(ctx context.Context, f call.Filter) ([]call.Call, error) {
	where, args := callWhere(f)
	order := " ORDER BY k.id DESC LIMIT ?"
	if f.Callbacks {
		order = " ORDER BY k.callback_due_at, k.id LIMIT ?"
		if f.BeforeID > 0 { // the cursor of a call-back list is the last ID: the next page starts after it
			where += " AND (k.callback_due_at > (SELECT callback_due_at FROM calls WHERE id = ?) OR (k.callback_due_at = (SELECT callback_due_at FROM calls WHERE id = ?) AND k.id > ?))"
			args = append(args, f.BeforeID, f.BeforeID, f.BeforeID)
		}
	} else if f.BeforeID > 0 {
		where += " AND k.id < ?"
		args = append(args, f.BeforeID)
	}
	out, err := queryAll(ctx, db, scanCall, "SELECT "+callColumns+callFrom+" WHERE "+where+order, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: calls: %w", err)
	}
	return out, nil
}

// CountCalls counts the calls of f, ignoring its cursor.
func (db *DB) CountCalls(ctx context.Context, f call.Filter) (crm.ListTotal, error) {
	where, args := callWhere(f)
	return db.listTotal(ctx, "calls k LEFT JOIN customers c ON c.id = k.customer_id", where, args)
}

// EscalateOverdue marks the open call-backs due before now and not yet
// escalated, a batch at a time, each with its notice and audit entry in
// the transaction that marks it, so each escalates once.
func (db *DB) EscalateOverdue(ctx context.Context, now time.Time, notice func(call.Call) (crm.Notice, crm.AuditEntry)) (int, error) {
	n := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		n = 0
		list, err := queryAll(ctx, tx, scanCall, "SELECT "+callColumns+callFrom+` WHERE k.callback_done_at IS NULL AND k.callback_due_at < ?
			AND k.escalated_at IS NULL ORDER BY k.callback_due_at, k.id LIMIT 200`, now)
		if err != nil {
			return err
		}
		for _, k := range list {
			res, err := tx.Exec(ctx, "UPDATE calls SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL", now, k.ID)
			if err != nil {
				return err
			}
			if c, _ := res.RowsAffected(); c == 0 {
				continue
			}
			nt, e := notice(k)
			if err := sendNotices(ctx, tx, []crm.Notice{nt}, now); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, &e); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// ClaimConversion claims the conversion of a call into a record of kind
// before the record is made, so that of concurrent requests exactly one
// goes on; a claim older than stale that never got its record (the
// process stopped half way) may be taken again. ok false: taken.
func (db *DB) ClaimConversion(ctx context.Context, callID int64, kind string, now time.Time, stale time.Duration) (bool, error) {
	ok := false
	err := db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO call_conversions (call_id, kind, record_id, claimed_at) VALUES (?, ?, NULL, ?)
			ON CONFLICT (call_id, kind) DO UPDATE SET claimed_at = excluded.claimed_at
			WHERE call_conversions.record_id IS NULL AND call_conversions.claimed_at < ?`, callID, kind, now, now.Add(-stale))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		ok = n > 0
		return nil
	})
	return ok, err
}

// ReleaseConversion gives up a claim whose record could not be made.
func (db *DB) ReleaseConversion(ctx context.Context, callID int64, kind string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM call_conversions WHERE call_id = ? AND kind = ? AND record_id IS NULL", callID, kind)
		return err
	})
}

var conversionColumn = map[string]string{"complaint": "complaint_id", "service_order": "service_order_id", "interaction": "interaction_id"}

// LinkConversion writes the record a claimed conversion made onto the
// call and the claim, with e, whatever else changed on the call meanwhile.
func (db *DB) LinkConversion(ctx context.Context, k *call.Call, kind string, recordID int64, e *crm.AuditEntry) error {
	col, ok := conversionColumn[kind]
	if !ok {
		return fmt.Errorf("store: unknown conversion %q", kind)
	}
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE call_conversions SET record_id = ? WHERE call_id = ? AND kind = ?", recordID, k.ID, kind); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE calls SET "+col+" = ?, version = version + 1, updated_at = ? WHERE id = ?", recordID, k.UpdatedAt, k.ID); err != nil {
			return err
		}
		n, err := scanCall(tx.QueryRow(ctx, "SELECT "+callColumns+callFrom+" WHERE k.id = ?", k.ID))
		if err != nil {
			return err
		}
		*k = n
		return nil
	})
}

// ContactsByLandline finds the contacts whose landline is the normalised
// number exactly, on the contacts_landline index.
func (db *DB) ContactsByLandline(ctx context.Context, landline string, limit int) ([]call.Match, error) {
	out, err := queryAll(ctx, db, func(sc scanner) (call.Match, error) {
		var m call.Match
		return m, sc.Scan(&m.ContactID, &m.ContactName, &m.CustomerID, &m.CustomerName)
	}, `SELECT k.id, k.name, k.customer_id, c.name FROM contacts k JOIN customers c ON c.id = k.customer_id
		WHERE k.landline = ? ORDER BY k.id LIMIT ?`, landline, limit)
	if err != nil {
		return nil, fmt.Errorf("store: contacts by landline: %w", err)
	}
	return out, nil
}
