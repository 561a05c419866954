package store

import (
	"context"
	"fmt"

	"github.com/kehucrm/kehu/internal/crm"
)

// listTotal counts the rows of from that match where for a list's total:
// exactly up to countBound rows, so no page counts a whole large table.
// Above it, PostgreSQL answers the planner's estimate for the same
// condition (EXPLAIN, which runs nothing), flagged as an estimate; SQLite,
// which has no such figure and holds the smaller installations, finishes
// the count.
func (db *DB) listTotal(ctx context.Context, from, where string, args []any) (crm.ListTotal, error) {
	var n int64
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM "+from+" WHERE "+where+" LIMIT ?) t",
		append(append([]any(nil), args...), countBound)...).Scan(&n); err != nil {
		return crm.ListTotal{}, fmt.Errorf("store: count %s: %w", from, err)
	}
	if n < countBound {
		return crm.ListTotal{N: n}, nil
	}
	if pg, ok := db.searcher.(*postgresSearch); ok {
		est, err := pg.planRows(ctx, "SELECT 1 FROM "+from+" WHERE "+where, args)
		if err != nil {
			return crm.ListTotal{}, err
		}
		return crm.ListTotal{N: max(n, est), Estimated: true}, nil
	}
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM "+from+" WHERE "+where, args...).Scan(&n); err != nil {
		return crm.ListTotal{}, fmt.Errorf("store: count %s: %w", from, err)
	}
	return crm.ListTotal{N: n}, nil
}
