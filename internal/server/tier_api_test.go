package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

type tierSchemeJSON struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`
	Kind    string `json:"kind"`
	Version int    `json:"version"`
	Periods int    `json:"periods"`
}

type customerTiersJSON struct {
	Tiers []struct {
		SchemeCode string `json:"scheme_code"`
		Level      string `json:"level"`
		Source     string `json:"source"`
		Since      time.Time
		Inputs     struct {
			Amount     string  `json:"amount"`
			Orders     int64   `json:"orders"`
			SharePct   float64 `json:"share_pct"`
			FlagReason string  `json:"flag_reason"`
		} `json:"inputs"`
		State struct {
			Pending      string `json:"pending"`
			PendingCount int    `json:"pending_count"`
		} `json:"state"`
	} `json:"tiers"`
	WatchFlag *struct{ Reason string } `json:"watch_flag"`
}

func (c customerTiersJSON) level(scheme string) (string, string) {
	for _, t := range c.Tiers {
		if t.SchemeCode == scheme {
			return t.Level, t.Source
		}
	}
	return "", ""
}

// tierSchemes returns the schemes by code.
func tierSchemes(e *env, token string) map[string]tierSchemeJSON {
	e.t.Helper()
	r := e.do("GET", "/api/v1/tier-schemes", nil, as(token))
	var page struct{ Items []tierSchemeJSON }
	if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil {
		e.t.Fatalf("tier schemes: %d %s", r.Status, r.Body)
	}
	out := map[string]tierSchemeJSON{}
	for _, s := range page.Items {
		out[s.Code] = s
	}
	return out
}

// plantSales writes a customer's monthly sales aggregate as the sales
// module keeps it (customer_sales_months), in this month.
func plantSales(e *env, customerID int64, shard int, lines, fen int64) {
	e.t.Helper()
	now := time.Now().In(crm.Shanghai)
	if _, err := e.db.Exec(context.Background(), `INSERT INTO customer_sales_months (customer_id, month, shard, lines, quantity, amount_fen, last_date)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, customerID, now.Format("2006-01"), shard, lines, lines, fen, now.Format("2006-01-02")); err != nil {
		e.t.Fatal(err)
	}
}

// workTierRuns runs the queued recalculations to their end, as the
// background job does.
func workTierRuns(e *env) {
	e.t.Helper()
	ctx := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("tier"))
	if _, err := e.srv.Services.Tiers.WorkRuns(ctx); err != nil {
		e.t.Fatal(err)
	}
}

func customerTiers(e *env, token string, id int64) customerTiersJSON {
	e.t.Helper()
	r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d/tiers", id), nil, as(token))
	var c customerTiersJSON
	if r.Status != 200 || json.Unmarshal(r.Body, &c) != nil {
		e.t.Fatalf("customer tiers: %d %s", r.Status, r.Body)
	}
	return c
}

func recalculate(e *env, token string, schemeID int64) {
	e.t.Helper()
	r := e.do("POST", fmt.Sprintf("/api/v1/tier-schemes/%d/recalculate", schemeID), nil, as(token))
	var run struct {
		ID     int64
		Status string
	}
	if r.Status != 202 || json.Unmarshal(r.Body, &run) != nil || run.Status != "queued" {
		e.t.Fatalf("recalculate: %d %s", r.Status, r.Body)
	}
	workTierRuns(e)
	r = e.do("GET", fmt.Sprintf("/api/v1/tier-runs/%d", run.ID), nil, as(token))
	var done struct {
		Status string
		Done   int64
		Total  int64
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &done) != nil || done.Status != "done" || done.Done != done.Total {
		e.t.Fatalf("run %d: %d %s", run.ID, r.Status, r.Body)
	}
}

