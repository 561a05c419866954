package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/search"
)

// sqliteSearch is the searcher of SQLite: an FTS5 table, customer_search,
// whose rowid is the customer's ID and whose one column holds the tokens
// separated by spaces.
type sqliteSearch struct{ *DB }

func (sqliteSearch) match(m search.Match) (string, []any) {
	return "c.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)", []any{ftsExpression(m)}
}

func (sqliteSearch) indexColumns() []string         { return []string{"rowid", "tokens"} }
func (sqliteSearch) indexValue(tokens []string) any { return strings.Join(tokens, " ") }
func (sqliteSearch) unindexSQL() string             { return "DELETE FROM customer_search WHERE rowid = ?" }

func (db sqliteSearch) clearIndex(ctx context.Context) error {
	_, err := db.Exec(ctx, "INSERT INTO customer_search (customer_search) VALUES ('delete-all')")
	return err
}

func (db sqliteSearch) finishIndex(ctx context.Context) error { return db.CompactSearchIndex(ctx) }

// CompactSearchIndex merges the SQLite search index's segments, a few
// megabytes per transaction so other writers wait at most a moment each
// time, until none is left to merge. Bulk writes (an import, a rebuild)
// leave many segments, and every search looks each token up in each.
// PostgreSQL's GIN index needs nothing of the kind.
func (db *DB) CompactSearchIndex(ctx context.Context) error {
	if db.Engine != SQLite {
		return nil
	}
	for {
		var before, after int64
		err := db.InTx(ctx, func(tx *Tx) error {
			if err := tx.QueryRow(ctx, "SELECT total_changes()").Scan(&before); err != nil {
				return err
			}
			// A negative page budget merges any level holding two or more
			// segments, as 'optimize' does, but stops after that many pages.
			if _, err := tx.Exec(ctx, "INSERT INTO customer_search (customer_search, rank) VALUES ('merge', -2000)"); err != nil {
				return err
			}
			return tx.QueryRow(ctx, "SELECT total_changes()").Scan(&after)
		})
		if err != nil {
			return fmt.Errorf("store: compact the search index: %w", err)
		}
		if after-before <= 1 { // the command itself counts as one change
			return nil
		}
	}
}

// ftsExpression is m as an FTS5 match expression: every token quoted,
// every long pinyin word as a prefix query.
func ftsExpression(m search.Match) string {
	parts := make([]string, 0, len(m.Tokens)+len(m.Prefixes))
	quote := func(t string) string { return `"` + strings.ReplaceAll(t, `"`, `""`) + `"` }
	for _, t := range m.Tokens {
		parts = append(parts, quote(t))
	}
	for _, p := range m.Prefixes {
		parts = append(parts, quote(p)+"*")
	}
	return strings.Join(parts, " AND ")
}

// ftsMatch returns q as an FTS5 match expression (every token, quoted),
// and the name recheck a query of three or more Chinese characters needs
// ("" when none); match is "" for a query with no tokens.
func ftsMatch(q string) (match, recheck string, recheckArgs []any) {
	m := search.Query(q)
	if m.Empty() {
		return "", "", nil
	}
	recheck, recheckArgs = phraseCheck(m.Phrases)
	return ftsExpression(m), recheck, recheckArgs
}

