package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// JobCount is the number of jobs of one kind in one state.
type JobCount struct {
	Kind, State string
	N           int64
}

// JobCounts reads the number of queued, running and finished jobs by kind
// and state.
func (db *DB) JobCounts(ctx context.Context) ([]JobCount, error) {
	rows, err := db.Query(ctx, "SELECT kind, state, count(*) FROM river_job GROUP BY kind, state ORDER BY kind, state")
	if err != nil {
		return nil, fmt.Errorf("store: job counts: %w", err)
	}
	defer rows.Close()
	var out []JobCount
	for rows.Next() {
		var c JobCount
		if err := rows.Scan(&c.Kind, &c.State, &c.N); err != nil {
			return nil, fmt.Errorf("store: job counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LastJobFinished returns when a job of kind last completed, or nil if
// none has.
func (db *DB) LastJobFinished(ctx context.Context, kind string) (*time.Time, error) {
	var at time.Time
	err := db.QueryRow(ctx, `SELECT finalized_at FROM river_job
		WHERE kind = ? AND state = 'completed' ORDER BY finalized_at DESC LIMIT 1`, kind).Scan(&at)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: last %s job: %w", kind, err)
	}
	return &at, nil
}

// AppliedMigration returns one applied migration by version.
func (db *DB) AppliedMigration(ctx context.Context, version int) (Migration, error) {
	m := Migration{Version: version}
	var at time.Time
	err := db.QueryRow(ctx, "SELECT name, applied_at FROM schema_migrations WHERE version = ?", version).Scan(&m.Name, &at)
	if err == sql.ErrNoRows {
		return m, ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("store: migration %d: %w", version, err)
	}
	m.AppliedAt = &at
	return m, nil
}

// JobsCompletedSince counts the jobs completed after t.
func (db *DB) JobsCompletedSince(ctx context.Context, t time.Time) (int64, error) {
	var n int64
	err := db.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE state = 'completed' AND finalized_at > ?", t.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: completed jobs: %w", err)
	}
	return n, nil
}

// optimizeStmts are the maintenance statements of each engine: the
// planner's statistics refreshed, and on SQLite the WAL truncated, which
// the one connection that writes never does by itself.
var optimizeStmts = map[Engine][]string{
	Postgres: {"ANALYZE"},
	SQLite:   {"PRAGMA optimize", "PRAGMA wal_checkpoint(TRUNCATE)"},
}

// Optimize runs the engine's periodic maintenance statements.
func (db *DB) Optimize(ctx context.Context) error {
	for _, q := range optimizeStmts[db.Engine] {
		if _, err := db.W.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: %s: %w", q, err)
		}
	}
	return db.keepPlanStats(ctx)
}
