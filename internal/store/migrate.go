package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationsFS embed.FS

// Migration is one schema change, applied in its own transaction.
type Migration struct {
	Version   int
	Name      string
	SQL       string
	AppliedAt *time.Time // nil while pending
}

// ErrNewerSchema is returned when the database was migrated by a newer
// kehu than this one.
var ErrNewerSchema = errors.New("database schema is newer than this kehu")

// migrationLockKey is the PostgreSQL advisory lock key that serialises
// migrations across kehu instances ("kehu" in ASCII).
const migrationLockKey = 0x6b656875

// Migrations returns the embedded migrations for an engine, in order.
func Migrations(e Engine) ([]Migration, error) {
	dir := path.Join("migrations", string(e))
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var ms []Migration
	for _, ent := range entries {
		name := ent.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration file %s: want NNNN_name.sql", name)
		}
		body, err := fs.ReadFile(migrationsFS, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: rest, SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := range ms {
		if ms[i].Version != i+1 {
			return nil, fmt.Errorf("store: migrations for %s: version %d is missing", e, i+1)
		}
	}
	return ms, nil
}

// Migrate applies every pending migration, each in its own transaction,
// then the job queue's own migrations, all under one lock: on PostgreSQL an
// advisory lock makes a second kehu starting at the same moment wait and
// then find nothing to do. It returns the migrations it applied.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	unlock, err := db.lockMigrations(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()

	if _, err := db.Exec(ctx, createMigrationsTable[db.Engine]); err != nil {
		return nil, fmt.Errorf("store: create schema_migrations: %w", err)
	}
	all, err := db.MigrationStatus(ctx)
	if err != nil {
		return nil, err
	}
	var applied []Migration
	for _, m := range all {
		if m.AppliedAt != nil {
			continue
		}
		err := db.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, time.Now().UTC())
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("store: migration %04d_%s: %w", m.Version, m.Name, err)
		}
		applied = append(applied, m)
	}
	if err := db.refreshSearchIndex(ctx); err != nil {
		return applied, err
	}
	return applied, db.MigrateJobs(ctx)
}

// MigrationStatus lists every known migration with the time it was applied
// (nil while pending). It refuses a database migrated by a newer kehu.
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	known, err := Migrations(db.Engine)
	if err != nil {
		return nil, err
	}
	rows, err := db.W.QueryContext(ctx, "SELECT version, applied_at FROM schema_migrations ORDER BY version")
	if err != nil {
		if isMissingTable(err) {
			return known, nil
		}
		return nil, fmt.Errorf("store: read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[int]time.Time{}
	newest := 0
	for rows.Next() {
		var v int
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			return nil, fmt.Errorf("store: read schema_migrations: %w", err)
		}
		applied[v] = at
		newest = max(newest, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if newest > len(known) {
		return nil, fmt.Errorf("%w: the database is at schema version %d but this kehu knows versions up to %d; run a kehu at least as new as the one that last opened it",
			ErrNewerSchema, newest, len(known))
	}
	for i := range known {
		if at, ok := applied[known[i].Version]; ok {
			known[i].AppliedAt = &at
		}
	}
	return known, nil
}

func (db *DB) lockMigrations(ctx context.Context) (func(), error) {
	if db.Engine != Postgres {
		return func() {}, nil // the SQLite file lock already makes us the only writer
	}
	conn, err := db.W.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		conn.Close()
		return nil, fmt.Errorf("store: migration lock: %w", err)
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", migrationLockKey)
		conn.Close()
	}, nil
}

var createMigrationsTable = map[Engine]string{
	SQLite: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`,
	Postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
}

func isMissingTable(err error) bool {
	if errors.Is(err, sql.ErrNoRows) {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "no such table") || strings.Contains(msg, "42P01")
}
