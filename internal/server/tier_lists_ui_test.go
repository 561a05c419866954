package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestTheCustomerListPageFiltersByTierAndShowsEachCustomersBadges(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a, b, _ := rankedPair(e, o)
		r := e.do("GET", "/customers?tier="+url.QueryEscape("abc:A"), nil, as(o.am1))
		body := string(r.Body)
		if r.Status != 200 || !strings.Contains(body, a.Name) || strings.Contains(body, b.Name) {
			t.Fatalf("tier=abc:A: %d, want only %s", r.Status, a.Name)
		}
		wantAll(t, "the filtered list", body, `id="filter-tier"`, `<option value="abc:A" selected>`, `data-scheme="abc" data-level="A"`, "A类客户",
			`tier=abc%3AA`) // the export links carry the filter
		r = e.do("GET", "/customers", nil, as(o.am1, "Accept-Language", "en"))
		wantAll(t, "the English list", string(r.Body), "Class A", "Class B", "All tiers")
		r = e.do("GET", "/customers?tier=Z", nil, as(o.am1))
		if r.Status != 400 || !strings.Contains(string(r.Body), `id="filter-tier-error"`) || !strings.Contains(string(r.Body), b.Name) {
			t.Errorf("a tier that is none: %d, want 400 and the list unfiltered with the filter's error (as the other filters)", r.Status)
		}
	})
}

func TestServiceStandardsAreEditedOnTheirPageByWhoeverManagesTiers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		abc := tierSchemes(e, o.gm)["abc"]
		page := fmt.Sprintf("/tiers/standards/%d/edit", abc.ID)
		if r := e.do("GET", page, nil, as(o.am1)); r.Status != 403 {
			t.Errorf("an account manager opens the editor: %d", r.Status)
		}
		r := e.do("GET", "/tiers/standards", nil, as(o.gm))
		wantAll(t, "the standards", string(r.Body), fmt.Sprintf(`id="edit-standards-%d"`, abc.ID))
		r = e.do("GET", page, nil, as(o.gm))
		wantAll(t, "the editor", string(r.Body), `id="standards-form"`, `name="l.0.reply" value="12"`, "投诉答复时限（小时）")
		form := url.Values{}
		for i, x := range [][]string{{"on", "21", "50", "30", "20", "6", "1"}, {"on", "63", "30", "40", "30", "24", "2"}, {"", "126", "10", "40", "50", "24", "3"}} {
			p := fmt.Sprintf("l.%d.", i)
			if x[0] != "" {
				form.Set(p+"dedicated", x[0])
			}
			for j, n := range []string{"visit_every", "visit", "phone", "message", "reply", "solution"} {
				form.Set(p+n, x[j+1])
			}
		}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("l.2.reply", "八")
		r = formPost(e, o.gm, page, bad)
		wantAll(t, "a save with a word for a number", string(r.Body), `id="standards-errors"`, "standards[2].complaint_reply_hours", `value="八"`)
		if r.Status != 422 {
			t.Errorf("a save with a word for a number: %d, want 422", r.Status)
		}
		bad.Set("l.2.reply", "24")
		bad.Set("l.1.phone", "90")
		r = formPost(e, o.gm, page, bad)
		wantAll(t, "a save whose channels add up to 150 %", string(r.Body), "standards[1].channel_visit_pct")
		if r.Status != 422 {
			t.Errorf("a save whose channels add up to 150 %%: %d, want 422", r.Status)
		}
		if n := e.countRows("SELECT COUNT(*) FROM service_standards WHERE reply_hours = 6"); n != 0 {
			t.Errorf("a refused save changed %d standards", n)
		}
		if r := formPost(e, o.gm, page, form); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/tiers/standards") {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM service_standards WHERE scheme_id = ? AND level = 'A' AND reply_hours = 6 AND solution_days = 1", abc.ID); n != 1 {
			t.Errorf("A's standard was not saved")
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'service_standards'"); n != 1 {
			t.Errorf("%d audit entries for the save, want 1", n)
		}
		r = e.do("GET", "/tiers/standards?notice=saved", nil, as(o.gm, "Accept-Language", "en"))
		wantAll(t, "after the save", string(r.Body), `id="standards-notice"`, "service standards are saved")
	})
}

