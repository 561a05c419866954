package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// ComplaintCustomerMatches finds the live customers a complaint may be
// from: by normalised name (whole, or holding a fragment, found through
// the customer search index), by USCC, and by a contact's mobile (its
// blind index) or landline. Each customer comes once, with every reason it
// matched, in ID order; at most q.Limit.
func (db *DB) ComplaintCustomerMatches(ctx context.Context, q complaint.MatchQuery) ([]complaint.CustomerMatch, error) {
	type part struct {
		reason string
		cond   string
		args   []any
	}
	var parts []part
	if len(q.Names) > 0 {
		args := make([]any, len(q.Names))
		for i, n := range q.Names {
			args[i] = n
		}
		parts = append(parts, part{complaint.MatchName, "c.name_norm IN (" + inList(len(q.Names)) + ")", args})
	}
	if len(q.USCCs) > 0 {
		args := make([]any, len(q.USCCs))
		for i, u := range q.USCCs {
			args[i] = u
		}
		parts = append(parts, part{complaint.MatchUSCC, "c.uscc IN (" + inList(len(q.USCCs)) + ")", args})
	}
	if q.MobileIndex != "" {
		parts = append(parts, part{complaint.MatchPhone, "c.id IN (SELECT t.customer_id FROM contacts t WHERE t.mobile_idx = ?)", []any{q.MobileIndex}})
	}
	if q.Landline != "" {
		parts = append(parts, part{complaint.MatchPhone, "c.id IN (SELECT t.customer_id FROM contacts t WHERE t.landline = ?)", []any{q.Landline}})
	}
	byID := map[int64]*complaint.CustomerMatch{}
	var order []int64
	for _, p := range parts {
		// Each part reads by an index and finds a few customers (a
		// name, a USCC, a phone is rarely shared); no ORDER BY, no LIMIT:
		// the matches are ordered and cut below.
		rows, err := db.Query(ctx, "SELECT c.id, c.code, c.name FROM customers c WHERE c.deleted_at IS NULL AND "+p.cond, p.args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m complaint.CustomerMatch
			if err := rows.Scan(&m.CustomerID, &m.Code, &m.Name); err != nil {
				rows.Close()
				return nil, err
			}
			if have, ok := byID[m.CustomerID]; ok {
				if !slices.Contains(have.By, p.reason) {
					have.By = append(have.By, p.reason)
				}
				continue
			}
			m.By = []string{p.reason}
			byID[m.CustomerID] = &m
			order = append(order, m.CustomerID)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	// A company named in part is found as the customer list's search
	// finds names (its index), and kept when the customer's name holds it.
	for _, f := range q.NameFragments {
		found, _, err := db.SearchCustomers(ctx, crm.Scope{All: true}, f, customer.CustomerFilter{Limit: q.Limit}, time.Now())
		if err != nil {
			return nil, err
		}
		for _, c := range found {
			if !strings.Contains(customer.NormalizeName(c.Name), f) {
				continue
			}
			if have, ok := byID[c.ID]; ok {
				if !slices.Contains(have.By, complaint.MatchName) {
					have.By = append(have.By, complaint.MatchName)
				}
				continue
			}
			byID[c.ID] = &complaint.CustomerMatch{CustomerID: c.ID, Code: c.Code, Name: c.Name, By: []string{complaint.MatchName}}
			order = append(order, c.ID)
		}
	}
	slices.Sort(order)
	reasons := []string{complaint.MatchName, complaint.MatchUSCC, complaint.MatchPhone}
	for _, m := range byID {
		slices.SortFunc(m.By, func(a, b string) int { return slices.Index(reasons, a) - slices.Index(reasons, b) })
	}
	out := []complaint.CustomerMatch{}
	for _, id := range order {
		if len(out) == q.Limit {
			break
		}
		out = append(out, *byID[id])
	}
	return out, nil
}

// LiveCustomer is a live customer's code and name.
func (db *DB) LiveCustomer(ctx context.Context, id int64) (code, name string, err error) {
	err = db.QueryRow(ctx, "SELECT code, name FROM customers WHERE id = ? AND deleted_at IS NULL", id).Scan(&code, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", crm.Fail(crm.ENotFound, "store.no_such_customer")
	}
	return code, name, err
}

// LinkComplaintCustomer sets a complaint's customer, if the complaint is
// still at the version before c.Version, and writes e with it.
func (db *DB) LinkComplaintCustomer(ctx context.Context, c *complaint.Complaint, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE complaints SET customer_id = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?",
			c.CustomerID, c.Version, c.UpdatedAt, c.ID, c.Version-1)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "store.complaint.changed")
		}
		return nil
	})
}
