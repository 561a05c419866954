package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/search"
)

// searchPostgres finds a PostgreSQL search's page, newest first, the way
// how says (see pgSearchPlan).
func (db *postgresSearch) searchPostgres(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, q string, how pgSearch) ([]customer.Customer, []int64, error) {
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

// customersOfIDs reads up to limit customers of ids (newest first), in
// scope and through f's filters and m's phrases, a few more IDs at a time
// than the page still needs (the filters may pass only some).
func (db *postgresSearch) customersOfIDs(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, m search.Match, ids []int64, limit int) ([]customer.Customer, []int64, error) {
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
func (db *postgresSearch) searchWindows(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, m search.Match, how pgSearch) ([]customer.Customer, []int64, error) {
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
func (db *postgresSearch) walkSearchIndex(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, m search.Match, budget int) ([]customer.Customer, []int64, error) {
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
