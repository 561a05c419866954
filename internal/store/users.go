package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

const userColumns = `u.id, u.username, u.display_name, u.role, u.team_id, COALESCE(t.name, ''), u.manager_id, u.password_hash,
	u.password_changed_at, u.failed_logins, u.locked_until, u.disabled_at, u.version, u.created_at, u.updated_at, u.mobile_enc, u.mobile_idx, u.lang, u.dealer_id`

const userFrom = ` FROM users u LEFT JOIN teams t ON t.id = u.team_id`

type scanner interface{ Scan(...any) error }

func scanUser(s scanner, extra ...any) (identity.User, error) {
	var u identity.User
	var team, manager, dealer sql.NullInt64
	var locked, disabled sql.NullTime
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &u.Role, &team, &u.TeamName, &manager, &u.PasswordHash,
		&u.PasswordChangedAt, &u.FailedLogins, &locked, &disabled, &u.Version, &u.CreatedAt, &u.UpdatedAt, &u.MobileEnc, &u.MobileIdx, &u.Lang, &dealer}, extra...)
	if err := s.Scan(dest...); err != nil {
		return u, err
	}
	u.TeamID, u.ManagerID, u.DealerID = team.Int64, manager.Int64, dealer.Int64
	if locked.Valid {
		u.LockedUntil = &locked.Time
	}
	if disabled.Valid {
		u.DisabledAt = &disabled.Time
	}
	return u, nil
}

// notFound turns sql.ErrNoRows into the domain's not_found.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CountUsers counts every user, disabled ones included (not the system
// accounts, such as the pool's, whose ids are below 1).
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.QueryRow(ctx, "SELECT count(*) FROM users WHERE id > 0").Scan(&n)
	return n, err
}

// CreateUser inserts u, sets its ID, and audits it in the same transaction.
func (db *DB) CreateUser(ctx context.Context, u *identity.User, e *crm.AuditEntry) error {
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO users (username, display_name, role, team_id, manager_id, password_hash,
			password_changed_at, version, created_at, updated_at, mobile_enc, mobile_idx, lang, dealer_id) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Username, u.DisplayName, u.Role, nullID(u.TeamID), nullID(u.ManagerID), u.PasswordHash,
			u.PasswordChangedAt, u.CreatedAt, u.UpdatedAt, u.MobileEnc, u.MobileIdx, u.Lang, nullID(u.DealerID)).Scan(&u.ID)
		if isUniqueViolation(err) {
			e := crm.Fail(crm.EConflict, "store.username_taken", u.Username)
			e.Fields = []crm.FieldError{crm.Bad("username", "taken", "store.taken")}
			return e
		}
		e.EntityID = strconv.FormatInt(u.ID, 10)
		return err
	})
	return err
}

// UserByID reads one user.
func (db *DB) UserByID(ctx context.Context, id int64) (identity.User, error) {
	u, err := scanUser(db.QueryRow(ctx, "SELECT "+userColumns+userFrom+" WHERE u.id = ?", id))
	return u, noSuch(err, "store.no_such_user")
}

// UserByUsername reads one user by (normalised) username.
func (db *DB) UserByUsername(ctx context.Context, username string) (identity.User, error) {
	u, err := scanUser(db.QueryRow(ctx, "SELECT "+userColumns+userFrom+" WHERE u.username = ? AND u.id > 0", username)) // no system account
	return u, noSuch(err, "store.no_user_named", username)
}

