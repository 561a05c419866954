package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// CreateInteraction inserts a timeline entry and audits it.
func (db *DB) CreateInteraction(ctx context.Context, it *customer.Interaction, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO interactions (customer_id, at, channel, participants, content, feedback, next_step,
			next_due_at, created_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			it.CustomerID, it.At, it.Channel, it.Participants, it.Content, it.Feedback, it.NextStep, it.NextDueAt, it.CreatedBy,
			it.CreatedAt, it.UpdatedAt).Scan(&it.ID)
		e.EntityID = strconv.FormatInt(it.ID, 10)
		if err != nil {
			return err
		}
		return completeVisitItem(ctx, tx, it) // visit plans (store/visit.go)
	})
}

// Interaction reads one timeline entry, whoever's customer it belongs to:
// the caller checks the customer's scope.
func (db *DB) Interaction(ctx context.Context, id int64) (customer.Interaction, error) {
	var it customer.Interaction
	var due sql.NullTime
	err := db.QueryRow(ctx, `SELECT id, customer_id, at, channel, participants, content, feedback, next_step, next_due_at, created_by,
		version, created_at, updated_at FROM interactions WHERE id = ?`, id).Scan(&it.ID, &it.CustomerID, &it.At, &it.Channel,
		&it.Participants, &it.Content, &it.Feedback, &it.NextStep, &due, &it.CreatedBy, &it.Version, &it.CreatedAt, &it.UpdatedAt)
	it.NextDueAt = timePtr(due)
	return it, noSuch(err, "attachment.no_such_interaction")
}

// Interactions returns a customer's timeline by when each contact happened,
// newest first; beforeID pages on from that entry.
func (db *DB) Interactions(ctx context.Context, customerID, beforeID int64, limit int) ([]customer.Interaction, error) {
	q := `SELECT id, customer_id, at, channel, participants, content, feedback, next_step, next_due_at, created_by, version, created_at, updated_at
		FROM interactions WHERE customer_id = ?`
	args := []any{customerID}
	if beforeID > 0 { // the page after the entry beforeID, in the timeline's order
		q += ` AND (at < (SELECT at FROM interactions WHERE id = ?)
			OR (at = (SELECT at FROM interactions WHERE id = ?) AND id < ?))`
		args = append(args, beforeID, beforeID, beforeID)
	}
	rows, err := db.Query(ctx, q+" ORDER BY at DESC, id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: interactions: %w", err)
	}
	defer rows.Close()
	out := []customer.Interaction{}
	for rows.Next() {
		var it customer.Interaction
		var due sql.NullTime
		if err := rows.Scan(&it.ID, &it.CustomerID, &it.At, &it.Channel, &it.Participants, &it.Content, &it.Feedback, &it.NextStep,
			&due, &it.CreatedBy, &it.Version, &it.CreatedAt, &it.UpdatedAt); err != nil {
			return nil, err
		}
		it.NextDueAt = timePtr(due)
		out = append(out, it)
	}
	return out, rows.Err()
}
