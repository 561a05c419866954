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

type visitItemJSON struct {
	ID          int64  `json:"id"`
	CustomerID  int64  `json:"customer_id"`
	OwnerID     int64  `json:"owner_id"`
	Kind        string `json:"kind"`
	DueOn       string `json:"due_on"`
	PeriodStart string `json:"period_start"`
	Cadence     int    `json:"cadence_working_days"`
	Status      string `json:"status"`
	Step        int    `json:"escalation_step"`
	CompletedBy *int64 `json:"completed_by"`
}

type complianceJSON struct {
	Rows []struct {
		GroupID  int64 `json:"group_id"`
		Due      int64
		OnTime   int64 `json:"on_time"`
		RateText string
		Rate     float64
	}
	Total struct {
		Due    int64
		OnTime int64 `json:"on_time"`
		Rate   float64
	}
}

// tierA makes customer id an A customer of the abc scheme, as a
// recalculation would.
func tierA(e *env, token string, id int64) {
	e.t.Helper()
	abc := tierSchemes(e, token)["abc"]
	if _, err := e.db.Exec(context.Background(), `INSERT INTO customer_tiers (scheme_id, customer_id, level, since, source, inputs)
		VALUES (?, ?, 'A', ?, 'calc', '{}')`, abc.ID, id, time.Now().UTC()); err != nil {
		e.t.Fatal(err)
	}
}

// generateVisits generates the plan items of [from, to] and works the run.
func generateVisits(e *env, token, from, to string) {
	e.t.Helper()
	r := e.do("POST", "/api/v1/visit-items/generate", strings.NewReader(`{"from":"`+from+`","to":"`+to+`"}`), as(token))
	var run struct{ ID int64 }
	if r.Status != 202 || json.Unmarshal(r.Body, &run) != nil || r.Header.Get("Location") != fmt.Sprintf("/api/v1/visit-runs/%d", run.ID) {
		e.t.Fatalf("generate: %d %s", r.Status, r.Body)
	}
	ctx := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("visit"))
	if _, err := e.srv.Services.Visits.WorkRuns(ctx); err != nil {
		e.t.Fatal(err)
	}
	r = e.do("GET", r.Header.Get("Location"), nil, as(token))
	if r.Status != 200 || !strings.Contains(string(r.Body), `"status":"done"`) {
		e.t.Fatalf("run: %d %s", r.Status, r.Body)
	}
}

func visitItems(e *env, token, query string) []visitItemJSON {
	e.t.Helper()
	r := e.do("GET", "/api/v1/visit-items"+query, nil, as(token))
	var page struct{ Items []visitItemJSON }
	if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil {
		e.t.Fatalf("visit items%s: %d %s", query, r.Status, r.Body)
	}
	return page.Items
}

func compliance(e *env, token, query string) complianceJSON {
	e.t.Helper()
	r := e.do("GET", "/api/v1/visit-compliance"+query, nil, as(token))
	var c complianceJSON
	if r.Status != 200 || json.Unmarshal(r.Body, &c) != nil {
		e.t.Fatalf("compliance%s: %d %s", query, r.Status, r.Body)
	}
	return c
}

