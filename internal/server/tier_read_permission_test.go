package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// A role without tier.read (finance, the warehouse) sees no tier
// anywhere: 重点关注 is a risk flag. The customer's JSON has no tiers
// field, the list's tier filter answers 403 naming tier, and the list
// page has neither the tier select nor the tier column.
func TestTierRolesWithoutTierReadSeeNoTierInCustomersFiltersOrTheListPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"杭州风险关注机械有限公司"}`)
		if r := e.do("PUT", fmt.Sprintf("/api/v1/customers/%d/watch-flag", c.ID), strings.NewReader(`{"reason":"担保代偿风险"}`), as(o.gm)); r.Status != 200 {
			t.Fatalf("flag: %d %s", r.Status, r.Body)
		}
		// A reader sees the flag, in the customer, the list and the filter.
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", c.ID), nil, as(o.am1)); r.Status != 200 || !strings.Contains(string(r.Body), `"tiers":[`) || !strings.Contains(string(r.Body), "重点关注") {
			t.Fatalf("the account manager's customer: %d %s", r.Status, r.Body)
		}
		if items, r := listTiered(e, o.am1, "?tier="+url.QueryEscape("bank:watch")); r.Status != 200 || len(items) != 1 {
			t.Errorf("the account manager's tier filter: %d %s", r.Status, r.Body)
		}
		for _, role := range []crm.Role{crm.RoleFinance, crm.RoleWarehouse} {
			token := e.user("u_"+string(role), role)
			r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", c.ID), nil, as(token))
			var one map[string]json.RawMessage
			if r.Status != 200 || json.Unmarshal(r.Body, &one) != nil {
				t.Fatalf("%s reads the customer: %d %s", role, r.Status, r.Body)
			}
			if _, ok := one["tiers"]; ok || strings.Contains(string(r.Body), "重点关注") {
				t.Errorf("%s sees the customer's tiers: %s", role, r.Body)
			}
			r = e.do("GET", "/api/v1/customers", nil, as(token))
			if r.Status != 200 || strings.Contains(string(r.Body), `"tiers"`) {
				t.Errorf("%s's list carries tiers: %d %s", role, r.Status, r.Body)
			}
			r = e.do("GET", "/api/v1/customers?tier="+url.QueryEscape("bank:watch"), nil, as(token, "Accept-Language", "en"))
			if r.Status != 403 || !slicesHas(fieldsOf(r), "tier") || strings.Contains(string(r.Body), c.Name) {
				t.Errorf("%s filters by tier: %d %s, want 403 naming tier", role, r.Status, r.Body)
			}
			if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d/tiers", c.ID), nil, as(token)); r.Status != 403 {
				t.Errorf("%s reads the customer's tiers: %d", role, r.Status)
			}
			page := string(e.do("GET", "/customers", nil, as(token)).Body)
			if !strings.Contains(page, c.Name) || strings.Contains(page, `id="filter-tier"`) || strings.Contains(page, `class="tiers"`) || strings.Contains(page, "重点关注") {
				t.Errorf("%s's customer list page shows tiers", role)
			}
			page = string(e.do("GET", "/customers?tier="+url.QueryEscape("bank:watch"), nil, as(token)).Body)
			if strings.Contains(page, `id="filter-tier"`) || strings.Contains(page, "重点关注") {
				t.Errorf("%s's customer list page takes the tier filter", role)
			}
		}
		page := string(e.do("GET", "/customers", nil, as(o.am1)).Body)
		if !strings.Contains(page, `id="filter-tier"`) || !strings.Contains(page, `class="tiers"`) {
			t.Errorf("the account manager's list page lost its tier column or filter")
		}
	})
}

// Stage and value-tier codes collide (general, potential, strategic): a
// complaint rule names value:general or stage:general; a bare code that
// is both is refused asking for the qualified form; value:general matches
// the customer whose value tier is general, not one whose stage is.
func TestTierComplaintRulesTakeQualifiedCodesAndMatchThemExactly(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		byStage, _ := o.create(o.am1, `{"name":"宁波阶段一般机械有限公司","stage":"general"}`)
		byValue, _ := o.create(o.am1, `{"name":"宁波价值一般机械有限公司","stage":"potential"}`)
		value := tierSchemes(e, o.gm)["value"]
		for id, level := range map[int64]string{byStage.ID: "potential", byValue.ID: "general"} {
			if _, err := e.db.Exec(context.Background(), `INSERT INTO customer_tiers (scheme_id, customer_id, level, since, source, inputs)
				VALUES (?, ?, ?, ?, 'calc', '{}')`, value.ID, id, level, time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
		}
		def := `{"category":"","severity":"","tier":"","reply_hours":24,"solution_working_days":2,"quality_solution_working_days":1,"escalate_after_working_days":1}`
		rule := func(tier string) string {
			return `{"rules":[` + def + `,{"category":"","severity":"","tier":"` + tier + `","reply_hours":3,"solution_working_days":1,"quality_solution_working_days":1,"escalate_after_working_days":1}]}`
		}
		r := e.do("PUT", "/api/v1/complaint-rules", strings.NewReader(rule("general")), as(o.admin, "Accept-Language", "en"))
		if r.Status != 422 || !slicesHas(fieldsOf(r), "rules[1].tier") || !strings.Contains(string(r.Body), "value:general") || !strings.Contains(string(r.Body), "stage:general") {
			t.Errorf("a bare general: %d %s, want 422 asking for value:general or stage:general", r.Status, r.Body)
		}
		for _, ok := range []string{"abc:A", "stage:general", "value:general"} {
			if r := e.do("PUT", "/api/v1/complaint-rules", strings.NewReader(rule(ok)), as(o.admin)); r.Status != 200 {
				t.Fatalf("tier %s: %d %s", ok, r.Status, r.Body)
			}
		}
		clerk := e.user("kefu", crm.RoleService)
		// The general-stage customer's value tier is potential: the rule
		// for value:general is not its (its own standard's may be).
		for _, c := range []struct {
			customer customerJSON
			match    bool
		}{{byStage, false}, {byValue, true}} {
			r := e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","description":"交期延误"}`, c.customer.ID)), as(clerk))
			var k struct {
				ReceivedAt time.Time `json:"received_at"`
				ReplyDueAt time.Time `json:"reply_due_at"`
				SLARule    string    `json:"sla_rule"`
			}
			if r.Status != 201 || json.Unmarshal(r.Body, &k) != nil {
				t.Fatalf("complaint: %d %s", r.Status, r.Body)
			}
			byRule := k.SLARule == "*/*/value:general" && k.ReplyDueAt.Sub(k.ReceivedAt) == 3*time.Hour
			if byRule != c.match || k.SLARule == "*/*/stage:general" || k.SLARule == "*/*/general" {
				t.Errorf("%s: by %s in %v, value:general's rule matching: %v", c.customer.Name, k.SLARule, k.ReplyDueAt.Sub(k.ReceivedAt), c.match)
			}
		}
	})
}
