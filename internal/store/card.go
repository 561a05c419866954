package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/card"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// CardRevisions returns a customer's card revisions, newest first, with
// values as stored (sensitive ones sealed).
func (db *DB) CardRevisions(ctx context.Context, customerID int64) ([]card.CardRevision, error) {
	rows, err := db.Query(ctx, `SELECT id, customer_id, revision, surveyor, surveyed_on, card_values, changed, created_by, created_at
		FROM card_revisions WHERE customer_id = ? ORDER BY revision DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("store: card revisions: %w", err)
	}
	defer rows.Close()
	out := []card.CardRevision{}
	for rows.Next() {
		var r card.CardRevision
		var values, changed string
		if err := rows.Scan(&r.ID, &r.CustomerID, &r.Revision, &r.Surveyor, &r.SurveyedOn, &values, &changed, &r.CreatedBy, &r.CreatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(values), &r.Values); err != nil {
			return nil, fmt.Errorf("store: card revision %d: %w", r.ID, err)
		}
		if err := json.Unmarshal([]byte(changed), &r.Changed); err != nil {
			return nil, fmt.Errorf("store: card revision %d: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddCardRevision stores a revision; a revision number taken meanwhile
// (two saves at once) answers version_conflict.
func (db *DB) AddCardRevision(ctx context.Context, r *card.CardRevision, e *crm.AuditEntry) error {
	values, err := json.Marshal(r.Values)
	if err != nil {
		return err
	}
	changed, err := json.Marshal(r.Changed)
	if err != nil {
		return err
	}
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO card_revisions (customer_id, revision, surveyor, surveyed_on, card_values, changed, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.CustomerID, r.Revision, r.Surveyor, r.SurveyedOn, string(values), string(changed),
			r.CreatedBy, r.CreatedAt).Scan(&r.ID)
		if isUniqueViolation(err) {
			return crm.Fail(crm.EVersionConflict, "store.card.saved_meanwhile")
		}
		e.Detail = changeDetail(map[string]crm.Change{"revision": {After: strconv.Itoa(r.Revision)}})
		return err
	})
}

// CardTemplateExtra reads the fields an administrator added to the card.
func (db *DB) CardTemplateExtra(ctx context.Context) ([]customer.CardField, int, error) {
	return db.jsonSetting(ctx, "card.template")
}

// SetCardTemplateExtra replaces the added fields if version is current.
func (db *DB) SetCardTemplateExtra(ctx context.Context, fields []customer.CardField, version int, e *crm.AuditEntry) error {
	return db.setJSONSetting(ctx, "card.template", fields, version, e)
}

// jsonSetting reads a list of field definitions kept in a setting.
func (db *DB) jsonSetting(ctx context.Context, key string) ([]customer.CardField, int, error) {
	var raw string
	var version int
	if err := db.QueryRow(ctx, "SELECT value, version FROM settings WHERE key = ?", key).Scan(&raw, &version); err != nil {
		return nil, 0, fmt.Errorf("store: setting %s: %w", key, err)
	}
	var fields []customer.CardField
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		return nil, 0, fmt.Errorf("store: setting %s: %w", key, err)
	}
	return fields, version, nil
}

// setJSONSetting replaces a setting if its version is current, audited.
func (db *DB) setJSONSetting(ctx context.Context, key string, v any, version int, e *crm.AuditEntry) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE settings SET value = ?, version = version + 1, updated_at = ? WHERE key = ? AND version = ?",
			string(raw), e.At.UTC(), key, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "store.card.changed", key)
		}
		return nil
	})
}
