package store

import (
	"context"
	"fmt"
	"time"
)

// OutboxMail is a message waiting in the mail outbox.
type OutboxMail struct {
	ID       int64
	To       string
	Subject  string
	Body     string
	Kind     string
	Attempts int
}

// PendingMail returns up to limit messages due for sending, oldest first.
func (db *DB) PendingMail(ctx context.Context, now time.Time, limit int) ([]OutboxMail, error) {
	out, err := queryAll(ctx, db, func(s scanner) (m OutboxMail, err error) {
		return m, s.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Kind, &m.Attempts)
	}, `SELECT id, to_addr, subject, body, kind, attempts FROM mail_outbox
		WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?`, now.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: mail outbox: %w", err)
	}
	return out, nil
}

// ClaimMail leases a due message to one sender until lease: true when
// this caller got it, false when another sender (in this or another kehu
// instance) claimed it first, so no message is sent twice at once.
func (db *DB) ClaimMail(ctx context.Context, id int64, now, lease time.Time) (bool, error) {
	res, err := db.Exec(ctx, `UPDATE mail_outbox SET next_attempt_at = ? WHERE id = ? AND next_attempt_at <= ?
		AND sent_at IS NULL AND given_up_at IS NULL`, lease.UTC(), id, now.UTC())
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MailSent marks a message sent and wipes its body (which may hold a
// survey link's token).
func (db *DB) MailSent(ctx context.Context, id int64, at time.Time) error {
	_, err := db.Exec(ctx, "UPDATE mail_outbox SET sent_at = ?, body = '', attempts = attempts + 1, last_error = '' WHERE id = ?", at.UTC(), id)
	return err
}

// MailFailed records a failed attempt: the next is at next, or with
// giveUp the message is given up (and its body wiped).
func (db *DB) MailFailed(ctx context.Context, id int64, reason string, next time.Time, giveUp bool, at time.Time) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	if giveUp {
		_, err := db.Exec(ctx, "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, given_up_at = ?, body = '' WHERE id = ?", reason, at.UTC(), id)
		return err
	}
	_, err := db.Exec(ctx, "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?", reason, next.UTC(), id)
	return err
}
