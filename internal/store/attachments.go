package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
)

const attachmentColumns = "id, interaction_id, complaint_id, name, content_type, size, sha256, created_by, created_at"

func scanAttachment(s scanner) (attachment.Attachment, error) {
	var a attachment.Attachment
	var it, comp, by sql.NullInt64
	err := s.Scan(&a.ID, &it, &comp, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &by, &a.CreatedAt)
	a.InteractionID, a.ComplaintID, a.CreatedBy = it.Int64, comp.Int64, by.Int64
	return a, err
}

// CreateAttachment stores an attachment's bytes under their SHA-256 (once
// for identical files) and its record, with the audit entry, in one
// transaction. The upsert locks the blob row, so a concurrent delete of
// the last other attachment with the same bytes cannot remove them
// underneath this one.
func (db *DB) CreateAttachment(ctx context.Context, a *attachment.Attachment, data []byte, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO attachment_blobs (sha256, size, data) VALUES (?, ?, ?)
			ON CONFLICT (sha256) DO UPDATE SET size = attachment_blobs.size`, a.SHA256, a.Size, data); err != nil {
			return fmt.Errorf("store: attachment bytes: %w", err)
		}
		err := tx.QueryRow(ctx, `INSERT INTO attachments (interaction_id, complaint_id, name, content_type, size, sha256, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, nullID(a.InteractionID), nullID(a.ComplaintID), a.Name, a.ContentType,
			a.Size, a.SHA256, nullID(a.CreatedBy), a.CreatedAt).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("store: attachment: %w", err)
		}
		e.EntityID = strconv.FormatInt(a.ID, 10)
		return nil
	})
}

// Attachment reads one attachment's record.
func (db *DB) Attachment(ctx context.Context, id int64) (attachment.Attachment, error) {
	a, err := scanAttachment(db.QueryRow(ctx, "SELECT "+attachmentColumns+" FROM attachments WHERE id = ?", id))
	return a, noSuch(err, "attachment.no_such_attachment")
}

// AttachmentData reads the bytes stored under a SHA-256.
func (db *DB) AttachmentData(ctx context.Context, sha string) ([]byte, error) {
	var b []byte
	err := db.QueryRow(ctx, "SELECT data FROM attachment_blobs WHERE sha256 = ?", sha).Scan(&b)
	return b, noSuch(err, "attachment.no_such_attachment")
}

// InteractionAttachments lists the attachments of some interactions, by
// interaction and then in upload order.
func (db *DB) InteractionAttachments(ctx context.Context, ids []int64) ([]attachment.Attachment, error) {
	if len(ids) == 0 {
		return []attachment.Attachment{}, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return db.attachments(ctx, "interaction_id IN ("+marks+") ORDER BY interaction_id, id", args...)
}

// ComplaintAttachments lists a complaint's attachments in upload order.
func (db *DB) ComplaintAttachments(ctx context.Context, complaintID int64) ([]attachment.Attachment, error) {
	return db.attachments(ctx, "complaint_id = ? ORDER BY id", complaintID)
}

func (db *DB) attachments(ctx context.Context, where string, args ...any) ([]attachment.Attachment, error) {
	rows, err := db.Query(ctx, "SELECT "+attachmentColumns+" FROM attachments WHERE "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: attachments: %w", err)
	}
	defer rows.Close()
	out := []attachment.Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DeleteAttachment removes an attachment's record with its audit entry,
// then its bytes if no other attachment has them. Removing the bytes is
// tidying: should it race with a new upload of the same file, the foreign
// key refuses it and the bytes stay for that upload.
func (db *DB) DeleteAttachment(ctx context.Context, a attachment.Attachment, e *crm.AuditEntry) error {
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM attachments WHERE id = ?", a.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.ENotFound, "attachment.no_such_attachment")
		}
		return nil
	})
	if err != nil {
		return err
	}
	db.dropUnusedFile(ctx, a.SHA256)
	return nil
}

// dropUnusedFile deletes a stored file no attachment uses any more. It
// runs after the commit that removed the last use: a file another record
// took up meanwhile stays (its row would refuse the delete), and a file
// left behind costs only space, so a failure is not the caller's.
func (db *DB) dropUnusedFile(ctx context.Context, sha string) {
	_, _ = db.Exec(ctx, "DELETE FROM attachment_blobs WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?)", sha, sha)
}
