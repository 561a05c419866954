package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

type leadJSON struct {
	ID          int64  `json:"id"`
	CompanyName string `json:"company_name"`
	Mobile      string `json:"mobile"`
	Source      string `json:"source"`
	SourceLabel string `json:"source_label"`
	Status      string `json:"status"`
	AssigneeID  int64  `json:"assignee_id"`
	CustomerID  int64  `json:"customer_id"`
	Version     int    `json:"version"`
}

func decode[T any](t *testing.T, r response, want int) T {
	t.Helper()
	var v T
	if r.Status != want {
		t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
	return v
}

func createLead(e *env, token, body string) leadJSON {
	e.t.Helper()
	return decode[leadJSON](e.t, e.do("POST", "/api/v1/leads", strings.NewReader(body), as(token)), 201)
}

func TestLeadsAreCreatedAssignedClaimedAndScoped(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		mkt := e.user("mkt", crm.RoleMarketing)
		am := e.user("am1", crm.RoleAccountManager)
		am2 := e.user("am2", crm.RoleAccountManager)
		sm := e.userIn("sm", crm.RoleSalesManager, "east", "")
		l := createLead(e, mkt, `{"company_name":"苏州精工机械有限公司","contact_name":"王经理","mobile":"13912345678","source":"trade_fair","notes":"展会上认识"}`)
		if l.Status != "new" || l.Mobile != "139****5678" || l.Source != "trade_fair" {
			t.Errorf("new lead %+v, want new, masked mobile, trade_fair", l)
		}
		r := e.do("GET", fmt.Sprintf("/api/v1/leads/%d", l.ID), nil, as(mkt, "Accept-Language", "zh-CN"))
		if got := decode[leadJSON](t, r, 200); got.SourceLabel != "展会" {
			t.Errorf("source label %q, want 展会", got.SourceLabel)
		}
		if r.Header.Get("ETag") == "" {
			t.Error("GET of a lead without an ETag")
		}
		// Bad input names the field and writes nothing.
		r = e.do("POST", "/api/v1/leads", strings.NewReader(`{"company_name":" ","source":"fax","mobile":"123"}`), as(mkt))
		if r.Status != 422 || !strings.Contains(string(r.Body), `"company_name"`) || !strings.Contains(string(r.Body), `"source"`) || !strings.Contains(string(r.Body), `"mobile"`) {
			t.Errorf("bad lead = %d %s, want 422 naming company_name, source and mobile", r.Status, r.Body)
		}
		// Account managers may not create leads.
		if r := e.do("POST", "/api/v1/leads", strings.NewReader(`{"company_name":"x"}`), as(am)); r.Status != 403 {
			t.Errorf("an account manager creating a lead = %d, want 403", r.Status)
		}
		// An account manager claims a new lead; another then cannot see it.
		got := decode[leadJSON](t, e.do("POST", fmt.Sprintf("/api/v1/leads/%d/claim", l.ID), nil, as(am)), 200)
		if got.Status != "assigned" || got.AssigneeID != e.userID("am1") {
			t.Errorf("claimed lead %+v", got)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/leads/%d/claim", l.ID), nil, as(am2)); r.Status != 404 {
			t.Errorf("a second claim by another manager = %d, want 404 (no longer theirs to see)", r.Status)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/leads/%d", l.ID), nil, as(am2)); r.Status != 404 {
			t.Errorf("another manager reading the lead = %d, want 404", r.Status)
		}
		// The sales manager reassigns it; marketing sees all leads.
		got = decode[leadJSON](t, e.do("POST", fmt.Sprintf("/api/v1/leads/%d/assign", l.ID), strings.NewReader(fmt.Sprintf(`{"assignee_id":%d}`, e.userID("am2"))), as(sm)), 200)
		if got.AssigneeID != e.userID("am2") {
			t.Errorf("reassigned lead %+v", got)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/leads/%d/assign", l.ID), strings.NewReader(fmt.Sprintf(`{"assignee_id":%d}`, e.userID("mkt"))), as(sm)); r.Status != 422 || !strings.Contains(string(r.Body), "assignee_id") {
			t.Errorf("assigning to marketing = %d %s, want 422 naming assignee_id", r.Status, r.Body)
		}
		createLead(e, mkt, `{"company_name":"无锡第二家","source":"online"}`)
		page := decode[struct{ Items []leadJSON }](t, e.do("GET", "/api/v1/leads", nil, as(mkt)), 200)
		if len(page.Items) != 2 {
			t.Errorf("marketing sees %d leads, want 2", len(page.Items))
		}
		page = decode[struct{ Items []leadJSON }](t, e.do("GET", "/api/v1/leads", nil, as(am)), 200)
		if len(page.Items) != 1 || page.Items[0].CompanyName != "无锡第二家" {
			t.Errorf("am1 sees %+v, want only the unassigned new lead", page.Items)
		}
		// The assignee records contact; the history keeps every step.
		got = decode[leadJSON](t, e.do("PATCH", fmt.Sprintf("/api/v1/leads/%d", l.ID), strings.NewReader(fmt.Sprintf(`{"version":%d,"status":"contacted","notes":"已电话联系"}`, got.Version)), as(am2)), 200)
		if got.Status != "contacted" {
			t.Errorf("after contact %+v", got)
		}
		evs := decode[struct{ Items []struct{ Kind string } }](t, e.do("GET", fmt.Sprintf("/api/v1/leads/%d/events", l.ID), nil, as(mkt)), 200)
		var kinds []string
		for _, ev := range evs.Items {
			kinds = append(kinds, ev.Kind)
		}
		if strings.Join(kinds, ",") != "created,claimed,assigned,updated" {
			t.Errorf("history %v, want created, claimed, assigned, updated", kinds)
		}
	})
}

