package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/search"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// An index built by an older Kehu, whose tokens differ, is rebuilt when
// the database is next migrated, from the customers and contacts stored.
func TestAnOutdatedSearchIndexIsRebuiltOnMigrate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		u := addUser(t, db, "gm", crm.RoleGM)
		batch := []store.BenchCustomer{
			{ID: 1, Code: "KH00000001", Name: "重庆华为技术有限公司", ShortName: "华为", NameNorm: "重庆华为技术有限公司", USCC: "91500000MA5U000001",
				Source: "referral", Stage: "general", OwnerID: u.ID, CreatedAt: now, ContactName: "张伟", MobileLast4: "5678", Tokens: []string{"stale"}},
			{ID: 2, Code: "KH00000002", Name: "苏州恒泰机械有限公司", ShortName: "恒泰", NameNorm: "苏州恒泰机械有限公司", USCC: "91320500MA5U000002",
				Source: "referral", Stage: "general", OwnerID: u.ID, CreatedAt: now, ContactName: "李娜", MobileLast4: "1234", Tokens: []string{"stale"}},
		}
		if err := db.LoadBenchCustomers(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, "UPDATE settings SET value = 'old' WHERE key = 'search.index'"); err != nil {
			t.Fatal(err)
		}
		// A sort key of an older reading (重庆 as zhong qing) is read again.
		if _, err := db.Exec(ctx, "UPDATE customers SET name_sort = 'zhong qing' WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var sortKey string
		if err := db.QueryRow(ctx, "SELECT name_sort FROM customers WHERE id = 1").Scan(&sortKey); err != nil || sortKey != customer.NameSortKey(batch[0].Name) {
			t.Errorf("the sort key after the rebuild = %q (%v), want %q", sortKey, err, customer.NameSortKey(batch[0].Name))
		}
		for q, want := range map[string]int64{"stale": 0, "华为": 1, "chongqinghuawei": 1, "cqhw": 1, "zhangwei": 1, "恒泰机械": 2, "1234": 2, "suzhouhengtai": 2, "suzhouhengtui": 0} {
			got, _, err := db.SearchCustomers(ctx, crm.Scope{All: true}, q, customer.CustomerFilter{Limit: 10}, now)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			if want == 0 && len(got) != 0 || want != 0 && (len(got) != 1 || got[0].ID != want) {
				t.Errorf("search %q found %d customers, want only %d", q, len(got), want)
			}
		}
	})
}

