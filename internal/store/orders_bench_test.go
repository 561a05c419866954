package store_test

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/order"
	"github.com/kehucrm/kehu/internal/crm/workflow"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// BenchmarkOrderSubmit16 submits orders through the order service
// (authorization, the customer's scope, each line's product, the workflow
// resolved — the first step's approvers and its deadline on the calendar —
// and the order, its lines, revision, instance, task and inbox rows
// written with the audit entries in one transaction) from 16 goroutines,
// and reports orders per second.
//
//	go test -run XXX -bench OrderSubmit16 -benchtime 2000x ./internal/store
func BenchmarkOrderSubmit16(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			if engine == store.Postgres && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip("no PostgreSQL")
			}
			db := storetest.Open(b, engine)
			f := newSalesFixture(b, db, nil)
			cals, err := crm.NewCalendars(db)
			if err != nil {
				b.Fatal(err)
			}
			keys, err := secure.LoadOrCreateKeyring(filepath.Join(b.TempDir(), secure.KeyFileName))
			if err != nil {
				b.Fatal(err)
			}
			svc := order.New(db, customer.New(db, keys, nil), workflow.New(db, cals, nil), cals, nil)
			const workers = 16
			var next atomic.Int64
			b.ResetTimer()
			began := time.Now()
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						if _, err := svc.Submit(f.ctx, order.Input{CustomerID: f.customer, Lines: []order.LineInput{
							{ProductID: f.product.ID, Quantity: strconv.Itoa(1 + int(next.Load()%9))}}, Transport: order.TransportRail}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "orders/s")
		})
	}
}