func TestTheCustomerPagesTierPanelOverridesAndFlagsWithReasons(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a, _, _ := rankedPair(e, o)
		bank := tierSchemes(e, o.gm)["bank"]
		panel := fmt.Sprintf("/customers/%d/tiers-panel", a.ID)
		if body := string(e.do("GET", panel, nil, as(o.am1)).Body); strings.Contains(body, `id="override-form"`) {
			t.Errorf("an account manager is offered the override")
		}
		body := string(e.do("GET", panel, nil, as(o.mgrA)).Body)
		wantAll(t, "the manager's panel", body, `id="override-form"`, `id="flag-form"`, fmt.Sprintf(`<option value="%d:premium"`, bank.ID))
		if strings.Contains(body, fmt.Sprintf(`value="%d:watch"`, bank.ID)) {
			t.Errorf("the watch level is offered as an override")
		}
		path := fmt.Sprintf("/customers/%d/tier-override", a.ID)
		until := time.Now().In(crm.Shanghai).AddDate(0, 1, 0).Format("2006-01-02")
		form := url.Values{"scheme_level": {fmt.Sprintf("%d:premium", bank.ID)}, "reason": {" "}, "until": {until}}
		if r := formPost(e, o.am1, path, form); r.Status != 403 {
			t.Errorf("an account manager overrides: %d", r.Status)
		}
		r := formPost(e, o.mgrA, path, form)
		if r.Status != 422 || !strings.Contains(string(r.Body), `id="tier-form-errors"`) || !strings.Contains(string(r.Body), "reason") {
			t.Errorf("an override without a reason: %d", r.Status)
		}
		form.Set("reason", "集团战略客户")
		if r := formPost(e, o.mgrA, path, form); r.Status != 303 {
			t.Fatalf("override: %d %s", r.Status, r.Body)
		}
		if l, src := customerTiers(e, o.am1, a.ID).level("bank"); l != "premium" || src != "override" {
			t.Errorf("after the override: %s (%s)", l, src)
		}
		body = string(e.do("GET", panel, nil, as(o.mgrA)).Body)
		wantAll(t, "the overridden panel", body, `id="clear-override-bank"`, "集团战略客户")
		if r := formPost(e, o.mgrA, fmt.Sprintf("/customers/%d/tier-override/%d/clear", a.ID, bank.ID), url.Values{}); r.Status != 303 {
			t.Fatalf("clear: %d %s", r.Status, r.Body)
		}
		if _, src := customerTiers(e, o.am1, a.ID).level("bank"); src == "override" {
			t.Errorf("the override stayed")
		}
		flag := fmt.Sprintf("/customers/%d/watch-flag", a.ID)
		if r := formPost(e, o.mgrA, flag, url.Values{"reason": {""}}); r.Status != 422 {
			t.Errorf("a flag without a reason: %d", r.Status)
		}
		if r := formPost(e, o.mgrA, flag, url.Values{"reason": {"担保代偿风险"}}); r.Status != 303 {
			t.Fatalf("flag: %d %s", r.Status, r.Body)
		}
		ct := customerTiers(e, o.am1, a.ID)
		if l, _ := ct.level("bank"); l != "watch" || ct.WatchFlag == nil {
			t.Errorf("flagged: %s %+v", l, ct.WatchFlag)
		}
		wantAll(t, "the flagged panel", string(e.do("GET", panel, nil, as(o.mgrA)).Body), `id="unflag"`, "担保代偿风险")
		if r := formPost(e, o.mgrA, flag+"/clear", url.Values{}); r.Status != 303 {
			t.Fatalf("unflag: %d %s", r.Status, r.Body)
		}
		var got struct {
			WatchFlag *struct{} `json:"watch_flag"`
		}
		_ = json.Unmarshal(e.do("GET", fmt.Sprintf("/api/v1/customers/%d/tiers", a.ID), nil, as(o.am1)).Body, &got)
		if got.WatchFlag != nil {
			t.Errorf("the flag stayed")
		}
		for _, act := range []string{"tier_override", "tier_override_cleared", "tier_flag_set", "tier_flag_cleared"} {
			if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE action = ?", act); n != 1 {
				t.Errorf("%d audit entries for %s, want 1", n, act)
			}
		}
	})
}
