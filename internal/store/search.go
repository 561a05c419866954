package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
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
	d.Texts, d.Codes = []string{name, short}, append([]string{uscc}, customer.CodeTokens(code)...)
	err = eachRow(ctx, tx, func(r scanner) error {
		var n, last4 string
		if err := r.Scan(&n, &last4); err != nil {
			return err
		}
		d.Texts, d.Numbers = append(d.Texts, n), append(d.Numbers, last4)
		return nil
	}, "SELECT name, mobile_last4 FROM contacts WHERE customer_id = ?", id)
	if err != nil {
		return err
	}
	ix := tx.db.searcher
	_, err = tx.Exec(ctx, insertSQL("customer_search", ix.indexColumns(), 1), id, ix.indexValue(search.Tokens(d)))
	return err
}

// insertSearchRows writes the search rows of n customers, the i-th's ID
// and tokens given by row, with insertMany.
func insertSearchRows(ctx context.Context, tx *Tx, n int, row func(i int) (int64, []string)) error {
	ix := tx.db.searcher
	return insertMany(ctx, tx, "customer_search", ix.indexColumns(), n, func(i int, a []any) []any {
		id, tokens := row(i)
		return append(a, id, ix.indexValue(tokens))
	})
}

// refreshSearchIndex rebuilds the whole search index when it was built
// by a Kehu whose tokens differ (search.IndexVersion), in batches; a
// rebuild stopped half-way starts again at the next start.
func (db *DB) refreshSearchIndex(ctx context.Context) error {
	// Read through the writer: a reader connection opened now would keep
	// the planner's statistics of this moment (SQLite loads them with the
	// schema), missing an ANALYZE that follows.
	var have string
	var customers int
	err := db.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, "SELECT value FROM settings WHERE key = 'search.index'").Scan(&have)
		if err != nil && !isNoRows(err) {
			return err
		}
		return tx.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM customers LIMIT 1) t").Scan(&customers)
	})
	if err != nil {
		return fmt.Errorf("store: search index version: %w", err)
	}
	if have == search.IndexVersion {
		return nil
	}
	if customers == 0 {
		return db.setSearchIndexVersion(ctx)
	}
	if err := db.searcher.clearIndex(ctx); err != nil {
		return fmt.Errorf("store: clear the search index: %w", err)
	}
	const batch = 5000
	for after := int64(0); ; {
		var last int64
		err := db.InTx(ctx, func(tx *Tx) error {
			var err error
			last, err = indexCustomersAfter(ctx, tx, after, batch)
			return err
		})
		if err != nil {
			return fmt.Errorf("store: rebuild the search index: %w", err)
		}
		if last == 0 {
			break
		}
		after = last
	}
	if err := db.searcher.finishIndex(ctx); err != nil {
		return fmt.Errorf("store: rebuild the search index: %w", err)
	}
	return db.setSearchIndexVersion(ctx)
}

func (db *DB) setSearchIndexVersion(ctx context.Context) error {
	_, err := db.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('search.index', ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, search.IndexVersion, time.Now().UTC())
	return err
}

// indexCustomersAfter indexes up to n live customers with IDs above
// after and returns the last ID indexed, 0 when there were none.
// liveNotIndexed is the live-customer condition for a statement that
// walks the primary key in order: on SQLite written so that no partial
// index of the live customers is taken instead (with statistics at
// scale, SQLite would read one whole and sort it; found by the plan
// check's fixed statistics).
func liveNotIndexed(e Engine) string {
	if e == SQLite {
		return "+deleted_at IS NULL"
	}
	return "deleted_at IS NULL"
}

func indexCustomersAfter(ctx context.Context, tx *Tx, after int64, n int) (int64, error) {
	var ids []int64
	docs := map[int64]*search.Doc{}
	resort := map[int64]string{} // names whose sort key reads otherwise now
	err := eachRow(ctx, tx, func(r scanner) error {
		var id int64
		var name, short, code, uscc, sortKey string
		if err := r.Scan(&id, &name, &short, &code, &uscc, &sortKey); err != nil {
			return err
		}
		if k := customer.NameSortKey(name); k != sortKey {
			resort[id] = k
		}
		ids = append(ids, id)
		docs[id] = &search.Doc{Texts: []string{name, short}, Codes: append([]string{uscc}, customer.CodeTokens(code)...)}
		return nil
	}, `SELECT id, name, short_name, code, uscc, name_sort FROM customers
		WHERE id > ? AND `+liveNotIndexed(tx.Engine())+` ORDER BY id LIMIT ?`, after, n)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	// The readings in context (长安 is chang an) came with the same
	// version of the tokens: the sort keys follow them.
	for id, k := range resort {
		if _, err := tx.Exec(ctx, "UPDATE customers SET name_sort = ? WHERE id = ?", k, id); err != nil {
			return 0, err
		}
	}
	err = eachRow(ctx, tx, func(r scanner) error {
		var id int64
		var name, last4 string
		if err := r.Scan(&id, &name, &last4); err != nil {
			return err
		}
		if d := docs[id]; d != nil {
			d.Texts, d.Numbers = append(d.Texts, name), append(d.Numbers, last4)
		}
		return nil
	}, "SELECT customer_id, name, mobile_last4 FROM contacts WHERE customer_id > ? AND customer_id <= ?", after, ids[len(ids)-1])
	if err != nil {
		return 0, err
	}
	err = insertSearchRows(ctx, tx, len(ids), func(i int) (int64, []string) { return ids[i], search.Tokens(*docs[ids[i]]) })
	return ids[len(ids)-1], err
}