// However common a query, a search pages through exactly its matches in
// scope, newest first: on PostgreSQL a common token walks the customers in
// order, a rare one sorts its few matches and one between reads windows of
// the newest IDs, and every way must agree with the names themselves.
func TestSearchPagesThroughEveryMatchNewestFirstHoweverCommon(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		var owners [2]identity.User
		for i := range owners {
			owners[i] = addUser(t, db, fmt.Sprintf("am%d", i), crm.RoleAccountManager)
		}
		cities := []string{"华东", "苏州", "合肥"}
		trades := []string{"机械", "电子", "华为技术"}
		var batch []store.BenchCustomer
		names := map[int64]string{}
		owner := map[int64]int64{}
		for i := int64(1); i <= 600; i++ {
			name := cities[i%3] + trades[(i/3)%3] + fmt.Sprintf("第%d", i) + "有限公司"
			c := store.BenchCustomer{ID: i, Code: fmt.Sprintf("KH%08d", i), Name: name, ShortName: trades[(i/3)%3], NameNorm: name,
				USCC: fmt.Sprintf("91320500MA%08d", i), Source: "referral", Stage: "general", OwnerID: owners[i%2].ID, CreatedAt: now,
				ContactName: "王芳", MobileLast4: fmt.Sprintf("%04d", i%7)}
			c.Tokens = search.Tokens(search.Doc{Texts: []string{c.Name, c.ShortName, c.ContactName}, Codes: []string{c.Code, c.USCC}, Numbers: []string{c.MobileLast4}})
			batch = append(batch, c)
			names[i], owner[i] = name, c.OwnerID
		}
		if err := db.LoadBenchCustomers(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishBenchLoad(ctx); err != nil {
			t.Fatal(err)
		}
		all, mine := crm.Scope{All: true}, crm.Scope{UserID: owners[1].ID}
		tests := []struct {
			q     string
			scope crm.Scope
			match func(id int64) bool
		}{
			{"有限", all, func(int64) bool { return true }},
			{"华", all, func(id int64) bool { return strings.Contains(names[id], "华") }},
			{"华为技术", mine, func(id int64) bool { return strings.Contains(names[id], "华为技术") && owner[id] == owners[1].ID }},
			{"huadong", all, func(id int64) bool { return strings.HasPrefix(names[id], "华东") }},
			{"suzhoujixie", all, func(id int64) bool { return strings.HasPrefix(names[id], "苏州机械") }},
			{"第37有", all, func(id int64) bool { return strings.Contains(names[id], "第37有") }},
			{"0003", mine, func(id int64) bool { return id%7 == 3 && owner[id] == owners[1].ID }},
			{"0003", all, func(id int64) bool { return id%7 == 3 }},
			// Words common alone that never meet, and two that often do.
			{"华东 合肥", all, func(int64) bool { return false }},
			{"合肥 机械", all, func(id int64) bool { return strings.HasPrefix(names[id], "合肥机械") }},
		}
		for _, tt := range tests {
			var want []int64
			for id := int64(600); id >= 1; id-- {
				if tt.match(id) {
					want = append(want, id)
				}
			}
			// The page the store chooses, and on PostgreSQL every way of
			// finding it: sorting, walking, and windows far too wide,
			// about right and far too narrow (many ranges a page).
			ways := map[string]func(f customer.CustomerFilter) ([]customer.Customer, error){
				"chosen": func(f customer.CustomerFilter) ([]customer.Customer, error) {
					page, _, err := db.SearchCustomers(ctx, tt.scope, tt.q, f, now)
					return page, err
				},
			}
			ways["counted"] = func(f customer.CustomerFilter) ([]customer.Customer, error) {
				page, n, ok, err := db.SearchCustomersCounted(ctx, tt.scope, tt.q, f, now)
				if err != nil || !ok {
					if db.Engine == store.Postgres && tt.q == "第37有" && tt.scope.All {
						t.Errorf("%q: not counted with its page (%v)", tt.q, err)
					}
					page, _, err = db.SearchCustomers(ctx, tt.scope, tt.q, f, now)
					return page, err
				}
				if n.Total != int64(len(want)) || n.Estimate {
					t.Errorf("%q: counted with its page %+v, want exactly %d", tt.q, n, len(want))
				}
				return page, nil
			}
			if db.Engine == store.Postgres {
				share := float64(len(want)) / 600
				for _, way := range []struct {
					name   string
					share  float64
					budget int
				}{{"sort", 0, 0}, {"walk", 0, 1000}, {"walk", 0, 3}, {"walk", 0, 40}, {"window", 1, 0}, {"window", share, 0}, {"window", share / 50, 0}} {
					ways[fmt.Sprintf("%s %g %d", way.name, way.share, way.budget)] = func(f customer.CustomerFilter) ([]customer.Customer, error) {
						return db.SearchCustomersBy(ctx, way.name, way.share, way.budget, tt.scope, tt.q, f, now)
					}
				}
			}
			for name, search := range ways {
				var got []int64
				f := customer.CustomerFilter{Limit: 7}
				for len(got) <= len(want) {
					page, err := search(f)
					if err != nil {
						t.Fatalf("%q (%s): %v", tt.q, name, err)
					}
					for _, c := range page {
						got = append(got, c.ID)
					}
					if len(page) < f.Limit {
						break
					}
					f.BeforeID = page[len(page)-1].ID
				}
				if !slices.Equal(got, want) {
					t.Errorf("%q (%s) found %d customers, want %d:\n got %v\nwant %v", tt.q, name, len(got), len(want), got, want)
				}
			}
			n, err := db.CountCustomers(ctx, tt.scope, customer.CustomerFilter{Query: tt.q}, now)
			if err != nil || n.Total != int64(len(want)) || n.Estimate {
				t.Errorf("%q: count %+v (%v), want exactly %d", tt.q, n, err, len(want))
			}
		}
	})
}

// A search's total is exact on SQLite up to 10,000 matches. On PostgreSQL,
// where counting visits each match's row, it is exact below 2,000
// estimated matches and the tokens' statistics' estimate from there; a
// query of several words is counted first, since words common alone may
// never come together.
func TestASearchTotalIsExactUntilCountingWouldCostMore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		u := addUser(t, db, "gm", crm.RoleGM)
		var batch []store.BenchCustomer
		for i := int64(1); i <= 4400; i++ {
			name := fmt.Sprintf("苏州恒泰第%d号机械有限公司", i)
			switch {
			case i%88 == 1:
				name = fmt.Sprintf("合肥鼎信第%d号电子有限公司", i)
			case i%2 == 1:
				name = fmt.Sprintf("合肥鼎信第%d号机械有限公司", i)
			}
			c := store.BenchCustomer{ID: i, Code: fmt.Sprintf("KH%08d", i), Name: name, NameNorm: name, USCC: fmt.Sprintf("91320500MA%08d", i),
				Source: "referral", Stage: "general", OwnerID: u.ID, CreatedAt: now}
			c.Tokens = search.Tokens(search.Doc{Texts: []string{c.Name}, Codes: []string{c.Code, c.USCC}})
			batch = append(batch, c)
		}
		if err := db.LoadBenchCustomers(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishBenchLoad(ctx); err != nil {
			t.Fatal(err)
		}
		if db.Engine == store.Postgres {
			if _, err := db.Exec(ctx, "ANALYZE customer_search"); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			q     string
			total int64
		}{
			{"有限公司", 4400}, {"恒泰", 2200}, {"恒泰 机械", 2200}, {"电子", 50}, {"hfdx", 2200},
			{"苏州 合肥", 0}, {"苏州 电子", 0}, // common words that never meet
		} {
			n, err := db.CountCustomers(ctx, crm.Scope{All: true}, customer.CustomerFilter{Query: tt.q}, now)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case db.Engine == store.SQLite || tt.total < 2000:
				if n.Total != tt.total || n.Estimate {
					t.Errorf("%q: %+v, want exactly %d", tt.q, n, tt.total)
				}
			case !n.Estimate || n.Total < tt.total*9/10 || n.Total > tt.total*11/10:
				t.Errorf("%q: %+v, want an estimate within 10%% of %d", tt.q, n, tt.total)
			}
		}
	})
}

