package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// listFilter is one of the customer list's filters, as the API offers it.
type listFilter struct {
	kind, name string
	set        func(*customer.CustomerFilter)
}

// customerListFilters are the list's filters, one value of each kind and
// level: owner, team, region (province, city, county), industry (section,
// division), stage, tag, created and updated ranges.
func customerListFilters() []listFilter {
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	return []listFilter{
		{"owner", "owner", func(f *customer.CustomerFilter) { f.OwnerID = 1 }},
		{"team", "team", func(f *customer.CustomerFilter) { f.TeamID = 1 }},
		{"region", "province", func(f *customer.CustomerFilter) { f.Region = "32" }},
		{"region", "city", func(f *customer.CustomerFilter) { f.Region = "3205" }},
		{"region", "county", func(f *customer.CustomerFilter) { f.Region = "320505" }},
		{"industry", "section", func(f *customer.CustomerFilter) { f.Industry = "C" }},
		{"industry", "division", func(f *customer.CustomerFilter) { f.Industry = "34" }},
		{"stage", "stage", func(f *customer.CustomerFilter) { f.Stage = "important" }},
		{"tag", "tag", func(f *customer.CustomerFilter) { f.Tag = "VIP" }},
		{"tier", "tier", func(f *customer.CustomerFilter) { f.TierScheme, f.TierLevel = 1, "A" }},
		{"created", "created", func(f *customer.CustomerFilter) { f.From, f.To = day("2026-01-01"), day("2026-02-01") }},
		{"updated", "updated", func(f *customer.CustomerFilter) { f.UpdatedFrom, f.UpdatedTo = day("2026-01-01"), day("2026-02-01") }},
	}
}

// customerListCases are every single filter and every pair of filters of
// different kinds, each newest first and with every offered sort.
func customerListCases() map[string]customer.CustomerFilter {
	sorts := []string{""}
	for _, s := range customer.CustomerSorts {
		sorts = append(sorts, s, "-"+s)
	}
	out := map[string]customer.CustomerFilter{}
	fs := customerListFilters()
	add := func(name string, set ...func(*customer.CustomerFilter)) {
		for _, s := range sorts {
			f := customer.CustomerFilter{Limit: 51, Sort: s}
			for _, fn := range set {
				fn(&f)
			}
			out[name+" sort="+s] = f
		}
	}
	for i, a := range fs {
		add(a.name, a.set)
		for _, b := range fs[i+1:] {
			if a.kind != b.kind {
				add(a.name+"+"+b.name, a.set, b.set)
			}
		}
	}
	return out
}

// TestEveryCustomerListFilterAndPairReadsAnIndex runs the customer list
// and its total for every single filter and every pair, newest first and
// in every offered sort, with the plan check on: no statement may read the
// customers whole or sort them for a page (see store/plan_check.go).
func TestEveryCustomerListFilterAndPairReadsAnIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		db.EnableFreshPlanCheck()
		ctx := context.Background()
		seedListCustomers(t, db)
		now := time.Now().UTC()
		cases := customerListCases()
		// Sorted whole below the bound (every list of the few planted
		// here), walked in the order's index above it.
		for _, bound := range []int64{10001, 1} {
			restore := store.SetListSortBound(bound)
			defer restore()
			for _, s := range []crm.Scope{{All: true, UserID: 1}, {UserID: 2, TeamID: 1}} {
				for name, f := range cases {
					list, _, err := db.ListCustomers(ctx, s, f, now)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					n, err := db.CountCustomers(ctx, s, f, now)
					if err != nil {
						t.Fatalf("%s: count: %v", name, err)
					}
					// The page and total read together are those read apart.
					both, _, m, ok, err := db.ListCustomersCounted(ctx, s, f, now)
					if err != nil {
						t.Fatalf("%s: list and count: %v", name, err)
					}
					if ok && (m != n || fmt.Sprint(customerIDs(both)) != fmt.Sprint(customerIDs(list))) {
						t.Errorf("%s: together %v %v, apart %v %v", name, customerIDs(both), m, customerIDs(list), n)
					}
				}
			}
			restore()
		}
		if db.PlansExplained() < int64(len(cases)) {
			t.Errorf("the plan check explained %d statements for %d lists", db.PlansExplained(), len(cases))
		}
		for _, v := range db.PlanViolations() {
			t.Errorf("%s", v)
		}
	})
}