func unindexCustomer(ctx context.Context, tx *Tx, id int64) error {
	_, err := tx.Exec(ctx, tx.db.searcher.unindexSQL(), id)
	return err
}

// searcher is how an engine finds, counts and indexes customers by their
// search tokens: the one place where SQLite (search_sqlite.go) and
// PostgreSQL (search_postgres*.go) differ in the customer archive.
type searcher interface {
	// match is the condition "c.id matches m", for lists in another order
	// than newest first.
	match(m search.Match) (cond string, args []any)
	// searchNewest is a search's page, newest first.
	searchNewest(ctx context.Context, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) ([]customer.Customer, []int64, error)
	// searchCounted is a search's page and total in one reading of the
	// matches, where the engine can; ok is false otherwise.
	searchCounted(ctx context.Context, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) (list []customer.Customer, n customer.CustomerCount, ok bool, err error)
	// countSearch and countList are CountCustomers with and without a
	// query: exact up to countBound, this engine's estimate above.
	countSearch(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time) (customer.CustomerCount, error)
	countList(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time) (customer.CustomerCount, error)
	// indexColumns and indexValue are a search row's columns and its
	// tokens' value; unindexSQL deletes a customer's row.
	indexColumns() []string
	indexValue(tokens []string) any
	unindexSQL() string
	// clearIndex empties the index before a rebuild; finishIndex readies
	// it after a bulk write.
	clearIndex(ctx context.Context) error
	finishIndex(ctx context.Context) error
}

// searchCondition returns the SQL condition "c.id is a match for q" for
// the engine, with its arguments; ok is false for a query with no tokens.
func (db *DB) searchCondition(q string) (cond string, args []any, phrases []string, ok bool) {
	m := search.Query(q)
	if m.Empty() {
		return "", nil, nil, false
	}
	cond, args = db.searcher.match(m)
	return cond, args, m.Phrases, true
}

// SearchCustomers finds customers in scope whose name, short name, pinyin,
// code, USCC, contact names or mobile endings match q, newest first. A
// query of three or more Chinese characters is checked against the names,
// since bigrams alone do not prove the characters are adjacent.
func (db *DB) SearchCustomers(ctx context.Context, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) ([]customer.Customer, []int64, error) {
	if f.Sort == "" {
		return db.searcher.searchNewest(ctx, s, q, f, now)
	}
	cond, args, ok := db.searchMatch(q)
	if !ok {
		return []customer.Customer{}, nil, nil
	}
	return db.listCustomers(ctx, s, f, now, cond, args)
}

// SearchCustomersCounted is SearchCustomers and CountCustomers in one
// reading of the matches, where that is how the engine finds the page
// anyway (see postgresSearch.searchCounted); ok is false for any other
// search.
func (db *DB) SearchCustomersCounted(ctx context.Context, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) ([]customer.Customer, customer.CustomerCount, bool, error) {
	return db.searcher.searchCounted(ctx, s, q, f, now)
}

// searchMatch is searchCondition with the name recheck a query of three
// or more Chinese characters needs; ok is false for a query with no tokens.
func (db *DB) searchMatch(q string) (string, []any, bool) {
	cond, args, phrases, ok := db.searchCondition(q)
	if !ok {
		return "", nil, false
	}
	if check, checkArgs := phraseCheck(phrases); check != "" {
		cond += " AND " + check
		args = append(args, checkArgs...)
	}
	return cond, args, true
}

// phraseCheck is the condition that the customer's name, short name or a
// contact's name contains each phrase ("" for none).
func phraseCheck(phrases []string) (string, []any) {
	var conds []string
	var args []any
	for _, p := range phrases {
		like := "%" + likeEscape(p) + "%"
		conds = append(conds, "(c.name LIKE ? OR c.short_name LIKE ? OR EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND k.name LIKE ?))")
		args = append(args, like, like, like)
	}
	return strings.Join(conds, " AND "), args
}

// likeEscape keeps % and _ in a user's query literal. Both engines treat
// a backslash as LIKE's escape only when told, so the query avoids them:
// such characters cannot be in a Han-only recheck anyway.
func likeEscape(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}
