package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
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

// unescape turns a link as the page writes it into a path to get.
func unescape(href string) string { return strings.ReplaceAll(href, "&amp;", "&") }

// teamOf is the team ID of a user.
func (e *env) teamOf(username string) int64 {
	e.t.Helper()
	u, err := e.db.UserByID(context.Background(), e.userID(username))
	if err != nil {
		e.t.Fatal(err)
	}
	return u.TeamID
}

// disable disables a user as `kehu user disable` does.
func (e *env) disable(username string) {
	e.t.Helper()
	id := identity.New(e.db, testAuth(), nil, nil)
	sys := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("test"))
	if _, err := id.DisableUser(sys, username); err != nil {
		e.t.Fatalf("disable %s: %v", username, err)
	}
}

var beijing = time.FixedZone("CST", 8*3600)

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

// historyRow is the row of the history with action whose details
// contain what, or "".
func historyRow(body, action, what string) string {
	for _, m := range regexp.MustCompile(`(?s)<tr data-history="\d+" data-action="`+action+`">.*?</tr>`).FindAllString(body, -1) {
		if strings.Contains(m, what) {
			return m
		}
	}
	return ""
}

func TestTheCustomerPageShowsItsOwnerTeamAndHistory(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		mgr := e.formSignIn("mgr_a")
		page := a.add(a.am1, url.Values{"name": {"嘉兴纺织"}, "stage": {"potential"}})
		id := strings.TrimPrefix(page, "/customers/")
		am1, am2 := e.userID("am1"), e.userID("am2")

		body := a.body(page, "zh-CN", a.am1, 200)
		wantAll(t, "the profile", body, "<dt>负责人</dt>", fmt.Sprintf(`id="customer-owner" data-owner="%d">am1<`, am1), "<dt>所属团队</dt>", `>华东</dd>`)
		wantNone(t, "the history", body, "由审计员查阅")
		create := historyRow(body, "create", "嘉兴纺织")
		if create == "" || !strings.Contains(create, "<td>创建</td>") || !strings.Contains(create, "<td data-who>am1</td>") || !strings.Contains(create, "客户编号: KH") {
			t.Fatalf("the history lacks the creation:\n%s", body)
		}

		form := url.Values{"version": {"1"}, "name": {"嘉兴纺织集团"}, "stage": {"important"}, "kind": {"company"}, "source": {"other"}}
		if r := e.post(page+"/edit", a.am1, form); r.Status != http.StatusSeeOther {
			t.Fatalf("edit = %d:\n%s", r.Status, r.Body)
		}
		handover := url.Values{"from_owner_id": {strconv.FormatInt(am1, 10)}, "to_owner_id": {strconv.FormatInt(am2, 10)},
			"customer_ids": {id}, "reason": {"王经理离职"}}
		if r := e.post("/customers/handover", mgr, handover); r.Status != http.StatusSeeOther {
			t.Fatalf("handover = %d:\n%s", r.Status, r.Body)
		}
		if r := e.post(page+"/delete", mgr, url.Values{"version": {"3"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("trash = %d:\n%s", r.Status, r.Body)
		}
		if r := e.post(page+"/restore", mgr, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("restore = %d:\n%s", r.Status, r.Body)
		}

		body = a.body(page, "zh-CN", mgr, 200)
		wantAll(t, "the profile after the handover", body, fmt.Sprintf(`id="customer-owner" data-owner="%d">am2<`, am2))
		update := historyRow(body, "update", "嘉兴纺织集团")
		if update == "" || !strings.Contains(update, "<td>修改</td>") || !strings.Contains(update, "客户阶段: <del>潜在</del> → <ins>重要</ins>") ||
			!strings.Contains(update, "客户名称: <del>嘉兴纺织</del> → <ins>嘉兴纺织集团</ins>") {
			t.Errorf("the history lacks the change, each field before and after:\n%s", body)
		}
		moved := historyRow(body, "handover", "王经理离职")
		if moved == "" || !strings.Contains(moved, "<td>交接</td>") || !strings.Contains(moved, "负责人: <del>am1</del> → <ins>am2</ins>") ||
			!strings.Contains(moved, "<td data-who>mgr_a</td>") {
			t.Errorf("the history lacks the handover with its reason and owners by name:\n%s", body)
		}
		restored, trashed := historyRow(body, "restore", "恢复"), historyRow(body, "trash", "移入回收站")
		if restored == "" || trashed == "" {
			t.Errorf("the history lacks the trash and the restore:\n%s", body)
		}
		if i, j, k, l := strings.Index(body, restored), strings.Index(body, moved), strings.Index(body, update), strings.Index(body, create); !(i < j && j < k && k < l) {
			t.Errorf("the history is not newest first:\n%s", body)
		}
		m := regexp.MustCompile(`<time datetime="([^"]+)">([^<]+)</time></td>\s*<td data-who>mgr_a</td>\s*<td>交接</td>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the handover has no time:\n%s", moved)
		}
		if at, err := time.Parse(time.RFC3339, m[1]); err != nil || at.In(beijing).Format("2006-01-02 15:04") != m[2] {
			t.Errorf("the handover's time %q is not %s in Beijing time", m[2], m[1])
		}
		en := a.body(page, "en", mgr, 200)
		wantAll(t, "the English history", en, "<td>Handed over</td>", "<strong>Reason:</strong> 王经理离职", "Owner: <del>am1</del> → <ins>am2</ins>", "<td>Created</td>")
		wantNone(t, "the English page", en, "⟦")

		t.Run("pages through a long history", func(t *testing.T) {
			v, _ := strconv.Atoi(regexp.MustCompile(`id="customer-version">(\d+)<`).FindStringSubmatch(a.body(page, "zh-CN", mgr, 200))[1])
			token := e.signInToken("mgr_a")
			for i := 0; i < 21; i++ {
				r := e.do("PATCH", "/api/v1/customers/"+id, strings.NewReader(fmt.Sprintf(`{"version":%d,"notes":"第%d次回访"}`, v, i)), as(token))
				if r.Status != http.StatusOK {
					t.Fatalf("patch = %d %s", r.Status, r.Body)
				}
				v++
			}
			body := a.body(page, "zh-CN", mgr, 200)
			if n := strings.Count(body, `<tr data-history="`); n != 20 {
				t.Errorf("the first page of the history has %d entries, want 20", n)
			}
			if strings.Contains(body, "王经理离职") || historyRow(body, "update", "第20次回访") == "" {
				t.Errorf("the first page does not show only the newest changes:\n%s", body)
			}
			more := regexp.MustCompile(`<a href="([^"]+)" id="history-more"`).FindStringSubmatch(body)
			if more == nil || !strings.HasPrefix(more[1], page+"?history_before=") || !strings.HasSuffix(more[1], "#history") {
				t.Fatalf("no link to older changes:\n%s", body)
			}
			older := a.body(unescape(more[1]), "zh-CN", mgr, 200)
			if historyRow(older, "handover", "王经理离职") == "" || historyRow(older, "create", "嘉兴纺织") == "" || historyRow(older, "update", "第20次回访") != "" {
				t.Errorf("the older page lacks the first changes or repeats newer ones:\n%s", older)
			}
			wantAll(t, "the older page", older, `href="`+page+`#history" id="history-newest"`)
			wantNone(t, "the last page", older, `id="history-more"`)
			if body := a.body(page+"?history_before=x", "zh-CN", mgr, 200); !strings.Contains(body, `id="history-error"`) || historyRow(body, "update", "第20次回访") == "" {
				t.Errorf("a broken history link does not say so and show the newest:\n%s", body)
			}
		})

		t.Run("marks an owner who has left", func(t *testing.T) {
			e.disable("am2")
			wantAll(t, "the profile", a.body(page, "zh-CN", mgr, 200), `>am2（已停用）</dd>`)
		})
	})
}

