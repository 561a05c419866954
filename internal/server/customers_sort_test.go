package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/store"
)

type sortedRow struct {
	ID        int64
	Code      string
	Name      string
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type sortedPage struct {
	Items           []sortedRow
	NextCursor      string `json:"next_cursor"`
	Total           int64
	TotalIsEstimate *bool `json:"total_is_estimate"`
}

func (e *env) customerPage(token, query string) (sortedPage, response) {
	e.t.Helper()
	r := e.do("GET", "/api/v1/customers?"+query, nil, as(token))
	var p sortedPage
	if r.Status == 200 {
		if err := json.Unmarshal(r.Body, &p); err != nil {
			e.t.Fatal(err)
		}
	}
	return p, r
}

func TestTheCustomerListSortsAndPagesByEveryKey(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		names := []string{"成都天府软件", "ABC 贸易", "北京燕山石化", "大连港务", "安徽合力", "成都天府物流", "北京燕山石化分公司"}
		for _, n := range names {
			if _, r := o.create(o.am1, `{"name":"`+n+`"}`); r.Status != 201 {
				t.Fatalf("create %s = %d %s", n, r.Status, r.Body)
			}
		}
		o.create(o.am3, `{"name":"阿克苏果业"}`) // another team's: never in am1's list
		// Touch two customers so updated_at differs from creation order.
		all, _ := e.customerPage(o.am1, "limit=100")
		for _, c := range []sortedRow{all.Items[4], all.Items[1]} {
			time.Sleep(2 * time.Millisecond)
			var v struct{ Version int }
			r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", c.ID), nil, as(o.am1))
			_ = json.Unmarshal(r.Body, &v)
			if r := e.do("PATCH", fmt.Sprintf("/api/v1/customers/%d", c.ID), strings.NewReader(fmt.Sprintf(`{"version":%d,"notes":"回访"}`, v.Version)), as(o.am1)); r.Status != 200 {
				t.Fatalf("touch = %d %s", r.Status, r.Body)
			}
		}
		all, _ = e.customerPage(o.am1, "limit=100")
		if len(all.Items) != len(names) || all.Total != int64(len(names)) || all.TotalIsEstimate == nil || *all.TotalIsEstimate {
			t.Fatalf("the whole list = %d items, total %d (estimate %v)", len(all.Items), all.Total, all.TotalIsEstimate)
		}
		less := map[string]func(a, b sortedRow) int{
			"created_at": func(a, b sortedRow) int { return a.CreatedAt.Compare(b.CreatedAt) },
			"updated_at": func(a, b sortedRow) int { return a.UpdatedAt.Compare(b.UpdatedAt) },
			"name": func(a, b sortedRow) int {
				return strings.Compare(customer.NameSortKey(a.Name), customer.NameSortKey(b.Name))
			},
			"code": func(a, b sortedRow) int { return strings.Compare(a.Code, b.Code) },
		}
		for _, key := range customer.CustomerSorts {
			for _, sortParam := range []string{key, "-" + key} {
				t.Run(sortParam, func(t *testing.T) {
					want := append([]sortedRow(nil), all.Items...)
					sort.SliceStable(want, func(i, j int) bool {
						c := less[key](want[i], want[j])
						if c == 0 {
							c = int(want[i].ID - want[j].ID)
						}
						if sortParam[0] == '-' {
							return c > 0
						}
						return c < 0
					})
					var got []string
					cursor, pages := "", 0
					for {
						q := "limit=2&sort=" + url.QueryEscape(sortParam)
						if cursor != "" {
							q += "&cursor=" + url.QueryEscape(cursor)
						}
						p, r := e.customerPage(o.am1, q)
						if r.Status != 200 {
							t.Fatalf("page %d = %d %s", pages, r.Status, r.Body)
						}
						if p.Total != int64(len(names)) || *p.TotalIsEstimate {
							t.Errorf("page %d: total %d estimate %v, want the exact %d on every page", pages, p.Total, *p.TotalIsEstimate, len(names))
						}
						for _, c := range p.Items {
							got = append(got, c.Name)
						}
						pages++
						if cursor = p.NextCursor; cursor == "" || pages > 10 {
							break
						}
					}
					var wantNames []string
					for _, c := range want {
						wantNames = append(wantNames, c.Name)
					}
					if strings.Join(got, "|") != strings.Join(wantNames, "|") {
						t.Errorf("paged order\n got %v\nwant %v", got, wantNames)
					}
				})
			}
		}
		t.Run("name sorts in pinyin order", func(t *testing.T) {
			p, _ := e.customerPage(o.am1, "limit=100&sort=name")
			var got []string
			for _, c := range p.Items {
				got = append(got, c.Name)
			}
			want := "ABC 贸易|安徽合力|北京燕山石化|北京燕山石化分公司|成都天府软件|成都天府物流|大连港务"
			if strings.Join(got, "|") != want {
				t.Errorf("sort=name = %v, want %s", got, want)
			}
		})
		t.Run("a cursor belongs to its sort, and unknown sorts are refused", func(t *testing.T) {
			p, _ := e.customerPage(o.am1, "limit=2&sort=name")
			for _, q := range []string{"sort=code&cursor=" + url.QueryEscape(p.NextCursor), "cursor=" + url.QueryEscape(p.NextCursor), "sort=owner", "sort=name&cursor=bad"} {
				if _, r := e.customerPage(o.am1, q); r.Status != 400 {
					t.Errorf("%s = %d %s, want 400", q, r.Status, r.Body)
				}
			}
		})
	})
}

