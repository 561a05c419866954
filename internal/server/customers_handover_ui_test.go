package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

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

func TestHandingCustomersOverThroughItsPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		mgr, am1 := e.formSignIn("mgr_a"), e.formSignIn("am1")
		c1, _ := o.create(o.am1, `{"name":"温州鞋业"}`)
		c2, _ := o.create(o.am1, `{"name":"台州汽配"}`)
		from, to := e.userID("am1"), e.userID("am2")

		if r := e.page("/customers/handover", "zh-CN", am1); r.Status != http.StatusForbidden {
			t.Errorf("an account manager opens the handover page = %d, want 403", r.Status)
		}
		wantAll(t, "the list for a manager", string(e.page("/customers", "zh-CN", mgr).Body), `href="/customers/handover" id="handover-link"`)
		body := string(e.page(fmt.Sprintf("/customers/handover?from_owner_id=%d", from), "zh-CN", mgr).Body)
		wantAll(t, "the handover page", body, fmt.Sprintf(`data-handover-customer="%d"`, c1.ID), fmt.Sprintf(`data-handover-customer="%d"`, c2.ID), `name="reason"`)
		for _, lang := range []string{"en", "zh-CN"} {
			if body := string(e.page(fmt.Sprintf("/customers/handover?moved=2&from_owner_id=%d", from), lang, mgr).Body); strings.Contains(body, "⟦") {
				t.Errorf("[%s] the handover page lacks messages:\n%s", lang, body)
			}
		}
		if strings.Contains(body, "am3") {
			t.Errorf("a sales manager is offered another team's account manager:\n%s", body)
		}

		owner := func(id int64) int64 {
			var c customerJSON
			r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", id), nil, as(o.gm))
			_ = json.Unmarshal(r.Body, &c)
			return c.OwnerID
		}
		form := url.Values{"from_owner_id": {strconv.FormatInt(from, 10)}, "to_owner_id": {strconv.FormatInt(to, 10)}, "customer_ids": {strconv.FormatInt(c1.ID, 10)}}
		r := e.post("/customers/handover", mgr, form)
		if r.Status != 422 || !strings.Contains(string(r.Body), `id="handover-reason-error"`) || !strings.Contains(string(r.Body), fmt.Sprintf(`value="%d" checked`, c1.ID)) {
			t.Errorf("no reason = %d, want 422 with the error beside the reason and the choice kept:\n%s", r.Status, r.Body)
		}
		if owner(c1.ID) != from {
			t.Fatal("a refused handover moved the customer")
		}
		form.Set("reason", "张经理离职")
		if r := e.post("/customers/handover", mgr, form); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/customers/handover?moved=1") {
			t.Fatalf("handover = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		if owner(c1.ID) != to || owner(c2.ID) != from {
			t.Errorf("owners after handing over one: %d, %d", owner(c1.ID), owner(c2.ID))
		}
		wantAll(t, "the result", string(e.page("/customers/handover?moved=1", "zh-CN", mgr).Body), `id="notice">已移交 1 位客户。`)
		var n int
		_ = e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'customer' AND entity_id = ? AND detail LIKE ?",
			strconv.FormatInt(c1.ID, 10), "%张经理离职%").Scan(&n)
		if n != 1 {
			t.Errorf("the handover is not in the customer's history")
		}
		// All of the rest, none ticked, to someone outside the team: refused beside the new owner.
		form = url.Values{"from_owner_id": {strconv.FormatInt(from, 10)}, "to_owner_id": {strconv.FormatInt(e.userID("am3"), 10)}, "reason": {"调整"}}
		if r := e.post("/customers/handover", mgr, form); r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), `id="handover-to-error"`) || owner(c2.ID) != from {
			t.Errorf("a handover to another team = %d, want 403 with the error beside the new owner and nothing moved:\n%s", r.Status, r.Body)
		}
		form.Set("to_owner_id", strconv.FormatInt(to, 10))
		if r := e.post("/customers/handover", mgr, form); r.Status != http.StatusSeeOther || owner(c2.ID) != to {
			t.Errorf("handing over all the rest = %d, owner %d", r.Status, owner(c2.ID))
		}
	})
}
