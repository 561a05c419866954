package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// postIn sends a form as the browser does, in lang, with the cookie of a
// session.
func (e *env) postIn(path, lang, cookie string, form url.Values) response {
	e.t.Helper()
	return e.do("POST", path, strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=" + lang + "; " + cookie})
}

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

// wantNone fails for each of unwanted that body contains.
func wantNone(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("%s has %q:\n%s", what, u, body)
		}
	}
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

func TestInteractionsRecordWhenAndWhoInChinaTime(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		page := a.add(a.am1, url.Values{"name": {"嘉兴丝绸"}})
		china := time.FixedZone("CST", 8*3600)

		body := a.body(page, "zh-CN", a.am1, 200)
		m := regexp.MustCompile(`type="datetime-local" name="at" value="([^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the interaction form has no time input:\n%s", body)
		}
		if at, err := time.ParseInLocation("2006-01-02T15:04", m[1], china); err != nil || time.Since(at).Abs() > 2*time.Minute {
			t.Errorf("the time input defaults to %q, want now in China time", m[1])
		}
		wantAll(t, "the interaction form", body, `name="participants"`, "北京时间")

		when := time.Now().In(china).AddDate(0, 0, -3).Truncate(time.Minute)
		form := url.Values{"at": {when.Format("2006-01-02T15:04")}, "channel": {"visit"}, "participants": {"张伟（采购经理）、李明（我方工程师）"},
			"content": {"现场验收样品"}, "feedback": {"满意"}}
		if r := e.post(page+"/interactions", a.am1, form); r.Status != http.StatusSeeOther {
			t.Fatalf("add interaction = %d:\n%s", r.Status, r.Body)
		}
		body = a.body(page, "zh-CN", a.am1, 200)
		wantAll(t, "the timeline", body, when.Format("2006-01-02 15:04")+"</time>",
			"<p data-participants><strong>参与人:</strong> 张伟（采购经理）、李明（我方工程师）</p>")

		id := strings.TrimPrefix(page, "/customers/")
		r := e.do("GET", "/api/v1/customers/"+id+"/interactions", nil, map[string]string{"Cookie": a.am1})
		var list struct {
			Items []struct {
				At           time.Time `json:"at"`
				Participants string    `json:"participants"`
			} `json:"items"`
		}
		if err := json.Unmarshal(r.Body, &list); err != nil || len(list.Items) != 1 {
			t.Fatalf("GET interactions = %d %s", r.Status, r.Body)
		}
		if got := list.Items[0]; !got.At.Equal(when) || got.Participants != "张伟（采购经理）、李明（我方工程师）" {
			t.Errorf("stored at %v with participants %q, want %v", got.At, got.Participants, when.UTC())
		}

		for _, tt := range []struct{ lang, at, want string }{
			{"en", "yesterday", `id="interaction-at-error">Enter a date and time such as 2026-11-30 14:30 (Beijing time).<`},
			{"zh-CN", time.Now().In(china).AddDate(0, 0, 1).Format("2006-01-02T15:04"), `id="interaction-at-error">沟通时间不能晚于现在。<`},
		} {
			r := e.postIn(page+"/interactions", tt.lang, a.am1, url.Values{"at": {tt.at}, "channel": {"phone"}, "participants": {"王五"}, "content": {"回访"}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), tt.want) ||
				!strings.Contains(string(r.Body), `value="`+tt.at+`"`) || !strings.Contains(string(r.Body), `value="王五"`) {
				t.Errorf("at %q = %d, want 422 with %q and the input kept:\n%s", tt.at, r.Status, tt.want, r.Body)
			}
		}
	})
}

func TestACustomerGoesToTheTrashAndComesBack(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		page := a.add(a.am1, url.Values{"name": {"绍兴黄酒集团"}})
		id := strings.TrimPrefix(page, "/customers/")
		kf := e.signIn("kf", crm.RoleService)

		body := a.body(page, "zh-CN", a.am1, 200)
		wantAll(t, "the owner's page", body, `<summary>移入回收站</summary>`, `确定将 绍兴黄酒集团 移入回收站吗？`, `30 天内可在回收站恢复`,
			`action="`+page+`/delete" id="trash-form">`, `name="version" value="1"`, `id="trash-confirm">确认移入回收站<`)
		wantNone(t, "customer service's page", a.body(page, "zh-CN", kf, 200), `id="trash-form"`)
		wantAll(t, "the owner's list", a.body("/customers", "zh-CN", a.am1, 200), `href="/customers/trash" id="trash-link">回收站<`)
		wantNone(t, "customer service's list", a.body("/customers", "zh-CN", kf, 200), `id="trash-link"`)

		// A change made meanwhile: the page's version 1 is stale.
		if r := e.post(page+"/edit", a.am1, url.Values{"version": {"1"}, "kind": {"company"}, "name": {"绍兴黄酒集团"}, "source": {"other"},
			"stage": {"general"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("edit = %d:\n%s", r.Status, r.Body)
		}
		r := e.postIn(page+"/delete", "en", a.am1, url.Values{"version": {"1"}})
		if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), `id="form-error">Someone else changed this customer after you opened the page.`) {
			t.Fatalf("a stale move to the trash = %d, want 409 with the message:\n%s", r.Status, r.Body)
		}
		a.body(page, "en", a.am1, 200)
		if r := e.post(page+"/delete", kf, url.Values{"version": {"2"}}); r.Status != http.StatusForbidden {
			t.Errorf("customer service moving it to the trash = %d, want 403", r.Status)
		}
		if r := e.post(page+"/delete", a.am2, url.Values{"version": {"2"}}); r.Status != http.StatusNotFound {
			t.Errorf("a colleague moving it to the trash = %d, want 404", r.Status)
		}

		r = e.post(page+"/delete", a.am1, url.Values{"version": {"2"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/customers/trash?notice=trashed" {
			t.Fatalf("move to the trash = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		a.body(page, "en", a.am1, 404)
		wantNone(t, "the list", a.body("/customers", "en", a.am1, 200), "绍兴黄酒集团")

		body = a.body("/customers/trash?notice=trashed", "zh-CN", a.am1, 200)
		wantAll(t, "the trash", body, `id="notice">客户已移入回收站，30 天内可在此恢复。<`, `<tr data-trashed="`+id+`">`, "绍兴黄酒集团",
			`id="restore-`+id+`">恢复<`, `action="/customers/`+id+`/restore"`)
		deleted := regexp.MustCompile(`data-deleted>([^<]+)</time>`).FindStringSubmatch(body)
		until := regexp.MustCompile(`data-until>([^<]+)</time>`).FindStringSubmatch(body)
		if deleted == nil || until == nil {
			t.Fatalf("the trash does not say when it was deleted and until when it can be restored:\n%s", body)
		}
		china := time.FixedZone("CST", 8*3600)
		d, err1 := time.ParseInLocation("2006-01-02 15:04", deleted[1], china)
		u, err2 := time.ParseInLocation("2006-01-02 15:04", until[1], china)
		if err1 != nil || err2 != nil || u.Sub(d) != 30*24*time.Hour || time.Since(d).Abs() > 2*time.Minute {
			t.Errorf("deleted %q, restorable until %q: want now and 30 days later, China time", deleted[1], until[1])
		}

		if r := e.page("/customers?trash=true", "en", a.am1); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/customers/trash" {
			t.Errorf("/customers?trash=true = %d → %q, want the trash page", r.Status, r.Header.Get("Location"))
		}
		wantNone(t, "a colleague's trash", a.body("/customers/trash", "en", a.am2, 200), "绍兴黄酒集团")
		if r := e.post("/customers/"+id+"/restore", a.am2, nil); r.Status != http.StatusNotFound {
			t.Errorf("a colleague restoring = %d, want 404", r.Status)
		}
		a.body("/customers/trash", "en", kf, 403)
		a.body("/customers/trash", "en", e.signIn("root", crm.RoleAdmin), 403)

		r = e.post("/customers/"+id+"/restore", a.am1, nil)
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?notice=restored" {
			t.Fatalf("restore = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		wantAll(t, "the restored customer", a.body(page+"?notice=restored", "zh-CN", a.am1, 200), `id="notice">客户已从回收站恢复。<`, "绍兴黄酒集团")
		wantAll(t, "the emptied trash", a.body("/customers/trash", "zh-CN", a.am1, 200), `id="trash-empty">回收站是空的。<`)

		t.Run("past 30 days it can no longer be restored", func(t *testing.T) {
			body := a.body(page, "en", a.am1, 200)
			v := regexp.MustCompile(`id="customer-version">(\d+)<`).FindStringSubmatch(body)
			if r := e.post(page+"/delete", a.am1, url.Values{"version": {v[1]}}); r.Status != http.StatusSeeOther {
				t.Fatalf("move to the trash again = %d:\n%s", r.Status, r.Body)
			}
			if _, err := e.db.Exec(t.Context(), "UPDATE customers SET deleted_at = ? WHERE id = ?", time.Now().UTC().AddDate(0, 0, -31), id); err != nil {
				t.Fatal(err)
			}
			body = a.body("/customers/trash", "en", a.am1, 200)
			wantAll(t, "the trash", body, `<span data-expired>No longer restorable</span>`)
			wantNone(t, "the trash", body, `id="restore-`+id+`"`)
			r := e.postIn("/customers/"+id+"/restore", "en", a.am1, nil)
			if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), `id="form-error">The customer was deleted more than 30 days ago and can no longer be restored.<`) {
				t.Errorf("restoring after 31 days = %d, want 409 with the message:\n%s", r.Status, r.Body)
			}
			// Erasing it is the administrator's, through the API: the
			// administrator reads no customer data, so has no trash page.
			admin := e.user("root2", crm.RoleAdmin)
			if r := e.do("DELETE", fmt.Sprintf("/api/v1/customers/%s?hard=true", id), nil, as(admin)); r.Status != http.StatusNoContent {
				t.Errorf("hard delete through the API = %d %s", r.Status, r.Body)
			}
		})
	})
}