// TestThePlanCheckRefusesALookUpWhoseIndexIsGone: without the partial
// index on USCCs, the duplicate check reads every customer, and the plan
// check says so. (SQLite: PostgreSQL's check judges only sequential scans
// and sorts, and with sequential scans disabled the planner walks another
// whole index instead; see pgJudgesIndexScans.)
func TestThePlanCheckRefusesALookUpWhoseIndexIsGone(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	seedListCustomers(t, db)
	db.EnableFreshPlanCheck()
	if _, err := db.CustomerByUSCC(ctx, "91320500MA1XXXXX0X"); crm.ErrorCode(err) != crm.ENotFound {
		t.Fatalf("look-up: %v", err)
	}
	if v := db.PlanViolations(); len(v) != 0 {
		t.Fatalf("with its index, the USCC look-up was refused: %v", v)
	}
	if _, err := db.W.ExecContext(ctx, "DROP INDEX customers_uscc"); err != nil {
		t.Fatal(err)
	}
	// New read connections: an EXPLAIN does not look at the schema
	// again on a connection that read it before the change.
	db.R.SetMaxIdleConns(0)
	db.R.SetMaxIdleConns(4)
	db.EnableFreshPlanCheck()
	_, _ = db.CustomerByUSCC(ctx, "91320500MA1XXXXX0X")
	v := db.PlanViolations()
	if len(v) != 1 || v[0].Table != "customers" || v[0].Problem != "full scan" {
		t.Fatalf("without its index, the USCC look-up gave %v, want a full scan of customers", v)
	}
	db.EnableFreshPlanCheck() // the test's own finding is not a failure of the suite
}

func customerIDs(cs []customer.Customer) []int64 {
	out := []int64{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// seedListCustomers plants a few customers with every filter's column set,
// with tags, through plain INSERTs.
func seedListCustomers(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	for _, q := range []string{
		"INSERT INTO teams (id, name, created_at, updated_at) VALUES (1, 't1', ?, ?)",
	} {
		if _, err := db.W.ExecContext(ctx, db.Rebind(q), now, now); err != nil && !strings.Contains(err.Error(), "no such") {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for i := 1; i <= 3; i++ {
		if _, err := db.W.ExecContext(ctx, db.Rebind(`INSERT INTO users (id, username, display_name, role, team_id, password_hash, password_changed_at, created_at, updated_at)
			VALUES (?, ?, '', 'account_manager', 1, 'x', ?, ?, ?)`), i, fmt.Sprintf("u%d", i), now, now, now); err != nil {
			t.Fatal(err)
		}
	}
	stages := []string{"potential", "general", "important", "strategic"}
	regions := []string{"320505", "320102", "440305", "110101"}
	industries := []string{"34", "39", "51", "65"}
	for i := 1; i <= 40; i++ {
		at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 240 * time.Hour)
		if _, err := db.W.ExecContext(ctx, db.Rebind(`INSERT INTO customers (id, code, kind, name, name_sort, name_norm, uscc, stage, region_code, industry_code,
			owner_id, team_id, version, created_at, updated_at) VALUES (?, ?, 'company', ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?)`),
			i, fmt.Sprintf("KH%08d", i), fmt.Sprintf("客户%d", i), fmt.Sprintf("kehu%d", i), fmt.Sprintf("客户%d", i), fmt.Sprintf("9132050000000%04dX", i),
			stages[i%4], regions[i%4], industries[i%4], 1+i%3, at, at.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := db.W.ExecContext(ctx, db.Rebind("INSERT INTO customer_tags (customer_id, tag) VALUES (?, 'VIP')"), i); err != nil {
				t.Fatal(err)
			}
		}
	}
}