// The total is counted only up to 10,000: above it the list says it
// estimates, and a filtered list below the threshold stays exact.
func TestTheListTotalIsAnEstimateAboveTenThousand(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		gm := e.user("gm", crm.RoleGM)
		ctx := context.Background()
		now := time.Now().UTC()
		code := "'KH' || substr('0000000' || CAST(i AS TEXT), -8, 8)"
		if e.db.Engine == store.Postgres {
			code = "'KH' || lpad(CAST(i AS TEXT), 8, '0')"
		}
		_, err := e.db.Exec(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10050)
			INSERT INTO customers (code, kind, name, stage, owner_id, version, created_at, updated_at, name_sort)
			SELECT `+code+`, 'company', '批量客户' || CAST(i AS TEXT), CASE WHEN i <= 3 THEN 'strategic' ELSE 'general' END, ?, 1, ?, ?, ''
			FROM n`, e.userID("gm"), now, now)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			query    string
			estimate bool
			total    int64 // exact totals; estimates must exceed 10,000
		}{
			{"limit=5", true, 0},
			{"limit=5&sort=-name", true, 0},
			{"limit=5&stage=strategic", false, 3},
			{"limit=5&stage=general", true, 0},
		}
		for _, tt := range tests {
			p, r := e.customerPage(gm, tt.query)
			if want := 5; r.Status != 200 || (tt.estimate && len(p.Items) != want) || (!tt.estimate && len(p.Items) != int(tt.total)) {
				t.Fatalf("%s = %d %s", tt.query, r.Status, r.Body)
			}
			if *p.TotalIsEstimate != tt.estimate {
				t.Errorf("%s: total_is_estimate = %v, want %v", tt.query, *p.TotalIsEstimate, tt.estimate)
			}
			if tt.estimate && p.Total <= customer.CountExactUpTo {
				t.Errorf("%s: estimated total %d, want above %d", tt.query, p.Total, customer.CountExactUpTo)
			}
			if !tt.estimate && p.Total != tt.total {
				t.Errorf("%s: total %d, want %d", tt.query, p.Total, tt.total)
			}
		}
		cookie := e.formSignIn("gm")
		if body := string(e.page("/customers", "zh-CN", cookie).Body); !strings.Contains(body, "data-estimate>约 ") {
			t.Errorf("the list page does not say the total is an estimate")
		}
		if body := string(e.page("/customers?stage=strategic", "zh-CN", cookie).Body); !strings.Contains(body, `data-total="3">共 3 条`) {
			t.Errorf("the filtered list page does not give the exact total")
		}
	})
}

// The list page sorts by its column headings and keeps the sort across
// pages and searches.
func TestTheCustomerListPageSortsByItsHeadings(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		for _, n := range []string{"大连港务", "安徽合力", "北京燕山石化"} {
			a.add(a.am1, url.Values{"name": {n}})
		}
		body := a.body("/customers", "zh-CN", a.am1, 200)
		wantAll(t, "the list", body, `id="sort-name"`, `href="/customers?sort=name"`, `data-total="3">共 3 条`)
		body = a.body("/customers?sort=name&limit=2", "zh-CN", a.am1, 200)
		if i, j := strings.Index(body, "安徽合力"), strings.Index(body, "北京燕山石化"); i < 0 || j < i || strings.Contains(body, "大连港务") {
			t.Errorf("sort=name, 2 a page: want 安徽 then 北京 only:\n%s", body)
		}
		wantAll(t, "the sorted list", body, `aria-sort="ascending"><a href="/customers?limit=2&amp;sort=-name"`, `name="sort" value="name"`)
		next := regexpNext.FindStringSubmatch(body)
		if next == nil {
			t.Fatalf("no next page link:\n%s", body)
		}
		body = a.body(strings.ReplaceAll(next[1], "&amp;", "&"), "zh-CN", a.am1, 200)
		if !strings.Contains(body, "大连港务") || strings.Contains(body, "安徽合力") {
			t.Errorf("the second page by name lacks 大连 or repeats 安徽:\n%s", body)
		}
	})
}

var regexpNext = regexp.MustCompile(`<a href="([^"]+)" id="more"`)