// signInToken signs an existing user in through the API and returns
// the bearer token.
func (e *env) signInToken(username string) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+testPassword+`"}`), jsonHeader)
	m := regexp.MustCompile(`"token":"([^"]+)"`).FindSubmatch(r.Body)
	if r.Status != 200 || m == nil {
		e.t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	return string(m[1])
}

// selectOf is the select named name in body, from its tag to its end.
func selectOf(t *testing.T, body, form, name string) string {
	t.Helper()
	i := strings.Index(body, `id="`+form+`"`)
	if i < 0 {
		t.Fatalf("no form %s:\n%s", form, body)
	}
	rest := body[i:]
	j := strings.Index(rest, `<select name="`+name+`"`)
	if j < 0 {
		t.Fatalf("no select %s in %s:\n%s", name, form, body)
	}
	rest = rest[j:]
	return rest[:strings.Index(rest, "</select>")]
}

func TestADisabledAccountManagersCustomersAreHandedOverThroughThePage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		e.userIn("am4", crm.RoleAccountManager, "华东", "mgr_a")
		c1, _ := o.create(o.am1, `{"name":"绍兴黄酒"}`)
		c2, _ := o.create(o.am1, `{"name":"湖州丝绸"}`)
		e.disable("am1")
		e.disable("am4") // left owning nothing
		mgr := e.formSignIn("mgr_a")
		am1, am2, am4 := e.userID("am1"), e.userID("am2"), e.userID("am4")

		body := string(e.page("/customers/handover", "zh-CN", mgr).Body)
		from, to := selectOf(t, body, "handover-form", "from_owner_id"), selectOf(t, body, "handover-form", "to_owner_id")
		wantAll(t, "the old owners", from, fmt.Sprintf(`<option value="%d" data-disabled>am1 · 华东 · 已停用</option>`, am1), fmt.Sprintf(`<option value="%d">am2 · 华东</option>`, am2))
		wantNone(t, "the old owners", from, fmt.Sprintf(`value="%d"`, am4))
		wantAll(t, "the new owners", to, fmt.Sprintf(`value="%d"`, am2))
		wantNone(t, "the new owners", to, fmt.Sprintf(`value="%d"`, am1), fmt.Sprintf(`value="%d"`, am4), "已停用")
		wantAll(t, "the pick form", selectOf(t, body, "handover-pick", "from_owner_id"), fmt.Sprintf(`value="%d" data-disabled`, am1))
		wantAll(t, "the English page", selectOf(t, string(e.page("/customers/handover", "en", mgr).Body), "handover-form", "from_owner_id"),
			fmt.Sprintf(`<option value="%d" data-disabled>am1 · 华东 · disabled</option>`, am1))

		body = string(e.page(fmt.Sprintf("/customers/handover?from_owner_id=%d", am1), "zh-CN", mgr).Body)
		wantAll(t, "the disabled owner's customers", body, fmt.Sprintf(`data-handover-customer="%d"`, c1.ID), fmt.Sprintf(`data-handover-customer="%d"`, c2.ID))

		form := url.Values{"from_owner_id": {strconv.FormatInt(am1, 10)}, "to_owner_id": {strconv.FormatInt(am2, 10)}}
		r := e.postIn("/customers/handover", "zh-CN", mgr, form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("no reason = %d, want 422", r.Status)
		}
		wantAll(t, "the refusal in Chinese", string(r.Body), `id="handover-reason-error">请填写交接原因。<`)
		wantNone(t, "the refusal in Chinese", string(r.Body), "say why")
		r = e.postIn("/customers/handover", "en", mgr, form)
		wantAll(t, "the refusal in English", string(r.Body), `id="handover-reason-error">Say why the customers change hands.<`)

		form.Set("reason", "客户经理离职")
		if r := e.post("/customers/handover", mgr, form); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/customers/handover?moved=2") {
			t.Fatalf("handing over all = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		for _, c := range []customerJSON{c1, c2} {
			wantAll(t, "the customer after the handover", string(e.page(fmt.Sprintf("/customers/%d", c.ID), "zh-CN", mgr).Body),
				fmt.Sprintf(`id="customer-owner" data-owner="%d">am2<`, am2), "客户经理离职", "<td>交接</td>")
		}
		body = string(e.page("/customers/handover", "zh-CN", mgr).Body)
		wantNone(t, "the old owners once the disabled one owns nothing", selectOf(t, body, "handover-form", "from_owner_id"), fmt.Sprintf(`value="%d"`, am1))
	})
}

