package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/search"
)

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
func (db *postgresSearch) pgSearchPlan(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, q string) (pgSearch, error) {
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

// searchEstimate returns PostgreSQL's estimates of the live customers, n,
// and of the customers matching q's tokens, m: at most those of its
// rarest token. (The planner would multiply the tokens' frequencies as if
// independent, but the bigrams and trigrams of one name come together.)
// A token's frequency is read from the column's statistics (see
// tokenFrequencies); without them, the planner is asked, and its figure
// remembered for a minute.
func (db *postgresSearch) searchEstimate(ctx context.Context, q string) (n, m float64, err error) {
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
func (db *postgresSearch) tokenFrequencies(ctx context.Context) (*tokenStats, error) {
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
func (db *postgresSearch) loadTokenStats(ctx context.Context) (*tokenStats, error) {
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
func (db *postgresSearch) estimate(ctx context.Context, key, query string, args []any) (float64, error) {
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

// planRows is PostgreSQL's estimate of the rows query returns (EXPLAIN,
// which runs nothing).
func (db *postgresSearch) planRows(ctx context.Context, query string, args []any) (int64, error) {
	var plan []byte
	if err := db.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+query, args...).Scan(&plan); err != nil {
		return 0, fmt.Errorf("store: estimate customers: %w", err)
	}
	var out []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := json.Unmarshal(plan, &out); err != nil || len(out) != 1 {
		return 0, fmt.Errorf("store: estimate customers: unexpected plan %.200s", plan)
	}
	return int64(out[0].Plan.Rows), nil
}
