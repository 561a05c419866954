package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestADealerSignsInToItsPortalAndPlansTheMonth(t *testing.T) {
	eachDealerEnv(t, china(2026, 12, 3, 10), func(t *testing.T, d *dealerEnv) {
		e := d.env
		o := newDealerOrg(t, e)
		cookie := e.formSignIn("dealer1")
		if r := e.page("/", "zh-CN", cookie); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/portal" {
			t.Fatalf("a dealer's home: %d %s, want the portal", r.Status, r.Header.Get("Location"))
		}
		for _, lang := range []string{"zh-CN", "en"} {
			r := e.page("/portal", lang, cookie)
			if r.Status != 200 || !strings.Contains(string(r.Body), "杭州东方经销有限公司") || !strings.Contains(string(r.Body), "JX-100 离心泵") {
				t.Fatalf("the portal in %s: %d %s", lang, r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), "宁波海星经销有限公司") || strings.Contains(string(r.Body), `href="/customers"`) {
				t.Errorf("the portal in %s shows another dealer or the staff's customer list", lang)
			}
		}
		// A bad row is named and nothing is written.
		bad := url.Values{"month": {"2026-12"}, "product": {"JX-100 离心泵", "没有这个产品"}, "quantity": {"0", "2"}, "action": {"save"}}
		r := e.post("/portal/plan", cookie, bad)
		if r.Status != 422 || !strings.Contains(string(r.Body), "第 1 行") || !strings.Contains(string(r.Body), "第 2 行") {
			t.Errorf("bad rows: %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM dealer_plans"); n != 0 {
			t.Errorf("a refused form wrote %d plans", n)
		}
		r = e.post("/portal/plan", cookie, url.Values{"month": {"2026-12"}, "product": {"JX-100 离心泵", ""}, "quantity": {"6", ""}, "action": {"save"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		page := e.page("/portal", "zh-CN", cookie)
		if !strings.Contains(string(page.Body), "600.00") || !strings.Contains(string(page.Body), "草稿") {
			t.Errorf("the saved draft: %s", page.Body)
		}
		var id int64
		var version int
		if err := e.db.QueryRow(t.Context(), "SELECT id, version FROM dealer_plans").Scan(&id, &version); err != nil {
			t.Fatal(err)
		}
		r = e.post("/portal/plan", cookie, url.Values{"month": {"2026-12"}, "plan_id": {fmt.Sprint(id)}, "version": {fmt.Sprint(version)},
			"product": {"JX-100"}, "quantity": {"7"}, "action": {"submit"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		if page := e.page("/portal", "en", cookie); !strings.Contains(string(page.Body), "Submitted") || strings.Contains(string(page.Body), `id="plan-form"`) {
			t.Errorf("the submitted plan: %s", page.Body)
		}
		// Staff have no portal; the dealer has no staff pages.
		staff := e.formSignIn("am1")
		if r := e.page("/portal", "zh-CN", staff); r.Status != http.StatusForbidden {
			t.Errorf("an account manager's portal: %d, want 403", r.Status)
		}
		for _, path := range []string{"/complaints", "/service-orders", "/admin/users", "/tiers"} {
			if r := e.page(path, "zh-CN", cookie); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
				t.Errorf("a dealer opens %s: %d, want 403 or 404", path, r.Status)
			}
		}
		if r := e.page(fmt.Sprintf("/customers/%d", o.d2), "zh-CN", cookie); r.Status != http.StatusNotFound {
			t.Errorf("a dealer opens another dealer's page: %d, want 404", r.Status)
		}
	})
}