func TestALeadConvertsThroughTheDuplicateChecksKeepingItsHistory(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		mkt := e.user("mkt", crm.RoleMarketing)
		am := e.user("am1", crm.RoleAccountManager)
		// A customer that the duplicate checks will find.
		r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"杭州已有客户有限公司"}`), as(am))
		if r.Status != 201 {
			t.Fatalf("customer: %d %s", r.Status, r.Body)
		}
		var existing struct {
			ID   int64
			Code string
		}
		_ = json.Unmarshal(r.Body, &existing)
		dup := createLead(e, mkt, `{"company_name":"杭州已有客户有限公司","contact_name":"李总","source":"referral"}`)
		decode[leadJSON](t, e.do("POST", fmt.Sprintf("/api/v1/leads/%d/claim", dup.ID), nil, as(am)), 200)
		r = e.do("POST", fmt.Sprintf("/api/v1/leads/%d/convert", dup.ID), strings.NewReader(`{}`), as(am, "Idempotency-Key", "conv-dup"))
		if r.Status != 409 || !strings.Contains(string(r.Body), "company_name") || !strings.Contains(string(r.Body), existing.Code) {
			t.Errorf("converting a duplicate = %d %s, want 409 naming company_name and %s", r.Status, r.Body, existing.Code)
		}
		after := decode[leadJSON](t, e.do("GET", fmt.Sprintf("/api/v1/leads/%d", dup.ID), nil, as(am)), 200)
		if after.Status != "assigned" || after.CustomerID != 0 {
			t.Errorf("lead after a refused conversion %+v, want unchanged", after)
		}
		var customers int
		if err := e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM customers").Scan(&customers); err != nil || customers != 1 {
			t.Errorf("customers after the refused conversion = %d (%v), want 1", customers, err)
		}

		l := createLead(e, mkt, `{"company_name":"宁波新客户有限公司","contact_name":"陈工","mobile":"13812345678","source":"phone","notes":"电话来访"}`)
		decode[leadJSON](t, e.do("POST", fmt.Sprintf("/api/v1/leads/%d/claim", l.ID), nil, as(am)), 200)
		r = e.do("POST", fmt.Sprintf("/api/v1/leads/%d/convert", l.ID), strings.NewReader(`{}`), as(am, "Idempotency-Key", "conv-1"))
		out := decode[struct {
			Lead     leadJSON
			Customer struct {
				ID      int64
				Name    string
				OwnerID int64 `json:"owner_id"`
				Source  string
			}
		}](t, r, 201)
		if out.Lead.Status != "converted" || out.Lead.CustomerID != out.Customer.ID || out.Customer.Name != "宁波新客户有限公司" || out.Customer.OwnerID != e.userID("am1") {
			t.Errorf("conversion %+v", out)
		}
		if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/customers/%d", out.Customer.ID) {
			t.Errorf("Location %q", loc)
		} else if g := e.do("GET", loc, nil, as(am)); g.Status != 200 {
			t.Errorf("GET Location = %d", g.Status)
		}
		contacts := decode[struct {
			Items []struct{ Name, Mobile string }
		}](t, e.do("GET", fmt.Sprintf("/api/v1/customers/%d/contacts", out.Customer.ID), nil, as(am)), 200)
		if len(contacts.Items) != 1 || contacts.Items[0].Name != "陈工" || contacts.Items[0].Mobile != "138****5678" {
			t.Errorf("contacts of the new customer %+v", contacts.Items)
		}
		// The customer links back to its lead.
		page := decode[struct{ Items []leadJSON }](t, e.do("GET", fmt.Sprintf("/api/v1/leads?customer_id=%d", out.Customer.ID), nil, as(am)), 200)
		if len(page.Items) != 1 || page.Items[0].ID != l.ID {
			t.Errorf("leads of the customer %+v", page.Items)
		}
		// A second lead with the same mobile is refused, naming the mobile.
		m := createLead(e, mkt, `{"company_name":"另一家公司","contact_name":"陈工","mobile":"13812345678","source":"online"}`)
		decode[leadJSON](t, e.do("POST", fmt.Sprintf("/api/v1/leads/%d/claim", m.ID), nil, as(am)), 200)
		r = e.do("POST", fmt.Sprintf("/api/v1/leads/%d/convert", m.ID), strings.NewReader(`{}`), as(am, "Idempotency-Key", "conv-2"))
		if r.Status != 409 || !strings.Contains(string(r.Body), `"mobile"`) {
			t.Errorf("converting a lead whose mobile a contact has = %d %s, want 409 naming mobile", r.Status, r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/leads/%d/convert", l.ID), strings.NewReader(`{}`), as(am, "Idempotency-Key", "conv-3")); r.Status != 409 {
			t.Errorf("converting twice = %d, want 409", r.Status)
		}
		evs := decode[struct{ Items []struct{ Kind string } }](t, e.do("GET", fmt.Sprintf("/api/v1/leads/%d/events", l.ID), nil, as(mkt)), 200)
		if n := len(evs.Items); n == 0 || evs.Items[n-1].Kind != "converted" {
			t.Errorf("history %+v, want it to end converted", evs.Items)
		}
	})
}

// poolCustomer adds a customer owned by token's user and returns its id.
func poolCustomer(e *env, token, name string) int64 {
	e.t.Helper()
	c := decode[struct{ ID int64 }](e.t, e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"`+name+`"}`), as(token)), 201)
	return c.ID
}