func TestTheFourSeedSchemesAreInstalledAndEachSaveIsANewVersion(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		ss := tierSchemes(e, o.admin)
		for _, code := range []string{"abc", "bank", "value", "behaviour"} {
			if ss[code].Version != 1 || ss[code].Periods != 2 {
				t.Errorf("seed scheme %s: %+v", code, ss[code])
			}
		}
		abc := ss["abc"]
		path := fmt.Sprintf("/api/v1/tier-schemes/%d", abc.ID)
		// An overlapping threshold is refused naming the field; nothing changes.
		r := e.do("PATCH", path, strings.NewReader(`{"version":1,"levels":[{"code":"A","name":"A","cumulative_pct":80},{"code":"B","name":"B","cumulative_pct":70},{"code":"C","name":"C","cumulative_pct":100}]}`), as(o.admin))
		if r.Status != 422 || !strings.Contains(string(r.Body), `levels[1].cumulative_pct`) {
			t.Fatalf("overlap: %d %s", r.Status, r.Body)
		}
		// Company-wide schemes are the admins' and the gm's, not a sales manager's.
		if r := e.do("PATCH", path, strings.NewReader(`{"version":1,"window_months":6}`), as(o.mgrA)); r.Status != 403 {
			t.Errorf("a sales manager edits a company-wide scheme: %d %s", r.Status, r.Body)
		}
		r = e.do("PATCH", path, strings.NewReader(`{"version":1,"window_months":6}`), as(o.gm))
		var s tierSchemeJSON
		if r.Status != 200 || json.Unmarshal(r.Body, &s) != nil || s.Version != 2 {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		if r := e.do("PATCH", path, strings.NewReader(`{"version":1,"window_months":3}`), as(o.admin)); r.Status != 409 {
			t.Errorf("a stale version: %d %s", r.Status, r.Body)
		}
		if r := e.do("PATCH", path, strings.NewReader(`{"version":2,"window_months":3}`), as(o.am1)); r.Status != 403 {
			t.Errorf("an account manager edits a scheme: %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM tier_scheme_versions WHERE scheme_id = ?", abc.ID); n != 2 {
			t.Errorf("%d versions kept, want 2", n)
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'tier_scheme' AND action = 'update'"); n != 1 {
			t.Errorf("%d audit entries for the scheme change, want 1", n)
		}
		// A new scheme, active beside the others.
		r = e.do("POST", "/api/v1/tier-schemes", strings.NewReader(`{"code":"big","kind":"bank","name":"大客户","active":true,
			"levels":[{"code":"big","name":"大客户","min_amount":"1000000.00"},{"code":"rest","name":"其他","min_amount":"0"}]}`), as(o.admin))
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		if got := len(tierSchemes(e, o.am1)); got != 5 {
			t.Errorf("%d schemes listed, want 5", got)
		}
	})
}

