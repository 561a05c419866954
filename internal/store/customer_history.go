package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// MergedInto lists the customers merged into id, following earlier
// merges into those (a merge's audit entry on the survivor names the
// merged customer), each with the ID of the entry of its merge: its
// history counts up to there (a merged customer restored from the trash
// lives on as itself).
func (db *DB) MergedInto(ctx context.Context, id int64) ([]customer.HistorySource, error) {
	seen := map[int64]bool{id: true}
	var out []customer.HistorySource
	for next := []customer.HistorySource{{ID: id}}; len(next) > 0; {
		cur := next
		next = nil
		for _, s := range cur {
			q, args := "SELECT id, detail FROM audit_log WHERE entity = 'customer' AND entity_id = ? AND action = ?", []any{strconv.FormatInt(s.ID, 10), crm.AuditMerge}
			if s.UpTo > 0 {
				q, args = q+" AND id <= ?", append(args, s.UpTo)
			}
			rows, err := db.Query(ctx, q, args...)
			if err != nil {
				return nil, fmt.Errorf("store: merged customers: %w", err)
			}
			for rows.Next() {
				var entry int64
				var detail string
				if err := rows.Scan(&entry, &detail); err != nil {
					rows.Close()
					return nil, err
				}
				var d struct {
					MergedID int64 `json:"merged_id"`
				}
				if json.Unmarshal([]byte(detail), &d) == nil && d.MergedID > 0 && !seen[d.MergedID] {
					seen[d.MergedID] = true
					m := customer.HistorySource{ID: d.MergedID, UpTo: entry}
					out, next = append(out, m), append(next, m)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// CustomerHistory lists the audit entries about customers ids and their
// cards, newest first, older than beforeID when it is set. Reads under an
// access grant are left out: they are not changes.
func (db *DB) CustomerHistory(ctx context.Context, from []customer.HistorySource, beforeID int64, limit int) ([]customer.HistoryEntry, error) {
	if len(from) == 0 {
		return []customer.HistoryEntry{}, nil
	}
	where, args := historyWhere(from)
	q := `SELECT a.id, a.at, a.username, a.action, a.entity, a.entity_id, a.detail FROM audit_log a WHERE ` + where
	if beforeID > 0 {
		q += " AND a.id < ?"
		args = append(args, beforeID)
	}
	q += " ORDER BY a.id DESC LIMIT ?"
	rows, err := db.Query(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: customer history: %w", err)
	}
	defer rows.Close()
	out := []customer.HistoryEntry{}
	for rows.Next() {
		var h customer.HistoryEntry
		var entityID, detail string
		if err := rows.Scan(&h.ID, &h.At, &h.Username, &h.Action, &h.Entity, &entityID, &detail); err != nil {
			return nil, err
		}
		h.CustomerID, _ = strconv.ParseInt(entityID, 10, 64)
		h.Detail = json.RawMessage(detail)
		if !json.Valid(h.Detail) {
			h.Detail = json.RawMessage("{}")
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// CountCustomerHistory counts what CustomerHistory lists, all pages.
func (db *DB) CountCustomerHistory(ctx context.Context, from []customer.HistorySource) (crm.ListTotal, error) {
	if len(from) == 0 {
		return crm.ListTotal{}, nil
	}
	where, args := historyWhere(from)
	return db.listTotal(ctx, "audit_log a", where, args)
}

// historyWhere is the condition of CustomerHistory: the entries about the
// customers from and their cards, reads under a grant left out.
func historyWhere(from []customer.HistorySource) (string, []any) {
	var which []string
	var args []any
	for _, s := range from {
		key := strconv.FormatInt(s.ID, 10)
		// Before SQLite kept customer IDs apart (migration 0027), an
		// erased customer's ID could pass to a new one: what came before
		// the erasure is not this customer's.
		cond := `(a.entity_id = ? AND a.id > COALESCE((SELECT MAX(h.id) FROM audit_log h WHERE h.entity = 'customer'
			AND h.entity_id = ? AND h.action = ? AND h.detail LIKE ?), 0)`
		args = append(args, key, key, crm.AuditDelete, `%"hard":true%`)
		if s.UpTo > 0 {
			cond += " AND a.id <= ?"
			args = append(args, s.UpTo)
		}
		which = append(which, cond+")")
	}
	q := `a.entity IN ('customer', 'customer_card') AND (` + strings.Join(which, " OR ") + `) AND a.action <> ?`
	return q, append(args, crm.AuditReadGranted)
}
