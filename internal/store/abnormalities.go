package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
)

// openAbnormality opens an abnormality record in the transaction of its
// quality complaint, numbered from the month's next serial of its
// series, and links it from the complaint; it returns the record's ID.
func openAbnormality(ctx context.Context, tx *Tx, n complaint.NewAbnormality) (int64, error) {
	a := n.Record
	number, err := allocateNumber(ctx, tx, n.Number)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO abnormalities (number, complaint_id, part_no, batch_no, quantity, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, number, a.ComplaintID, a.PartNo, a.BatchNo, a.Quantity, a.Status,
		a.CreatedAt, a.UpdatedAt).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: abnormality: %w", err)
	}
	_, err = tx.Exec(ctx, "UPDATE complaints SET abnormality_id = ? WHERE id = ?", id, a.ComplaintID)
	return id, err
}

const abnormalityColumns = `a.id, a.number, a.complaint_id, k.number, a.product, a.part_no, a.batch_no, a.quantity, a.status,
	a.containment_action, a.recall_action, a.owner_id, a.version, a.created_at, a.updated_at, a.contained_at, a.closed_at`

func scanAbnormality(s scanner) (complaint.Abnormality, error) {
	var a complaint.Abnormality
	var qty, owner sql.NullInt64
	var contained, closed sql.NullTime
	err := s.Scan(&a.ID, &a.Number, &a.ComplaintID, &a.ComplaintNumber, &a.Product, &a.PartNo, &a.BatchNo, &qty, &a.Status,
		&a.ContainmentAction, &a.RecallAction, &owner, &a.Version, &a.CreatedAt, &a.UpdatedAt, &contained, &closed)
	if qty.Valid {
		a.Quantity = &qty.Int64
	}
	a.OwnerID, a.ContainedAt, a.ClosedAt = owner.Int64, timePtr(contained), timePtr(closed)
	return a, err
}

// Abnormalities lists abnormality records, newest first, optionally of
// one status.
func (db *DB) Abnormalities(ctx context.Context, status complaint.AbnormalityStatus, beforeID int64, limit int) ([]complaint.Abnormality, error) {
	q := "SELECT " + abnormalityColumns + " FROM abnormalities a JOIN complaints k ON k.id = a.complaint_id WHERE 1 = 1"
	var args []any
	if status != "" {
		q += " AND a.status = ?"
		args = append(args, status)
	}
	if beforeID > 0 {
		q += " AND a.id < ?"
		args = append(args, beforeID)
	}
	out, err := queryAll(ctx, db, scanAbnormality, q+" ORDER BY a.id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: abnormalities: %w", err)
	}
	return out, nil
}

// Abnormality reads one record.
func (db *DB) Abnormality(ctx context.Context, id int64) (complaint.Abnormality, error) {
	a, err := scanAbnormality(db.QueryRow(ctx, "SELECT "+abnormalityColumns+" FROM abnormalities a JOIN complaints k ON k.id = a.complaint_id WHERE a.id = ?", id))
	return a, noSuch(err, "store.no_such_abnormality")
}

// UpdateAbnormality writes a record if its version is current, with its
// audit entry.
func (db *DB) UpdateAbnormality(ctx context.Context, a *complaint.Abnormality, e *crm.AuditEntry) error {
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE abnormalities SET product = ?, batch_no = ?, quantity = ?, status = ?, containment_action = ?,
			recall_action = ?, owner_id = ?, contained_at = ?, closed_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			a.Product, a.BatchNo, a.Quantity, a.Status, a.ContainmentAction, a.RecallAction, nullID(a.OwnerID), a.ContainedAt, a.ClosedAt,
			a.UpdatedAt, a.ID, a.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "store.abnormality.changed")
		}
		return nil
	})
	if err == nil {
		a.Version++
	}
	return err
}
