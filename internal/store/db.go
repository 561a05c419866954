// Package store owns the SQL of Kehu for both engines, SQLite and
// PostgreSQL: opening and configuring the database, migrations, transactions,
// backups. Queries are written by hand next to the method that runs them,
// with ? placeholders that Rebind turns into $n for PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Engine names a database engine.
type Engine string

// The engines Kehu runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open Kehu database. On SQLite, writes go through a pool of one
// connection (SQLite allows one writer at a time, and queueing in Go is
// cheaper than spinning on SQLITE_BUSY) and reads through a larger pool; on
// PostgreSQL both are the same pool.
type DB struct {
	Engine Engine
	// W is the pool for writes and transactions.
	W *sql.DB
	// R is the pool for reads outside transactions.
	R *sql.DB
	// PG is the native pgx pool (PostgreSQL only), for the job queue.
	PG *pgxpool.Pool
	// Path is the SQLite file (SQLite only).
	Path string

	lock   *os.File
	stmts  sync.Map // query → *sql.Stmt on the SQLite read pool
	wstmts sync.Map // query → *sql.Stmt on the SQLite write connection (bulk inserts)
	nw     atomic.Int32
	// txStmts are statements that ran in write transactions, prepared
	// on the SQLite write connection (see Tx.prepared); txWanted are
	// those seen but not prepared yet, which InTx prepares before its
	// next transaction (the connection is busy during one).
	txStmts, txWanted sync.Map
	ntx               atomic.Int32
	auth              authWatch

	searcher searcher // the engine's way of finding and counting customers

	plan *planCheck // tests only: see plan_check.go
}

// Options configure Open.
type Options struct {
	// ReadOnly opens the database without taking the single-server lock and
	// without write access to the schema (used by backup and status).
	ReadOnly bool
	// Shared opens the database for writing without taking the
	// single-server lock, for operator commands (kehu user, kehu token)
	// that run beside a serving kehu. SQLite serialises their writes.
	Shared bool
	// ApplicationName tags PostgreSQL connections so that restore can see
	// whether the database is in use.
	ApplicationName string
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL
// opens PostgreSQL; anything else is a SQLite file path (or file: URI).
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if IsPostgresDSN(dsn) {
		return openPostgres(ctx, dsn, opts)
	}
	return openSQLite(ctx, dsn, opts)
}

// IsPostgresDSN reports whether dsn names a PostgreSQL database.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Close closes the pools and releases the SQLite lock.
func (db *DB) Close() error {
	var errs []error
	if db.Engine == Postgres {
		db.closeAuthWatch() // stop listening before the pool closes
	}
	db.stmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
	db.wstmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
	db.txStmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
	if db.R != nil && db.R != db.W {
		errs = append(errs, db.R.Close())
	}
	if db.W != nil {
		errs = append(errs, db.W.Close())
	}
	if db.PG != nil {
		db.PG.Close()
	}
	if db.Engine != Postgres {
		db.closeAuthWatch() // SQLite: after the pools (see closeAuthWatch)
	}
	if db.lock != nil {
		errs = append(errs, db.lock.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.R.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Rebind turns ? placeholders into $1, $2, … for PostgreSQL. It skips
// question marks inside single-quoted string literals.
func (db *DB) Rebind(query string) string {
	return rebind(db.Engine, query)
}

func rebind(e Engine, query string) string {
	if e != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// QueryRow runs a read query on the read pool.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if db.plan != nil {
		db.checkPlan(ctx, nil, false, query, args)
	}
	if st := db.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.R.QueryRowContext(ctx, db.Rebind(query), args...)
}

// Query runs a read query on the read pool.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if db.plan != nil {
		db.checkPlan(ctx, nil, false, query, args)
	}
	if st := db.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.R.QueryContext(ctx, db.Rebind(query), args...)
}

// stmt returns a prepared statement for a read query on SQLite, where
// preparing costs as much as running a small query; database/sql keeps it
// prepared on each connection of the pool. PostgreSQL's driver caches
// prepared statements itself, so it gets nil and the plain path.
func (db *DB) stmt(ctx context.Context, query string) *sql.Stmt {
	if db.Engine != SQLite {
		return nil
	}
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	st, err := db.R.PrepareContext(ctx, query)
	if err != nil {
		return nil // the plain path reports the error
	}
	if prev, loaded := db.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	return st
}

// maxWriteStmts bounds the bulk inserts kept prepared on the SQLite
// write connection: an import's full batches share a few shapes, and
// the odd-sized rest are prepared each time.
const maxWriteStmts = 8

// warmWriteStmt prepares query on the SQLite write connection and keeps
// it (see execPrepared), unless enough are kept already. It must be called
// outside a transaction: the write pool's one connection is busy during
// one. Parsing a thousand-row INSERT with 25,000 parameters costs about as
// much as running it.
func (db *DB) warmWriteStmt(ctx context.Context, query string) {
	if db.Engine != SQLite {
		return
	}
	if _, ok := db.wstmts.Load(query); ok {
		return
	}
	if db.nw.Add(1) > maxWriteStmts {
		db.nw.Add(-1)
		return
	}
	st, err := db.W.PrepareContext(ctx, query)
	if err != nil {
		db.nw.Add(-1)
		return // running it reports the error
	}
	if _, loaded := db.wstmts.LoadOrStore(query, st); loaded {
		st.Close()
		db.nw.Add(-1)
	}
}

// Exec runs one statement on the write pool, outside an explicit transaction.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if db.plan != nil {
		db.checkPlan(ctx, nil, true, query, args)
	}
	return db.W.ExecContext(ctx, db.Rebind(query), args...)
}

// ErrNotFound is returned when a row asked for by key does not exist.
var ErrNotFound = errors.New("store: not found")