// ListUsers returns up to limit users with IDs above afterID.
func (db *DB) ListUsers(ctx context.Context, afterID int64, limit int) ([]identity.User, error) {
	rows, err := db.Query(ctx, "SELECT "+userColumns+userFrom+" WHERE u.id > ? ORDER BY u.id LIMIT ?", afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []identity.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser writes u, changed at u.UpdatedAt, if its version is still the
// stored one (else version_conflict), bumps the version, and audits it.
func (db *DB) UpdateUser(ctx context.Context, u *identity.User, e *crm.AuditEntry) error {
	return db.updateUser(ctx, u, e, nil)
}

// UpdateUserEnding is UpdateUser that also ends the user's sessions (and
// with revokeTokens their API tokens, revoked at u.UpdatedAt) in the same
// transaction, so a reset password or a disabled account leaves nothing
// signed in.
func (db *DB) UpdateUserEnding(ctx context.Context, u *identity.User, e *crm.AuditEntry, revokeTokens bool) error {
	return db.updateUser(ctx, u, e, func(tx *Tx) error { return endSessions(ctx, tx, u.ID, revokeTokens, u.UpdatedAt) })
}

func (db *DB) updateUser(ctx context.Context, u *identity.User, e *crm.AuditEntry, also func(*Tx) error) error {
	defer db.authChanged() // after the commit: cached principals may be stale
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE users SET display_name = ?, role = ?, team_id = ?, manager_id = ?, password_hash = ?,
			password_changed_at = ?, failed_logins = ?, locked_until = ?, disabled_at = ?, mobile_enc = ?, mobile_idx = ?,
			lang = ?, dealer_id = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`,
			u.DisplayName, u.Role, nullID(u.TeamID), nullID(u.ManagerID), u.PasswordHash, u.PasswordChangedAt,
			u.FailedLogins, u.LockedUntil, u.DisabledAt, u.MobileEnc, u.MobileIdx, u.Lang, nullID(u.DealerID), u.UpdatedAt.UTC(), u.ID, u.Version)
		if err != nil {
			return fmt.Errorf("store: update user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "identity.user_changed_someone_else")
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
	if err == nil { // after the transaction: a retried attempt must see the old version
		u.Version++
	}
	return err
}

// EnsureTeam returns the team with this name, creating (and auditing) it
// at now when it does not exist yet.
func (db *DB) EnsureTeam(ctx context.Context, name string, now time.Time, e *crm.AuditEntry) (identity.Team, error) {
	var t identity.Team
	err := db.QueryRow(ctx, "SELECT id, name, version, created_at, updated_at FROM teams WHERE name = ?", name).
		Scan(&t.ID, &t.Name, &t.Version, &t.CreatedAt, &t.UpdatedAt)
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return t, err
	}
	now = now.UTC()
	t = identity.Team{Name: name, Version: 1, CreatedAt: now, UpdatedAt: now}
	err = db.InTxAudited(ctx, e, func(tx *Tx) error {
		if err := tx.QueryRow(ctx, "INSERT INTO teams (name, created_at, updated_at) VALUES (?, ?, ?) RETURNING id", name, now, now).Scan(&t.ID); err != nil {
			return err
		}
		e.EntityID = strconv.FormatInt(t.ID, 10)
		return nil
	})
	return t, err
}

// UserByMobileIndex finds a user by the blind index of their mobile.
func (db *DB) UserByMobileIndex(ctx context.Context, idx string) (identity.User, error) {
	u, err := scanUser(db.QueryRow(ctx, "SELECT "+userColumns+userFrom+" WHERE u.mobile_idx = ? AND u.mobile_idx <> ''", idx))
	return u, noSuch(err, "store.no_user_with_mobile")
}

// SealedUserMobiles returns up to limit users, by ID after afterID, with
// an encrypted mobile, for re-encryption after a key rotation.
func (db *DB) SealedUserMobiles(ctx context.Context, afterID int64, limit int) ([]identity.User, error) {
	rows, err := db.Query(ctx, "SELECT "+userColumns+userFrom+" WHERE u.id > ? AND u.mobile_enc <> '' ORDER BY u.id LIMIT ?", afterID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []identity.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ResealUserMobile replaces a user's mobile ciphertext if it is still old;
// it changes no version, since the value itself is unchanged.
func (db *DB) ResealUserMobile(ctx context.Context, id int64, old, sealed string) error {
	_, err := db.Exec(ctx, "UPDATE users SET mobile_enc = ? WHERE id = ? AND mobile_enc = ?", sealed, id, old)
	return err
}
