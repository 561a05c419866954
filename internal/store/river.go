package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// MigrateJobs applies the job queue's (River's) own migrations. Migrate
// runs it under the migration lock; it is exported for tools that only
// need the queue tables.
func (db *DB) MigrateJobs(ctx context.Context) error {
	m, err := rivermigrate.New(db.RiverDriver(), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	}
	if err != nil {
		return fmt.Errorf("store: job queue migrations: %w", err)
	}
	return nil
}

// RiverDriver returns the job queue driver for this database. Both engines
// go through database/sql, so a job can be inserted in the same *sql.Tx as
// the change that caused it. On SQLite it uses the one-connection write pool.
func (db *DB) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if db.Engine == Postgres {
		return riverdatabasesql.New(db.W)
	}
	return riversqlite.New(db.W)
}