func TestAnACustomerGetsItsMonthlyItemAndTheMatchingInteractionCompletesIt(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, r := o.create(o.am1, `{"name":"拜访测试机械有限公司"}`)
		if r.Status != 201 {
			t.Fatalf("customer: %d %s", r.Status, r.Body)
		}
		other, _ := o.create(o.am3, `{"name":"华南贸易有限公司"}`)
		tierA(e, o.gm, c.ID)
		tierA(e, o.gm, other.ID)
		today := time.Now().In(crm.Shanghai)
		from, to := today.Format(time.DateOnly), today.AddDate(0, 3, 0).Format(time.DateOnly)
		generateVisits(e, o.gm, from, to)
		generateVisits(e, o.gm, from, to) // again: nothing doubles

		items := visitItems(e, o.am1, fmt.Sprintf("?customer_id=%d", c.ID))
		if len(items) < 3 || len(items) > 5 {
			t.Fatalf("a quarter of monthly items: %+v", items)
		}
		seen := map[string]bool{}
		for _, it := range items {
			key := it.Kind + it.PeriodStart
			if seen[key] || it.Cadence != 21 || it.Status != "open" || it.OwnerID != e.userID("am1") {
				t.Fatalf("items %+v", items)
			}
			seen[key] = true
		}
		first := items[0]
		// Scope: the other manager's customer is not am1's to see.
		if got := visitItems(e, o.am1, fmt.Sprintf("?customer_id=%d", other.ID)); len(got) != 0 {
			t.Fatalf("am1 sees am3's items: %+v", got)
		}
		otherItems := visitItems(e, o.am3, fmt.Sprintf("?customer_id=%d", other.ID))
		if r := e.do("GET", fmt.Sprintf("/api/v1/visit-items/%d", otherItems[0].ID), nil, as(o.am1)); r.Status != 404 {
			t.Fatalf("am1 reads am3's item: %d", r.Status)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/visit-items/%d", first.ID), nil, as(o.mgrA)); r.Status != 200 {
			t.Fatalf("the team's manager reads it: %d %s", r.Status, r.Body)
		}
		if got := visitItems(e, o.gm, ""); len(got) < 2*len(items)-2 {
			t.Fatalf("gm sees all: %d", len(got))
		}
		if r := e.do("GET", "/api/v1/visit-items", nil, as(o.qa)); r.Status != 403 {
			t.Fatalf("qa: %d", r.Status)
		}

		channel := map[string]string{"visit": "visit", "phone": "phone", "message": "wechat"}[first.Kind]
		// An interaction of another kind completes nothing.
		wrong := "sms"
		if first.Kind == "message" {
			wrong = "phone"
		}
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", c.ID), strings.NewReader(`{"channel":"`+wrong+`","content":"其他沟通"}`), as(o.am1))
		if first.PeriodStart <= from {
			r = e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", c.ID), strings.NewReader(`{"channel":"`+channel+`","content":"季度拜访"}`), as(o.am1))
			var it struct{ ID int64 }
			if r.Status != 201 || json.Unmarshal(r.Body, &it) != nil {
				t.Fatalf("interaction: %d %s", r.Status, r.Body)
			}
			r = e.do("GET", fmt.Sprintf("/api/v1/visit-items/%d", first.ID), nil, as(o.am1))
			var done visitItemJSON
			if json.Unmarshal(r.Body, &done) != nil || done.Status != "done" || done.CompletedBy == nil || *done.CompletedBy != it.ID {
				t.Fatalf("after the %s: %s", channel, r.Body)
			}
			c1 := compliance(e, o.am1, "?from="+first.DueOn+"&to="+first.DueOn)
			if len(c1.Rows) != 1 || c1.Rows[0].OnTime != 1 || c1.Rows[0].Due != 1 || c1.Rows[0].Rate != 1 {
				t.Fatalf("compliance: %+v", c1)
			}
			// The sales manager sees the team's line; gm sees everyone's.
			if c2 := compliance(e, o.mgrA, "?group_by=team&from="+from+"&to="+to); len(c2.Rows) != 1 || c2.Total.OnTime != 1 {
				t.Fatalf("team compliance: %+v", c2)
			}
		}
		mine := e.do("GET", "/api/v1/visit-items/mine", nil, as(o.am1))
		if mine.Status != 200 || !strings.Contains(string(mine.Body), `"overdue":[]`) {
			t.Fatalf("mine: %d %s", mine.Status, mine.Body)
		}
	})
}

