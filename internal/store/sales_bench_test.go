package store_test

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// BenchmarkSalesEntry16 enters sales lines through the sales service
// (authorization, the customer's scope, the product, validation, the
// audited insert and the customer's monthly aggregate in the same
// transaction) from 16 goroutines at once, all to ONE customer — the
// worst case for the aggregate rows — and reports lines per second.
//
//	go test -run XXX -bench SalesEntry16 -benchtime 5000x ./internal/store
func BenchmarkSalesEntry16(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			if engine == store.Postgres && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip("no PostgreSQL")
			}
			db := storetest.Open(b, engine)
			f := newSalesFixture(b, db, nil)
			const workers = 16
			var next atomic.Int64
			b.ResetTimer()
			began := time.Now()
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for {
						n := next.Add(1)
						if n > int64(b.N) {
							return
						}
						if _, err := f.ss.Record(f.ctx, sales.SaleInput{CustomerID: f.customer, ProductID: f.product.ID, Quantity: "1",
							Amount: "99.50", ExternalID: fmt.Sprintf("B-%d", n)}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "lines/s")
			sum, err := f.ss.Summary(f.ctx, f.customer)
			if err != nil || sum.Months3.Lines != int64(b.N) {
				b.Fatalf("the aggregates hold %d lines after %d sales (%v)", sum.Months3.Lines, b.N, err)
			}
		})
	}
}