func TestRecalculationRanksCustomersKeepsWhyAndMovesOnlyAfterTheConsecutivePeriods(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		big, _ := o.create(o.am1, `{"name":"苏州大单机械有限公司"}`)
		mid, _ := o.create(o.am1, `{"name":"无锡中单贸易有限公司"}`)
		small, _ := o.create(o.am3, `{"name":"广州小单贸易有限公司"}`)
		plantSales(e, big.ID, 0, 5, 60000000)
		plantSales(e, big.ID, 3, 3, 20000000) // another shard of the same month
		plantSales(e, mid.ID, 0, 2, 15000000)
		plantSales(e, small.ID, 0, 1, 5000000)
		abc := tierSchemes(e, o.mgrA)["abc"]

		// The preview says who would move before anything is saved.
		if r := e.do("POST", fmt.Sprintf("/api/v1/tier-schemes/%d/preview", abc.ID), strings.NewReader(`{}`), as(o.mgrA)); r.Status != 403 {
			t.Errorf("a sales manager previews a company-wide scheme: %d %s", r.Status, r.Body)
		}
		r := e.do("POST", fmt.Sprintf("/api/v1/tier-schemes/%d/preview", abc.ID), strings.NewReader(`{}`), as(o.gm))
		var pv struct {
			Customers, Moves int64
			Sample           []struct {
				CustomerID int64  `json:"customer_id"`
				Name       string `json:"customer_name"`
				To         string
			}
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &pv) != nil || pv.Customers != 3 || pv.Moves != 3 {
			t.Fatalf("preview: %d %s", r.Status, r.Body)
		}
		if len(pv.Sample) != 3 { // the gm sees every customer
			t.Errorf("the preview names %d customers to the gm, want all three: %s", len(pv.Sample), r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customer_tiers"); n != 0 {
			t.Fatalf("the preview saved %d tiers", n)
		}

		recalculate(e, o.gm, abc.ID)
		ct := customerTiers(e, o.am1, big.ID)
		if l, src := ct.level("abc"); l != "A" || src != "calc" {
			t.Fatalf("the biggest customer is %s (%s): %+v", l, src, ct)
		}
		for _, x := range ct.Tiers {
			if x.SchemeCode == "abc" && (x.Inputs.Amount != "800000.00" || x.Inputs.Orders != 8 || x.Inputs.SharePct != 80) {
				t.Errorf("why A: %+v", x.Inputs)
			}
		}
		if l, _ := customerTiers(e, o.am3, small.ID).level("abc"); l != "C" {
			t.Errorf("the smallest customer is %s, want C", l)
		}
		if r := e.get(fmt.Sprintf("/api/v1/customers/%d/tiers", big.ID)); r.Status != 401 {
			t.Errorf("anonymous: %d", r.Status)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d/tiers", big.ID), nil, as(o.am3)); r.Status != 404 {
			t.Errorf("another team's account manager reads the tiers: %d %s", r.Status, r.Body)
		}

		// The small customer now buys the most: computed A, but it moves only
		// after two consecutive periods; a second run this month counts none.
		plantSales(e, small.ID, 1, 20, 300000000)
		recalculate(e, o.gm, abc.ID)
		ct = customerTiers(e, o.am3, small.ID)
		if l, _ := ct.level("abc"); l != "C" {
			t.Fatalf("moved at once to %s despite hysteresis", l)
		}
		for _, x := range ct.Tiers {
			if x.SchemeCode == "abc" && (x.State.Pending != "A" || x.State.PendingCount != 1) {
				t.Errorf("pending: %+v", x.State)
			}
		}
		recalculate(e, o.gm, abc.ID)
		if l, _ := customerTiers(e, o.am3, small.ID).level("abc"); l != "C" {
			t.Fatalf("a rerun in the same period moved it to %s", l)
		}
		// With one period the move happens, the history keeps both tiers and
		// the owner hears of it.
		if r := e.do("PATCH", fmt.Sprintf("/api/v1/tier-schemes/%d", abc.ID), strings.NewReader(`{"version":1,"periods":1}`), as(o.admin)); r.Status != 200 {
			t.Fatalf("periods: %d %s", r.Status, r.Body)
		}
		recalculate(e, o.gm, abc.ID)
		if l, _ := customerTiers(e, o.am3, small.ID).level("abc"); l != "A" {
			t.Fatalf("after the periods: %s, want A", l)
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d/tier-history?scheme_id=%d", small.ID, abc.ID), nil, as(o.am3))
		var h struct {
			Items []struct {
				Level, Previous string
				To              *time.Time `json:"effective_to"`
			}
			Total int
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &h) != nil || h.Total != 2 || h.Items[0].Level != "A" || h.Items[0].Previous != "C" ||
			h.Items[0].To != nil || h.Items[1].To == nil {
			t.Errorf("history: %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'tier_changed'", e.userID("am3")); n != 1 {
			t.Errorf("the owner got %d tier notices, want 1", n)
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE action = 'tier_recalculate'"); n != 4 {
			t.Errorf("%d recalculations audited, want 4", n)
		}
	})
}

func TestOverridesAndWatchFlagsNeedAReasonActAtOnceAndAreAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"常州担保机械有限公司"}`)
		plantSales(e, c.ID, 0, 2, 90000000)
		ss := tierSchemes(e, o.gm)
		bank := ss["bank"]
		recalculate(e, o.gm, bank.ID)
		if l, _ := customerTiers(e, o.am1, c.ID).level("bank"); l != "mid" {
			t.Fatalf("900000 yuan: %s, want mid", l)
		}
		path := fmt.Sprintf("/api/v1/customers/%d/tiers/%d/override", c.ID, bank.ID)
		until := time.Now().In(crm.Shanghai).AddDate(0, 1, 0).Format("2006-01-02")
		r := e.do("PUT", path, strings.NewReader(`{"level":"premium","reason":"  ","until":"`+until+`"}`), as(o.mgrA))
		if r.Status != 422 || !strings.Contains(string(r.Body), `"reason"`) {
			t.Fatalf("no reason: %d %s", r.Status, r.Body)
		}
		if r := e.do("PUT", path, strings.NewReader(`{"level":"premium","reason":"集团战略","until":"`+until+`"}`), as(o.am1)); r.Status != 403 {
			t.Errorf("an account manager overrides: %d", r.Status)
		}
		if r := e.do("PUT", path, strings.NewReader(`{"level":"premium","reason":"集团战略","until":"`+until+`"}`), as(o.mgrA)); r.Status != 200 {
			t.Fatalf("override: %d %s", r.Status, r.Body)
		}
		if l, src := customerTiers(e, o.am1, c.ID).level("bank"); l != "premium" || src != "override" {
			t.Errorf("after the override: %s (%s)", l, src)
		}
		recalculate(e, o.gm, bank.ID)
		if l, _ := customerTiers(e, o.am1, c.ID).level("bank"); l != "premium" {
			t.Errorf("a run undid the override: %s", l)
		}
		if r := e.do("DELETE", path, nil, as(o.mgrA)); r.Status != 200 {
			t.Fatalf("clear override: %d %s", r.Status, r.Body)
		}
		// 重点关注 wins over the value level at once.
		flag := fmt.Sprintf("/api/v1/customers/%d/watch-flag", c.ID)
		if r := e.do("PUT", flag, strings.NewReader(`{"reason":""}`), as(o.gm)); r.Status != 422 {
			t.Errorf("a flag without a reason: %d %s", r.Status, r.Body)
		}
		if r := e.do("PUT", flag, strings.NewReader(`{"reason":"担保代偿风险"}`), as(o.gm)); r.Status != 200 {
			t.Fatalf("flag: %d %s", r.Status, r.Body)
		}
		ct := customerTiers(e, o.am1, c.ID)
		if l, src := ct.level("bank"); l != "watch" || src != "flag" || ct.WatchFlag == nil || ct.WatchFlag.Reason != "担保代偿风险" {
			t.Errorf("flagged: %s (%s) %+v", l, src, ct.WatchFlag)
		}
		if r := e.do("DELETE", flag, nil, as(o.gm)); r.Status != 204 {
			t.Fatalf("unflag: %d %s", r.Status, r.Body)
		}
		if l, _ := customerTiers(e, o.am1, c.ID).level("bank"); l != "mid" {
			t.Errorf("unflagged: %s, want mid", l)
		}
		for _, a := range []string{"tier_override", "tier_override_cleared", "tier_flag_set", "tier_flag_cleared"} {
			if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE action = ? AND entity = 'customer'", a); n != 1 {
				t.Errorf("%d audit entries for %s, want 1", n, a)
			}
		}
		if n := e.countRows("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'tier_changed'", e.userID("am1")); n != 4 {
			t.Errorf("the owner got %d tier notices, want 4 (override, its end, flag, its end)", n)
		}
	})
}

func TestServiceStandardsPerTierAndTheDedicatedManagerViolations(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		abc := tierSchemes(e, o.gm)["abc"]
		r := e.do("GET", fmt.Sprintf("/api/v1/service-standards?scheme_id=%d", abc.ID), nil, as(o.am1))
		var list struct {
			Items []struct {
				Level            string
				DedicatedManager bool `json:"dedicated_manager"`
				Visit            int  `json:"visit_every_working_days"`
			}
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &list) != nil || len(list.Items) != 3 || list.Items[0].Level != "A" ||
			!list.Items[0].DedicatedManager || list.Items[0].Visit != 21 || list.Items[1].Visit != 63 || list.Items[2].Visit != 126 {
			t.Fatalf("abc standards: %d %s", r.Status, r.Body)
		}
		put := fmt.Sprintf("/api/v1/service-standards/%d", abc.ID)
		if r := e.do("PUT", put, strings.NewReader(`{"standards":[{"level":"A","dedicated_manager":true,"visit_every_working_days":21,"channel_visit_pct":50,"channel_phone_pct":30,"channel_message_pct":30}]}`), as(o.admin)); r.Status != 422 ||
			!strings.Contains(string(r.Body), "standards[0].channel_visit_pct") {
			t.Errorf("a channel mix over 100: %d %s", r.Status, r.Body)
		}
		// The gm owns a big customer: A asks for a dedicated manager, and the gm is none.
		c, _ := o.create(o.gm, `{"name":"杭州总经办直管有限公司"}`)
		own, _ := o.create(o.am1, `{"name":"宁波客户经理有限公司"}`)
		plantSales(e, c.ID, 0, 3, 90000000)
		plantSales(e, own.ID, 0, 1, 1000000)
		recalculate(e, o.gm, abc.ID)
		r = e.do("GET", "/api/v1/service-standards/violations", nil, as(o.gm))
		var v struct {
			Items []struct {
				CustomerID int64 `json:"customer_id"`
				Level      string
				Problem    string
			}
			Total int
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &v) != nil || v.Total != 1 || v.Items[0].CustomerID != c.ID || v.Items[0].Problem != "owner_not_manager" {
			t.Fatalf("violations: %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/service-standards/violations", nil, as(o.am1)); r.Status != 200 || strings.Contains(string(r.Body), fmt.Sprint(`"customer_id":`, c.ID)) {
			t.Errorf("an account manager sees others' violations: %s", r.Body)
		}
	})
}

func TestAnInterruptedRunResumesAfterItsCheckpoint(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		var ids []int64
		for i := range 3 {
			c, _ := o.create(o.am1, fmt.Sprintf(`{"name":"断点续算%d有限公司"}`, i))
			plantSales(e, c.ID, 0, 1, int64(i+1)*1000000)
			ids = append(ids, c.ID)
		}
		abc := tierSchemes(e, o.gm)["abc"]
		// A run whose worker stopped after the first customer's batch: still
		// running, its lease run out, its checkpoint at the first customer.
		day := time.Now().In(crm.Shanghai).Format("2006-01-02")
		if _, err := e.db.Exec(context.Background(), `INSERT INTO tier_runs (scheme_id, scheme_version, kind, day, status, checkpoint, done, lease_until, created_at, created_by)
			VALUES (?, 1, 'manual', ?, 'running', ?, 1, ?, ?, 'test')`, abc.ID, day, ids[0], time.Now().Add(-time.Minute).UTC(), time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		workTierRuns(e)
		if n := e.countRows("SELECT COUNT(*) FROM tier_runs WHERE status = 'done' AND done = 3 AND checkpoint = ?", ids[2]); n != 1 {
			t.Errorf("the run did not finish after resuming")
		}
		if n := e.countRows("SELECT COUNT(*) FROM customer_tiers WHERE customer_id = ?", ids[0]); n != 0 {
			t.Errorf("the customer before the checkpoint was computed again")
		}
		if n := e.countRows("SELECT COUNT(*) FROM customer_tiers WHERE customer_id IN (?, ?)", ids[1], ids[2]); n != 2 {
			t.Errorf("%d customers after the checkpoint ranked, want 2", n)
		}
	})
}
