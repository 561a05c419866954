package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/kehucrm/kehu/internal/bench"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/search"
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
	var cfg Config
	var n int64
	var seed uint64
	var batchSize int
	fs := flag.NewFlagSet("kehu bench data", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.Int64Var(&n, "customers", 1_000_000, "how many customers (each with one contact) to generate")
	fs.Uint64Var(&seed, "seed", 1, "generator seed: the same seed gives the same data")
	fs.IntVar(&batchSize, "batch", 500, "rows per transaction")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if n < 1 || n > 50_000_000 {
		return usageError{"--customers must be from 1 to 50000000"}
	}
	if batchSize < 1 || batchSize > 1000 {
		return usageError{"--batch must be from 1 to 1000"}
	}
	db, err := store.Open(ctx, cfg.dsn(), store.Options{ApplicationName: "kehu-bench"})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if max, err := db.MaxCustomerID(ctx); err != nil {
		return err
	} else if max > 0 {
		return fmt.Errorf("the database already has customers; kehu bench data fills an empty database only")
	}
	keys, err := cfg.keyring()
	if err != nil {
		return err
	}
	id := identity.New(db, identity.DefaultAuthConfig(), keys, nil)
	password := generatePassword()
	var owners []identity.User
	for _, u := range benchUsers() {
		u.Password = password
		user, err := id.AddUser(cliContext(ctx), u, "zh-CN")
		if err != nil {
			return fmt.Errorf("bench user %s: %w", u.Username, err)
		}
		if user.Role == crm.RoleAccountManager {
			owners = append(owners, user)
		}
	}
	fmt.Fprintf(stdout, "kehu bench data: %d customers into %s (%s); the bench.* accounts' password is %s\n", n, db.Engine, cfg.dsn(), password)

	// PostgreSQL builds the search index's GIN index once at the end,
	// sorted, far faster than a row at a time; it is rebuilt whatever
	// happens to the load.
	if err := db.BeginBenchLoad(ctx); err != nil {
		return err
	}
	defer func() { _ = db.RestoreBenchIndexes(context.WithoutCancel(ctx)) }()
	start := time.Now()
	gen := make(chan bench.GenCustomer, 4*batchSize)
	batches := make(chan []store.BenchCustomer, 4)
	go func() {
		defer close(gen)
		bench.Customers(seed, n, len(owners), func(g bench.GenCustomer) bool {
			select {
			case gen <- g:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	var wg sync.WaitGroup
	errs := make(chan error, runtime.NumCPU())
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			batch := make([]store.BenchCustomer, 0, batchSize)
			for g := range gen {
				c, err := benchDataRow(g, owners, keys)
				if err != nil {
					errs <- err
					return
				}
				if batch = append(batch, c); len(batch) == batchSize {
					batches <- batch
					batch = make([]store.BenchCustomer, 0, batchSize)
				}
			}
			if len(batch) > 0 {
				batches <- batch
			}
		}()
	}
	go func() { wg.Wait(); close(batches) }()
	var done int64
	var writing time.Duration
	next := int64(100_000)
	for batch := range batches {
		t0 := time.Now()
		if err := db.LoadBenchCustomers(ctx, batch); err != nil {
			return err
		}
		writing += time.Since(t0)
		done += int64(len(batch))
		if done >= next || done == n {
			el := time.Since(start)
			fmt.Fprintf(stdout, "  %d rows, %.0f rows/s\n", done, float64(done)/el.Seconds())
			next += 100_000
		}
	}
	select {
	case err := <-errs:
		return err
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := db.RestoreBenchIndexes(ctx); err != nil {
		return err
	}
	if err := db.FinishBenchLoad(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %d customers with contacts and search rows in %s (%s of it writing)\n", done, time.Since(start).Round(time.Second), writing.Round(time.Second))
	return nil
}

// benchDataRow prepares one generated customer as the store writes it: its
// normalised name, sealed mobile with blind index, and search tokens.
func benchDataRow(g bench.GenCustomer, owners []identity.User, keys *secure.Keyring) (store.BenchCustomer, error) {
	owner := owners[g.Owner]
	enc, err := keys.Encrypt([]byte(g.Mobile), secure.AAD("contacts", "mobile"))
	if err != nil {
		return store.BenchCustomer{}, err
	}
	code := fmt.Sprintf("KH%08d", g.N)
	last4 := g.Mobile[len(g.Mobile)-4:]
	return store.BenchCustomer{
		ID: g.N, Code: code, Name: g.Name, ShortName: g.ShortName, NameNorm: customer.NormalizeName(g.Name), NameSort: customer.NameSortKey(g.Name), USCC: g.USCC,
		IndustryCode: g.IndustryCode, RegionCode: g.RegionCode, Address: g.Address, Source: g.Source, Stage: g.Stage,
		OwnerID: owner.ID, TeamID: owner.TeamID, CreatedAt: g.CreatedAt,
		ContactName: g.ContactName, ContactTitle: g.ContactTitle,
		MobileEnc: enc, MobileIdx: customer.MobileBlindIndex(keys, g.Mobile), MobileLast4: last4,
		Tokens: search.Tokens(search.Doc{
			Texts:   []string{g.Name, g.ShortName, g.ContactName},
			Codes:   []string{code, g.USCC, fmt.Sprint(g.N)},
			Numbers: []string{last4},
		}),
	}, nil
}
