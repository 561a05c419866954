package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestWorkingDaysFollowTheStatutoryArrangement(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		token := e.user("clerk", crm.RoleService)
		tests := []struct {
			name, from, days, date string
		}{
			{"two working days over National Day 2025 land after the holiday", "2025-09-30", "2", "2025-10-10"},
			{"a weekend make-up day counts as a working day", "2025-09-26", "1", "2025-09-28"},
			{"zero days on a holiday is the next working day", "2026-02-17", "0", "2026-02-24"},
			{"across the year boundary", "2025-12-31", "1", "2026-01-04"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := e.do("GET", "/api/v1/calendar/working-days?from="+tt.from+"&days="+tt.days, nil, as(token))
				var res struct {
					Date        string
					Provisional bool
				}
				if r.Status != 200 || json.Unmarshal(r.Body, &res) != nil {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
				if res.Date != tt.date || res.Provisional {
					t.Errorf("got %s (provisional %v), want %s", res.Date, res.Provisional, tt.date)
				}
			})
		}
		r := e.do("GET", "/api/v1/calendar/working-days?from=2025-02-30&days=x", nil, as(token))
		if r.Status != 400 || !strings.Contains(string(r.Body), `"field":"from"`) || !strings.Contains(string(r.Body), `"field":"days"`) {
			t.Errorf("bad input = %d %s, want 400 naming from and days", r.Status, r.Body)
		}
	})
}

func TestAdministratorsOverrideTheCalendarAtOnceAndAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := e.user("root", crm.RoleAdmin)
		clerk := e.user("clerk", crm.RoleService)
		auditor := e.user("shen", crm.RoleAuditor)
		put := func(token, date, body string) response {
			return e.do("PUT", "/api/v1/calendar/overrides/"+date, strings.NewReader(body), as(token))
		}
		if r := put(clerk, "2026-12-31", `{"kind":"day_off","name":"年终盘点"}`); r.Status != http.StatusForbidden {
			t.Errorf("a clerk adding an override = %d, want 403", r.Status)
		}
		if r := put(admin, "2026-12-31", `{"kind":"day_off","name":"年终盘点"}`); r.Status != http.StatusCreated {
			t.Fatalf("adding an override = %d %s", r.Status, r.Body)
		}
		r := e.do("GET", "/api/v1/calendar/working-days?from=2026-12-30&days=1", nil, as(clerk))
		if !strings.Contains(string(r.Body), `"date":"2027-01-04"`) {
			t.Errorf("the day off is not applied at once: %s", r.Body)
		}
		r = e.do("GET", "/api/v1/calendar/2026", nil, as(clerk))
		if !strings.Contains(string(r.Body), `{"date":"2026-12-31","kind":"day_off","name":"年终盘点","source":"override"}`) {
			t.Errorf("the year does not list the override: %s", r.Body)
		}
		if r := put(admin, "2026-12-31", `{"kind":"holiday","name":""}`); r.Status != 422 {
			t.Errorf("a bad override = %d, want 422", r.Status)
		}
		if r := e.do("DELETE", "/api/v1/calendar/overrides/2026-12-31", nil, as(admin)); r.Status != http.StatusNoContent {
			t.Fatalf("removing = %d %s", r.Status, r.Body)
		}
		r = e.do("GET", "/api/v1/calendar/working-days?from=2026-12-30&days=1", nil, as(clerk))
		if !strings.Contains(string(r.Body), `"date":"2026-12-31"`) {
			t.Errorf("the removed override still applies: %s", r.Body)
		}
		r = e.do("GET", "/api/v1/audit?entity=calendar_override", nil, as(auditor))
		if !strings.Contains(string(r.Body), `"action":"create"`) || !strings.Contains(string(r.Body), `"action":"delete"`) {
			t.Errorf("the override changes are not in the audit log: %s", r.Body)
		}
	})
}

func TestFestivalsForCustomerCare(t *testing.T) {
	e := newEnvSQLite(t)
	r := e.do("GET", "/api/v1/calendar/festivals/2026", nil, as(e.user("mkt", crm.RoleMarketing)))
	for _, want := range []string{`"name":"春节","date":"2026-02-17"`, `"name":"中秋节","date":"2026-09-25"`} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("festivals of 2026 lack %s: %s", want, r.Body)
		}
	}
}

func TestCalendarPageMarksDaysOffAndAdminsEditIt(t *testing.T) {
	e := newEnvSQLite(t)
	admin := e.signIn("root", crm.RoleAdmin)
	r := e.do("GET", "/calendar?year=2026", nil, map[string]string{"Cookie": admin})
	body := string(r.Body)
	for _, want := range []string{`data-date="2026-02-17"`, `class="cal-off`, `title="春节"`, `class="cal-work`, `id="override-form"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the 2026 calendar page lacks %s", want)
		}
	}
	form := url.Values{"date": {"2026-06-01"}, "kind": {"day_off"}, "name": {"儿童节团建"}}.Encode()
	r = e.do("POST", "/calendar/overrides", strings.NewReader(form), map[string]string{"Cookie": admin, "Content-Type": "application/x-www-form-urlencoded"})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("adding through the form = %d %s", r.Status, r.Body)
	}
	r = e.do("GET", "/calendar?year=2026", nil, map[string]string{"Cookie": admin})
	if !strings.Contains(string(r.Body), `title="儿童节团建"`) {
		t.Error("the override added through the form is not shown")
	}
	clerk := e.signIn("clerk", crm.RoleService)
	r = e.do("GET", "/calendar?year=2026", nil, map[string]string{"Cookie": clerk})
	if r.Status != 200 || strings.Contains(string(r.Body), `id="override-form"`) {
		t.Errorf("a clerk sees the calendar (%d) but must not get the override form", r.Status)
	}
	r = e.do("POST", "/calendar/overrides", strings.NewReader(form), map[string]string{"Cookie": clerk, "Content-Type": "application/x-www-form-urlencoded"})
	if r.Status != http.StatusForbidden {
		t.Errorf("a clerk posting the form = %d, want 403", r.Status)
	}
}
