package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
)

// loadBenchSales adds the sales data set (--sales-lines) over the n
// customers just loaded: products and lines, then the customers' monthly
// aggregates.
func loadBenchSales(ctx context.Context, db *store.DB, customers, lines int64, seed uint64, stdout io.Writer) error {
	if lines <= 0 {
		return nil
	}
	start := time.Now()
	last := start
	err := db.LoadBenchSales(ctx, customers, lines, seed, 1000, time.Now().In(crm.Shanghai), func(done int64) {
		if time.Since(last) >= 10*time.Second {
			last = time.Now()
			fmt.Fprintf(stdout, "  %d of %d sales lines (%s)\n", done, lines, time.Since(start).Round(time.Second))
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %d products and %d sales lines with the customers' monthly aggregates in %s\n", store.BenchProducts, lines,
		time.Since(start).Round(time.Second))
	return nil
}
