package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// ClaimLoginAttempt takes one of an account's failed-attempt slots
// before its password is checked, in one statement, so that parallel
// attempts cannot check more passwords than the lockout allows: the
// slot is taken only while the account is not locked and fewer than max
// slots are taken. userID 0 is a username no account has, kept in
// login_guards exactly as users keep theirs. It returns the slot's number
// (1 … max), or 0 with the lock's end when none is free (a nil end: the
// slots are taken by attempts still being checked).
func (db *DB) ClaimLoginAttempt(ctx context.Context, userID int64, username string, max int, now time.Time) (int, *time.Time, error) {
	now = now.UTC()
	var n int
	var until sql.NullTime
	err := db.InTx(ctx, func(tx *Tx) error {
		n, until = 0, sql.NullTime{}
		var err error
		if userID > 0 {
			err = tx.QueryRow(ctx, `UPDATE users SET failed_logins = failed_logins + 1
				WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?) AND failed_logins < ? RETURNING failed_logins`, userID, now, max).Scan(&n)
		} else {
			err = tx.QueryRow(ctx, `INSERT INTO login_guards (username, failed_logins, updated_at) VALUES (?, 1, ?)
				ON CONFLICT (username) DO UPDATE SET failed_logins = login_guards.failed_logins + 1, updated_at = excluded.updated_at
				WHERE (login_guards.locked_until IS NULL OR login_guards.locked_until <= ?) AND login_guards.failed_logins < ?
				RETURNING failed_logins`, username, now, now, max).Scan(&n)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if userID > 0 {
			return tx.QueryRow(ctx, "SELECT locked_until FROM users WHERE id = ?", userID).Scan(&until)
		}
		return tx.QueryRow(ctx, "SELECT locked_until FROM login_guards WHERE username = ?", username).Scan(&until)
	})
	if err != nil {
		return 0, nil, fmt.Errorf("store: claim sign-in attempt: %w", err)
	}
	if n > 0 {
		return n, nil, nil
	}
	if until.Valid && until.Time.After(now) {
		return 0, &until.Time, nil
	}
	return 0, nil, nil
}

// SettleLoginFailure records a failed sign-in whose slot ClaimLoginAttempt
// took: it writes fail, and when lockUntil is set (the slot that reaches
// the limit) locks the account (or the unknown username) until then,
// frees its slots and writes lock, in one transaction.
func (db *DB) SettleLoginFailure(ctx context.Context, userID int64, username string, lockUntil *time.Time, fail, lock *crm.AuditEntry) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if fail != nil {
			if err := tx.AppendAudit(ctx, fail); err != nil {
				return err
			}
		}
		if lockUntil == nil {
			return nil
		}
		var err error
		if userID > 0 {
			_, err = tx.Exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?", lockUntil.UTC(), userID)
		} else {
			_, err = tx.Exec(ctx, "UPDATE login_guards SET failed_logins = 0, locked_until = ? WHERE username = ?", lockUntil.UTC(), username)
		}
		if err != nil || lock == nil {
			return err
		}
		return tx.AppendAudit(ctx, lock)
	})
}

// ReleaseLoginAttempt gives back a slot taken for an attempt that was not
// a failure after all (the right password of a user who then signs in
// clears the count anyway; this is for the attempts stopped by an error).
func (db *DB) ReleaseLoginAttempt(ctx context.Context, userID int64, username string) error {
	var err error
	if userID > 0 {
		_, err = db.Exec(ctx, "UPDATE users SET failed_logins = failed_logins - 1 WHERE id = ? AND failed_logins > 0", userID)
	} else {
		_, err = db.Exec(ctx, "UPDATE login_guards SET failed_logins = failed_logins - 1 WHERE username = ? AND failed_logins > 0", username)
	}
	return err
}

// createPrivateFile creates path empty and readable by its owner only
// (0600) if it does not exist, so that the SQLite database (and the WAL
// and shared-memory files SQLite makes with its mode) is never readable
// by other users of the machine.
func createPrivateFile(path string) error {
	if path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil // a URI or an in-memory database: SQLite decides
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	return f.Close()
}