// backdate moves a customer's creation (and so its last touch) days back.
func backdate(e *env, id int64, days int) {
	e.t.Helper()
	at := time.Now().UTC().Add(-time.Duration(days) * 24 * time.Hour)
	if _, err := e.db.Exec(context.Background(), "UPDATE customers SET created_at = ? WHERE id = ?", at, id); err != nil {
		e.t.Fatal(err)
	}
}

func sweepPool(e *env) {
	e.t.Helper()
	ctx := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("pool"))
	if _, err := e.srv.Services.Pool.Sweep(ctx); err != nil {
		e.t.Fatal(err)
	}
}

func TestCustomersReturnToThePoolAndAreClaimedWithinTheRules(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := e.user("root", crm.RoleAdmin)
		am := e.user("am1", crm.RoleAccountManager)
		am2 := e.user("am2", crm.RoleAccountManager)
		// Bad rules name the field.
		if r := e.do("PUT", "/api/v1/pool-rules/default", strings.NewReader(`{"days":10,"notice_days":10,"cap":-1}`), as(admin)); r.Status != 422 ||
			!strings.Contains(string(r.Body), "notice_days") || !strings.Contains(string(r.Body), `"cap"`) {
			t.Errorf("a bad rule = %d %s, want 422 naming notice_days and cap", r.Status, r.Body)
		}
		if r := e.do("PUT", "/api/v1/pool-rules/nosuch:A", strings.NewReader(`{"days":10}`), as(admin)); r.Status != 422 {
			t.Errorf("a rule of an unknown scheme = %d, want 422", r.Status)
		}
		if r := e.do("PUT", "/api/v1/pool-rules/abc:A", strings.NewReader(`{"days":30,"notice_days":5,"cap":5}`), as(admin)); r.Status != 422 ||
			!strings.Contains(string(r.Body), `"cap"`) {
			t.Errorf("a tier's rule with a cap = %d %s, want 422 naming cap (the cap is the default rule's)", r.Status, r.Body)
		}
		// The default rule the migration seeded, at version 1.
		rule := decode[struct{ Version int }](t, e.do("PUT", "/api/v1/pool-rules/default", strings.NewReader(`{"days":30,"notice_days":5,"cap":2,"cooldown_days":7,"version":1}`), as(admin)), 200)
		if rule.Version != 2 {
			t.Errorf("changed rule version %d, want 2", rule.Version)
		}
		stale := poolCustomer(e, am, "久未跟进公司")
		soon := poolCustomer(e, am, "快到期公司")
		fresh := poolCustomer(e, am, "新客户公司")
		touched := poolCustomer(e, am, "刚拜访公司")
		backdate(e, stale, 31)
		backdate(e, soon, 27)
		backdate(e, touched, 40)
		if r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", touched), strings.NewReader(`{"channel":"visit","content":"拜访"}`), as(am)); r.Status != 201 {
			t.Fatalf("interaction: %d %s", r.Status, r.Body)
		}
		sweepPool(e)
		pool := decode[struct {
			Items []struct {
				CustomerID  int64 `json:"customer_id"`
				FromOwnerID int64 `json:"from_owner_id"`
			}
		}](t, e.do("GET", "/api/v1/pool", nil, as(am2)), 200)
		if len(pool.Items) != 1 || pool.Items[0].CustomerID != stale || pool.Items[0].FromOwnerID != e.userID("am1") {
			t.Errorf("pool %+v, want only the stale customer from am1", pool.Items)
		}
		// The former owner lost it: not theirs to read, change or list.
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", stale), nil, as(am)); r.Status != 404 {
			t.Errorf("the former owner reads a pooled customer: %d, want 404", r.Status)
		}
		if r := e.do("PATCH", fmt.Sprintf("/api/v1/customers/%d", stale), strings.NewReader(`{"version":2,"notes":"still mine"}`), as(am)); r.Status != 404 {
			t.Errorf("the former owner changes a pooled customer: %d, want 404", r.Status)
		}
		mine := decode[struct{ Items []struct{ ID int64 } }](t, e.do("GET", "/api/v1/customers?limit=100", nil, as(am)), 200)
		for _, c := range mine.Items {
			if c.ID == stale {
				t.Errorf("the former owner still lists the pooled customer %d", stale)
			}
		}
		if len(mine.Items) != 3 {
			t.Errorf("the former owner lists %d customers, want the 3 kept", len(mine.Items))
		}
		// The managers above see the pool.
		for _, tok := range []string{e.user("gm1", crm.RoleGM), e.userIn("sm1", crm.RoleSalesManager, "east", "")} {
			if r := e.do("GET", "/api/v1/pool", nil, as(tok)); r.Status != 200 || !strings.Contains(string(r.Body), fmt.Sprintf(`"customer_id":%d`, stale)) {
				t.Errorf("a manager's pool = %d %s, want the stale customer", r.Status, r.Body)
			}
		}
		up := decode[struct {
			Items []struct {
				CustomerID int64 `json:"customer_id"`
			}
		}](t, e.do("GET", "/api/v1/pool/upcoming", nil, as(am)), 200)
		if len(up.Items) != 1 || up.Items[0].CustomerID != soon {
			t.Errorf("upcoming %+v, want the customer due in 3 days", up.Items)
		}
		var notices int
		if err := e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM notifications WHERE user_id = ?", e.userID("am1")).Scan(&notices); err != nil || notices != 2 {
			t.Errorf("am1's notices = %d (%v), want 2 (returned, returning)", notices, err)
		}
		sweepPool(e) // the notice goes once per due date
		if err := e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM notifications WHERE user_id = ?", e.userID("am1")).Scan(&notices); err != nil || notices != 2 {
			t.Errorf("am1's notices after a second sweep = %d (%v), want still 2", notices, err)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/pool/%d/claim", fresh), nil, as(am2)); r.Status != 404 {
			t.Errorf("claiming a customer that is not in the pool = %d, want 404", r.Status)
		}
		// The former owner is within the cool-down.
		r := e.do("POST", fmt.Sprintf("/api/v1/pool/%d/claim", stale), nil, as(am))
		if r.Status != 409 || !strings.Contains(string(r.Body), "cooldown_days") || !strings.Contains(string(r.Body), "default") {
			t.Errorf("reclaim within the cool-down = %d %s, want 409 naming the rule", r.Status, r.Body)
		}
		// am2 holds two customers: the cap is reached.
		poolCustomer(e, am2, "甲公司")
		poolCustomer(e, am2, "乙公司")
		r = e.do("POST", fmt.Sprintf("/api/v1/pool/%d/claim", stale), nil, as(am2, "Accept-Language", "en"))
		if r.Status != 409 || !strings.Contains(string(r.Body), `"cap"`) || !strings.Contains(string(r.Body), "default rule") {
			t.Errorf("claim over the cap = %d %s, want 409 naming cap and the default rule", r.Status, r.Body)
		}
		if _, err := e.db.Exec(context.Background(), "UPDATE pool_rules SET cap = 3"); err != nil {
			t.Fatal(err)
		}
		decode[struct{}](t, e.do("POST", fmt.Sprintf("/api/v1/pool/%d/claim", stale), nil, as(am2)), 200)
		c := decode[struct {
			OwnerID int64 `json:"owner_id"`
		}](t, e.do("GET", fmt.Sprintf("/api/v1/customers/%d", stale), nil, as(am2)), 200)
		if c.OwnerID != e.userID("am2") {
			t.Errorf("owner after the claim %d", c.OwnerID)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", stale), nil, as(am)); r.Status != 404 {
			t.Errorf("the former owner reads the claimed customer: %d, want 404", r.Status)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/pool/%d/claim", stale), nil, as(am2)); r.Status != 404 {
			t.Errorf("claiming a customer no longer in the pool = %d, want 404", r.Status)
		}
		var audits int
		if err := e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action IN ('pool_claim', 'pool_return') AND entity_id = ?",
			fmt.Sprint(stale)).Scan(&audits); err != nil || audits != 2 {
			t.Errorf("audited claims and returns = %d (%v), want 2", audits, err)
		}
	})
}

