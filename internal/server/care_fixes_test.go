package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kehucrm/kehu/internal/crm/care"
)

// Twelve gifts of 100.00 sent at once against a budget of 500.00: the
// budget check and the insert are one step, so at most five are approved.
func TestGiftBudgetHoldsUnderConcurrentRequests(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		_, contact := careContact(e, o, "并发")
		year := e.srv.Services.Clock().Year()
		if r := e.do("PUT", "/api/v1/gift-budgets", strings.NewReader(fmt.Sprintf(`{"year":%d,"amount":"500.00"}`, year)), as(o.admin)); r.Status != 200 {
			t.Fatalf("budget: %d %s", r.Status, r.Body)
		}
		var wg sync.WaitGroup
		statuses := make([]int, 12)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.do("POST", "/api/v1/gifts", strings.NewReader(fmt.Sprintf(`{"contact_id":%d,"item":"茶叶","cost":"100.00"}`, contact)), as(o.am1))
				statuses[i] = r.Status
			}()
		}
		wg.Wait()
		for i, s := range statuses {
			if s != 201 {
				t.Errorf("gift %d: %d", i, s)
			}
		}
		approved := e.countRows("SELECT COALESCE(SUM(cost_fen), 0) FROM gifts WHERE status = 'approved'")
		if approved > 50000 {
			t.Fatalf("approved spend %d fen, over the 50000 fen budget", approved)
		}
		if n := e.countRows("SELECT COUNT(*) FROM gifts WHERE status = 'approved'"); n != 5 {
			t.Errorf("%d gifts approved, want 5", n)
		}
		if n := e.countRows("SELECT COUNT(*) FROM gifts WHERE status = 'pending'"); n != 7 {
			t.Errorf("%d gifts pending, want 7", n)
		}
	})
}

func careReminders(e *env, token, query string) []care.Reminder {
	e.t.Helper()
	r := e.do("GET", "/api/v1/care/reminders?"+query, nil, as(token))
	var list struct{ Items []care.Reminder }
	if r.Status != 200 || json.Unmarshal(r.Body, &list) != nil {
		e.t.Fatalf("reminders: %d %s", r.Status, r.Body)
	}
	return list.Items
}

func careGenerate(e *env, token, from, to string) care.GenerateReport {
	e.t.Helper()
	r := e.do("POST", "/api/v1/care/generate", strings.NewReader(fmt.Sprintf(`{"from":%q,"to":%q}`, from, to)), as(token))
	var rep care.GenerateReport
	if r.Status != 200 || json.Unmarshal(r.Body, &rep) != nil {
		e.t.Fatalf("generate: %d %s %s", r.Status, r.Body, e.logs.String()[max(0, len(e.logs.String())-1500):])
	}
	return rep
}

// A birthday turned from lunar to Gregorian and a changed lead rule move
// the open, future reminders already generated.
func TestCareRegenerationReplacesStaleReminders(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		year := e.srv.Services.Clock().Year() + 1 // wholly in the future
		from, to := fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)
		customer, contact := careContact(e, o, "更新")
		careGenerate(e, o.gm, from, to)
		q := fmt.Sprintf("customer_id=%d", customer)
		var before care.Reminder
		for _, r := range careReminders(e, o.am1, q) {
			if r.Occasion == care.OccMidAutumn {
				before = r
			}
		}
		if before.ID == 0 {
			t.Fatal("no mid-autumn reminder")
		}
		// Birthday 八月十五 (lunar) → 03-10 (Gregorian).
		if r := e.do("PATCH", fmt.Sprintf("/api/v1/contacts/%d", contact), strings.NewReader(`{"version":1,"birthday":"03-10","birthday_lunar":false}`), as(o.am1)); r.Status != 200 {
			t.Fatalf("birthday: %d %s", r.Status, r.Body)
		}
		// Mid-autumn: ten working days ahead instead of three.
		if r := e.do("PUT", "/api/v1/care/lead-rules", strings.NewReader(`{"occasion":"mid_autumn","days":10}`), as(o.admin)); r.Status != 200 {
			t.Fatalf("lead rule: %d %s", r.Status, r.Body)
		}
		careGenerate(e, o.gm, from, to)
		var birthdays []string
		var after care.Reminder
		for _, r := range careReminders(e, o.am1, q) {
			switch r.Occasion {
			case care.OccBirthday:
				birthdays = append(birthdays, r.Date)
			case care.OccMidAutumn:
				after = r
			}
		}
		if len(birthdays) != 1 || birthdays[0] != fmt.Sprintf("%d-03-10", year) {
			t.Errorf("birthday reminders on %v, want only %d-03-10", birthdays, year)
		}
		if after.RemindOn >= before.RemindOn || after.Date != before.Date {
			t.Errorf("mid-autumn reminder on %s (was %s) for %s: the longer lead did not move it", after.RemindOn, before.RemindOn, after.Date)
		}
	})
}

