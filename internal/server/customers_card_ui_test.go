package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// The card's revisions are kept with SQL of each engine's own, so this
// runs on both.
func TestAnAccountManagerFillsInTheDataCardThroughThePage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		page := a.add(a.am1, url.Values{"name": {"台州塑胶"}})
		card := page + "/card"
		wantAll(t, "the customer's page", a.body(page, "zh-CN", a.am1, 200), `href="`+card+`" id="customer-card"`)
		wantAll(t, "the empty card", a.body(card, "zh-CN", a.am1, 200), `id="card-form"`, "经营者概况", "财务状况", "业务概况",
			`<select name="values.payment_attitude">`, `<option value=""></option>`, `type="number" step="1" name="values.staff_count"`,
			`type="date" name="values.opened_on"`, "调查或填表者", "还没有填写资料卡。")

		save := func(lang string, form url.Values) response {
			t.Helper()
			return e.do("POST", card, strings.NewReader(form.Encode()), map[string]string{
				"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=" + lang + "; " + a.am1})
		}
		first := url.Values{"surveyor": {"张伟"}, "surveyed_on": {"2026-11-20"}, "values.payment_attitude": {"爽快"},
			"values.funds": {"充足"}, "values.bank": {"工商银行台州分行"}, "values.bank_account": {"6222020304051234567"}}
		if r := save("zh-CN", first); r.Status != http.StatusSeeOther || r.Header.Get("Location") != card+"?notice=saved#card-values" {
			t.Fatalf("saving the card = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		body := a.body(card+"?notice=saved", "zh-CN", a.am1, 200)
		wantAll(t, "the saved card", body, `id="notice">资料卡已保存为新修订。<`, `data-card="payment_attitude">爽快<`,
			`data-card="bank">工商银行台州分行<`, `<option value="爽快" selected>爽快</option>`)
		if strings.Contains(body, "6222020304051234567") {
			t.Error("the card page shows the bank account in full")
		}

		t.Run("refuses a choice outside the template next to the field, keeping the input", func(t *testing.T) {
			bad := url.Values{"surveyor": {"张伟"}, "surveyed_on": {"2026-11-21"}, "values.payment_attitude": {"很好"}, "values.staff_count": {"十二"}}
			r := save("zh-CN", bad)
			wantAll(t, "the refused card", string(r.Body), `id="payment_attitude-error">请从选项中选择：爽快 / 普通 / 迟延 / 为难 / 欠款。<`,
				`id="staff_count-error">请填写整数。<`, `value="十二"`)
			if r.Status != http.StatusUnprocessableEntity || strings.Contains(string(r.Body), "⟦") {
				t.Errorf("a bad choice = %d, want 422 without message keys", r.Status)
			}
			bad = url.Values{"surveyor": {" "}, "surveyed_on": {"2026-11-21"}}
			wantAll(t, "the card without a surveyor", string(save("en", bad).Body), `id="surveyor-error">Say who surveyed or filled in the card.<`)
		})

		t.Run("records a second revision that keeps the sealed account and shows what changed", func(t *testing.T) {
			second := url.Values{"surveyor": {"陈静"}, "surveyed_on": {"2026-11-25"}, "values.payment_attitude": {"迟延"},
				"values.funds": {"充足"}, "values.bank": {"工商银行台州分行"}, "values.bank_account": {""}, "values.business_status": {"衰退"}}
			if r := save("zh-CN", second); r.Status != http.StatusSeeOther {
				t.Fatalf("the second save = %d:\n%s", r.Status, r.Body)
			}
			body := a.body(card, "en", a.am1, 200)
			wantAll(t, "the revision list", body, `href="`+card+`/revisions/2"`, `href="`+card+`/revisions/1"`, "<td>陈静</td>",
				"<td>2026-11-25</td>", "<td>Payment attitude、Business status</td>", "Financial status")
			diff := a.body(card+"/revisions/2", "en", a.am1, 200)
			wantAll(t, "the diff of revision 2", diff, `<tr data-card="payment_attitude">`, "<del>爽快</del>", "<ins>迟延</ins>",
				"<th scope=\"row\">Business status</th>", "<del>—</del>")
			if strings.Contains(diff, "bank_account") || strings.Contains(diff, "6222020304051234567") {
				t.Errorf("leaving the bank account empty changed it, or the diff shows it in full:\n%s", diff)
			}
			a.body(card+"/revisions/3", "en", a.am1, http.StatusNotFound)
			a.body(card+"/revisions/x", "en", a.am1, http.StatusNotFound)
		})

		t.Run("is read-only for customer service and not found for a colleague", func(t *testing.T) {
			e.userIn("kf", crm.RoleService, "", "")
			body := a.body(card, "en", e.formSignIn("kf"), 200)
			if strings.Contains(body, `id="card-form"`) || !strings.Contains(body, `data-card="payment_attitude">迟延<`) {
				t.Errorf("customer service should see the card without its form:\n%s", body)
			}
			a.body(card, "en", a.am2, http.StatusNotFound)
			if r := save("en", url.Values{"surveyor": {"x"}, "surveyed_on": {"2026-11-21"}}); r.Status != http.StatusSeeOther {
				t.Errorf("the owner saving an empty card = %d", r.Status)
			}
			r := e.post(card, a.am2, url.Values{"surveyor": {"x"}, "surveyed_on": {"2026-11-21"}})
			if r.Status != http.StatusNotFound {
				t.Errorf("a colleague saving the card = %d, want 404", r.Status)
			}
		})

		for _, lang := range []string{"zh-CN", "en"} {
			for _, path := range []string{card, card + "/revisions/1", card + "/revisions/2"} {
				if body := a.body(path, lang, a.am1, 200); strings.Contains(body, "⟦") || !strings.Contains(body, `<html lang="`+lang+`">`) {
					t.Errorf("GET %s in %s shows a message key with no text:\n%s", path, lang, body)
				}
			}
		}
	})
}
