package server_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

type tierBadgeJSON struct {
	SchemeID int64  `json:"scheme_id"`
	Scheme   string `json:"scheme"`
	Level    string `json:"level"`
	Label    string `json:"label"`
	LabelEn  string `json:"label_en"`
}

type tieredCustomerJSON struct {
	ID    int64
	Name  string
	Tiers []tierBadgeJSON `json:"tiers"`
}

func (c tieredCustomerJSON) tier(scheme string) tierBadgeJSON {
	for _, t := range c.Tiers {
		if t.Scheme == scheme {
			return t
		}
	}
	return tierBadgeJSON{}
}

// rankedPair makes two customers of am1 and ranks them on the A/B/C
// scheme: the first, with nine tenths of the sales, A; the second B.
func rankedPair(e *env, o org) (a, b customerJSON, abc tierSchemeJSON) {
	e.t.Helper()
	a, _ = o.create(o.am1, `{"name":"无锡分级甲机械有限公司"}`)
	b, _ = o.create(o.am1, `{"name":"无锡分级乙机械有限公司"}`)
	plantSales(e, a.ID, 0, 9, 90000000)
	plantSales(e, b.ID, 0, 1, 10000000)
	abc = tierSchemes(e, o.gm)["abc"]
	recalculate(e, o.gm, abc.ID)
	return a, b, abc
}

func listTiered(e *env, token, query string) ([]tieredCustomerJSON, response) {
	e.t.Helper()
	r := e.do("GET", "/api/v1/customers"+query, nil, as(token))
	var page struct{ Items []tieredCustomerJSON }
	_ = json.Unmarshal(r.Body, &page)
	return page.Items, r
}

func TestTheCustomerListFiltersByTheRealTierAndEveryCustomerCarriesItsTiers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a, b, abc := rankedPair(e, o)
		other, _ := o.create(o.am3, `{"name":"广州分级丙机械有限公司"}`)
		plantSales(e, other.ID, 0, 20, 900000000)
		recalculate(e, o.gm, abc.ID)

		// The customer and the list items carry each active scheme's level.
		r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", a.ID), nil, as(o.am1))
		var one tieredCustomerJSON
		if r.Status != 200 || json.Unmarshal(r.Body, &one) != nil {
			t.Fatalf("customer: %d %s", r.Status, r.Body)
		}
		if got := one.tier("abc"); got.Level != "A" || got.Label != "A类客户" || got.LabelEn != "Class A" || got.SchemeID != abc.ID {
			t.Errorf("the customer's abc tier: %+v in %s", got, r.Body)
		}
		items, r := listTiered(e, o.am1, "")
		if r.Status != 200 || len(items) != 2 {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
		for _, it := range items {
			want := map[int64]string{a.ID: "A", b.ID: "B"}[it.ID]
			if it.tier("abc").Level != want {
				t.Errorf("list item %s: %+v, want abc %s", it.Name, it.Tiers, want)
			}
		}
		// tier=<level> (the default scheme), <code>:<level>, <id>:<level>;
		// within scope: am3's A customer is not am1's.
		for _, q := range []string{"A", "abc:A", "abc:a", fmt.Sprint(abc.ID) + ":A"} {
			items, r := listTiered(e, o.am1, "?tier="+url.QueryEscape(q))
			if r.Status != 200 || len(items) != 1 || items[0].ID != a.ID {
				t.Errorf("tier=%s: %d %s, want only %s", q, r.Status, r.Body, a.Name)
			}
		}
		if items, _ := listTiered(e, o.gm, "?tier=A"); len(items) != 2 {
			t.Errorf("the gm's A customers: %d, want 2 (am1's and am3's)", len(items))
		}
		if items, _ := listTiered(e, o.am1, "?tier=B&q="+url.QueryEscape("分级乙")); len(items) != 1 || items[0].ID != b.ID || items[0].tier("abc").Level != "B" {
			t.Errorf("a search with the tier filter: %+v", items)
		}
		// A search's results show the tier too.
		if items, _ := listTiered(e, o.am1, "?q="+url.QueryEscape("分级甲")); len(items) != 1 || items[0].tier("abc").Level != "A" {
			t.Errorf("search results: %+v", items)
		}
		// The list's total counts the tier's customers.
		r = e.do("GET", "/api/v1/customers?tier=abc:B", nil, as(o.am1))
		var page struct{ Total int }
		if json.Unmarshal(r.Body, &page) != nil || page.Total != 1 {
			t.Errorf("tier=abc:B total: %s", r.Body)
		}
		// A bad tier is refused naming the field, in the user's language
		// (400, as the list's other filters).
		for _, q := range []string{"Z", "nosuch:A", "abc:premium", "999:A"} {
			r := e.do("GET", "/api/v1/customers?tier="+url.QueryEscape(q), nil, as(o.am1, "Accept-Language", "en"))
			if r.Status != 400 || !slicesHas(fieldsOf(r), "tier") || !strings.Contains(string(r.Body), "level") && !strings.Contains(string(r.Body), "scheme") {
				t.Errorf("tier=%s: %d %s, want 400 naming tier", q, r.Status, r.Body)
			}
		}
		// The export filters by the tier and has a tier column.
		r = e.do("GET", "/api/v1/customers/export?format=csv&tier=A", nil, as(o.mgrA))
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff")))
		cr.FieldsPerRecord = -1
		rows, err := cr.ReadAll()
		if r.Status != 200 || err != nil || len(rows) < 2 {
			t.Fatalf("export: %d %v %s", r.Status, err, r.Body)
		}
		col := slices.Index(rows[0], "客户分级")
		if col < 0 {
			t.Fatalf("no tier column in %v", rows[0])
		}
		var names []string
		for _, row := range rows[1:] {
			if len(row) > col && row[0] != "" && !strings.HasPrefix(row[0], "#") {
				names = append(names, row[1])
				if !strings.Contains(row[col], "A类客户") {
					t.Errorf("the exported tier of %s: %q", row[1], row[col])
				}
			}
		}
		if !slices.Contains(names, a.Name) || slices.Contains(names, b.Name) {
			t.Errorf("the export of tier=A: %v", names)
		}
	})
}