// PostgreSQL finds a search's page the way that reads least for how common
// the query is, with the frequencies measured at a million customers.
func TestPostgresSearchReadsTheLeastForHowCommonTheQueryIs(t *testing.T) {
	t.Parallel()
	const n, page = 1e6, 51
	for _, tt := range []struct {
		query    string
		matches  float64 // of the query's tokens
		inScope  float64 // of those, in scope and through the filters
		narrowed bool
		want     string
	}{
		{"华", 100000, 100000, false, "walk"},
		{"有限", 990000, 990000, false, "walk"},
		{"hd", 19000, 19000, false, "window"},
		{"qh", 7600, 7600, false, "window"},
		{"szht", 1110, 1110, false, "sort"},
		{"jdjx", 589, 589, false, "sort"},
		{"hzrf", 16, 16, false, "sort"},
		{"华, one account manager's", 100000, 2000, true, "window"},
		{"qh, one account manager's", 7600, 150, true, "sort"},
		{"有限, one stage", 990000, 200000, true, "walk"},
	} {
		if got := store.ChooseSearchWay(n, tt.matches, tt.inScope, page, tt.narrowed); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.query, got, tt.want)
		}
	}
}

// Compacting the search index after bulk writes merges its segments and
// changes no answer.
func TestCompactingTheSearchIndexKeepsEveryAnswer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		u := addUser(t, db, "gm", crm.RoleGM)
		for b := int64(0); b < 12; b++ { // twelve transactions: twelve segments
			var batch []store.BenchCustomer
			for i := b*20 + 1; i <= b*20+20; i++ {
				name := fmt.Sprintf("苏州恒泰第%d机械有限公司", i)
				c := store.BenchCustomer{ID: i, Code: fmt.Sprintf("KH%08d", i), Name: name, NameNorm: name, USCC: fmt.Sprintf("91320500MA%08d", i),
					Source: "referral", Stage: "general", OwnerID: u.ID, CreatedAt: now, ContactName: "李娜", MobileLast4: "1234"}
				c.Tokens = search.Tokens(search.Doc{Texts: []string{c.Name, c.ContactName}, Codes: []string{c.Code, c.USCC}, Numbers: []string{"1234"}})
				batch = append(batch, c)
			}
			if err := db.LoadBenchCustomers(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
		segments := func() int64 {
			if db.Engine != store.SQLite {
				return 0
			}
			var n int64
			if err := db.QueryRow(ctx, "SELECT COUNT(DISTINCT segid) FROM customer_search_idx").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := segments()
		if err := db.CompactSearchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		if after := segments(); db.Engine == store.SQLite && (before < 4 || after != 1) {
			t.Errorf("segments: %d before, %d after compacting; want several, then one", before, after)
		}
		for q, want := range map[string]int{"恒泰": 240, "szht": 240, "第17机": 1, "苏州恒泰第170": 1, "lina": 240} {
			n, err := db.CountCustomers(ctx, crm.Scope{All: true}, customer.CustomerFilter{Query: q}, now)
			if err != nil || n.Total != int64(want) {
				t.Errorf("%q: %+v (%v), want %d", q, n, err, want)
			}
		}
	})
}

// addUser stores a user with a role, for the customers a test loads.
func addUser(t *testing.T, db *store.DB, name string, role crm.Role) identity.User {
	t.Helper()
	now := time.Now().UTC()
	u := identity.User{Username: name, Role: role, PasswordHash: "x", PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateUser(context.Background(), &u, &crm.AuditEntry{At: time.Now(), Action: crm.AuditCreate}); err != nil {
		t.Fatal(err)
	}
	return u
}
