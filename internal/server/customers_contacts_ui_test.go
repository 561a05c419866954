package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// contactRowID is the ID of the contact the customer's page lists with
// name, or fails.
func contactRowID(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<tr data-contact="(\d+)">\s*<td>` + regexp.QuoteMeta(name) + `</td>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page lists no contact %s:\n%s", name, body)
	}
	return m[1]
}

func TestContactsKeepEveryFieldAndChangeAtTheirVersionThroughThePages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		page := a.add(a.am1, url.Values{"name": {"苏州精工模具有限公司"}})

		form := url.Values{"name": {"王芳"}, "title": {"采购总监"}, "mobile": {"13912345678"}, "landline": {"0512-68881234"},
			"email": {"wangfang@example.com"}, "wechat_id": {"wangfang_88"}, "gender": {"female"}, "birthday": {"08-15"},
			"birthday_lunar": {"true"}, "birthday_leap": {"true"}, "is_primary": {"true"}, "preferences": {"喜欢喝茶，周一上午不约见"}}
		if r := e.post(page+"/contacts", a.am1, form); r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?notice=contact#contacts" {
			t.Fatalf("add contact = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		body := a.body(page, "zh-CN", a.am1, 200)
		wantAll(t, "the new contact", body, "<td>王芳</td>", "<td>采购总监</td>", "<td data-mobile>139****5678</td>",
			"<td data-landline>0512-68881234</td>", "<td data-wechat>wangfang_88</td>", `data-gender="female">女<`,
			"<td data-birthday>农历闰月 08-15</td>", "<td data-preferences>喜欢喝茶，周一上午不约见</td>")
		wantNone(t, "the customer's page", body, "13912345678")
		wantAll(t, "the add-contact form", body, `name="landline"`, `name="wechat_id"`, `<select name="gender"`,
			`name="birthday_lunar" value="true"`, `name="birthday_leap"`, `name="preferences"`)
		cid := contactRowID(t, body, "王芳")
		edit := page + "/contacts/" + cid + "/edit"
		wantAll(t, "the contact's edit link", body, `href="`+edit+`#contact-form" id="edit-contact-`+cid+`"`)

		t.Run("fills the form from the contact, with its version and its mobile masked", func(t *testing.T) {
			body := a.body(edit, "zh-CN", a.am1, 200)
			wantAll(t, "the edit form", body, `id="edit-contact">修改联系人: 王芳<`, `action="`+edit+`" id="contact-form"`,
				`name="version" value="1"`, `value="wangfang_88"`, `value="0512-68881234"`, `现有号码：139****5678。`,
				`name="birthday_lunar" value="true" checked`, `name="birthday_leap" value="true" checked`,
				`<option value="female" selected>女</option>`, `喜欢喝茶，周一上午不约见</textarea>`, `id="delete-contact-form"`)
			wantNone(t, "the edit form", body, "13912345678")
		})

		t.Run("saves a change, keeping the mobile the form left empty", func(t *testing.T) {
			change := url.Values{"version": {"1"}, "name": {"王芳"}, "title": {"副总经理"}, "mobile": {""}, "landline": {"0512-68881234"},
				"email": {"wangfang@example.com"}, "wechat_id": {"wangfang_88"}, "gender": {"female"}, "birthday": {"1985-06-12"},
				"birthday_lunar": {"false"}, "is_primary": {"true"}, "preferences": {"喜欢喝茶"}}
			r := e.post(edit, a.am1, change)
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?notice=contact_updated#contacts" {
				t.Fatalf("POST %s = %d → %q:\n%s", edit, r.Status, r.Header.Get("Location"), r.Body)
			}
			body := a.body(page+"?notice=contact_updated", "zh-CN", a.am1, 200)
			wantAll(t, "the changed contact", body, `id="notice">联系人已保存。<`, "<td>副总经理</td>", "<td data-birthday>1985-06-12</td>",
				"<td data-mobile>139****5678</td>", "<td data-preferences>喜欢喝茶</td>")
		})

		t.Run("refuses a stale version with the conflict message, keeping the input", func(t *testing.T) {
			r := e.postIn(edit, "en", a.am1, url.Values{"version": {"1"}, "name": {"王芳"}, "title": {"董事长"}, "gender": {"female"}})
			if r.Status != http.StatusConflict {
				t.Fatalf("a stale contact edit = %d, want 409:\n%s", r.Status, r.Body)
			}
			wantAll(t, "the stale form", string(r.Body), `id="contact-error">Someone else changed this contact after you opened the form.`,
				`href="`+edit+`#contact-form" id="contact-reload"`, `value="董事长"`)
			if body := a.body(page, "en", a.am1, 200); strings.Contains(body, "董事长") || !strings.Contains(body, "<td>副总经理</td>") {
				t.Errorf("the stale edit changed the contact:\n%s", body)
			}
		})

		t.Run("says next to each field what is wrong with it", func(t *testing.T) {
			tests := []struct {
				lang string
				form url.Values
				want string
			}{
				{"en", url.Values{"birthday": {"06-12"}, "birthday_lunar": {"false"}, "birthday_leap": {"true"}},
					`id="contact-birthday_leap-error">A leap month applies only to a lunar birthday`},
				{"zh-CN", url.Values{"birthday": {"1985-06-12"}, "birthday_lunar": {"true"}},
					`id="contact-birthday-error">生日格式不正确：`},
				{"en", url.Values{"birthday": {"13-40"}, "birthday_lunar": {"true"}},
					`id="contact-birthday-error">Write the birthday as YYYY-MM-DD`},
				{"en", url.Values{"gender": {"robot"}}, `id="contact-gender-error">Gender: choose male, female or not given.<`},
				{"zh-CN", url.Values{"landline": {"12345"}}, `id="contact-landline-error">`},
				{"en", url.Values{"email": {"wangfang.example.com"}}, `id="contact-email-error">`},
				{"en", url.Values{"name": {" "}}, `id="contact-name-error">Enter the contact&#39;s name, at most 50 characters.<`},
			}
			for _, tt := range tests {
				f := url.Values{"version": {"2"}, "name": {"王芳"}, "gender": {"female"}}
				for k, v := range tt.form {
					f[k] = v
				}
				r := e.postIn(edit, tt.lang, a.am1, f)
				body := string(r.Body)
				if r.Status != http.StatusUnprocessableEntity || !strings.Contains(body, tt.want) || strings.Contains(body, "⟦") {
					t.Errorf("POST %v = %d, want 422 with %q:\n%s", tt.form, r.Status, tt.want, body)
				}
				for k, v := range tt.form {
					if k != "birthday_lunar" && k != "birthday_leap" && k != "gender" && !strings.Contains(body, `value="`+v[0]+`"`) {
						t.Errorf("the refused form lost %s=%q", k, v[0])
					}
				}
			}
		})

		t.Run("removes the mobile when told", func(t *testing.T) {
			r := e.post(edit, a.am1, url.Values{"version": {"2"}, "name": {"王芳"}, "title": {"副总经理"}, "gender": {"female"},
				"birthday": {"1985-06-12"}, "is_primary": {"true"}, "preferences": {"喜欢喝茶"}, "landline": {"0512-68881234"},
				"email": {"wangfang@example.com"}, "wechat_id": {"wangfang_88"}, "remove_mobile": {"true"}})
			if r.Status != http.StatusSeeOther {
				t.Fatalf("removing the mobile = %d:\n%s", r.Status, r.Body)
			}
			if body := a.body(page, "en", a.am1, 200); !strings.Contains(body, "<td data-mobile>—</td>") {
				t.Errorf("the mobile is still shown:\n%s", body)
			}
		})

		t.Run("keeps colleagues out of scope and other customers' contacts out", func(t *testing.T) {
			other := a.add(a.am1, url.Values{"name": {"无锡星河电子"}})
			for _, tt := range []struct{ method, path, cookie string }{
				{"GET", edit, a.am2},
				{"POST", edit, a.am2},
				{"POST", page + "/contacts/" + cid + "/delete", a.am2},
				{"GET", other + "/contacts/" + cid + "/edit", a.am1},
				{"POST", other + "/contacts/" + cid + "/delete", a.am1},
				{"GET", page + "/contacts/999999/edit", a.am1},
			} {
				r := e.do(tt.method, tt.path, strings.NewReader(url.Values{"version": {"3"}, "name": {"改名"}}.Encode()), map[string]string{
					"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=en; " + tt.cookie})
				if r.Status != http.StatusNotFound || strings.Contains(string(r.Body), "王芳") {
					t.Errorf("%s %s = %d, want 404 without the contact", tt.method, tt.path, r.Status)
				}
			}
		})

		t.Run("deletes at the version shown, and shows a stale one again to confirm", func(t *testing.T) {
			del := page + "/contacts/" + cid + "/delete"
			r := e.postIn(del, "zh-CN", a.am1, url.Values{"version": {"1"}})
			if r.Status != http.StatusConflict {
				t.Fatalf("a stale delete = %d, want 409:\n%s", r.Status, r.Body)
			}
			wantAll(t, "the stale delete", string(r.Body), `id="contact-error">您打开页面后，其他人修改了该联系人。`,
				`action="`+del+`" id="delete-contact-form">`+"\n    "+`<input type="hidden" name="version" value="3">`)
			if body := a.body(page, "en", a.am1, 200); !strings.Contains(body, "<td>王芳</td>") {
				t.Fatal("a stale delete removed the contact")
			}
			r = e.post(del, a.am1, url.Values{"version": {"3"}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?notice=contact_deleted#contacts" {
				t.Fatalf("delete = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
			}
			body := a.body(page+"?notice=contact_deleted", "zh-CN", a.am1, 200)
			wantAll(t, "the page after the delete", body, `id="notice">联系人已删除。<`, "还没有联系人。")
		})
	})
}

