package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// TestTheLeadAndPoolPagesSpeakBothLanguagesAndWorkTheirButtons: the lead
// pages and the pool render in Chinese and English; a lead with a bad
// mobile comes back marked and unwritten; an account manager claims and
// converts a lead through the pages, and claims a customer from the pool.
func TestTheLeadAndPoolPagesSpeakBothLanguagesAndWorkTheirButtons(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("mkt_ui", crm.RoleMarketing)
		mkt := e.formSignIn("mkt_ui")
		e.user("am_ui", crm.RoleAccountManager)
		am := e.formSignIn("am_ui")
		admin := e.user("root_ui", crm.RoleAdmin)
		for _, c := range []struct{ path, cookie, zh, en string }{
			{"/leads", mkt, "潜在客户", "Leads"}, {"/leads/new", mkt, "新建线索", "New lead"}, {"/pool", am, "公海", "Public pool"},
		} {
			for lang, want := range map[string]string{"zh-CN": c.zh, "en": c.en} {
				r := e.page(c.path, lang, c.cookie)
				if r.Status != 200 || !strings.Contains(string(r.Body), "<h1>"+want+"</h1>") || strings.Contains(string(r.Body), "⟦") {
					t.Errorf("%s in %s: %d, want the heading %q and no missing text", c.path, lang, r.Status, want)
				}
			}
		}
		before := e.countRows("SELECT COUNT(*) FROM leads")
		r := e.post("/leads", mkt, url.Values{"company_name": {"页面线索有限公司"}, "mobile": {"12345"}, "source": {"trade_fair"}})
		if r.Status != 422 || !strings.Contains(string(r.Body), `id="mobile-error"`) {
			t.Errorf("a bad mobile: %d, want 422 marking the mobile", r.Status)
		}
		if n := e.countRows("SELECT COUNT(*) FROM leads"); n != before {
			t.Errorf("the refused lead was written")
		}
		r = e.post("/leads", mkt, url.Values{"company_name": {"页面线索有限公司"}, "contact_name": {"孙经理"}, "mobile": {"13700001111"}, "source": {"trade_fair"}})
		if r.Status != 303 {
			t.Fatalf("a lead: %d %s", r.Status, r.Body)
		}
		var id int64
		if err := e.db.QueryRow(t.Context(), "SELECT id FROM leads WHERE company_name = '页面线索有限公司'").Scan(&id); err != nil {
			t.Fatal(err)
		}
		r = e.post(fmt.Sprintf("/leads/%d/claim", id), am, url.Values{})
		if r.Status != 303 {
			t.Fatalf("claim: %d %s", r.Status, r.Body)
		}
		detail := e.page(r.Header.Get("Location"), "zh-CN", am)
		if !strings.Contains(string(detail.Body), "线索已归你负责") || !strings.Contains(string(detail.Body), `id="lead-convert-form"`) {
			t.Errorf("the lead page after a claim: %d", detail.Status)
		}
		r = e.post(fmt.Sprintf("/leads/%d/convert", id), am, url.Values{"address": {"江苏省苏州市"}})
		if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/customers/") {
			t.Fatalf("convert: %d %s", r.Status, r.Body)
		}
		if panel := e.page(r.Header.Get("Location")+"/lead-panel", "zh-CN", am); !strings.Contains(string(panel.Body), fmt.Sprintf(`href="/leads/%d"`, id)) {
			t.Errorf("the customer page does not link its lead: %d %s", panel.Status, panel.Body)
		}
		detail = e.page(fmt.Sprintf("/leads/%d", id), "en", am)
		if !strings.Contains(string(detail.Body), `id="lead-customer"`) || !strings.Contains(string(detail.Body), "converted into a customer") {
			t.Errorf("the converted lead's page does not link its customer and history")
		}
		// The pool: a customer returned by the job, claimed by a button.
		_ = admin
		root := e.formSignIn("root_ui")
		if r := e.page("/pool-rules", "en", root); r.Status != 200 || !strings.Contains(string(r.Body), "<h1>Pool rules</h1>") {
			t.Errorf("the rules page for the administrator: %d", r.Status)
		}
		r = e.post("/pool-rules", root, url.Values{"tier": {"default"}, "days": {"30"}, "notice_days": {"30"}, "cap": {"0"}, "cooldown_days": {"0"}})
		if r.Status != 422 || !strings.Contains(string(r.Body), `id="notice_days-error"`) {
			t.Errorf("a notice not before the return: %d, want 422 marking notice_days", r.Status)
		}
		if r := e.post("/pool-rules", root, url.Values{"tier": {"default"}, "days": {"30"}, "notice_days": {"5"}, "cap": {"0"}, "cooldown_days": {"0"}, "version": {"1"}}); r.Status != 303 {
			t.Fatalf("rule: %d %s", r.Status, r.Body)
		}
		if r := e.page("/pool-rules?tier=default", "zh-CN", root); !strings.Contains(string(r.Body), `name="version" value="2"`) {
			t.Errorf("the rule's form is not filled at its version")
		}
		other := e.user("am_other", crm.RoleAccountManager)
		cid := poolCustomer(e, other, "页面公海客户有限公司")
		backdate(e, cid, 40)
		sweepPool(e)
		page := e.page("/pool", "zh-CN", am)
		if !strings.Contains(string(page.Body), fmt.Sprintf(`id="claim-%d"`, cid)) {
			t.Fatalf("the pool page does not offer the customer: %s", page.Body)
		}
		r = e.post(fmt.Sprintf("/pool/%d/claim", cid), am, url.Values{})
		if r.Status != 303 {
			t.Fatalf("pool claim: %d %s", r.Status, r.Body)
		}
		var owner int64
		if err := e.db.QueryRow(t.Context(), "SELECT owner_id FROM customers WHERE id = ?", cid).Scan(&owner); err != nil || owner != e.userID("am_ui") {
			t.Errorf("owner after the claim: %d (%v)", owner, err)
		}
	})
}
