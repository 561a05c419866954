package server_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

func formPost(e *env, token, path string, form url.Values) response {
	e.t.Helper()
	h := as(token)
	h["Content-Type"] = "application/x-www-form-urlencoded"
	return e.do("POST", path, strings.NewReader(form.Encode()), h)
}

func TestTierPagesEditPreviewRecalculateAndShowTheCustomersTier(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		tech := e.user("tech1", crm.RoleTechnician)
		c, _ := o.create(o.am1, `{"name":"嘉兴页面测试有限公司"}`)
		other, _ := o.create(o.am1, `{"name":"湖州页面测试有限公司"}`)
		plantSales(e, c.ID, 0, 4, 90000000)
		plantSales(e, other.ID, 0, 1, 1000000)
		abc := tierSchemes(e, o.gm)["abc"]

		r := e.do("GET", "/tiers", nil, as(o.admin))
		if r.Status != 200 || !strings.Contains(string(r.Body), `id="scheme-abc"`) || !strings.Contains(string(r.Body), `href="/tiers"`) {
			t.Fatalf("scheme list: %d", r.Status)
		}
		// Methods and periods read as words, not as the codes behind them.
		wantAll(t, "the scheme list", string(r.Body), "ABC 分析", "银行四级")
		if strings.Contains(string(r.Body), "<td>abc</td>") || strings.Contains(string(r.Body), "<td>bank</td>") {
			t.Errorf("the scheme list shows method codes")
		}
		if body := string(e.do("GET", fmt.Sprintf("/tiers/%d", abc.ID), nil, as(o.gm)).Body); !strings.Contains(body, ">季度</option>") || strings.Contains(body, ">quarter</option>") {
			t.Errorf("the period choices are not in Chinese")
		}
		if r := e.do("GET", "/tiers", nil, as(tech)); r.Status != 403 {
			t.Errorf("a technician opens the tiers: %d", r.Status)
		}
		path := fmt.Sprintf("/tiers/%d", abc.ID)
		form := url.Values{"version": {"1"}, "name": {"客户分级（A/B/C）"}, "name_en": {"Customer grade"}, "window_months": {"12"}, "period": {"month"},
			"periods": {"2"}, "active": {"on"},
			"levels.0.code": {"A"}, "levels.0.name": {"A类"}, "levels.0.cumulative_pct": {"80"},
			"levels.1.code": {"B"}, "levels.1.name": {"B类"}, "levels.1.cumulative_pct": {"95"},
			"levels.2.code": {"C"}, "levels.2.name": {"C类"}, "levels.2.cumulative_pct": {"100"}, "do": {"preview"}}
		if r := formPost(e, o.mgrA, path, form); r.Status != 403 {
			t.Errorf("a sales manager previews a company-wide scheme: %d", r.Status)
		}
		r = formPost(e, o.gm, path, form)
		if r.Status != 200 || !strings.Contains(string(r.Body), `id="preview-summary"`) || !strings.Contains(string(r.Body), "嘉兴页面测试有限公司") {
			t.Fatalf("preview: %d %s\n%s", r.Status, r.Body, e.logs.String())
		}
		form.Set("levels.1.cumulative_pct", "60")
		form.Set("do", "save")
		if r := formPost(e, o.gm, path, form); r.Status != 422 || !strings.Contains(string(r.Body), "levels[1].cumulative_pct") {
			t.Errorf("an overlapping save: %d", r.Status)
		}
		r = formPost(e, o.gm, path+"/recalculate", url.Values{})
		m := regexp.MustCompile(`run=(\d+)`).FindStringSubmatch(r.Header.Get("Location"))
		if r.Status != 303 || m == nil {
			t.Fatalf("recalculate: %d %q", r.Status, r.Header.Get("Location"))
		}
		if r := e.do("GET", r.Header.Get("Location"), nil, as(o.gm)); r.Status != 200 || !strings.Contains(string(r.Body), `id="tier-run"`) {
			t.Errorf("the scheme page after starting: %d", r.Status)
		}
		workTierRuns(e)
		if r := e.do("GET", "/tiers/runs/"+m[1], nil, as(o.gm)); r.Status != 200 || !strings.Contains(string(r.Body), `data-status="done"`) {
			t.Errorf("progress: %d %s", r.Status, r.Body)
		}
		r = e.do("GET", fmt.Sprintf("/customers/%d/tiers-panel", c.ID), nil, as(o.am1))
		if r.Status != 200 || !strings.Contains(string(r.Body), `data-scheme="abc" data-level="A"`) || !strings.Contains(string(r.Body), "900000.00") {
			t.Errorf("the customer's tier panel: %d %s", r.Status, r.Body)
		}
		if regexp.MustCompile(`得分 \d{6,}`).Match(r.Body) {
			t.Errorf("the panel prints a score that is no score: %s", r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/customers/%d", c.ID), nil, as(o.am1)); r.Status != 200 || !strings.Contains(string(r.Body), `/tiers-panel"`) {
			t.Errorf("the customer page has no tier section: %d", r.Status)
		}
		if r := e.do("GET", fmt.Sprintf("/customers/%d/tiers-panel", c.ID), nil, as(o.am3)); r.Status != 404 {
			t.Errorf("another team's panel: %d", r.Status)
		}
		r = e.do("GET", "/tiers/standards", nil, as(o.gm))
		if r.Status != 200 || !strings.Contains(string(r.Body), `id="standards"`) {
			t.Errorf("standards: %d", r.Status)
		}
	})
}