func TestTheFullMobileIsShownOnlyWithAReasonAndAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		auditor := e.user("shen", crm.RoleAuditor)
		page := a.add(a.am1, url.Values{"name": {"常州恒力机电"}})
		if r := e.post(page+"/contacts", a.am1, url.Values{"name": {"赵磊"}, "mobile": {"13800138000"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("add contact = %d:\n%s", r.Status, r.Body)
		}
		body := a.body(page, "zh-CN", a.am1, 200)
		cid := contactRowID(t, body, "赵磊")
		reveal := page + "/contacts/" + cid + "/reveal"
		wantAll(t, "the page of a role that may reveal", body, `action="`+reveal+`" id="reveal-`+cid+`"`, `name="reason"`, "查看完整号码")

		r := e.postIn(reveal, "zh-CN", a.am1, url.Values{"reason": {"  "}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `id="reveal-`+cid+`-reason-error">请填写查看完整号码的原因。<`) ||
			strings.Contains(string(r.Body), "13800138000") {
			t.Errorf("a reveal without a reason = %d, want 422 next to the reason and no number:\n%s", r.Status, r.Body)
		}
		r = e.postIn(reveal, "en", a.am1, url.Values{"reason": {"回访确认订单"}})
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `id="full-mobile-`+cid+`">13800138000</a>`) {
			t.Fatalf("a reveal with a reason = %d, want the full number:\n%s", r.Status, r.Body)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("the revealed number may be cached: Cache-Control %q", r.Header.Get("Cache-Control"))
		}
		if body := a.body(page, "en", a.am1, 200); strings.Contains(body, "13800138000") {
			t.Error("the page shows the full number again without a reveal")
		}
		audit := e.do("GET", "/api/v1/audit?entity=contact", nil, as(auditor))
		if !strings.Contains(string(audit.Body), "回访确认订单") || !strings.Contains(string(audit.Body), `"reveal"`) {
			t.Errorf("the audit log lacks the reveal and its reason: %s", audit.Body)
		}

		e.userIn("mkt", crm.RoleMarketing, "华东", "mgr_a")
		mkt := e.formSignIn("mkt")
		if r := e.post(reveal, mkt, url.Values{"reason": {"看看"}}); r.Status != http.StatusForbidden || strings.Contains(string(r.Body), "13800138000") {
			t.Errorf("marketing, who may not reveal, = %d, want 403", r.Status)
		}
		if r := e.post(reveal, a.am2, url.Values{"reason": {"看看"}}); r.Status != http.StatusNotFound || strings.Contains(string(r.Body), "13800138000") {
			t.Errorf("a colleague out of scope revealing = %d, want 404", r.Status)
		}
	})
}
