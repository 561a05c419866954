package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

// RecordLoginFailure counts a failed sign-in in one statement, so
// parallel attempts cannot overwrite each other's count, and locks the
// account when lockAfter (the domain's rule) says the count locks; the
// audit entries go in the same transaction.
func (db *DB) RecordLoginFailure(ctx context.Context, userID int64, lockAfter func(failures int) (time.Time, bool), fail, lock *crm.AuditEntry) (bool, error) {
	locked := false
	err := db.InTx(ctx, func(tx *Tx) error {
		locked = false
		var n int
		if err := tx.QueryRow(ctx, "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins", userID).Scan(&n); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, fail); err != nil {
			return err
		}
		lockUntil, locks := lockAfter(n)
		if !locks {
			return nil
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?", lockUntil.UTC(), userID); err != nil {
			return err
		}
		locked = true
		return tx.AppendAudit(ctx, lock)
	})
	return locked, err
}

// CreateSession stores a new session, clears the user's failure count and
// lock, and audits the sign-in.
func (db *DB) CreateSession(ctx context.Context, s identity.Session, userID int64, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", userID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, kind, created_at, last_seen_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, s.TokenHash, s.UserID, s.Kind, s.CreatedAt, s.LastSeenAt, s.ExpiresAt)
		return err
	})
}

// SessionByHash reads a session with the parts of its user that
// authentication needs, in one query. It runs on every signed-in request,
// so it reads no more columns than that.
func (db *DB) SessionByHash(ctx context.Context, hash string) (identity.Session, error) {
	s := identity.Session{TokenHash: hash}
	var team, dealer sql.NullInt64
	var disabled sql.NullTime
	err := db.QueryRow(ctx, `SELECT s.kind, s.last_seen_at, s.expires_at, u.id, u.username, u.role, u.team_id, u.disabled_at, u.lang, u.dealer_id
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hash).
		Scan(&s.Kind, &s.LastSeenAt, &s.ExpiresAt, &s.User.ID, &s.User.Username, &s.User.Role, &team, &disabled, &s.User.Lang, &dealer)
	s.UserID, s.User.TeamID, s.User.DealerID, s.User.DisabledAt = s.User.ID, team.Int64, dealer.Int64, timePtr(disabled)
	return s, noSuch(err, "store.no_such_session")
}

// TouchSession records that a session was used at t.
func (db *DB) TouchSession(ctx context.Context, hash string, t time.Time) error {
	_, err := db.Exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", t, hash)
	return err
}

// DeleteSession ends a session; e, when given, is audited with it.
func (db *DB) DeleteSession(ctx context.Context, hash string, e *crm.AuditEntry) error {
	defer db.authChanged() // after the commit: cached principals may be stale
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hash); err != nil {
			return err
		}
		if e != nil {
			return tx.AppendAudit(ctx, e)
		}
		return nil
	})
}

// endSessions ends every session of a user in tx, and with revokeTokens
// revokes their API tokens too, at the time given.
func endSessions(ctx context.Context, tx *Tx, userID int64, revokeTokens bool, at time.Time) error {
	if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
		return err
	}
	if revokeTokens {
		_, err := tx.Exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", at.UTC(), userID)
		return err
	}
	return nil
}

// CreateAPIToken stores a token (by hash) and audits it.
func (db *DB) CreateAPIToken(ctx context.Context, t *identity.APIToken, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, t.UserID, t.Name, t.TokenHash, t.CreatedAt, t.ExpiresAt).Scan(&t.ID)
		if isUniqueViolation(err) {
			e := crm.Fail(crm.EConflict, "store.token_name_taken", t.Name)
			e.Fields = []crm.FieldError{crm.Bad("name", "taken", "store.taken")}
			return e
		}
		e.EntityID = strconv.FormatInt(t.ID, 10)
		return err
	})
}

// APITokenByHash reads a token with its user.
func (db *DB) APITokenByHash(ctx context.Context, hash string) (identity.APIToken, error) {
	var t identity.APIToken
	var exp, used, revoked sql.NullTime
	u, err := scanUser(db.QueryRow(ctx, "SELECT "+userColumns+`, k.id, k.name, k.token_hash, k.created_at, k.expires_at, k.last_used_at, k.revoked_at
		FROM api_tokens k JOIN users u ON u.id = k.user_id LEFT JOIN teams t ON t.id = u.team_id WHERE k.token_hash = ?`, hash),
		&t.ID, &t.Name, &t.TokenHash, &t.CreatedAt, &exp, &used, &revoked)
	if err != nil {
		return t, noSuch(err, "store.no_such_token")
	}
	t.User, t.UserID = u, u.ID
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timePtr(exp), timePtr(used), timePtr(revoked)
	return t, nil
}

// TouchAPIToken records that a token was used at t.
func (db *DB) TouchAPIToken(ctx context.Context, id int64, t time.Time) error {
	_, err := db.Exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", t, id)
	if err != nil {
		return fmt.Errorf("store: touch token: %w", err)
	}
	return nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

// APITokens lists a user's tokens, newest first.
func (db *DB) APITokens(ctx context.Context, userID int64) ([]identity.APIToken, error) {
	rows, err := db.Query(ctx, `SELECT id, name, created_at, expires_at, last_used_at, revoked_at
		FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list tokens: %w", err)
	}
	defer rows.Close()
	var out []identity.APIToken
	for rows.Next() {
		t := identity.APIToken{UserID: userID}
		var exp, used, revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &exp, &used, &revoked); err != nil {
			return nil, err
		}
		t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timePtr(exp), timePtr(used), timePtr(revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes a user's token by name at the time given and
// audits it.
func (db *DB) RevokeAPIToken(ctx context.Context, userID int64, name string, at time.Time, e *crm.AuditEntry) error {
	defer db.authChanged() // after the commit: cached principals may be stale
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var id int64
		err := tx.QueryRow(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND name = ? AND revoked_at IS NULL RETURNING id",
			at.UTC(), userID, name).Scan(&id)
		if isNoRows(err) {
			return crm.Fail(crm.ENotFound, "store.no_live_token", name)
		}
		e.EntityID = strconv.FormatInt(id, 10)
		return err
	})
}

// PurgeExpired deletes sessions past their end or unused for a day (the
// idle limit is far shorter, so none of them could be used again) and
// rate-limit counters older than a day. It returns how many rows went.
func (db *DB) PurgeExpired(ctx context.Context, now time.Time) (int64, error) {
	defer db.authChanged() // after the commit: cached principals may be stale
	var total int64
	err := db.InTx(ctx, func(tx *Tx) error {
		total = 0
		dayAgo := now.UTC().Add(-24 * time.Hour)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?", []any{now.UTC(), dayAgo}},
			{"DELETE FROM rate_limits WHERE window_start < ?", []any{dayAgo}},
		} {
			res, err := tx.Exec(ctx, q.sql, q.args...)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += n
		}
		return nil
	})
	return total, err
}
