package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for i := range n {
		e := crm.AuditEntry{At: time.Now(), Username: "zhang", Action: crm.AuditUpdate, Entity: "customer", EntityID: fmt.Sprint(i), Detail: `{"name":{"before":"甲","after":"乙"}}`}
		if err := db.Audit(context.Background(), &e); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditChainVerifies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		appendN(t, db, 5)
		n, problem, err := db.VerifyAudit(context.Background())
		if err != nil || problem != nil || n != 5 {
			t.Fatalf("verify: %d entries, problem %+v, err %v; want 5, none", n, problem, err)
		}
	})
}

func TestAuditLogRefusesUpdatesAndDeletes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		appendN(t, db, 2)
		ctx := context.Background()
		for _, q := range []string{
			"UPDATE audit_log SET username = 'someone else' WHERE id = 1",
			"DELETE FROM audit_log WHERE id = 2",
		} {
			if _, err := db.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: got %v, want append-only refusal", q, err)
			}
		}
	})
}

func TestAuditVerifyFindsAnEditBehindKehusBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		appendN(t, db, 4)
		ctx := context.Background()
		disable := map[store.Engine]string{
			store.SQLite:   "DROP TRIGGER audit_log_no_update",
			store.Postgres: "ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard",
		}[db.Engine]
		if _, err := db.Exec(ctx, disable); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE audit_log SET detail = '{}' WHERE id = 3`); err != nil {
			t.Fatal(err)
		}
		_, problem, err := db.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if problem == nil || problem.ID != 3 {
			t.Fatalf("verify after editing entry 3: %+v, want a problem at 3", problem)
		}
	})
}

func TestAuditPurgeKeepsSixMonths(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		old := crm.AuditEntry{Action: crm.AuditLogin, At: time.Now().AddDate(-1, 0, 0)}
		if err := db.Audit(ctx, &old); err != nil {
			t.Fatal(err)
		}
		appendN(t, db, 2)
		purge := crm.AuditEntry{At: time.Now(), Action: crm.AuditPurge}
		if _, err := db.PurgeAudit(ctx, time.Now().AddDate(0, -1, 0), &purge); crm.ErrorCode(err) != crm.EInvalid {
			t.Errorf("purging entries one month old: %v, want a refusal", err)
		}
		purge = crm.AuditEntry{At: time.Now(), Action: crm.AuditPurge}
		n, err := db.PurgeAudit(ctx, time.Now().AddDate(0, -7, 0), &purge)
		if err != nil || n != 1 {
			t.Fatalf("purging entries over seven months old: %d, %v; want 1", n, err)
		}
		if _, problem, err := db.VerifyAudit(ctx); err != nil || problem != nil {
			t.Errorf("verify after purge: %+v %v", problem, err)
		}
	})
}

func TestConcurrentAuditAppendsKeepOneChain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					e := crm.AuditEntry{At: time.Now(), Action: crm.AuditLogin}
					if err := db.Audit(context.Background(), &e); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		n, problem, err := db.VerifyAudit(context.Background())
		if err != nil || problem != nil || n != 80 {
			t.Errorf("after 80 concurrent appends: %d entries, problem %+v, err %v", n, problem, err)
		}
	})
}
