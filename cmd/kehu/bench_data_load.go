package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/kehucrm/kehu/internal/bench"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/search"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
)

// benchLoad is the pipeline of `kehu bench data`: one goroutine generates
// customers, one per CPU seals and tokenises them into batches, and the
// caller writes the batches, one transaction each.
type benchLoad struct {
	db        *store.DB
	keys      *secure.Keyring
	owners    []identity.User
	seed      uint64
	n         int64
	batchSize int
	stdout    io.Writer
	start     time.Time // the rates printed are since then
}

// run loads the customers and returns how many it wrote and how long the
// writing took.
func (l benchLoad) run(ctx context.Context) (int64, time.Duration, error) {
	gen := l.generate(ctx)
	batches, errs := l.prepare(gen)
	done, writing, err := l.write(ctx, batches)
	if err != nil {
		return done, writing, err
	}
	select {
	case err := <-errs:
		return done, writing, err
	default:
	}
	if err := ctx.Err(); err != nil {
		return done, writing, err
	}
	return done, writing, nil
}

// generate sends the generated customers until they are all sent or ctx
// is done.
func (l benchLoad) generate(ctx context.Context) <-chan bench.GenCustomer {
	gen := make(chan bench.GenCustomer, 4*l.batchSize)
	go func() {
		defer close(gen)
		bench.Customers(l.seed, l.n, len(l.owners), func(g bench.GenCustomer) bool {
			select {
			case gen <- g:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	return gen
}

// prepare turns generated customers into batches of rows, on every CPU; a
// worker that fails reports on errs and stops.
func (l benchLoad) prepare(gen <-chan bench.GenCustomer) (<-chan []store.BenchCustomer, <-chan error) {
	batches := make(chan []store.BenchCustomer, 4)
	var wg sync.WaitGroup
	errs := make(chan error, runtime.NumCPU())
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			batch := make([]store.BenchCustomer, 0, l.batchSize)
			for g := range gen {
				c, err := benchDataRow(g, l.owners, l.keys)
				if err != nil {
					errs <- err
					return
				}
				if batch = append(batch, c); len(batch) == l.batchSize {
					batches <- batch
					batch = make([]store.BenchCustomer, 0, l.batchSize)
				}
			}
			if len(batch) > 0 {
				batches <- batch
			}
		}()
	}
	go func() { wg.Wait(); close(batches) }()
	return batches, errs
}

// write stores the batches, printing the rate every 100,000 rows and at
// the end.
func (l benchLoad) write(ctx context.Context, batches <-chan []store.BenchCustomer) (int64, time.Duration, error) {
	var done int64
	var writing time.Duration
	next := int64(100_000)
	for batch := range batches {
		t0 := time.Now()
		if err := l.db.LoadBenchCustomers(ctx, batch); err != nil {
			return done, writing, err
		}
		writing += time.Since(t0)
		done += int64(len(batch))
		if done >= next || done == l.n {
			el := time.Since(l.start)
			fmt.Fprintf(l.stdout, "  %d rows, %.0f rows/s\n", done, float64(done)/el.Seconds())
			next += 100_000
		}
	}
	return done, writing, nil
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
		OwnerID: owner.ID, TeamID: owner.TeamID, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt, Tags: g.Tags,
		ContactName: g.ContactName, ContactTitle: g.ContactTitle,
		MobileEnc: enc, MobileIdx: customer.MobileBlindIndex(keys, g.Mobile), MobileLast4: last4,
		Tokens: search.Tokens(search.Doc{
			Texts:   []string{g.Name, g.ShortName, g.ContactName},
			Codes:   []string{code, g.USCC, fmt.Sprint(g.N)},
			Numbers: []string{last4},
		}),
	}, nil
}