// ?limit=500 is honoured, pages carry a cursor, and reminders come by
// date, the earliest first.
func TestCareReminderListPagesByDate(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		year := e.srv.Services.Clock().Year() + 1
		for i := range 20 { // 6 reminders each: 120
			c, r := o.create(o.am1, fmt.Sprintf(`{"name":"分页%02d机械有限公司"}`, i))
			if r.Status != 201 {
				t.Fatalf("customer: %d %s", r.Status, r.Body)
			}
			r = e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", c.ID), strings.NewReader(fmt.Sprintf(
				`{"name":"王建国","mobile":"1391234%04d","birthday":"%02d-15","is_primary":true}`, i, i%12+1)), as(o.am1))
			if r.Status != 201 {
				t.Fatalf("contact: %d %s", r.Status, r.Body)
			}
		}
		careGenerate(e, o.gm, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year))
		all := careReminders(e, o.am1, "limit=500")
		if len(all) != 120 {
			t.Fatalf("limit=500 gave %d reminders, want 120", len(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i].RemindOn < all[i-1].RemindOn {
				t.Fatalf("reminder %d on %s after one on %s: not by date", i, all[i].RemindOn, all[i-1].RemindOn)
			}
		}
		var seen []care.Reminder
		cursor := ""
		for pages := 0; pages < 10; pages++ {
			r := e.do("GET", "/api/v1/care/reminders?limit=50&cursor="+cursor, nil, as(o.am1))
			var page struct {
				Items      []care.Reminder
				NextCursor string `json:"next_cursor"`
			}
			if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil {
				t.Fatalf("page: %d %s", r.Status, r.Body)
			}
			seen = append(seen, page.Items...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != 120 {
			t.Fatalf("paged through %d reminders, want 120", len(seen))
		}
		for i := range seen {
			if seen[i].ID != all[i].ID {
				t.Fatalf("page order differs at %d", i)
			}
		}
	})
}

// An unknown tier, a custom date that does not exist and a merge field in
// single braces are refused naming the field; an admin who may change the
// lead rules and care dates may read them.
func TestCareSettingsRefuseUnknownTiersOccasionsAndSingleBraces(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		for _, c := range []struct{ method, path, body, want string }{
			{"PUT", "/api/v1/gift-budgets", `{"tier":"ZZZ","year":2026,"amount":"500.00"}`, `"tier"`},
			{"PUT", "/api/v1/care/lead-rules", `{"tier":"ZZZ","days":5}`, `"tier"`},
			{"POST", "/api/v1/care/dates", `{"name":"公司周年","month":5,"day":1,"tier":"ZZZ"}`, `"tier"`},
			{"PUT", "/api/v1/care/lead-rules", `{"occasion":"custom:999","days":5}`, `"occasion"`},
			{"POST", "/api/v1/greeting-templates", `{"occasion":"custom:999","lang":"zh-CN","body":"您好"}`, `"occasion"`},
			{"POST", "/api/v1/greeting-templates", `{"occasion":"birthday","lang":"zh-CN","body":"{称呼}，生日快乐"}`, `{称呼}`},
		} {
			r := e.do(c.method, c.path, strings.NewReader(c.body), as(o.admin))
			if r.Status != 422 || !strings.Contains(string(r.Body), c.want) {
				t.Errorf("%s %s %s: %d %s, want 422 naming %s", c.method, c.path, c.body, r.Status, r.Body, c.want)
			}
		}
		if n := e.countRows("SELECT COUNT(*) FROM greeting_templates"); n != 0 {
			t.Errorf("%d templates saved after refusals", n)
		}
		for _, path := range []string{"/api/v1/care/lead-rules", "/api/v1/care/dates"} {
			if r := e.do("GET", path, nil, as(o.admin)); r.Status != 200 {
				t.Errorf("admin GET %s: %d", path, r.Status)
			}
		}
		// Care dates and lead rules are edited and deleted.
		r := e.do("POST", "/api/v1/care/dates", strings.NewReader(`{"name":"周年","month":5,"day":1}`), as(o.admin))
		var d care.CareDate
		if r.Status != 201 || json.Unmarshal(r.Body, &d) != nil {
			t.Fatalf("care date: %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/api/v1/care/dates/%d", d.ID)
		if r := e.do("PUT", path, strings.NewReader(`{"name":"公司周年","month":6,"day":2}`), as(o.admin)); r.Status != 200 || !strings.Contains(string(r.Body), "公司周年") {
			t.Errorf("edit care date: %d %s", r.Status, r.Body)
		}
		if r := e.do("PUT", path, strings.NewReader(`{"name":"公司周年","month":6,"day":2}`), as(o.am1)); r.Status != 403 {
			t.Errorf("account manager edits a care date: %d", r.Status)
		}
		if r := e.do("DELETE", path, nil, as(o.admin)); r.Status != 204 {
			t.Errorf("delete care date: %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", path, nil, as(o.admin)); r.Status != 404 {
			t.Errorf("deleted care date: %d", r.Status)
		}
		r = e.do("PUT", "/api/v1/care/lead-rules", strings.NewReader(`{"occasion":"birthday","days":5}`), as(o.admin))
		var rule care.LeadRule
		if r.Status != 200 || json.Unmarshal(r.Body, &rule) != nil {
			t.Fatalf("lead rule: %d %s", r.Status, r.Body)
		}
		if r := e.do("DELETE", fmt.Sprintf("/api/v1/care/lead-rules/%d", rule.ID), nil, as(o.admin)); r.Status != 204 {
			t.Errorf("delete lead rule: %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM care_lead_rules"); n != 0 {
			t.Errorf("%d lead rules after delete", n)
		}
	})
}