// searchNewest walks the FTS5 index in descending rowid order and joins
// each match to its customer, so a page stops after its rows are found,
// however common the query (华 matches a tenth of a million customers),
// instead of first collecting every match.
func (db sqliteSearch) searchNewest(ctx context.Context, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) ([]customer.Customer, []int64, error) {
	match, recheck, rargs := ftsMatch(q)
	if match == "" {
		return []customer.Customer{}, nil, nil
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

// searchCounted: SQLite finds a search's page and its total apart.
func (sqliteSearch) searchCounted(context.Context, crm.Scope, string, customer.CustomerFilter, time.Time) ([]customer.Customer, customer.CustomerCount, bool, error) {
	return nil, customer.CustomerCount{}, false, nil
}

// countSearch walks the search index newest first, as the page does.
func (db sqliteSearch) countSearch(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time) (customer.CustomerCount, error) {
	match, recheck, rargs := ftsMatch(f.Query)
	if match == "" {
		return customer.CustomerCount{}, nil
	}
	if s.All && !filtered(f) {
		// Nothing narrows the match but the index itself, which holds
		// exactly the live customers: count in the index alone.
		// A run of four or more Chinese characters matches by its
		// trigrams, and the page checks each row's names for the whole
		// run; the total is the index's: its trigrams apart in one
		// customer's names but never together is too rare to pay a
		// customer row read per match for.
		return db.countFTS(ctx, match, countBound)
	}
	where, args := customerWhere(s, f, now, recheck, rargs)
	return db.countWalk(ctx, "customer_search JOIN customers c ON c.id = customer_search.rowid", "customer_search.rowid",
		"customer_search MATCH ? AND "+where, append([]any{match}, args...))
}

// countList counts a list without a query.
func (db sqliteSearch) countList(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time) (customer.CustomerCount, error) {
	where, args := customerWhere(s, f, now, "", nil)
	if s.All && idOrdered(f) {
		// An index gives these matches newest first already: one walk
		// counts them and, at the bound, ends where the extrapolation
		// needs it to.
		var n int64
		var last sql.NullInt64
		if err := db.QueryRow(ctx, "SELECT COUNT(*), MIN(id) FROM (SELECT c.id FROM customers c WHERE "+where+" ORDER BY c.id DESC LIMIT ?) t",
			append(args, countBound)...).Scan(&n, &last); err != nil {
			return customer.CustomerCount{}, fmt.Errorf("store: count customers: %w", err)
		}
		if n < countBound {
			return customer.CustomerCount{Total: n}, nil
		}
		return db.extrapolateByID(ctx, last, countBound)
	}
	if onlyTag(f) {
		// From the tag's index, newest first, as the page: at the bound
		// the walk ends where the extrapolation needs it to.
		g := f
		g.BeforeID, g.Limit = 0, countBound
		q, qargs := tagNewest(s, g, now)
		var n int64
		var last sql.NullInt64
		if err := db.QueryRow(ctx, "SELECT COUNT(*), MIN(customer_id) FROM ("+q+") t", qargs...).Scan(&n, &last); err != nil {
			return customer.CustomerCount{}, fmt.Errorf("store: count customers: %w", err)
		}
		if n < countBound {
			return customer.CustomerCount{Total: n}, nil
		}
		return db.extrapolateByID(ctx, last, countBound)
	}
	n, err := db.countUpTo(ctx, "customers c", where, args)
	if err != nil || n < countBound {
		return customer.CustomerCount{Total: n}, err
	}
	return db.estimateBySample(ctx, where, args)
}

// sampleIDs is how many of the newest customer IDs estimateBySample reads.
const sampleIDs = 5000

// estimateBySample estimates how many customers match where, known to be
// more than countBound: the share of matches among the newest sampleIDs
// IDs (one range of the table read in key order, the filters checked on
// each row, rather than every match looked up from an index) times the
// table's ID range.
func (db *DB) estimateBySample(ctx context.Context, where string, args []any) (customer.CustomerCount, error) {
	var lo, hi sql.NullInt64
	if err := db.QueryRow(ctx, "SELECT (SELECT MIN(id) FROM customers), (SELECT MAX(id) FROM customers)").Scan(&lo, &hi); err != nil {
		return customer.CustomerCount{}, fmt.Errorf("store: estimate customers: %w", err)
	}
	var k int64
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM customers c WHERE c.id > ? AND "+db.walkOnly(where),
		append([]any{hi.Int64 - sampleIDs}, args...)...).Scan(&k); err != nil {
		return customer.CustomerCount{}, fmt.Errorf("store: estimate customers: %w", err)
	}
	span := hi.Int64 - lo.Int64 + 1
	est := int64(float64(k) / float64(min(sampleIDs, span)) * float64(span))
	return customer.CustomerCount{Total: max(est, countBound), Estimate: true}, nil
}

// countWalk counts the rows of from matching where up to the bound, in any
// order, which needs no sort: most lists end here, exact. Only a list that
// reaches the bound walks again, newest first by order, for the
// extrapolation.
func (db sqliteSearch) countWalk(ctx context.Context, from, order, where string, args []any) (customer.CustomerCount, error) {
	n, err := db.countUpTo(ctx, from, where, args)
	if err != nil {
		return customer.CustomerCount{}, err
	}
	if n < countBound {
		return customer.CustomerCount{Total: n}, nil
	}
	var last sql.NullInt64
	if err := db.QueryRow(ctx, "SELECT MIN(id) FROM (SELECT c.id FROM "+from+" WHERE "+where+" ORDER BY "+order+" DESC LIMIT ?) t",
		append(args, countBound)...).Scan(&last); err != nil {
		return customer.CustomerCount{}, fmt.Errorf("store: count customers: %w", err)
	}
	return db.extrapolateByID(ctx, last, countBound)
}

// countFTS counts the matches of an FTS5 expression up to bound, newest
// first, and extrapolates above it as countWalk does.
func (db sqliteSearch) countFTS(ctx context.Context, match string, bound int64) (customer.CustomerCount, error) {
	var n int64
	var last sql.NullInt64
	err := db.QueryRow(ctx, `SELECT COUNT(*), MIN(rowid) FROM (SELECT rowid FROM customer_search
		WHERE customer_search MATCH ? ORDER BY rowid DESC LIMIT ?) t`, match, bound).Scan(&n, &last)
	if err != nil {
		return customer.CustomerCount{}, fmt.Errorf("store: count customers: %w", err)
	}
	if n < bound {
		return customer.CustomerCount{Total: n}, nil
	}
	return db.extrapolateByID(ctx, last, bound)
}

// extrapolateByID estimates a count that reached bound: the bound-th
// match, newest first, has ID last, so the matches' density over
// [last, MAX(id)] times the table's ID range is the estimate (MIN and MAX
// each in its own subquery, which SQLite reads from the index alone).
func (db sqliteSearch) extrapolateByID(ctx context.Context, last sql.NullInt64, bound int64) (customer.CustomerCount, error) {
	var lo, hi sql.NullInt64
	if err := db.QueryRow(ctx, "SELECT (SELECT MIN(id) FROM customers), (SELECT MAX(id) FROM customers)").Scan(&lo, &hi); err != nil {
		return customer.CustomerCount{}, fmt.Errorf("store: estimate customers: %w", err)
	}
	est := bound
	if span := hi.Int64 - last.Int64 + 1; span > 0 && hi.Valid && last.Valid {
		est = max(est, int64(float64(bound)*float64(hi.Int64-lo.Int64+1)/float64(span)))
	}
	return customer.CustomerCount{Total: est, Estimate: true}, nil
}
