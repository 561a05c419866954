package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// TestListAndCountAtOneMillion times a page of the customer list and its
// total at 1M customers, per sort and with an unindexed filter (stage),
// on the engine KEHU_BENCH_LIST names (sqlite or postgres). It is a
// measurement, not a check, and is skipped unless asked for:
//
//	KEHU_BENCH_LIST=sqlite go test -count=1 -run TestListAndCountAtOneMillion -v ./internal/store
func TestListAndCountAtOneMillion(t *testing.T) {
	eng := store.Engine(os.Getenv("KEHU_BENCH_LIST"))
	if eng != store.SQLite && eng != store.Postgres {
		t.Skip("set KEHU_BENCH_LIST=sqlite or postgres")
	}
	db := storetest.Open(t, eng)
	ctx := context.Background()
	now := time.Now().UTC()
	if _, err := db.Exec(ctx, "INSERT INTO users (username, display_name, role, password_hash, password_changed_at, version, created_at, updated_at) VALUES ('u1','','gm','x',?,1,?,?)", now, now, now); err != nil {
		t.Fatal(err)
	}
	code := "substr('0000000' || CAST(i AS TEXT), -8, 8)"
	if eng == store.Postgres {
		code = "lpad(CAST(i AS TEXT), 8, '0')"
	}
	start := time.Now()
	_, err := db.Exec(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
		INSERT INTO customers (code, kind, name, stage, owner_id, version, created_at, updated_at, name_sort)
		SELECT 'KH' || `+code+`, 'company', 'c' || CAST(i AS TEXT), CASE WHEN i % 5 = 0 THEN 'strategic' ELSE 'general' END, 1, 1, ?, ?, 'k' || CAST((CAST(i AS BIGINT) * 7919) % 1000003 AS TEXT)
		FROM n`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("insert %v", time.Since(start))
	if _, err := db.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	s := crm.Scope{All: true, UserID: 1}
	for _, f := range []customer.CustomerFilter{{Limit: 51}, {Limit: 51, Sort: "name"}, {Limit: 51, Sort: "-updated_at"}, {Limit: 51, Stage: "strategic"}, {Limit: 51, Stage: "strategic", Sort: "code"}} {
		var lt, ct time.Duration
		for i := 0; i < 20; i++ {
			t0 := time.Now()
			if _, _, err := db.ListCustomers(ctx, s, f, now); err != nil {
				t.Fatal(err)
			}
			t1 := time.Now()
			n, err := db.CountCustomers(ctx, s, f, now)
			if err != nil {
				t.Fatal(err)
			}
			ct += time.Since(t1)
			lt += t1.Sub(t0)
			if i == 0 {
				t.Logf("sort=%q stage=%q: total %d, estimate %v", f.Sort, f.Stage, n.Total, n.Estimate)
			}
		}
		t.Logf("sort=%q stage=%q: page of 50 %v, total %v (mean of 20)", f.Sort, f.Stage, lt/20, ct/20)
	}
}
