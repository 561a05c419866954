package store_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// BenchmarkComplaintCreate16 registers complaints through the complaint
// service (validation, deadline rules on the working-day calendar, the
// number from the month's counter, the audited insert) from 16
// goroutines at once, and checks no number repeats.
//
//	go test -run XXX -bench ComplaintCreate16 -benchtime 5000x ./internal/store
func BenchmarkComplaintCreate16(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			if engine == store.Postgres && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip("no PostgreSQL")
			}
			db := storetest.Open(b, engine)
			keys, err := secure.LoadOrCreateKeyring(filepath.Join(b.TempDir(), secure.KeyFileName))
			if err != nil {
				b.Fatal(err)
			}
			cals, err := crm.NewCalendars(db)
			if err != nil {
				b.Fatal(err)
			}
			customers := customer.New(db, keys, nil)
			cs := complaint.New(db, customers, cals, keys, nil)
			ctx := crm.WithPrincipal(context.Background(), crm.Principal{UserID: -1, Username: "bench", Role: crm.RoleService})
			const workers = 16
			var next atomic.Int64
			var mu sync.Mutex
			seen := map[string]bool{}
			dup := 0
			b.ResetTimer()
			began := time.Now()
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						c, err := cs.Create(ctx, complaint.Complaint{CallerName: "张三", Channel: "phone", Category: "service", Description: "基准测试"}, "13800138000", nil, "zh-CN")
						if err != nil {
							b.Error(err)
							return
						}
						mu.Lock()
						if seen[c.Number] {
							dup++
						}
						seen[c.Number] = true
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(began)
			b.StopTimer()
			if dup > 0 {
				b.Fatalf("%d duplicate numbers", dup)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "complaints/s")
		})
	}
}

// TestGroupCommitIsolatesAFailingComplaint creates complaints at once, one
// of them bad (a creator who does not exist): the bad one alone fails,
// the others are written with distinct numbers, and the audit chain holds.
func TestGroupCommitIsolatesAFailingComplaint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		var wg sync.WaitGroup
		errs := make([]error, 24)
		numbers := make([]string, 24)
		for i := range 24 {
			wg.Go(func() {
				c := complaint.Complaint{CallerName: "x", ReceivedAt: now, Channel: "phone", Category: "service", Severity: "normal",
					Description: "组提交", Status: complaint.StatusRegistered, ReplyDueAt: now, CreatedAt: now, UpdatedAt: now}
				if i == 7 {
					c.CreatedBy = 424242
				}
				e := crm.AuditEntry{At: time.Now(), Action: crm.AuditCreate, Entity: "complaint"}
				errs[i] = db.CreateComplaint(ctx, &c, complaint.RegistrationOf(c), &e)
				numbers[i] = c.Number
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		for i, err := range errs {
			if (err != nil) != (i == 7) {
				t.Errorf("complaint %d: %v", i, err)
			}
			if err == nil {
				if seen[numbers[i]] {
					t.Errorf("number %s twice", numbers[i])
				}
				seen[numbers[i]] = true
			}
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM complaints").Scan(&n); err != nil || n != 23 {
			t.Errorf("%d complaints stored (%v), want 23", n, err)
		}
		if _, problem, err := db.VerifyAudit(ctx); problem != nil || err != nil {
			t.Errorf("the audit chain: %+v %v", problem, err)
		}
	})
}