func TestAnACustomersComplaintGetsTheDeadlinesOfAsServiceStandard(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a, b, abc := rankedPair(e, o)
		// A's standard: reply within 6 hours, solved within 1 working day;
		// B keeps the seed's 24 hours.
		r := e.do("GET", fmt.Sprintf("/api/v1/service-standards?scheme_id=%d", abc.ID), nil, as(o.gm))
		var list struct{ Items []map[string]any }
		if r.Status != 200 || json.Unmarshal(r.Body, &list) != nil {
			t.Fatalf("standards: %d %s", r.Status, r.Body)
		}
		var put []map[string]any
		for _, s := range list.Items {
			if s["level"] == "A" {
				s["complaint_reply_hours"], s["complaint_solution_days"] = 6, 1
			}
			x := map[string]any{}
			for _, k := range []string{"level", "dedicated_manager", "one_to_one", "visit_every_working_days", "channel_visit_pct",
				"channel_phone_pct", "channel_message_pct", "complaint_reply_hours", "complaint_solution_days"} {
				x[k] = s[k]
			}
			put = append(put, x)
		}
		body, _ := json.Marshal(map[string]any{"standards": put})
		if r := e.do("PUT", fmt.Sprintf("/api/v1/service-standards/%d", abc.ID), strings.NewReader(string(body)), as(o.gm)); r.Status != 200 {
			t.Fatalf("put standards: %d %s", r.Status, r.Body)
		}
		clerk := e.user("kefu", crm.RoleService)
		due := func(c customerJSON) (time.Duration, string) {
			t.Helper()
			r := e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","description":"交期延误"}`, c.ID)), as(clerk))
			var k struct {
				ReceivedAt time.Time `json:"received_at"`
				ReplyDueAt time.Time `json:"reply_due_at"`
				SLARule    string    `json:"sla_rule"`
			}
			if r.Status != 201 || json.Unmarshal(r.Body, &k) != nil {
				t.Fatalf("complaint: %d %s", r.Status, r.Body)
			}
			return k.ReplyDueAt.Sub(k.ReceivedAt), k.SLARule
		}
		if d, rule := due(a); d != 6*time.Hour || rule != "*/*/A" {
			t.Errorf("the A customer's complaint: reply in %v by %s, want 6h by */*/A", d, rule)
		}
		if d, rule := due(b); d != 24*time.Hour || rule != "*/*/B" {
			t.Errorf("the B customer's complaint: reply in %v by %s, want 24h by */*/B", d, rule)
		}
	})
}