// idemLead is a new lead claimed by the account manager of token, for the
// idempotency cases.
func idemLead(e *env, token string) int64 {
	e.t.Helper()
	l := createLead(e, e.user("idem_mkt2", crm.RoleMarketing), `{"company_name":"幂等转化有限公司","contact_name":"赵工","source":"phone"}`)
	decode[leadJSON](e.t, e.do("POST", fmt.Sprintf("/api/v1/leads/%d/claim", l.ID), nil, as(token)), 200)
	return l.ID
}

func TestTwoManagersClaimingOnePoolCustomerAtOnceGetItOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := e.user("root", crm.RoleAdmin)
		owner := e.user("am0", crm.RoleAccountManager)
		if r := e.do("PUT", "/api/v1/pool-rules/default", strings.NewReader(`{"days":30,"notice_days":5,"cap":0,"cooldown_days":0,"version":1}`), as(admin)); r.Status != 200 {
			t.Fatalf("rule: %d %s", r.Status, r.Body)
		}
		id := poolCustomer(e, owner, "抢手客户有限公司")
		backdate(e, id, 31)
		sweepPool(e)
		tokens := []string{e.user("am1", crm.RoleAccountManager), e.user("am2", crm.RoleAccountManager), e.user("am3", crm.RoleAccountManager)}
		statuses := make(chan int, len(tokens))
		var wg sync.WaitGroup
		for _, tok := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses <- e.do("POST", fmt.Sprintf("/api/v1/pool/%d/claim", id), nil, as(tok)).Status
			}()
		}
		wg.Wait()
		close(statuses)
		won := 0
		for s := range statuses {
			switch s {
			case 200:
				won++
			case 404, 409:
			default:
				t.Errorf("a concurrent claim answered %d", s)
			}
		}
		if won != 1 {
			t.Errorf("%d claims won, want exactly 1", won)
		}
		if n := e.countRows("SELECT COUNT(*) FROM pool_events WHERE customer_id = ? AND kind = 'claim'", id); n != 1 {
			t.Errorf("%d claims recorded, want 1", n)
		}
	})
}

