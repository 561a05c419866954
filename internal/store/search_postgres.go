package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/search"
)

// postgresSearch is the searcher of PostgreSQL: customer_search holds each
// live customer's tokens as a text[] under a GIN index. A GIN index
// returns its matches in no order and cannot count them by itself, so
// pages and totals are planned from the tokens' statistics (see
// pgSearchPlan and countSearch), which it keeps here.
type postgresSearch struct {
	*DB
	estimates         sync.Map // planner estimates for searches (see estimate)
	nestimates        atomic.Int64
	tokenStats        atomic.Pointer[tokenStats] // search tokens' statistics (see tokenFrequencies)
	tokenStatsLoading sync.Mutex
}

func (*postgresSearch) match(m search.Match) (string, []any) {
	inner, args := pgIndexMatch(m)
	return "c.id IN (" + inner + ")", args
}

func (*postgresSearch) indexColumns() []string         { return []string{"customer_id", "tokens"} }
func (*postgresSearch) indexValue(tokens []string) any { return tokens }
func (*postgresSearch) unindexSQL() string {
	return "DELETE FROM customer_search WHERE customer_id = ?"
}

// clearIndex empties the index and drops its GIN index, which finishIndex
// builds again at the end, in one sorted pass, rather than a row at a time.
func (db *postgresSearch) clearIndex(ctx context.Context) error {
	for _, q := range []string{"DELETE FROM customer_search", "DROP INDEX IF EXISTS customer_search_tokens"} {
		if _, err := db.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func (db *postgresSearch) finishIndex(ctx context.Context) error { return db.ensureSearchGIN(ctx) }

func (db *postgresSearch) searchNewest(ctx context.Context, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) ([]customer.Customer, []int64, error) {
	if search.Query(q).Empty() {
		return []customer.Customer{}, nil, nil
	}
	how, err := db.pgSearchPlan(ctx, s, f, now, q)
	if err != nil {
		return nil, nil, err
	}
	return db.searchPostgres(ctx, s, f, now, q, how)
}

// searchCounted reads a search's page and total in one reading of the
// matches, where that is how PostgreSQL finds the page anyway: a search of
// every live customer (no filter, no phrase to check against the names)
// whose matches are few enough to sort, and so to count exactly (fewer
// than pgSearchExactUpTo estimated). The search rows hold exactly the live
// customers, so every match's ID is read once, in one statement: its
// number is the total, its newest (before the cursor) the page. ok is
// false for any other search.
func (db *postgresSearch) searchCounted(ctx context.Context, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) ([]customer.Customer, customer.CustomerCount, bool, error) {
	m := search.Query(q)
	// Only the whole archive, where no row can come by an access grant
	// (List audits those).
	if f.Sort != "" || !s.All || s.Grants || filtered(f) || len(m.Phrases) > 0 || m.Empty() {
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

// pgSearchExactUpTo is the estimated number of matches from which a
// PostgreSQL search's total is the estimate (see countSearch).
const pgSearchExactUpTo = 2000

// countSearch estimates first: a common token (华, 有限) matches a tenth
// of a million customers, and counting the matches visits each one's
// search row, scattered over the heap, 2–4 µs apiece (a GIN index cannot
// count by itself), so even the first 10,000 of them take 20–40 ms. A
// search's total is exact below pgSearchExactUpTo matches and the
// statistics' estimate from there (its tokens' frequencies, ±2 % at
// statistics target 1000: migration 0024, see searchEstimate). Below, the
// exact count follows, in the search rows alone when nothing else narrows
// the match (they hold exactly the live customers).
func (db *postgresSearch) countSearch(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time) (customer.CustomerCount, error) {
	cond, condArgs, ok := db.searchMatch(f.Query)
	if !ok {
		return customer.CustomerCount{}, nil
	}
	where, args := customerWhere(s, f, now, cond, condArgs)
	m := search.Query(f.Query)
	whole := s.All && !filtered(f)
	var est int64
	switch {
	case whole && rarestTokenBounds(m):
		// One token, or the trigrams of one run of characters: the
		// rarest token's frequency is the query's.
		_, k, err := db.searchEstimate(ctx, f.Query)
		if err != nil {
			return customer.CustomerCount{}, err
		}
		est = int64(k)
	case whole && len(m.Phrases) == 0:
		// Several words: how many customers have them all is not in
		// the statistics (two cities' names may never meet), so
		// count, up to where counting costs more than it tells.
		n, err := db.countIndexMatch(ctx, m, pgSearchExactUpTo)
		if err != nil {
			return customer.CustomerCount{}, err
		}
		if n < pgSearchExactUpTo {
			return customer.CustomerCount{Total: n}, nil
		}
		k, err := db.planRows(ctx, "SELECT 1 FROM customers c WHERE "+where, args)
		if err != nil {
			return customer.CustomerCount{}, err
		}
		return customer.CustomerCount{Total: max(n, k), Estimate: true}, nil
	default:
		var err error
		if est, err = db.planRows(ctx, "SELECT 1 FROM customers c WHERE "+where, args); err != nil {
			return customer.CustomerCount{}, err
		}
	}
	if est >= pgSearchExactUpTo {
		return customer.CustomerCount{Total: est, Estimate: true}, nil
	}
	if whole && len(m.Phrases) == 0 {
		n, err := db.countIndexMatch(ctx, m, countBound)
		if err != nil {
			return customer.CustomerCount{}, err
		}
		if n < countBound {
			return customer.CustomerCount{Total: n}, nil
		}
		return customer.CustomerCount{Total: max(n, est), Estimate: true}, nil
	}
	return db.countEstimated(ctx, where, args)
}

// countList counts a list without a query.
func (db *postgresSearch) countList(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time) (customer.CustomerCount, error) {
	where, args := customerWhere(s, f, now, "", nil)
	return db.countEstimated(ctx, where, args)
}

// countEstimated counts the customers matching where up to the bound, and
// above it takes the planner's row count for the same condition (EXPLAIN,
// which runs nothing).
func (db *postgresSearch) countEstimated(ctx context.Context, where string, args []any) (customer.CustomerCount, error) {
	n, err := db.countUpTo(ctx, "customers c", where, args)
	if err != nil {
		return customer.CustomerCount{}, err
	}
	if n < countBound {
		return customer.CustomerCount{Total: n}, nil
	}
	est, err := db.planRows(ctx, "SELECT 1 FROM customers c WHERE "+where, args)
	if err != nil {
		return customer.CustomerCount{}, err
	}
	return customer.CustomerCount{Total: max(int64(countBound), est), Estimate: true}, nil
}

// countIndexMatch counts, up to limit, the search rows that match m (they
// hold exactly the live customers).
func (db *postgresSearch) countIndexMatch(ctx context.Context, m search.Match, limit int64) (int64, error) {
	inner, args := pgIndexMatch(m)
	var n int64
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM ("+inner+" LIMIT ?) t", append(args, limit)...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count customers: %w", err)
	}
	return n, nil
}

// rarestTokenBounds says whether a query's matches are about those of its
// rarest token: it is one token, or the trigrams of one run of four or
// more characters (which come together in a name).
func rarestTokenBounds(m search.Match) bool {
	if len(m.Prefixes) > 0 {
		return false
	}
	if len(m.Phrases) == 0 {
		return len(m.Tokens) == 1
	}
	return len(m.Phrases) == 1 && len(m.Tokens) <= utf8.RuneCountInString(m.Phrases[0])-2
}
