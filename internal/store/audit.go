package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/audit"
)

// AppendAudit writes e as the next entry of the hash chain, in tx, so the
// entry exists exactly when the change it records is committed. Taking
// the chain's head row serialises appends across transactions and kehu
// instances: each entry's prev_hash is the hash of the one before it.
func (tx *Tx) AppendAudit(ctx context.Context, e *crm.AuditEntry) error {
	if e.At.IsZero() {
		return errUndatedAudit(e)
	}
	var prev string
	var keyedFrom int64
	if err := tx.QueryRow(ctx, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash, keyed_from").Scan(&e.ID, &prev, &keyedFrom); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	key, keyedFrom, err := auditKeyFor(tx.db, keyedFrom, e.ID)
	if err != nil {
		return err
	}
	e.At = e.At.UTC().Truncate(time.Microsecond) // PostgreSQL keeps microseconds
	if e.Detail == "" {
		e.Detail = "{}"
	}
	hash := auditHash(prev, e, key)
	var userID any
	if e.UserID > 0 {
		userID = e.UserID
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (id, at, user_id, username, action, entity, entity_id, detail, ip, request_id, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.At, userID, e.Username, e.Action, e.Entity, e.EntityID, e.Detail, e.IP, e.RequestID, prev, hash)
	if err != nil {
		return fmt.Errorf("store: append audit entry: %w", err)
	}
	if _, err := tx.Exec(ctx, "UPDATE audit_head SET last_hash = ?, keyed_from = ? WHERE id = 1", hash, keyedFrom); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	return nil
}

// auditHash chains an entry to the one before it. Fields are joined with
// a separator that cannot appear in them unescaped. With key the hash is
// HMAC-SHA256 under the audit secret, so whoever can write the database
// but lacks the key file cannot forge an entry.
func auditHash(prev string, e *crm.AuditEntry, key AuditKey) string {
	fields := []string{prev, strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.UserID, 10), e.Username, e.Action, e.Entity, e.EntityID, e.Detail, e.IP, e.RequestID}
	for i, f := range fields {
		fields[i] = strings.ReplaceAll(f, "\x1f", "\\x1f")
	}
	msg := []byte(strings.Join(fields, "\x1f"))
	if key != nil {
		return hex.EncodeToString(key.MAC(msg))
	}
	sum := sha256.Sum256(msg)
	return hex.EncodeToString(sum[:])
}

// InTxAudited runs fn and appends e in the same transaction. fn may fill
// in e (the new record's ID, the changes) before it is written.
func (db *DB) InTxAudited(ctx context.Context, e *crm.AuditEntry, fn func(*Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if fn != nil {
			if err := fn(tx); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, e)
	})
}

// Audit writes a single audit entry in its own transaction (for events
// that change nothing else, such as a reveal or an export).
func (db *DB) Audit(ctx context.Context, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, nil)
}

// AuditProblem describes where the audit chain breaks.
type AuditProblem struct {
	ID     int64
	Reason string
}

