package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/inbox"
)

// NotificationEmail returns where a user wants notices by e-mail, or "".
func (db *DB) NotificationEmail(ctx context.Context, userID int64) (string, error) {
	var e string
	err := db.QueryRow(ctx, "SELECT email FROM notification_emails WHERE user_id = ?", userID).Scan(&e)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return e, err
}

// SetNotificationEmail sets or (empty) removes a user's notice address.
func (db *DB) SetNotificationEmail(ctx context.Context, userID int64, email string, at time.Time, e *crm.AuditEntry) error {
	e.EntityID = strconv.FormatInt(userID, 10)
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if email == "" {
			_, err := tx.Exec(ctx, "DELETE FROM notification_emails WHERE user_id = ?", userID)
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO notification_emails (user_id, email, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at`, userID, email, at)
		return err
	})
}

// Notifications returns a user's notifications, newest first, each with
// its text as key and arguments when it was sent with them.
func (db *DB) Notifications(ctx context.Context, userID int64, unreadOnly bool, beforeID int64, limit int) ([]inbox.Notification, error) {
	q := "SELECT id, user_id, kind, entity, entity_id, message, msg_key, msg_args, created_at, read_at FROM notifications WHERE user_id = ?"
	if unreadOnly {
		q += " AND read_at IS NULL"
	}
	args := []any{userID}
	if beforeID > 0 {
		q += " AND id < ?"
		args = append(args, beforeID)
	}
	out, err := queryAll(ctx, db, func(s scanner) (inbox.Notification, error) {
		var n inbox.Notification
		var key, args string
		var read sql.NullTime
		if err := s.Scan(&n.ID, &n.UserID, &n.Kind, &n.Entity, &n.EntityID, &n.Message, &key, &args, &n.CreatedAt, &read); err != nil {
			return n, err
		}
		n.ReadAt = timePtr(read)
		var err error
		n.Text, err = loadText(key, args)
		return n, err
	}, q+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: notifications: %w", err)
	}
	return out, nil
}

// MarkNotificationRead marks a user's own notification read.
func (db *DB) MarkNotificationRead(ctx context.Context, userID, id int64, at time.Time) error {
	res, err := db.Exec(ctx, "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL", at.UTC(), id, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return crm.Fail(crm.ENotFound, "store.no_unread_notification", id)
	}
	return nil
}