func TestAMergeMovesTheMergedCustomersSalesAggregatesAndWatchFlag(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		p, _ := e.product(o.mgrA, `{"code":"KH-900","name":"减速机","unit":"台","list_price":"100"}`)
		a, _ := o.create(o.am1, `{"name":"苏州合并甲机械有限公司"}`)
		b, _ := o.create(o.am1, `{"name":"苏州合并甲机械厂","force":true}`)
		for _, c := range []struct {
			id     int64
			amount string
		}{{a.ID, "100.00"}, {b.ID, "250.50"}, {b.ID, "49.50"}} {
			if _, r := e.sale(o.am1, fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":1,"amount":"%s"}`, c.id, p.ID, c.amount)); r.Status != 201 {
				t.Fatalf("sale: %d %s", r.Status, r.Body)
			}
		}
		if r := e.do("PUT", fmt.Sprintf("/api/v1/customers/%d/watch-flag", b.ID), strings.NewReader(`{"reason":"担保代偿风险"}`), as(o.gm)); r.Status != 200 {
			t.Fatalf("flag: %d %s", r.Status, r.Body)
		}
		r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/merge", a.ID), strings.NewReader(fmt.Sprintf(`{"from_id":%d,"version":1}`, b.ID)), as(o.am1))
		if r.Status != 200 {
			t.Fatalf("merge: %d %s", r.Status, r.Body)
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d/sales-summary", a.ID), nil, as(o.am1))
		var sum struct {
			Months12 struct {
				Lines  int
				Amount string
			} `json:"months_12"`
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &sum) != nil || sum.Months12.Lines != 3 || sum.Months12.Amount != "400.00" {
			t.Errorf("the survivor's sales after the merge: %d %s, want 3 lines, 400.00", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM sales_lines WHERE customer_id = ?", b.ID); n != 0 {
			t.Errorf("%d lines left with the merged customer", n)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customer_sales_months WHERE customer_id = ?", b.ID); n != 0 {
			t.Errorf("%d aggregate rows left with the merged customer", n)
		}
		// The watch flag went along, and the next run ranks the survivor
		// with the merged sales.
		bank := tierSchemes(e, o.gm)["bank"]
		recalculate(e, o.gm, bank.ID)
		ct := customerTiers(e, o.am1, a.ID)
		if l, src := ct.level("bank"); l != "watch" || src != "flag" || ct.WatchFlag == nil || ct.WatchFlag.Reason != "担保代偿风险" {
			t.Errorf("the survivor after the merge: %s (%s) %+v", l, src, ct.WatchFlag)
		}
	})
}

func TestComplaintRulesMayNameATierLevelAndItsCustomersGetThatRule(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a, b, _ := rankedPair(e, o)
		def := `{"category":"","severity":"","tier":"","reply_hours":24,"solution_working_days":2,"quality_solution_working_days":1,"escalate_after_working_days":1}`
		bad := `{"rules":[` + def + `,{"category":"","severity":"major","tier":"Z","reply_hours":2,"solution_working_days":1,"quality_solution_working_days":1,"escalate_after_working_days":0}]}`
		r := e.do("PUT", "/api/v1/complaint-rules", strings.NewReader(bad), as(o.admin, "Accept-Language", "en"))
		if r.Status != 422 || !slicesHas(fieldsOf(r), "rules[1].tier") || !strings.Contains(string(r.Body), "premium") {
			t.Errorf("a rule naming no level: %d %s, want 422 naming rules[1].tier and the levels", r.Status, r.Body)
		}
		rules := `{"rules":[` + def + `,{"category":"","severity":"major","tier":"A","reply_hours":2,"solution_working_days":1,"quality_solution_working_days":1,"escalate_after_working_days":0}]}`
		if r := e.do("PUT", "/api/v1/complaint-rules", strings.NewReader(rules), as(o.admin)); r.Status != 200 {
			t.Fatalf("rules: %d %s", r.Status, r.Body)
		}
		clerk := e.user("kefu", crm.RoleService)
		for _, c := range []struct {
			customer customerJSON
			rule     string
			reply    time.Duration
		}{{a, "*/major/A", 2 * time.Hour}, {b, "*/*/B", 24 * time.Hour}} {
			r := e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","severity":"major","description":"停产"}`, c.customer.ID)), as(clerk))
			var k struct {
				ReceivedAt time.Time `json:"received_at"`
				ReplyDueAt time.Time `json:"reply_due_at"`
				SLARule    string    `json:"sla_rule"`
			}
			if r.Status != 201 || json.Unmarshal(r.Body, &k) != nil {
				t.Fatalf("complaint: %d %s", r.Status, r.Body)
			}
			if k.SLARule != c.rule || k.ReplyDueAt.Sub(k.ReceivedAt) != c.reply {
				t.Errorf("%s: %s %v, want %s %v", c.customer.Name, k.SLARule, k.ReplyDueAt.Sub(k.ReceivedAt), c.rule, c.reply)
			}
		}
	})
}