// VerifyAudit recomputes the hash chain from the oldest entry kept and
// returns the entries checked and the first problem found, if any.
func (db *DB) VerifyAudit(ctx context.Context) (int64, *AuditProblem, error) {
	rows, err := db.Query(ctx, `SELECT id, at, user_id, username, action, entity, entity_id, detail, ip, request_id, prev_hash, hash
		FROM audit_log ORDER BY id`)
	if err != nil {
		return 0, nil, fmt.Errorf("store: verify audit: %w", err)
	}
	defer rows.Close()
	var keyedFrom int64
	if err := db.QueryRow(ctx, "SELECT keyed_from FROM audit_head WHERE id = 1").Scan(&keyedFrom); err != nil {
		return 0, nil, fmt.Errorf("store: verify audit: %w", err)
	}
	key := db.auditKey()
	if keyedFrom > 0 && key == nil {
		return 0, nil, fmt.Errorf("store: verify audit: the chain is keyed from entry %d; give the audit key file (--audit-key-file)", keyedFrom)
	}
	var n, lastID int64
	var lastHash string
	for rows.Next() {
		var e crm.AuditEntry
		var userID sql.NullInt64
		var prev, hash string
		if err := rows.Scan(&e.ID, &e.At, &userID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.IP, &e.RequestID, &prev, &hash); err != nil {
			return n, nil, fmt.Errorf("store: verify audit: %w", err)
		}
		e.UserID = userID.Int64
		switch {
		case n == 0 && e.ID == 1 && prev != "":
			return n, &AuditProblem{e.ID, "the first entry does not start the chain"}, nil
		case n > 0 && e.ID != lastID+1:
			return n, &AuditProblem{lastID + 1, fmt.Sprintf("entries %d to %d are missing", lastID+1, e.ID-1)}, nil
		case n > 0 && prev != lastHash:
			return n, &AuditProblem{e.ID, "it does not chain to the entry before it"}, nil
		case auditHash(prev, &e, entryKey(key, keyedFrom, e.ID)) != hash:
			return n, &AuditProblem{e.ID, "its content does not match its hash (edited after it was written)"}, nil
		}
		n, lastID, lastHash = n+1, e.ID, hash
	}
	if err := rows.Err(); err != nil {
		return n, nil, err
	}
	var head string
	var seq int64
	if err := db.QueryRow(ctx, "SELECT seq, last_hash FROM audit_head WHERE id = 1").Scan(&seq, &head); err != nil {
		return n, nil, fmt.Errorf("store: verify audit: %w", err)
	}
	if seq != lastID || head != lastHash {
		return n, &AuditProblem{lastID + 1, fmt.Sprintf("the chain ends at entry %d but %d were written", lastID, seq)}, nil
	}
	return n, nil, nil
}

// PurgeAudit deletes entries older than before, which must be at least six
// calendar months ago (the database refuses otherwise), and records the
// purge as an entry of its own.
func (db *DB) PurgeAudit(ctx context.Context, before time.Time, e *crm.AuditEntry) (int64, error) {
	var n int64
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE audit_head SET purge_before = ? WHERE id = 1", before.UTC()); err != nil {
			return crm.Fail(crm.EInvalid, "store.audit.purge_too_recent", before.Format("2006-01-02"))
		}
		res, err := tx.Exec(ctx, "DELETE FROM audit_log WHERE at < ?", before.UTC())
		if err != nil {
			return fmt.Errorf("store: purge audit: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}

// ListAudit returns entries matching f, newest first, up to f.Limit.
func (db *DB) ListAudit(ctx context.Context, f audit.AuditFilter) ([]crm.AuditEntry, error) {
	where, args := auditWhere(f)
	q := "SELECT id, at, user_id, username, action, entity, entity_id, detail, ip, request_id FROM audit_log WHERE " + where
	if f.BeforeID > 0 {
		q += " AND id < ?"
		args = append(args, f.BeforeID)
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	defer rows.Close()
	var out []crm.AuditEntry
	for rows.Next() {
		var e crm.AuditEntry
		var userID sql.NullInt64
		if err := rows.Scan(&e.ID, &e.At, &userID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.IP, &e.RequestID); err != nil {
			return nil, err
		}
		e.UserID = userID.Int64
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountAudit counts the entries matching f, ignoring its cursor (listTotal).
func (db *DB) CountAudit(ctx context.Context, f audit.AuditFilter) (crm.ListTotal, error) {
	where, args := auditWhere(f)
	return db.listTotal(ctx, "audit_log", where, args)
}

// auditWhere is the condition of f's filters.
func auditWhere(f audit.AuditFilter) (string, []any) {
	q := "1 = 1"
	var args []any
	add := func(cond string, v any) { q += " AND " + cond; args = append(args, v) }
	if f.Username != "" {
		add("username = ?", f.Username)
	}
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		add("entity_id = ?", f.EntityID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UTC())
	}
	return q, args
}

// errUndatedAudit refuses an entry the domain did not date: the time of a
// change is the domain's (crm.NewAudit), never the store's.
func errUndatedAudit(e *crm.AuditEntry) error {
	return fmt.Errorf("store: audit entry %s %s %s has no time", e.Action, e.Entity, e.EntityID)
}
