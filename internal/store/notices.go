package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/msg"
)

// audiences resolves notice audiences inside the writing transaction,
// reading each manager and each role's active users once however many
// notices name them.
type audiences struct {
	tx       *Tx
	managers map[int64]int64
	roles    map[crm.Role][]int64
}

// users lists who a is, in order — the users named, the manager, the
// role's active users by ID — each once.
func (r *audiences) users(ctx context.Context, a crm.Audience) ([]int64, error) {
	out := append([]int64{}, a.Users...)
	if a.ManagerOf != 0 {
		m, ok := r.managers[a.ManagerOf]
		if !ok {
			var manager sql.NullInt64
			if err := r.tx.QueryRow(ctx, "SELECT manager_id FROM users WHERE id = ?", a.ManagerOf).Scan(&manager); err != nil {
				return nil, err
			}
			m = manager.Int64
			r.managers[a.ManagerOf] = m
		}
		if m != 0 {
			out = append(out, m)
		}
	}
	if a.Role != "" {
		ids, ok := r.roles[a.Role]
		if !ok {
			var err error
			if ids, err = queryAll(ctx, r.tx, scanID, "SELECT id FROM users WHERE role = ? AND disabled_at IS NULL ORDER BY id", string(a.Role)); err != nil {
				return nil, err
			}
			r.roles[a.Role] = ids
		}
		out = append(out, ids...)
	}
	seen := make(map[int64]bool, len(out))
	return slices.DeleteFunc(out, func(u int64) bool {
		dup := seen[u]
		seen[u] = true
		return dup
	}), nil
}

// notice is one inbox message to one user (and mail, when they gave a
// notice address).
type notice struct {
	user int64
	*crm.Notice
}

// sendNotices resolves each notice's audience and writes the notices to
// the inbox (with their text's key, for each reader's language) and, for
// users with a notice address, to the mail outbox in the language each
// user chose, in tx, a few hundred rows a statement.
func sendNotices(ctx context.Context, tx *Tx, notices []crm.Notice, now time.Time) error {
	if len(notices) == 0 {
		return nil
	}
	r := &audiences{tx: tx, managers: map[int64]int64{}, roles: map[crm.Role][]int64{}}
	var ns []notice
	users := map[int64]bool{}
	for i := range notices {
		to, err := r.users(ctx, notices[i].To)
		if err != nil {
			return err
		}
		for _, u := range to {
			ns = append(ns, notice{user: u, Notice: &notices[i]})
			users[u] = true
		}
	}
	if len(ns) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(users))
	for u := range users {
		ids = append(ids, u)
	}
	type address struct{ email, lang string }
	emails := map[int64]address{}
	for _, chunk := range chunks(ids, 500) {
		err := eachRow(ctx, tx, func(s scanner) error {
			var id int64
			var a address
			err := s.Scan(&id, &a.email, &a.lang)
			emails[id] = a
			return err
		}, `SELECT e.user_id, e.email, u.lang FROM notification_emails e JOIN users u ON u.id = e.user_id
			WHERE e.email <> '' AND e.user_id IN (`+inList(len(chunk))+")", int64Args(chunk)...)
		if err != nil {
			return err
		}
	}
	var mails []complaint.OutboxMail
	for start := 0; start < len(ns); start += 200 {
		part := ns[start:min(start+200, len(ns))]
		args := make([]any, 0, len(part)*8)
		for _, n := range part {
			key, textArgs := storedText(n.Text)
			args = append(args, n.user, string(n.Kind), n.Entity, n.EntityID, n.Message, key, textArgs, now)
			if a := emails[n.user]; a.email != "" {
				subject, body := n.Mail(msg.Lang(a.lang)) // a user who chose no language reads Chinese
				mails = append(mails, complaint.OutboxMail{To: a.email, Subject: subject, Body: body, Kind: string(n.Kind)})
			}
		}
		if _, err := tx.Exec(ctx, "INSERT INTO notifications (user_id, kind, entity, entity_id, message, msg_key, msg_args, created_at) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?), ", len(part)), ", "), args...); err != nil {
			return err
		}
	}
	return queueMail(ctx, tx, mails, now)
}

// queueMail writes mail to the outbox in tx; the SLA job sends it after
// commit, so a slow or failing mail server never holds up or undoes the
// change that caused the mail.
func queueMail(ctx context.Context, tx *Tx, mails []complaint.OutboxMail, now time.Time) error {
	for start := 0; start < len(mails); start += 200 {
		part := mails[start:min(start+200, len(mails))]
		args := make([]any, 0, len(part)*6)
		for _, m := range part {
			args = append(args, m.To, m.Subject, m.Body, m.Kind, now, now)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO mail_outbox (to_addr, subject, body, kind, created_at, next_attempt_at) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", len(part)), ", "), args...); err != nil {
			return fmt.Errorf("store: mail outbox: %w", err)
		}
	}
	return nil
}

// appendAudits appends entries to the hash chain in tx with one move of
// the head: the same chain AppendAudit writes, entry by entry.
func appendAudits(ctx context.Context, tx *Tx, es []crm.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	var last int64
	var prev string
	var keyedFrom int64
	if err := tx.QueryRow(ctx, "UPDATE audit_head SET seq = seq + ? WHERE id = 1 RETURNING seq, last_hash, keyed_from", len(es)).Scan(&last, &prev, &keyedFrom); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	first := last - int64(len(es)) + 1
	key, keyedFrom, err := auditKeyFor(tx.db, keyedFrom, first)
	if err != nil {
		return err
	}
	for start := 0; start < len(es); start += 200 {
		part := es[start:min(start+200, len(es))]
		args := make([]any, 0, len(part)*12)
		for i := range part {
			e := &part[i]
			e.ID = first + int64(start+i)
			if e.At.IsZero() {
				return errUndatedAudit(e)
			}
			e.At = e.At.UTC().Truncate(time.Microsecond)
			if e.Detail == "" {
				e.Detail = "{}"
			}
			hash := auditHash(prev, e, key)
			var userID any
			if e.UserID > 0 {
				userID = e.UserID
			}
			args = append(args, e.ID, e.At, userID, e.Username, e.Action, e.Entity, e.EntityID, e.Detail, e.IP, e.RequestID, prev, hash)
			prev = hash
		}
		if _, err := tx.Exec(ctx, `INSERT INTO audit_log (id, at, user_id, username, action, entity, entity_id, detail, ip, request_id, prev_hash, hash)
			VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(part)), ", "), args...); err != nil {
			return fmt.Errorf("store: append audit entries: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, "UPDATE audit_head SET last_hash = ?, keyed_from = ? WHERE id = 1", prev, keyedFrom); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	return nil
}
