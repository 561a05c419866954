package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/visit"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// BenchmarkVisitGenerateQuarter generates a quarter's visit plans for N
// customers (KEHU_BENCH_VISIT_CUSTOMERS, default 20,000) ranked A/B/C in
// turn (monthly, quarterly and half-yearly cadences), through the visit
// service and its batched run, and reports customers per second.
//
//	KEHU_BENCH_VISIT_CUSTOMERS=100000 go test -run XXX -bench VisitGenerateQuarter -benchtime 1x ./internal/store
func BenchmarkVisitGenerateQuarter(b *testing.B) {
	n := int64(20000)
	if s := os.Getenv("KEHU_BENCH_VISIT_CUSTOMERS"); s != "" {
		n, _ = strconv.ParseInt(s, 10, 64)
	}
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			if engine == store.Postgres && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip("no PostgreSQL")
			}
			db := storetest.Open(b, engine)
			ctx := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("bench"))
			now := time.Now().UTC()
			var owner int64
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `INSERT INTO users (username, role, password_hash, password_changed_at, created_at, updated_at)
					VALUES ('bench_am', 'account_manager', 'x', ?, ?, ?) RETURNING id`, now, now, now).Scan(&owner)
			}); err != nil {
				b.Fatal(err)
			}
			for from := int64(1); from <= n; from += 1000 {
				var batch []store.BenchCustomer
				for id := from; id < from+1000 && id <= n; id++ {
					name := fmt.Sprintf("拜访基准客户%d有限公司", id)
					batch = append(batch, store.BenchCustomer{ID: id, Code: fmt.Sprintf("KV%08d", id), Name: name, NameNorm: name, NameSort: name,
						Source: "other", Stage: "potential", OwnerID: owner, CreatedAt: now, UpdatedAt: now, Tokens: []string{name}})
				}
				if err := db.LoadBenchCustomers(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := db.Exec(ctx, `INSERT INTO customer_tiers (scheme_id, customer_id, level, since, source, inputs)
				SELECT s.id, c.id, CASE c.id % 3 WHEN 0 THEN 'A' WHEN 1 THEN 'B' ELSE 'C' END, ?, 'calc', '{}'
				FROM customers c JOIN tier_schemes s ON s.code = 'abc' WHERE c.id > 0`, now); err != nil {
				b.Fatal(err)
			}
			cals, err := crm.NewCalendars(db)
			if err != nil {
				b.Fatal(err)
			}
			vs := visit.New(db, cals, nil)
			today := time.Now().In(crm.Shanghai)
			b.ResetTimer()
			began := time.Now()
			var created int64
			for i := 0; i < b.N; i++ {
				from := today.AddDate(0, 3*i, 0)
				r, err := vs.Generate(ctx, from.Format(time.DateOnly), from.AddDate(0, 3, 0).AddDate(0, 0, -1).Format(time.DateOnly))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := vs.WorkRuns(ctx); err != nil {
					b.Fatal(err)
				}
				if r, err = vs.Run(ctx, r.ID); err != nil || r.Status != visit.RunDone || r.Customers != n {
					b.Fatalf("run %+v (%v)", r, err)
				}
				created += r.Created
			}
			b.StopTimer()
			secs := time.Since(began).Seconds()
			b.ReportMetric(float64(n*int64(b.N))/secs, "customers/s")
			b.ReportMetric(float64(created)/float64(b.N), "items/quarter")
		})
	}
}
