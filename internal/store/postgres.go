package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

func openPostgres(ctx context.Context, dsn string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The parse error may quote the URL, password included: say less.
		return nil, errors.New("store: the PostgreSQL URL is not valid: expected postgres://user@host:port/dbname?options")
	}
	if opts.ApplicationName != "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = opts.ApplicationName
	}
	// pgx prepares and caches every statement, and PostgreSQL then plans a
	// prepared statement once for any parameters after five runs. Customer
	// searches and filters are skewed (华 matches a tenth of the customers,
	// a given USCC one), so each run is planned for its own parameters.
	if _, set := cfg.ConnConfig.RuntimeParams["plan_cache_mode"]; !set {
		cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	// Kehu's queries read a page or a count of rows in milliseconds;
	// starting a parallel worker costs as much again (a search of 1,110
	// matches took 15 ms with one worker and 8 ms without). An operator
	// who wants parallel plans sets it in the DSN.
	if _, set := cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"]; !set {
		cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	}
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	cfg.MaxConns = 16
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open PostgreSQL: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		// pgx lists each address it tried on its own line; the operator
		// gets one line.
		msg := strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %s", hostOf(dsn), msg)
	}
	sdb := stdlib.OpenDBFromPool(pool)
	db := &DB{Engine: Postgres, W: sdb, R: sdb, PG: pool}
	db.searcher = &postgresSearch{DB: db}
	return db, nil
}

// hostOf returns host:port/dbname of a PostgreSQL URL without credentials,
// for error messages.
func hostOf(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Host + u.Path
}
