package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Tx is a transaction whose methods rebind ? placeholders for the engine.
type Tx struct {
	tx     *sql.Tx
	engine Engine
	db     *DB
}

// Engine returns the engine the transaction runs on.
func (tx *Tx) Engine() Engine { return tx.engine }

// SQL returns the underlying *sql.Tx, for libraries (the job queue) that
// insert in the caller's transaction.
func (tx *Tx) SQL() *sql.Tx { return tx.tx }

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if tx.db != nil && tx.db.plan != nil {
		tx.db.checkPlan(ctx, tx.tx, true, query, args)
	}
	if st := tx.prepared(ctx, query, len(args)); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, rebind(tx.engine, query), args...)
}

// maxTxStmts bounds the statements kept prepared for transactions.
const maxTxStmts = 512

// prepared returns, on SQLite, the statement kept prepared on the write
// connection for query, bound to tx, or nil (PostgreSQL's driver caches
// prepared statements itself). A statement met for the first time is
// noted, and prepared before the next transaction begins: parsing costs
// as much as running a small statement, and a write runs a dozen.
func (tx *Tx) prepared(ctx context.Context, query string, nargs int) *sql.Stmt {
	db := tx.db
	if tx.engine != SQLite || db == nil {
		return nil
	}
	if st, ok := db.txStmts.Load(query); ok {
		return tx.tx.StmtContext(ctx, st.(*sql.Stmt))
	}
	if nargs <= 64 && len(query) <= 4096 && db.ntx.Load() < maxTxStmts {
		switch strings.ToUpper(firstWord(strings.TrimSpace(query))) {
		case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH":
			db.txWanted.Store(query, struct{}{})
		}
	}
	return nil
}

// prepareWanted prepares the statements transactions noted (see
// Tx.prepared), outside a transaction.
func (db *DB) prepareWanted(ctx context.Context) {
	db.txWanted.Range(func(q, _ any) bool {
		db.txWanted.Delete(q)
		if db.ntx.Add(1) > maxTxStmts {
			db.ntx.Add(-1)
			return false
		}
		st, err := db.W.PrepareContext(ctx, q.(string))
		if err != nil {
			db.ntx.Add(-1)
			return true // running it reports the error
		}
		if _, loaded := db.txStmts.LoadOrStore(q, st); loaded {
			st.Close()
			db.ntx.Add(-1)
		}
		return true
	})
}

// execPrepared is Exec through the statement warmWriteStmt kept prepared
// on the SQLite write connection, if it did, for bulk inserts that repeat.
func (tx *Tx) execPrepared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if tx.db != nil {
		if st, ok := tx.db.wstmts.Load(query); ok {
			return tx.tx.StmtContext(ctx, st.(*sql.Stmt)).ExecContext(ctx, args...)
		}
	}
	return tx.Exec(ctx, query, args...)
}

// QueryRow runs a query that returns at most one row.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if tx.db != nil && tx.db.plan != nil {
		tx.db.checkPlan(ctx, tx.tx, true, query, args)
	}
	if st := tx.prepared(ctx, query, len(args)); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, rebind(tx.engine, query), args...)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if tx.db != nil && tx.db.plan != nil {
		tx.db.checkPlan(ctx, tx.tx, true, query, args)
	}
	if st := tx.prepared(ctx, query, len(args)); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, rebind(tx.engine, query), args...)
}

const maxTxAttempts = 5

// InTx runs fn in a write transaction and commits it when fn returns nil.
// On PostgreSQL a serialization failure or deadlock makes the whole
// transaction run again (so fn must have no effects outside tx), up to
// five attempts. On SQLite writes are serialised by the one-connection
// write pool and the immediate transaction lock, so no retry is needed.
func (db *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.inTxOnce(ctx, fn)
		if err == nil || !retryable(err) || attempt == maxTxAttempts {
			return err
		}
		backoff := time.Duration(attempt*attempt) * 5 * time.Millisecond
		backoff += time.Duration(rand.Int64N(int64(backoff)))
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(backoff):
		}
	}
}

func (db *DB) inTxOnce(ctx context.Context, fn func(*Tx) error) (err error) {
	if db.Engine == SQLite {
		db.prepareWanted(ctx)
	}
	stx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{tx: stx, engine: db.Engine, db: db}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// retryable reports whether err is a PostgreSQL serialization failure or
// deadlock, after which the transaction may simply run again.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	return false
}
