package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/search"
)

// reindexCustomer rebuilds a customer's search tokens in tx, from the
// customer and its contacts as tx sees them. A deleted or trashed
// customer leaves the index.
func reindexCustomer(ctx context.Context, tx *Tx, id int64) error {
	if err := unindexCustomer(ctx, tx, id); err != nil {
		return err
	}
	var d search.Doc
	var name, short, code, uscc string
	err := tx.QueryRow(ctx, "SELECT name, short_name, code, uscc FROM customers WHERE id = ? AND deleted_at IS NULL", id).Scan(&name, &short, &code, &uscc)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: reindex customer %d: %w", id, err)
	}
	d.Texts, d.Codes = []string{name, short}, []string{code, uscc, strings.TrimLeft(strings.TrimPrefix(code, "KH"), "0")}
	rows, err := tx.Query(ctx, "SELECT name, mobile_last4 FROM contacts WHERE customer_id = ?", id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n, last4 string
		if err := rows.Scan(&n, &last4); err != nil {
			rows.Close()
			return err
		}
		d.Texts, d.Numbers = append(d.Texts, n), append(d.Numbers, last4)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	toks := search.Tokens(d)
	if tx.Engine() == Postgres {
		_, err = tx.Exec(ctx, "INSERT INTO customer_search (customer_id, tokens) VALUES (?, ?)", id, toks)
	} else {
		_, err = tx.Exec(ctx, "INSERT INTO customer_search (rowid, tokens) VALUES (?, ?)", id, strings.Join(toks, " "))
	}
	return err
}

func unindexCustomer(ctx context.Context, tx *Tx, id int64) error {
	q := "DELETE FROM customer_search WHERE rowid = ?"
	if tx.Engine() == Postgres {
		q = "DELETE FROM customer_search WHERE customer_id = ?"
	}
	_, err := tx.Exec(ctx, q, id)
	return err
}

// searchCondition returns the SQL condition "c.id is a match for q" for
// the engine, with its arguments; ok is false for a query with no tokens.
func (db *DB) searchCondition(q string) (cond string, args []any, recheck bool, ok bool) {
	toks, recheck := search.Query(q)
	if len(toks) == 0 {
		return "", nil, false, false
	}
	if db.Engine == Postgres {
		return "c.id IN (SELECT customer_id FROM customer_search WHERE tokens @> ?)", []any{toks}, recheck, true
	}
	quoted := make([]string, len(toks))
	for i, t := range toks {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return "c.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)", []any{strings.Join(quoted, " AND ")}, recheck, true
}

// SearchCustomers finds customers in scope whose name, short name, pinyin,
// code, USCC, contact names or mobile endings match q, newest first. A
// query of three or more Chinese characters is checked against the names,
// since bigrams alone do not prove the characters are adjacent.
func (db *DB) SearchCustomers(ctx context.Context, s crm.Scope, q string, f crm.CustomerFilter, now time.Time) ([]crm.Customer, []int64, error) {
	if db.Engine == SQLite && f.Sort == "" {
		return db.searchCustomersFTS(ctx, s, q, f, now)
	}
	cond, args, ok := db.searchMatch(q)
	if !ok {
		return []crm.Customer{}, nil, nil
	}
	return db.listCustomers(ctx, s, f, now, cond, args)
}

// searchMatch is searchCondition with the name recheck a query of three
// or more Chinese characters needs; ok is false for a query with no tokens.
func (db *DB) searchMatch(q string) (string, []any, bool) {
	cond, args, recheck, ok := db.searchCondition(q)
	if !ok {
		return "", nil, false
	}
	if recheck {
		cond += " AND (c.name LIKE ? OR c.short_name LIKE ? OR EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND k.name LIKE ?))"
		like := "%" + likeEscape(strings.TrimSpace(q)) + "%"
		args = append(args, like, like, like)
	}
	return cond, args, true
}

// likeEscape keeps % and _ in a user's query literal. Both engines treat
// a backslash as LIKE's escape only when told, so the query avoids them:
// such characters cannot be in a Han-only recheck anyway.
func likeEscape(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// ftsMatch returns q as an FTS5 match expression (every token, quoted),
// and the name recheck a query of three or more Chinese characters needs
// ("" when none); match is "" for a query with no tokens.
func (db *DB) ftsMatch(q string) (match, recheck string, recheckArgs []any) {
	toks, needs := search.Query(q)
	if len(toks) == 0 {
		return "", "", nil
	}
	quoted := make([]string, len(toks))
	for i, t := range toks {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	if needs {
		like := "%" + likeEscape(strings.TrimSpace(q)) + "%"
		recheck = "(c.name LIKE ? OR c.short_name LIKE ? OR EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND k.name LIKE ?))"
		recheckArgs = []any{like, like, like}
	}
	return strings.Join(quoted, " AND "), recheck, recheckArgs
}

// searchCustomersFTS is SearchCustomers newest first on SQLite: it walks
// the FTS5 index in descending rowid order and joins each match to its
// customer, so a page stops after its rows are found, however common the
// query (华 matches a tenth of a million customers), instead of first
// collecting every match.
func (db *DB) searchCustomersFTS(ctx context.Context, s crm.Scope, q string, f crm.CustomerFilter, now time.Time) ([]crm.Customer, []int64, error) {
	match, recheck, rargs := db.ftsMatch(q)
	if match == "" {
		return []crm.Customer{}, nil, nil
	}
	where, whereArgs := customerWhere(s, f, now, recheck, rargs)
	own, ownArgs := ownScope(s)
	query := "SELECT " + customerColumns + ", CASE WHEN " + own + " THEN 0 ELSE 1 END" +
		" FROM customer_search JOIN customers c ON c.id = customer_search.rowid" +
		" WHERE customer_search MATCH ? AND " + where
	args := append(append(ownArgs, match), whereArgs...)
	if f.BeforeID > 0 {
		query += " AND customer_search.rowid < ?"
		args = append(args, f.BeforeID)
	}
	query += " ORDER BY customer_search.rowid DESC LIMIT ?"
	return db.queryCustomers(ctx, query, append(args, f.Limit))
}
