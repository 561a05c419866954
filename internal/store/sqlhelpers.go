package store

import (
	"context"
	"fmt"
	"strings"
)

// sqlString is a status as an SQL string literal. Statuses are the
// domain's constants (lower-case words), never user input.
func sqlString[S ~string](s S) string { return "'" + strings.ReplaceAll(string(s), "'", "''") + "'" }

// sqlList is statuses as an SQL list: ('a', 'b').
func sqlList[S ~string](ss []S) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = sqlString(s)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// queryIDs runs a query of one integer column (IDs) and returns its rows.
func queryIDs(ctx context.Context, db querier, q string, args ...any) ([]int64, error) {
	ids, err := queryAll(ctx, db, scanID, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return ids, nil
}

func scanID(s scanner) (id int64, err error) { return id, s.Scan(&id) }

func chunks(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

func inList(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
