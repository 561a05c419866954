package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// The plan check's statistics (SQLite). Without sqlite_stat1 SQLite
// guesses a table's size, and a nearly empty table (a chunk or two, one
// complaint) can tip it towards a SCAN that it would never choose for a
// grown table: the check's verdict then depended on what a test had
// planted. So a database under the plan check gets fixed statistics, the
// same in every test, shaped as at scale: each growing table holds
// planStatRows rows, each small table (smallTables) planSmallRows; an
// index's leading column picks planStatFirst rows, each further column
// fewer, and a unique index's whole key one row. These are SQLite's own
// default guesses for a table without statistics (where.c), with the
// table's size fixed instead of read from its pages (and a partial index
// as large as its table, see planStats), so a test's few rows change
// nothing.

const (
	planStatRows  = 1000000
	planSmallRows = 100
	planStatFirst = 10
)

// planStats is the sqlite_stat1 line of an index of a table of rows rows
// with ncols key columns: rows, then the rows one value of each key
// prefix selects.
//
// A partial index counts as the whole table: most of Kehu's are of the
// live rows (deleted_at IS NULL), which at scale are nearly all of them.
func planStats(rows int64, ncols int, unique bool) string {
	parts := []string{strconv.FormatInt(rows, 10)}
	for k := 1; k <= ncols; k++ {
		per := int64(planStatFirst - (k - 1))
		if per < 2 {
			per = 2
		}
		if unique && k == ncols {
			per = 1
		}
		if per > rows {
			per = rows
		}
		parts = append(parts, strconv.FormatInt(per, 10))
	}
	return strings.Join(parts, " ")
}

// loadPlanStats writes the fixed statistics into sqlite_stat1 and makes
// every connection load them (a schema change makes each read the schema,
// and with it the statistics, again).
func (db *DB) loadPlanStats(ctx context.Context) error {
	if db.Engine != SQLite {
		return nil
	}
	conn, err := db.W.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	type index struct {
		table, name string
		unique      bool
		ncols       int
	}
	var tables []string
	rows, err := conn.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		return err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var idx []index
	for _, t := range tables {
		list, err := pragmaIndexes(ctx, conn, t)
		if err != nil {
			return err
		}
		for _, ix := range list {
			n, err := pragmaIndexColumns(ctx, conn, ix.name)
			if err != nil {
				return err
			}
			idx = append(idx, index{table: t, name: ix.name, unique: ix.unique, ncols: n})
		}
	}
	stmts := []string{"ANALYZE", "DELETE FROM sqlite_stat1"} // ANALYZE creates sqlite_stat1
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("plan statistics: %s: %w", q, err)
		}
	}
	size := func(t string) int64 {
		if smallTables[t] || strings.HasPrefix(t, "river_") {
			return planSmallRows
		}
		return planStatRows
	}
	for _, t := range tables {
		if _, err := conn.ExecContext(ctx, "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, NULL, ?)", t, strconv.FormatInt(size(t), 10)); err != nil {
			return err
		}
	}
	for _, ix := range idx {
		if _, err := conn.ExecContext(ctx, "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)",
			ix.table, ix.name, planStats(size(ix.table), ix.ncols, ix.unique)); err != nil {
			return err
		}
	}
	// A schema change: every connection reads the schema again before its
	// next statement, and the statistics with it.
	for _, q := range []string{"CREATE TABLE kehu_plan_stats_reload (x)", "DROP TABLE kehu_plan_stats_reload"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

type pragmaIndex struct {
	name   string
	unique bool
}

func pragmaIndexes(ctx context.Context, conn *sql.Conn, table string) ([]pragmaIndex, error) {
	rows, err := conn.QueryContext(ctx, "SELECT name, \"unique\" FROM pragma_index_list(?)", table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pragmaIndex
	for rows.Next() {
		var ix pragmaIndex
		if err := rows.Scan(&ix.name, &ix.unique); err != nil {
			return nil, err
		}
		out = append(out, ix)
	}
	return out, rows.Err()
}

func pragmaIndexColumns(ctx context.Context, conn *sql.Conn, index string) (int, error) {
	var n int
	err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM pragma_index_info(?)", index).Scan(&n)
	return n, err
}

// keepPlanStats puts the plan check's fixed statistics back after an
// ANALYZE (Optimize, FinishBenchLoad) replaced them with a test's few
// rows; without the check it does nothing.
func (db *DB) keepPlanStats(ctx context.Context) error {
	if db.plan == nil {
		return nil
	}
	return db.loadPlanStats(ctx)
}
