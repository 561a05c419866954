package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
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
	clear := []string{"INSERT INTO customer_search (customer_search) VALUES ('delete-all')"}
	if db.Engine == Postgres {
		// The GIN index is built again at the end, in one sorted pass,
		// rather than a row at a time.
		clear = []string{"DELETE FROM customer_search", "DROP INDEX IF EXISTS customer_search_tokens"}
	}
	for _, q := range clear {
		if _, err := db.Exec(ctx, q); err != nil {
			return fmt.Errorf("store: clear the search index: %w", err)
		}
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
	if err := db.ensureSearchGIN(ctx); err != nil {
		return fmt.Errorf("store: rebuild the search index: %w", err)
	}
	if err := db.CompactSearchIndex(ctx); err != nil {
		return err
	}
	return db.setSearchIndexVersion(ctx)
}

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

func (db *DB) setSearchIndexVersion(ctx context.Context) error {
	_, err := db.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('search.index', ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, search.IndexVersion, time.Now().UTC())
	return err
}

// indexCustomersAfter indexes up to n live customers with IDs above
// after and returns the last ID indexed, 0 when there were none.
func indexCustomersAfter(ctx context.Context, tx *Tx, after int64, n int) (int64, error) {
	rows, err := tx.Query(ctx, `SELECT id, name, short_name, code, uscc, name_sort FROM customers
		WHERE id > ? AND deleted_at IS NULL ORDER BY id LIMIT ?`, after, n)
	if err != nil {
		return 0, err
	}
	var ids []int64
	docs := map[int64]*search.Doc{}
	resort := map[int64]string{} // names whose sort key reads otherwise now
	for rows.Next() {
		var id int64
		var name, short, code, uscc, sortKey string
		if err := rows.Scan(&id, &name, &short, &code, &uscc, &sortKey); err != nil {
			rows.Close()
			return 0, err
		}
		if k := customer.NameSortKey(name); k != sortKey {
			resort[id] = k
		}
		ids = append(ids, id)
		docs[id] = &search.Doc{Texts: []string{name, short}, Codes: []string{code, uscc, strings.TrimLeft(strings.TrimPrefix(code, "KH"), "0")}}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return 0, err
	}
	// The readings in context (长安 is chang an) came with the same
	// version of the tokens: the sort keys follow them.
	for id, k := range resort {
		if _, err := tx.Exec(ctx, "UPDATE customers SET name_sort = ? WHERE id = ?", k, id); err != nil {
			return 0, err
		}
	}
	rows, err = tx.Query(ctx, "SELECT customer_id, name, mobile_last4 FROM contacts WHERE customer_id > ? AND customer_id <= ?", after, ids[len(ids)-1])
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id int64
		var name, last4 string
		if err := rows.Scan(&id, &name, &last4); err != nil {
			rows.Close()
			return 0, err
		}
		if d := docs[id]; d != nil {
			d.Texts, d.Numbers = append(d.Texts, name), append(d.Numbers, last4)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if tx.Engine() == Postgres {
		err = insertMany(ctx, tx, "customer_search", []string{"customer_id", "tokens"}, len(ids), func(i int, a []any) []any {
			return append(a, ids[i], search.Tokens(*docs[ids[i]]))
		})
	} else {
		err = insertMany(ctx, tx, "customer_search", []string{"rowid", "tokens"}, len(ids), func(i int, a []any) []any {
			return append(a, ids[i], strings.Join(search.Tokens(*docs[ids[i]]), " "))
		})
	}
	return ids[len(ids)-1], err
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
func (db *DB) searchCondition(q string) (cond string, args []any, phrases []string, ok bool) {
	m := search.Query(q)
	if m.Empty() {
		return "", nil, nil, false
	}
	if db.Engine == Postgres {
		inner, args := pgIndexMatch(m)
		return "c.id IN (" + inner + ")", args, m.Phrases, true
	}
	return "c.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)", []any{ftsExpression(m)}, m.Phrases, true
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

// SearchCustomers finds customers in scope whose name, short name, pinyin,
// code, USCC, contact names or mobile endings match q, newest first. A
// query of three or more Chinese characters is checked against the names,
// since bigrams alone do not prove the characters are adjacent.
func (db *DB) SearchCustomers(ctx context.Context, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) ([]customer.Customer, []int64, error) {
	if db.Engine == SQLite && f.Sort == "" {
		return db.searchCustomersFTS(ctx, s, q, f, now)
	}
	if db.Engine == Postgres && f.Sort == "" {
		if search.Query(q).Empty() {
			return []customer.Customer{}, nil, nil
		}
		how, err := db.pgSearchPlan(ctx, s, f, now, q)
		if err != nil {
			return nil, nil, err
		}
		return db.searchPostgres(ctx, s, f, now, q, how)
	}
	cond, args, ok := db.searchMatch(q)
	if !ok {
		return []customer.Customer{}, nil, nil
	}
	return db.listCustomers(ctx, s, f, now, cond, args)
}

// searchPostgres finds a PostgreSQL search's page, newest first, the way
// how says (see pgSearchPlan).
func (db *DB) searchPostgres(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, q string, how pgSearch) ([]customer.Customer, []int64, error) {
	m := search.Query(q)
	if m.Empty() {
		return []customer.Customer{}, nil, nil
	}
	switch how.way {
	case searchWalk:
		if s.All && !filtered(f) && len(m.Phrases) == 0 {
			return db.walkSearchIndex(ctx, s, f, now, m, how.budget)
		}
		cond, args := pgWalkCondition(q)
		return db.listCustomers(ctx, s, f, now, cond, args)
	case searchWindow:
		return db.searchWindows(ctx, s, f, now, m, how)
	}
	// Sorting: every match's ID, as one window over every ID.
	return db.searchWindows(ctx, s, f, now, m, pgSearch{way: searchSort})
}

// The ways a PostgreSQL search finds its page, newest first.
const (
	searchSort   = "sort"   // every match, sorted
	searchWindow = "window" // the matches among the newest IDs, range by range
	searchWalk   = "walk"   // customers newest first, each checked, until the page is full
)

// pgSearch is how a PostgreSQL search finds its page: the way, and the
// estimated share of customer IDs that match (window).
type pgSearch struct {
	way    string
	share  float64
	budget int // rows a walk reads at most
}

// Costs of the steps of a PostgreSQL search, in microseconds as measured
// at a million customers (docs/benchmarks.md): a match read from the GIN
// index into a bitmap, an ID range read from a B-tree into a bitmap, and
// a row visited and checked (a heap page each: matches are scattered).
const (
	costGINEntry = 0.15
	costKeyEntry = 0.07
	costRow      = 3.0
	costWalkRow  = 1.5 // rows read in key order share heap pages
)

// pgSearchPlan decides how PostgreSQL finds a search's page. A GIN index
// returns its matches in no order, so the page of the newest is found one
// of three ways, whichever reads least for the query's estimated m
// matches among n customers and a page of l:
//   - sort: every match, read and sorted (m rows): for a rare token;
//   - walk: customers newest first, each checked against its search row
//     until the page is full (about l·n/m rows): for a common one (华
//     matches one customer in ten, so a page of 50 is found within 500);
//   - window: the matches among the newest w IDs only, w sized to hold
//     the page twice over, from the GIN index's bitmap ANDed with the
//     key range's (m index entries, w keys and about 2l rows); then the
//     next, larger range if the page is not full: for the tokens between
//     (pinyin initials such as qh match one customer in 130: sorting
//     reads 7,600 rows, walking 6,500, a window about 100).
//
// The planner alone does not see this: it costs the GIN match as a whole,
// and a prepared statement's generic plan does not know the token at all.
func (db *DB) pgSearchPlan(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, q string) (pgSearch, error) {
	n, m, err := db.searchEstimate(ctx, q)
	if err != nil {
		return pgSearch{}, err
	}
	n, tokenMatches := max(n, 1), max(m, 1)
	// The scope and filters keep their own share of the matches.
	if !s.All || filtered(f) {
		where, args := customerWhere(s, f, now, "", nil)
		k, err := db.planRows(ctx, "SELECT 1 FROM customers c WHERE "+where, args)
		if err != nil {
			return pgSearch{}, err
		}
		m *= min(1, float64(k)/n)
	}
	return chooseSearchWay(n, tokenMatches, max(m, 1), float64(max(f.Limit, 1)), !s.All || filtered(f)), nil
}

// chooseSearchWay is pgSearchPlan's choice for n customers, the query's
// tokens matching tokenMatches of them, m of those in scope and through
// the filters (narrowed says whether anything but the tokens narrows),
// and a page of l.
func chooseSearchWay(n, tokenMatches, m, l float64, narrowed bool) pgSearch {
	sorting := tokenMatches * (costGINEntry + costRow)
	walk := l * n / m * costWalkRow
	w := min(n, 2*l*n/m)
	inWindow := tokenMatches * w / n
	window := tokenMatches*costGINEntry + w*costKeyEntry + inWindow*costRow + 2*l*costRow
	if narrowed {
		// Each match's customer is read too, to check the rest.
		sorting += tokenMatches * costRow
		walk *= 2
		window += inWindow * costRow
	}
	switch {
	case walk <= sorting && walk <= window:
		// Four times the rows expected, for the estimate's sake.
		return pgSearch{way: searchWalk, budget: int(min(max(4*l*n/m, 1000), 100000))}
	case window < sorting:
		return pgSearch{way: searchWindow, share: m / n}
	}
	return pgSearch{way: searchSort}
}

// SearchCustomersCounted is SearchCustomers and CountCustomers in one
// reading of the matches, where that is how PostgreSQL finds the page
// anyway: a search of every live customer (no filter, no phrase to check
// against the names) whose matches are few enough to sort, and so to count
// exactly (fewer than pgSearchExactUpTo estimated). The search rows hold
// exactly the live customers, so every match's ID is read once, in one
// statement: its number is the total, its newest (before the cursor) the
// page. ok is false for any other search.
func (db *DB) SearchCustomersCounted(ctx context.Context, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) ([]customer.Customer, customer.CustomerCount, bool, error) {
	m := search.Query(q)
	// Only the whole archive, where no row can come by an access grant
	// (List audits those).
	if db.Engine != Postgres || f.Sort != "" || !s.All || s.Grants || filtered(f) || len(m.Phrases) > 0 || m.Empty() {
		return nil, customer.CustomerCount{}, false, nil
	}
	how, err := db.pgSearchPlan(ctx, s, f, now, q)
	if err != nil {
		return nil, customer.CustomerCount{}, false, err
	}
	_, est, err := db.searchEstimate(ctx, q)
	if err != nil || how.way != searchSort || est >= pgSearchExactUpTo {
		return nil, customer.CustomerCount{}, false, err
	}
	inner, args := pgIndexMatch(m)
	ids, err := queryIDs(ctx, db, inner, args...)
	if err != nil {
		return nil, customer.CustomerCount{}, false, err
	}
	n := customer.CustomerCount{Total: int64(len(ids))}
	slices.SortFunc(ids, func(a, b int64) int { return cmp.Compare(b, a) })
	if f.BeforeID > 0 {
		ids = ids[sort.Search(len(ids), func(i int) bool { return ids[i] < f.BeforeID }):]
	}
	list, _, err := db.customersOfIDs(ctx, s, f, now, m, ids, f.Limit)
	if err != nil {
		return nil, customer.CustomerCount{}, false, err
	}
	return list, n, true, db.loadTags(ctx, list)
}

// customersOfIDs reads up to limit customers of ids (newest first), in
// scope and through f's filters and m's phrases, a few more IDs at a time
// than the page still needs (the filters may pass only some).
func (db *DB) customersOfIDs(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, m search.Match, ids []int64, limit int) ([]customer.Customer, []int64, error) {
	pc, pcArgs := phraseCheck(m.Phrases)
	where, whereArgs := customerWhere(s, f, now, pc, pcArgs)
	own, ownArgs := ownScope(s)
	page := "SELECT " + customerColumns + ", CASE WHEN " + own + " THEN 0 ELSE 1 END FROM customers c WHERE c.id = ANY(?) AND " +
		where + " ORDER BY c.id DESC LIMIT ?"
	out := []customer.Customer{}
	var granted []int64
	for chunk := max(2*limit, 64); len(ids) > 0 && len(out) < limit; chunk *= 4 {
		k := min(chunk, len(ids))
		list, g, err := db.queryCustomersOnly(ctx, page, append(append(append(ownArgs, ids[:k]), whereArgs...), limit-len(out)))
		if err != nil {
			return nil, nil, err
		}
		out, granted, ids = append(out, list...), append(granted, g...), ids[k:]
	}
	return out, granted, nil
}

// searchWindows finds a page of a PostgreSQL search range by range of the
// newest customer IDs: the matches in each range come from the GIN
// index's bitmap ANDed with the range's (the planner chooses that plan
// for a range this narrow), and then their customers, filtered and in
// scope. The first range is sized to hold the page twice over at the
// estimated share of matches; each next one is four times larger.
func (db *DB) searchWindows(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, m search.Match, how pgSearch) ([]customer.Customer, []int64, error) {
	hi := f.BeforeID
	if hi <= 0 {
		var top sql.NullInt64
		if err := db.QueryRow(ctx, "SELECT MAX(customer_id) FROM customer_search").Scan(&top); err != nil {
			return nil, nil, fmt.Errorf("store: search customers: %w", err)
		}
		if !top.Valid {
			return []customer.Customer{}, nil, nil
		}
		hi = top.Int64 + 1
	}
	inner, innerArgs := pgIndexMatch(m)
	inner += " AND customer_id >= ? AND customer_id < ?"
	w := hi // sorting: one range holds them all
	if how.way == searchWindow {
		w = max(int64(math.Ceil(2*float64(max(f.Limit, 1))/max(how.share, 1e-9))), 256)
	}
	out := []customer.Customer{}
	var granted []int64
	for hi > 1 && len(out) < f.Limit {
		lo := max(hi-w, 1)
		ids, err := queryIDs(ctx, db, inner, append(innerArgs, lo, hi)...)
		if err != nil {
			return nil, nil, err
		}
		slices.SortFunc(ids, func(a, b int64) int { return cmp.Compare(b, a) })
		list, g, err := db.customersOfIDs(ctx, s, f, now, m, ids, f.Limit-len(out))
		if err != nil {
			return nil, nil, err
		}
		out, granted = append(out, list...), append(granted, g...)
		hi, w = lo, w*4
	}
	return out, granted, db.loadTags(ctx, out)
}

// walkSearchIndex is a PostgreSQL search of every live customer with no
// filter but the query: the search rows themselves hold exactly the live
// customers, so they are walked newest first by key, each checked, until
// the page is full. The walk reads at most budget rows: words that are
// common alone but rare together (two cities' names) would otherwise
// walk every customer to find nothing. Past the budget, the rest of the
// page comes from the remaining matches, sorted (sort's way, below the
// rows walked).
func (db *DB) walkSearchIndex(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, m search.Match, budget int) ([]customer.Customer, []int64, error) {
	if budget <= 0 {
		budget = 1000
	}
	cond, condArgs := pgTokenCondition(m)
	rows, args := "SELECT customer_id, tokens FROM customer_search", []any{}
	if f.BeforeID > 0 {
		rows += " WHERE customer_id < ?"
		args = append(args, f.BeforeID)
	}
	rows += " ORDER BY customer_id DESC LIMIT ?"
	args = append(args, budget)
	ids, err := queryIDs(ctx, db, "SELECT customer_id FROM ("+rows+") w WHERE "+cond+" ORDER BY customer_id DESC LIMIT ?",
		append(append(args, condArgs...), f.Limit)...)
	if err != nil {
		return nil, nil, err
	}
	if len(ids) < f.Limit {
		// Where did the walk stop, and did it reach the first customer?
		var walked int
		var last sql.NullInt64
		if err := db.QueryRow(ctx, "SELECT COUNT(*), MIN(customer_id) FROM ("+rows+") w", args...).Scan(&walked, &last); err != nil {
			return nil, nil, fmt.Errorf("store: search customers: %w", err)
		}
		if walked == budget && last.Valid {
			inner, innerArgs := pgIndexMatch(m)
			rest, err := queryIDs(ctx, db, inner+" AND customer_id < ?", append(innerArgs, last.Int64)...)
			if err != nil {
				return nil, nil, err
			}
			slices.SortFunc(rest, func(a, b int64) int { return cmp.Compare(b, a) })
			ids = append(ids, rest[:min(len(rest), f.Limit-len(ids))]...)
		}
	}
	list, granted, err := db.customersOfIDs(ctx, s, f, now, m, ids, f.Limit)
	if err != nil {
		return nil, nil, err
	}
	return list, granted, db.loadTags(ctx, list)
}

// pgTokenCondition is the condition that a search row's tokens match m.
func pgTokenCondition(m search.Match) (string, []any) {
	q, args := "tokens @> ?", []any{m.Tokens}
	for _, p := range m.Prefixes {
		// A pinyin word longer than the indexed prefixes: its first
		// letters are among the tokens, and it must begin one of the
		// whole spellings in the same row.
		q += " AND EXISTS (SELECT 1 FROM unnest(tokens) t WHERE starts_with(t, ?))"
		args = append(args, p)
	}
	return q, args
}

// pgIndexMatch selects the customer IDs whose search row matches m on
// PostgreSQL.
func pgIndexMatch(m search.Match) (string, []any) {
	cond, args := pgTokenCondition(m)
	return "SELECT customer_id FROM customer_search WHERE " + cond, args
}

// searchEstimate returns PostgreSQL's estimates of the live customers, n,
// and of the customers matching q's tokens, m: at most those of its
// rarest token. (The planner would multiply the tokens' frequencies as if
// independent, but the bigrams and trigrams of one name come together.)
// A token's frequency is read from the column's statistics (see
// tokenFrequencies); without them, the planner is asked, and its figure
// remembered for a minute.
func (db *DB) searchEstimate(ctx context.Context, q string) (n, m float64, err error) {
	n, err = db.estimate(ctx, "", "SELECT 1 FROM customers c WHERE c.deleted_at IS NULL", nil)
	if err != nil {
		return 0, 0, err
	}
	stats, err := db.tokenFrequencies(ctx)
	if err != nil {
		return 0, 0, err
	}
	m = n
	for _, t := range search.Query(q).Tokens {
		var k float64
		if stats.rows > 0 {
			f, ok := stats.freq[t]
			if !ok {
				f = stats.floor
			}
			k = f * stats.rows
		} else if k, err = db.estimate(ctx, t, "SELECT 1 FROM customer_search WHERE tokens @> ?", []any{[]string{t}}); err != nil {
			return 0, 0, err
		}
		m = min(m, k)
	}
	return n, m, nil
}

// tokenStats are the search tokens' most common elements and their
// frequencies, as ANALYZE last sampled them (migration 0024 keeps 10,000),
// and the frequency below which no token is among them.
type tokenStats struct {
	at    time.Time
	rows  float64 // search rows; 0 when there are no statistics
	freq  map[string]float64
	floor float64
}

// tokenFrequencies returns the search tokens' statistics, read at most
// every ten minutes. Asking the planner for each token's estimate costs
// a millisecond, and 20 ms in a connection that has not yet loaded the
// statistics (each of the pool's connections once); read once here, every
// search's estimate is a map look-up. A token not among the most common
// is given half the least common one's frequency, as the planner does.
func (db *DB) tokenFrequencies(ctx context.Context) (*tokenStats, error) {
	fresh := func(st *tokenStats) bool { return st != nil && time.Since(st.at) < 10*time.Minute }
	old := db.tokenStats.Load()
	if fresh(old) {
		return old, nil
	}
	// One search reads them again; the others go on with the old ones
	// (or, the first time, wait for them).
	if old == nil {
		db.tokenStatsLoading.Lock()
	} else if !db.tokenStatsLoading.TryLock() {
		return old, nil
	}
	defer db.tokenStatsLoading.Unlock()
	if cur := db.tokenStats.Load(); fresh(cur) {
		return cur, nil
	}
	st, err := db.loadTokenStats(ctx)
	if err != nil && old != nil {
		return old, nil // the old ones serve until a reading succeeds
	}
	if err != nil {
		return nil, err
	}
	db.tokenStats.Store(st)
	return st, nil
}

// loadTokenStats reads the search tokens' statistics (see tokenFrequencies).
func (db *DB) loadTokenStats(ctx context.Context) (*tokenStats, error) {
	st := &tokenStats{at: time.Now(), freq: map[string]float64{}}
	const stats = "pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'customer_search' AND s.attname = 'tokens'"
	const elems = "unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) u(e, f)"
	// The frequencies end with the least and greatest of them and the
	// share of NULLs.
	var rows float64
	var least sql.NullFloat64
	err := db.QueryRow(ctx, `SELECT c.reltuples, (SELECT s.most_common_elem_freqs[cardinality(s.most_common_elem_freqs) - 2] FROM `+stats+`)
		FROM pg_class c WHERE c.oid = 'customer_search'::regclass`).Scan(&rows, &least)
	if err != nil {
		return nil, fmt.Errorf("store: search statistics: %w", err)
	}
	if least.Valid && rows > 0 {
		list, err := db.Query(ctx, "SELECT u.e, u.f FROM "+strings.Replace(stats, " WHERE ", " CROSS JOIN "+elems+" WHERE ", 1)+" AND u.e IS NOT NULL")
		if err != nil {
			return nil, fmt.Errorf("store: search statistics: %w", err)
		}
		defer list.Close()
		for list.Next() {
			var e string
			var f float64
			if err := list.Scan(&e, &f); err != nil {
				return nil, fmt.Errorf("store: search statistics: %w", err)
			}
			st.freq[e] = f
		}
		if err := list.Err(); err != nil {
			return nil, fmt.Errorf("store: search statistics: %w", err)
		}
		if len(st.freq) > 0 {
			st.rows, st.floor = rows, least.Float64/2
		}
	}
	return st, nil
}

// estimate is planRows, remembered for a minute under key.
func (db *DB) estimate(ctx context.Context, key, query string, args []any) (float64, error) {
	type entry struct {
		rows float64
		at   time.Time
	}
	if v, ok := db.estimates.Load(key); ok && time.Since(v.(entry).at) < time.Minute {
		return v.(entry).rows, nil
	}
	k, err := db.planRows(ctx, query, args)
	if err != nil {
		return 0, err
	}
	if db.nestimates.Add(1) > 100000 { // a bound on memory, not a cache policy
		db.estimates.Clear()
		db.nestimates.Store(1)
	}
	db.estimates.Store(key, entry{float64(k), time.Now()})
	return float64(k), nil
}

// pgWalkCondition is searchMatch's condition for walking customers in
// order on PostgreSQL: each customer's own search row, read by its key in
// a scalar subquery, which the planner keeps per row (an IN or EXISTS
// would be turned into a join over every match).
func pgWalkCondition(q string) (string, []any) {
	m := search.Query(q)
	check, args := "s.tokens @> ?", []any{m.Tokens}
	for _, p := range m.Prefixes {
		check += " AND EXISTS (SELECT 1 FROM unnest(s.tokens) t WHERE starts_with(t, ?))"
		args = append(args, p)
	}
	cond := "(SELECT " + check + " FROM customer_search s WHERE s.customer_id = c.id)"
	if pc, pargs := phraseCheck(m.Phrases); pc != "" {
		cond += " AND " + pc
		args = append(args, pargs...)
	}
	return cond, args
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

// ftsMatch returns q as an FTS5 match expression (every token, quoted),
// and the name recheck a query of three or more Chinese characters needs
// ("" when none); match is "" for a query with no tokens.
func (db *DB) ftsMatch(q string) (match, recheck string, recheckArgs []any) {
	m := search.Query(q)
	if m.Empty() {
		return "", "", nil
	}
	recheck, recheckArgs = phraseCheck(m.Phrases)
	return ftsExpression(m), recheck, recheckArgs
}

// searchCustomersFTS is SearchCustomers newest first on SQLite: it walks
// the FTS5 index in descending rowid order and joins each match to its
// customer, so a page stops after its rows are found, however common the
// query (华 matches a tenth of a million customers), instead of first
// collecting every match.
func (db *DB) searchCustomersFTS(ctx context.Context, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) ([]customer.Customer, []int64, error) {
	match, recheck, rargs := db.ftsMatch(q)
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
