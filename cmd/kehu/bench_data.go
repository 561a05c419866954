package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
)

// benchUsers are the staff of a benchmark data set: a GM, four sales
// teams of five account managers each. Customers are spread over the
// account managers.
func benchUsers() []identity.NewUser {
	users := []identity.NewUser{{Username: "bench.gm", DisplayName: "基准总经理", Role: crm.RoleGM}}
	for t := 1; t <= 4; t++ {
		team := fmt.Sprintf("基准销售%d部", t)
		mgr := fmt.Sprintf("bench.sm%d", t)
		users = append(users, identity.NewUser{Username: mgr, DisplayName: fmt.Sprintf("销售经理%d", t), Role: crm.RoleSalesManager, Team: team, Manager: "bench.gm"})
		for a := 1; a <= 5; a++ {
			users = append(users, identity.NewUser{Username: fmt.Sprintf("bench.am%d%d", t, a), DisplayName: fmt.Sprintf("客户经理%d-%d", t, a),
				Role: crm.RoleAccountManager, Team: team, Manager: mgr})
		}
	}
	return users
}

// benchData is `kehu bench data`: it fills an empty database with a large,
// deterministic data set for the benchmarks in docs/benchmarks.md.
func benchData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opt, err := parseBenchData(args, stderr)
	if err != nil {
		return err
	}
	cfg := opt.cfg
	db, err := store.Open(ctx, cfg.dsn(), store.Options{ApplicationName: "kehu-bench"})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := migrateEmptyBenchDB(ctx, db); err != nil {
		return err
	}
	keys, err := cfg.keyring()
	if err != nil {
		return err
	}
	password := generatePassword()
	owners, err := addBenchUsers(ctx, db, keys, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "kehu bench data: %d customers into %s (%s); the bench.* accounts' password is %s\n", opt.n, db.Engine, cfg.dsn(), password)

	// PostgreSQL builds the search index's GIN index once at the end,
	// sorted, far faster than a row at a time; it is rebuilt whatever
	// happens to the load.
	if err := db.BeginBenchLoad(ctx); err != nil {
		return err
	}
	defer func() { _ = db.RestoreBenchIndexes(context.WithoutCancel(ctx)) }()
	start := time.Now()
	load := benchLoad{db: db, keys: keys, owners: owners, seed: opt.seed, n: opt.n, batchSize: opt.batchSize, stdout: stdout, start: start}
	done, writing, err := load.run(ctx)
	if err != nil {
		return err
	}
	if err := db.RestoreBenchIndexes(ctx); err != nil {
		return err
	}
	if err := db.FinishBenchLoad(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %d customers with contacts and search rows in %s (%s of it writing)\n", done, time.Since(start).Round(time.Second), writing.Round(time.Second))
	return loadBenchSales(ctx, db, done, opt.salesLines, opt.seed, stdout)
}

// benchDataOptions are the flags of `kehu bench data`.
type benchDataOptions struct {
	cfg       Config
	n         int64
	seed      uint64
	batchSize int
	// salesLines is how many sales lines to add over the customers (0: none).
	salesLines int64
}

// parseBenchData reads the flags of `kehu bench data`.
func parseBenchData(args []string, stderr io.Writer) (benchDataOptions, error) {
	var opt benchDataOptions
	fs := flag.NewFlagSet("kehu bench data", flag.ContinueOnError)
	dbFlags(fs, &opt.cfg)
	fs.Int64Var(&opt.n, "customers", 1_000_000, "how many customers (each with one contact) to generate")
	fs.Uint64Var(&opt.seed, "seed", 1, "generator seed: the same seed gives the same data")
	fs.IntVar(&opt.batchSize, "batch", 500, "rows per transaction")
	fs.Int64Var(&opt.salesLines, "sales-lines", 0, "how many sales lines to add over the customers, with 200 products and the monthly aggregates (0: none)")
	if err := parse(fs, args, stderr); err != nil {
		return opt, err
	}
	if opt.n < 1 || opt.n > 50_000_000 {
		return opt, usageError{"--customers must be from 1 to 50000000"}
	}
	if opt.salesLines < 0 || opt.salesLines > 100_000_000 {
		return opt, usageError{"--sales-lines must be from 0 to 100000000"}
	}
	if opt.batchSize < 1 || opt.batchSize > 1000 {
		return opt, usageError{"--batch must be from 1 to 1000"}
	}
	return opt, nil
}

// migrateEmptyBenchDB brings the database's schema up to date and refuses
// one that already has customers: the data set's ids start at 1.
func migrateEmptyBenchDB(ctx context.Context, db *store.DB) error {
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if max, err := db.MaxCustomerID(ctx); err != nil {
		return err
	} else if max > 0 {
		return fmt.Errorf("the database already has customers; kehu bench data fills an empty database only")
	}
	return nil
}

// addBenchUsers adds benchUsers with one password and returns the account
// managers, who own the customers.
func addBenchUsers(ctx context.Context, db *store.DB, keys *secure.Keyring, password string) ([]identity.User, error) {
	id := identity.New(db, identity.DefaultAuthConfig(), keys, nil)
	var owners []identity.User
	for _, u := range benchUsers() {
		u.Password = password
		user, err := id.AddUser(cliContext(ctx), u, "zh-CN")
		if err != nil {
			return nil, fmt.Errorf("bench user %s: %w", u.Username, err)
		}
		if user.Role == crm.RoleAccountManager {
			owners = append(owners, user)
		}
	}
	return owners, nil
}
