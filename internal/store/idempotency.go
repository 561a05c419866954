package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// IdempotencyKey is what is kept of one request made with an
// Idempotency-Key: its fingerprint (method, path and body), and once it
// finished, the response to replay.
type IdempotencyKey struct {
	Fingerprint string
	Status      int    // 0 while the first request is still in flight
	Header      string // the replayed response headers, as JSON
	Body        string // the response body, sealed
	CreatedAt   time.Time
}

// ClaimIdempotencyKey claims (scope, key) for a request with fingerprint.
// It returns claimed=true when the caller is to run the request: the key
// was new, its outcome older than ttl, or the request that held it stopped
// without finishing and its hold (lease) ran out. Otherwise it returns
// what is kept under the key: an outcome to replay, or a request still in
// flight (Status 0). Concurrent claims of one key are decided by the
// primary key: exactly one of them wins.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, scope, key, fingerprint string, now time.Time, lease, ttl time.Duration) (claimed bool, kept IdempotencyKey, err error) {
	now = now.UTC()
	err = db.InTx(ctx, func(tx *Tx) error {
		claimed, kept = false, IdempotencyKey{}
		res, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (scope, key, fingerprint, status, created_at, locked_until)
			VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT (scope, key) DO NOTHING`, scope, key, fingerprint, now, now.Add(lease))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			claimed = true
			return nil
		}
		var lockedUntil sql.NullTime
		err = tx.QueryRow(ctx, `SELECT fingerprint, status, header, body, created_at, locked_until
			FROM idempotency_keys WHERE scope = ? AND key = ?`, scope, key).
			Scan(&kept.Fingerprint, &kept.Status, &kept.Header, &kept.Body, &kept.CreatedAt, &lockedUntil)
		if err != nil {
			return err
		}
		expired := !kept.CreatedAt.After(now.Add(-ttl))
		abandoned := kept.Status == 0 && lockedUntil.Valid && !lockedUntil.Time.After(now)
		if !expired && !abandoned {
			return nil
		}
		// Take the key over, unless another claim took it first.
		res, err = tx.Exec(ctx, `UPDATE idempotency_keys SET fingerprint = ?, status = 0, header = '', body = '',
				created_at = ?, locked_until = ?
			WHERE scope = ? AND key = ? AND created_at = ? AND status = ?`,
			fingerprint, now, now.Add(lease), scope, key, kept.CreatedAt, kept.Status)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			claimed, kept = true, IdempotencyKey{}
		}
		return nil
	})
	if err != nil {
		return false, IdempotencyKey{}, fmt.Errorf("store: claim idempotency key: %w", err)
	}
	return claimed, kept, nil
}

// FinishIdempotencyKey keeps the outcome of the request that claimed
// (scope, key), to be replayed to retries.
func (db *DB) FinishIdempotencyKey(ctx context.Context, scope, key string, status int, header, body string) error {
	if _, err := db.Exec(ctx, `UPDATE idempotency_keys SET status = ?, header = ?, body = ?, locked_until = NULL
		WHERE scope = ? AND key = ? AND status = 0`, status, header, body, scope, key); err != nil {
		return fmt.Errorf("store: finish idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a claimed key whose request had no effect
// (it failed), so the same request may be sent again with the same key.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, scope, key string) error {
	if _, err := db.Exec(ctx, `DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status = 0`, scope, key); err != nil {
		return fmt.Errorf("store: release idempotency key: %w", err)
	}
	return nil
}

// PurgeIdempotencyKeys deletes the keys claimed before before (their
// outcomes are no longer replayed) and returns how many went.
func (db *DB) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("store: purge idempotency keys: %w", err)
	}
	return res.RowsAffected()
}