func TestPoolHasADefaultRuleAndAHandoverTakesACustomerOut(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		am := e.user("am1", crm.RoleAccountManager)
		am2 := e.user("am2", crm.RoleAccountManager)
		gm := e.user("gm1", crm.RoleGM)
		rules := decode[struct {
			Items []struct {
				Tier                                string
				Days, NoticeDays, Cap, CooldownDays int
			}
		}](t, e.do("GET", "/api/v1/pool-rules", nil, as(am)), 200)
		if len(rules.Items) != 1 || rules.Items[0].Tier != "default" || rules.Items[0].Days != 90 || rules.Items[0].Cap != 0 {
			t.Fatalf("rules %+v, want the seeded default (90 days, no cap)", rules.Items)
		}
		today := poolCustomer(e, am, "今天新建公司")
		old := poolCustomer(e, am, "九十一天前公司")
		handed := poolCustomer(e, am, "刚移交公司")
		backdate(e, old, 91)
		backdate(e, handed, 91)
		// A handover counts as a follow-up: the new owner gets 90 days.
		if r := e.do("POST", "/api/v1/customers/handover", strings.NewReader(fmt.Sprintf(`{"from_owner_id":%d,"to_owner_id":%d,"customer_ids":[%d],"reason":"调岗"}`,
			e.userID("am1"), e.userID("am2"), handed)), as(gm)); r.Status != 200 {
			t.Fatalf("handover: %d %s", r.Status, r.Body)
		}
		sweepPool(e)
		pool := decode[struct {
			Items []struct {
				CustomerID int64 `json:"customer_id"`
			}
		}](t, e.do("GET", "/api/v1/pool", nil, as(am2)), 200)
		if len(pool.Items) != 1 || pool.Items[0].CustomerID != old {
			t.Fatalf("pool %+v, want only the customer untouched for 91 days (not today's, not the one just handed over)", pool.Items)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", today), nil, as(am)); r.Status != 200 {
			t.Errorf("today's customer: %d, want still the owner's", r.Status)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", old), nil, as(am)); r.Status != 404 {
			t.Errorf("the former owner reads a pooled customer: %d, want 404", r.Status)
		}
		// The pool account is nobody's to pick: not among the staff or
		// a username.
		if r := e.do("GET", "/api/v1/users?limit=100", nil, as(e.user("root", crm.RoleAdmin))); strings.Contains(string(r.Body), "_pool") {
			t.Errorf("the user list shows the pool account: %s", r.Body)
		}
		// The gm hands the pooled customer over: it leaves the pool.
		if r := e.do("POST", "/api/v1/customers/handover", strings.NewReader(fmt.Sprintf(`{"from_owner_id":-1,"to_owner_id":%d,"customer_ids":[%d],"reason":"大客户指派"}`,
			e.userID("am2"), old)), as(gm)); r.Status != 200 {
			t.Fatalf("handover from the pool: %d %s", r.Status, r.Body)
		}
		pool = decode[struct {
			Items []struct {
				CustomerID int64 `json:"customer_id"`
			}
		}](t, e.do("GET", "/api/v1/pool", nil, as(am2)), 200)
		if len(pool.Items) != 0 {
			t.Errorf("pool after the handover %+v, want empty", pool.Items)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/pool/%d/claim", old), nil, as(am)); r.Status != 404 {
			t.Errorf("claiming a handed-over customer = %d, want 404", r.Status)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", old), nil, as(am2)); r.Status != 200 {
			t.Errorf("the new owner reads the handed-over customer: %d", r.Status)
		}
		sweepPool(e) // the handover is its follow-up: it does not return at once
		if n := e.countRows("SELECT COUNT(*) FROM pool_customers WHERE customer_id = ?", old); n != 0 {
			t.Errorf("the handed-over customer returned to the pool at once")
		}
	})
}
