package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// listed reports which of the customers ids the list page body shows.
func listed(body string, ids ...int64) map[int64]bool {
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = strings.Contains(body, fmt.Sprintf(`data-customer="%d"`, id))
	}
	return out
}

// wantListed fails unless the list page at path, as cookie, answers 200
// and shows exactly want of all.
func wantListed(t *testing.T, e *env, path, cookie string, all []int64, want ...int64) string {
	t.Helper()
	r := e.page(path, "zh-CN", cookie)
	body := string(r.Body)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s = %d:\n%s", path, r.Status, body)
	}
	got := listed(body, all...)
	for _, id := range all {
		if got[id] != containsID(want, id) {
			t.Errorf("GET %s: customer %d listed %v, want %v:\n%s", path, id, got[id], !got[id], body)
		}
	}
	return body
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// teamOf is the team ID of a user.
func (e *env) teamOf(username string) int64 {
	e.t.Helper()
	u, err := e.db.UserByID(context.Background(), e.userID(username))
	if err != nil {
		e.t.Fatal(err)
	}
	return u.TeamID
}

// The list filters with SQL of its own on each engine, so this runs on both.
func TestTheCustomerListFiltersByRegionIndustryOwnerTeamTagAndCreatedDays(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		suzhou, r := o.create(o.am1, `{"name":"苏州精密机械","region_code":"320505","industry_code":"13","tags":["外贸","重点"]}`)
		if r.Status != 201 {
			t.Fatalf("create = %d %s", r.Status, r.Body)
		}
		shenzhen, _ := o.create(o.am2, `{"name":"深圳南山软件","region_code":"440305","industry_code":"65"}`)
		nanjing, _ := o.create(o.am3, `{"name":"南京玄武制造","region_code":"320102","industry_code":"C","tags":["外贸"]}`)
		all := []int64{suzhou.ID, shenzhen.ID, nanjing.ID}
		gm, mgr, am1 := e.formSignIn("gm"), e.formSignIn("mgr_a"), e.formSignIn("am1")
		am2ID, am3Team := e.userID("am2"), e.teamOf("am3")
		today := time.Now().In(beijing)
		day := func(d int) string { return today.AddDate(0, 0, d).Format(time.DateOnly) }

		t.Run("by region prefix, industry section or division, owner, team, tag and created days", func(t *testing.T) {
			wantListed(t, e, "/customers", gm, all, all...)
			wantListed(t, e, "/customers?region=32", gm, all, suzhou.ID, nanjing.ID)
			body := wantListed(t, e, "/customers?region=3205", gm, all, suzhou.ID)
			wantAll(t, "the region filter", body, `id="filter-region" value="3205"`, `id="filter-region-hint">江苏省苏州市<`)
			wantListed(t, e, "/customers?region=320505", gm, all, suzhou.ID)
			wantListed(t, e, "/customers?industry=C", gm, all, suzhou.ID, nanjing.ID)
			body = wantListed(t, e, "/customers?industry=13", gm, all, suzhou.ID)
			wantAll(t, "the industry select", body, `<option value="13" selected>13 农副食品加工业</option>`)
			body = wantListed(t, e, fmt.Sprintf("/customers?owner_id=%d", am2ID), gm, all, shenzhen.ID)
			wantAll(t, "the owner select", body, fmt.Sprintf(`<option value="%d" selected>am2</option>`, am2ID))
			body = wantListed(t, e, fmt.Sprintf("/customers?team_id=%d", am3Team), gm, all, nanjing.ID)
			wantAll(t, "the team select", body, fmt.Sprintf(`<option value="%d" selected>华南</option>`, am3Team))
			wantListed(t, e, "/customers?tag="+url.QueryEscape("重点"), gm, all, suzhou.ID)
			wantListed(t, e, "/customers?tag="+url.QueryEscape("外贸")+"&region=32", gm, all, suzhou.ID, nanjing.ID)
			// created_to is the last day shown, Beijing time: today's customers are in a range that ends today.
			wantListed(t, e, "/customers?created_from="+day(0)+"&created_to="+day(0), gm, all, all...)
			body = wantListed(t, e, "/customers?created_to="+day(-1), gm, all)
			wantAll(t, "the list of none created by yesterday", body, `id="no-customers">没有符合条件的客户。<`)
			wantListed(t, e, "/customers?created_from="+day(1), gm, all)
		})

		t.Run("offers owners only to those who see others' customers and teams only to those who see all", func(t *testing.T) {
			body := string(e.page("/customers", "zh-CN", am1).Body)
			wantNone(t, "an account manager's list", body, `name="owner_id"`, `name="team_id"`)
			wantAll(t, "an account manager's list", body, `name="region"`, `name="industry"`, `name="tag"`, `name="created_from"`, `name="created_to"`)
			body = string(e.page("/customers", "zh-CN", mgr).Body)
			wantAll(t, "a sales manager's list", body, `name="owner_id"`, fmt.Sprintf(`<option value="%d">am2</option>`, am2ID))
			wantNone(t, "a sales manager's list", body, `name="team_id"`, fmt.Sprintf(`<option value="%d">am3</option>`, e.userID("am3")))
			wantAll(t, "the gm's list", string(e.page("/customers", "zh-CN", gm).Body), `name="owner_id"`, `name="team_id"`)
			// A sales manager asking for another team's owner by hand is told so.
			r := e.page(fmt.Sprintf("/customers?owner_id=%d", e.userID("am3")), "zh-CN", mgr)
			wantAll(t, "another team's owner", string(r.Body), `id="filter-owner-error">该负责人不在您可查看的范围内`)
			if r.Status != http.StatusBadRequest {
				t.Errorf("another team's owner = %d, want 400", r.Status)
			}
		})

		t.Run("carries the filters through pages, sorting and the exports", func(t *testing.T) {
			q := fmt.Sprintf("region=32&industry=C&tag=%s&created_from=%s&created_to=%s", url.QueryEscape("外贸"), day(0), day(0))
			body := wantListed(t, e, "/customers?limit=1&"+q, gm, all, nanjing.ID)
			m := regexpNext.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no next page link:\n%s", body)
			}
			for _, want := range []string{"region=32", "industry=C", "tag=" + url.QueryEscape("外贸"), "created_from=" + day(0), "created_to=" + day(0)} {
				if !strings.Contains(m[1], want) {
					t.Errorf("the next page link %s lacks %s", m[1], want)
				}
			}
			wantListed(t, e, unescape(m[1]), gm, all, suzhou.ID)
			sortLink := regexp.MustCompile(`<a href="([^"]+)" id="sort-name"`).FindStringSubmatch(body)
			if sortLink == nil || !strings.Contains(sortLink[1], "region=32") || !strings.Contains(sortLink[1], "industry=C") {
				t.Errorf("the sort link does not keep the filters: %v", sortLink)
			}

			owner := fmt.Sprintf("owner_id=%d", e.userID("am1"))
			body = wantListed(t, e, "/customers?"+q+"&"+owner+"&stage=potential", gm, all, suzhou.ID)
			csv := regexp.MustCompile(`href="([^"]+)" id="export-csv"`).FindStringSubmatch(body)
			xlsx := regexp.MustCompile(`href="([^"]+)" id="export-xlsx"`).FindStringSubmatch(body)
			if csv == nil || xlsx == nil {
				t.Fatalf("no export links:\n%s", body)
			}
			// The API's created_to is the day after the range.
			for _, want := range []string{"region=32", "industry=C", "tag=" + url.QueryEscape("外贸"), "created_from=" + day(0),
				"created_to=" + day(1), owner, "stage=potential"} {
				if !strings.Contains(csv[1], want) || !strings.Contains(xlsx[1], want) {
					t.Errorf("the export links %s, %s lack %s", csv[1], xlsx[1], want)
				}
			}
			r := e.do("GET", unescape(csv[1]), nil, map[string]string{"Cookie": gm})
			if out := string(r.Body); r.Status != http.StatusOK || !strings.Contains(out, "苏州精密机械") || strings.Contains(out, "南京玄武制造") || strings.Contains(out, "深圳南山软件") {
				t.Errorf("the filtered export = %d:\n%s", r.Status, out)
			}
			body = wantListed(t, e, fmt.Sprintf("/customers?team_id=%d", am3Team), gm, all, nanjing.ID)
			wantAll(t, "the export of a team", body, fmt.Sprintf(`team_id=%d`, am3Team))
		})

		t.Run("says what is wrong with a filter beside it and lists without it", func(t *testing.T) {
			tests := []struct{ query, id, zh string }{
				{"region=99", "filter-region-error", "没有这个行政区划代码"},
				{"region=abc", "filter-region-error", "没有这个行政区划代码"},
				{"industry=Z9", "filter-industry-error", "没有这个行业代码"},
				{"owner_id=abc", "filter-owner-error", "该负责人不在您可查看的范围内"},
				{"team_id=999999", "filter-team-error", "没有这个团队"},
				{"tag=" + strings.Repeat("长", 21), "filter-tag-error", "标签最多 20 个字"},
				{"created_from=2025-13-01", "filter-created-from-error", "日期应写作 YYYY-MM-DD"},
				{"created_from=" + day(0) + "&created_to=" + day(-2), "filter-created-to-error", "结束日期早于开始日期"},
				{"stage=vip", "filter-stage-error", "没有这个客户阶段"},
			}
			for _, tt := range tests {
				r := e.page("/customers?"+tt.query, "zh-CN", gm)
				body := string(r.Body)
				if r.Status != http.StatusBadRequest {
					t.Errorf("%s = %d, want 400", tt.query, r.Status)
				}
				wantAll(t, tt.query, body, `id="`+tt.id+`">`+tt.zh, `aria-describedby="`+tt.id+`"`, `id="form-error">有筛选条件填写有误`)
				if got := listed(body, all...); !got[suzhou.ID] && !got[nanjing.ID] {
					t.Errorf("%s: the list is empty rather than listed without the bad filter:\n%s", tt.query, body)
				}
				wantNone(t, tt.query, body, "⟦", "/api/v1/customers/export?format=csv&amp;region=99")
			}
			r := e.page("/customers?region=99", "en", gm)
			wantAll(t, "the English error", string(r.Body), `id="filter-region-error">There is no such region code`)
		})
	})
}