func TestOverdueItemsClimbTheLadderAndNotifyTheOwnerAndManager(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"逾期测试机械有限公司"}`)
		ctx := context.Background()
		cal, err := e.srv.Services.Calendars.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		due := func(n int) string {
			d, _ := cal.AddWorkingDays(time.Now(), n)
			return d.Time.Format(time.DateOnly)
		}
		now := time.Now().UTC()
		for i, d := range []string{due(-4), due(-12)} {
			if _, err := e.db.Exec(ctx, `INSERT INTO visit_items (customer_id, owner_id, team_id, kind, period_start, due_on, cadence, status, step, version, created_at, updated_at)
				VALUES (?, ?, 0, ?, ?, ?, 21, 'open', 0, 1, ?, ?)`, c.ID, e.userID("am1"), []string{"visit", "phone"}[i], d, d, now, now); err != nil {
				t.Fatal(err)
			}
		}
		sys := crm.WithPrincipal(ctx, crm.SystemPrincipal("visit"))
		if n, err := e.srv.Services.Visits.EscalateDue(sys); err != nil || n != 2 {
			t.Fatalf("escalate: %d %v", n, err)
		}
		if n, err := e.srv.Services.Visits.EscalateDue(sys); err != nil || n != 0 {
			t.Fatalf("once a day: %d %v", n, err)
		}
		items := visitItems(e, o.am1, fmt.Sprintf("?customer_id=%d", c.ID))
		got := map[string]string{}
		for _, it := range items {
			got[it.Kind] = fmt.Sprintf("%s/%d", it.Status, it.Step)
		}
		if got["visit"] != "escalated/2" || got["phone"] != "returned/3" {
			t.Fatalf("after the ladder: %v", got)
		}
		if n := e.inbox(o.am1); !strings.Contains(n, "visit_returned") || !strings.Contains(n, "visit_escalated") {
			t.Fatalf("owner's inbox: %s", n)
		}
		if n := e.inbox(o.mgrA); !strings.Contains(n, "visit_escalated") || !strings.Contains(n, "逾期测试机械有限公司") {
			t.Fatalf("manager's inbox: %s", n)
		}
		mine := e.do("GET", "/api/v1/visit-items/mine", nil, as(o.am1))
		if !strings.Contains(string(mine.Body), `"status":"escalated"`) {
			t.Fatalf("mine: %s", mine.Body)
		}
		audit := string(e.do("GET", "/api/v1/audit?entity=visit_item", nil, as(o.auditor)).Body)
		if !strings.Contains(audit, "returned_to_pool") {
			t.Fatalf("the return is audited: %s", audit)
		}
	})
}

func TestVisitSettingsAndBadInputNameTheField(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		for _, tc := range []struct {
			name, method, path, token, body, field string
			status                                 int
		}{
			{"a bad date", "POST", "/api/v1/visit-items/generate", o.gm, `{"from":"2026-13-01","to":"2026-12-31"}`, `"field":"from"`, 422},
			{"to before from", "POST", "/api/v1/visit-items/generate", o.gm, `{"from":"2026-12-31","to":"2026-01-01"}`, `"field":"to"`, 422},
			{"too long a range", "POST", "/api/v1/visit-items/generate", o.gm, `{"from":"2026-01-01","to":"2028-01-01"}`, `"field":"to"`, 422},
			{"an account manager may not generate", "POST", "/api/v1/visit-items/generate", o.am1, `{"from":"2026-01-01","to":"2026-01-31"}`, "", 403},
			{"a ladder out of order", "PUT", "/api/v1/visit-settings", o.admin, `{"version":1,"steps":[{"action":"return","after_working_days":1},{"action":"remind","after_working_days":2}]}`, `"field":"steps[1].action"`, 422},
			{"negative days", "PUT", "/api/v1/visit-settings", o.admin, `{"version":1,"steps":[{"action":"remind","after_working_days":-1}]}`, `"field":"steps[0].after_working_days"`, 422},
			{"an account manager may not change the ladder", "PUT", "/api/v1/visit-settings", o.am1, `{"steps":[]}`, "", 403},
			{"an unknown grouping", "GET", "/api/v1/visit-compliance?group_by=region", o.gm, "", `"field":"group_by"`, 400},
			{"a bad range", "GET", "/api/v1/visit-compliance?from=2026-05-01&to=2026-04-01", o.gm, "", `"field":"to"`, 400},
		} {
			var body *strings.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			var r response
			if body != nil {
				r = e.do(tc.method, tc.path, body, as(tc.token))
			} else {
				r = e.do(tc.method, tc.path, nil, as(tc.token))
			}
			if r.Status != tc.status || !strings.Contains(string(r.Body), tc.field) {
				t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
			}
		}
		r := e.do("GET", "/api/v1/visit-settings", nil, as(o.am1))
		var s struct {
			Version int
			Steps   []struct{ Action string }
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &s) != nil || len(s.Steps) != 3 {
			t.Fatalf("settings: %d %s", r.Status, r.Body)
		}
		r = e.do("PUT", "/api/v1/visit-settings", strings.NewReader(`{"steps":[{"action":"remind","after_working_days":1},{"action":"return","after_working_days":5}]}`),
			as(o.admin, "If-Match", fmt.Sprintf(`"%d"`, s.Version)))
		if r.Status != 200 || !strings.Contains(string(r.Body), `"after_working_days":5`) {
			t.Fatalf("put: %d %s", r.Status, r.Body)
		}
		r = e.do("PUT", "/api/v1/visit-settings", strings.NewReader(`{"steps":[]}`), as(o.gm, "If-Match", fmt.Sprintf(`"%d"`, s.Version)))
		if r.Status != 409 && r.Status != 412 {
			t.Fatalf("a stale version: %d %s", r.Status, r.Body)
		}
		audit := string(e.do("GET", "/api/v1/audit?entity=visit_settings", nil, as(o.auditor)).Body)
		if !strings.Contains(audit, "visit_settings") {
			t.Fatalf("audited: %s", audit)
		}
		r = e.do("GET", "/api/v1/visit-compliance.xlsx", nil, as(o.am1))
		if r.Status != 200 || !strings.HasPrefix(string(r.Body), "PK") {
			t.Fatalf("xlsx: %d", r.Status)
		}
		audit = string(e.do("GET", "/api/v1/audit?entity=visit_compliance", nil, as(o.auditor)).Body)
		if !strings.Contains(audit, `"export"`) {
			t.Fatalf("export audited: %s", audit)
		}
	})
}