func TestTheHistoryShowsCardRevisionsAndMergesWithTheMergedCustomersChanges(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		page := a.add(a.am1, url.Values{"name": {"无锡电缆"}})
		dupPage := a.add(a.am1, url.Values{"name": {"无锡电缆厂"}})
		dupID := strings.TrimPrefix(dupPage, "/customers/")
		dupCode := regexp.MustCompile(`id="customer-code">([^<]+)<`).FindStringSubmatch(a.body(dupPage, "zh-CN", a.am1, 200))[1]
		if r := e.post(dupPage+"/edit", a.am1, url.Values{"version": {"1"}, "name": {"无锡电缆厂"}, "stage": {"general"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("edit = %d:\n%s", r.Status, r.Body)
		}
		card := url.Values{"surveyor": {"张伟"}, "surveyed_on": {"2026-11-20"}, "values.payment_attitude": {"爽快"}}
		if r := e.post(page+"/card", a.am1, card); r.Status != http.StatusSeeOther {
			t.Fatalf("card = %d:\n%s", r.Status, r.Body)
		}
		version := regexp.MustCompile(`id="customer-version">(\d+)<`).FindStringSubmatch(a.body(page, "zh-CN", a.am1, 200))[1]
		if r := e.post(page+"/merge", a.am1, url.Values{"from_id": {dupID}, "version": {version}}); r.Status != http.StatusSeeOther {
			t.Fatalf("merge = %d:\n%s", r.Status, r.Body)
		}
		body := a.body(page, "zh-CN", a.am1, 200)
		if row := historyRow(body, "merge", "合并了客户 "+dupCode+" 无锡电缆厂"); row == "" || !strings.Contains(row, "<td>合并</td>") {
			t.Errorf("the history lacks the merge:\n%s", body)
		}
		if historyRow(body, "merge", "已并入客户 ") == "" {
			t.Errorf("the merged customer's own merge entry does not say into which customer:\n%s", body)
		}
		if row := historyRow(body, "card", "第 1 版"); row == "" || !strings.Contains(row, `href="`+page+`/card/revisions/1"`) || !strings.Contains(row, "<td>资料卡修订</td>") {
			t.Errorf("the history lacks the card revision with a link to it:\n%s", body)
		}
		from := "被合并客户 " + dupCode + " 的记录"
		if historyRow(body, "update", "客户阶段: <del>潜在</del> → <ins>一般</ins>") == "" || !strings.Contains(historyRow(body, "update", "<ins>一般</ins>"), from) ||
			!strings.Contains(historyRow(body, "create", "无锡电缆厂"), from) {
			t.Errorf("the history lacks the merged customer's changes, marked as such:\n%s", body)
		}
		wantAll(t, "the English history", a.body(page, "en", a.am1, 200), "<td>Merged</td>", "<td>Data card revised</td>", "From merged customer "+dupCode)
		if own := historyRow(body, "create", "客户名称: 无锡电缆<"); own == "" || strings.Contains(own, "被合并客户") {
			t.Errorf("the survivor's own creation is marked as the merged customer's:\n%s", body)
		}
	})
}
