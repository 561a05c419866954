package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/tier"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// plantTierCustomers adds a user and n customers they own, and returns
// the customers' ids.
func plantTierCustomers(t *testing.T, db *store.DB, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var uid int64
	if err := db.W.QueryRowContext(ctx, db.Rebind(`INSERT INTO users (username, role, password_hash, password_changed_at, created_at, updated_at)
		VALUES ('am1', 'account_manager', 'x', ?, ?, ?) RETURNING id`), now, now, now).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range n {
		var id int64
		if err := db.W.QueryRowContext(ctx, db.Rebind(`INSERT INTO customers (code, kind, name, owner_id, created_at, updated_at)
			VALUES (?, 'company', ?, ?, ?, ?) RETURNING id`), fmt.Sprintf("KT%06d", i), fmt.Sprintf("客户%d", i), uid, now, now).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func sale(t *testing.T, db *store.DB, customer int64, month string, shard int, lines, fen int64, last string) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `INSERT INTO customer_sales_months (customer_id, month, shard, lines, quantity, amount_fen, last_date)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, customer, month, shard, lines, lines, fen, last); err != nil {
		t.Fatal(err)
	}
}

func TestTierFactsSumShardsAndMonthsOfTheWindow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := plantTierCustomers(t, db, 3)
		sale(t, db, ids[0], "2026-11", 0, 2, 10000, "2026-11-20")
		sale(t, db, ids[0], "2026-11", 7, 1, 5000, "2026-11-28")
		sale(t, db, ids[0], "2026-03", 3, 4, 20000, "2026-03-02")
		sale(t, db, ids[0], "2025-10", 1, 9, 99900, "2025-10-01") // before the window
		sale(t, db, ids[1], "2024-01", 0, 1, 100, "2024-01-05")
		from, first := tier.Window(12, time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC))
		all, err := db.Population(ctx, from, first)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 {
			t.Fatalf("population of %d, want 3", len(all))
		}
		want := []tier.Facts{
			{CustomerID: ids[0], AmountFen: 35000, Orders: 7, LastPurchase: "2026-11-28"},
			{CustomerID: ids[1], LastPurchase: "2024-01-05"},
			{CustomerID: ids[2]},
		}
		for i, w := range want {
			if all[i] != w {
				t.Errorf("facts %+v, want %+v", all[i], w)
			}
		}
		ms, err := db.Members(ctx, 1, ids[0], 10, from, first)
		if err != nil || len(ms) != 2 || ms[0].CustomerID != ids[1] {
			t.Fatalf("members after the first: %+v, %v", ms, err)
		}
	})
}

func TestTierChangesKeepAnEffectiveDatedHistory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := plantTierCustomers(t, db, 1)
		schemes, err := db.Schemes(ctx)
		if err != nil || len(schemes) != 4 {
			t.Fatalf("the seeded schemes: %d, %v", len(schemes), err)
		}
		for _, s := range schemes {
			if err := tier.Validate(&s); err != nil {
				t.Errorf("the seeded scheme %s is invalid: %v", s.Code, err)
			}
		}
		s := schemes[0]
		t1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		t2 := t1.AddDate(0, 1, 0)
		for i, c := range []struct {
			level string
			at    time.Time
		}{{"C", t1}, {"A", t2}} {
			next := tier.Current{SchemeID: s.ID, CustomerID: ids[0], Level: c.level, Since: c.at, Source: tier.SourceCalc,
				Inputs: tier.Inputs{Amount: fmt.Sprint(i)}, State: tier.State{Level: c.level}}
			h := &tier.HistoryEntry{SchemeID: s.ID, SchemeVersion: 1, CustomerID: ids[0], Level: c.level, Source: tier.SourceCalc,
				Inputs: next.Inputs, From: c.at, By: "test"}
			e := crm.AuditEntry{Action: "test", At: c.at, Username: "test"}
			if err := db.SaveChanges(ctx, []tier.Change{{Next: next, History: h}}, nil, false, ids[0], nil, &e); err != nil {
				t.Fatal(err)
			}
		}
		hs, err := db.History(ctx, ids[0], s.ID, 0, 10)
		if err != nil || len(hs) != 2 {
			t.Fatalf("history %+v, %v", hs, err)
		}
		if hs[0].Level != "A" || hs[0].To != nil || hs[1].Level != "C" || hs[1].To == nil || !hs[1].To.Equal(t2) {
			t.Errorf("history: %+v / %+v", hs[0], hs[1])
		}
		cur, err := db.CustomerTiers(ctx, ids[0])
		if err != nil || len(cur) != 1 || cur[0].Level != "A" || !cur[0].Since.Equal(t2) || cur[0].Inputs.Amount != "1" {
			t.Errorf("current %+v, %v", cur, err)
		}
	})
}
