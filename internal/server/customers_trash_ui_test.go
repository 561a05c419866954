package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

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
			// … and, two people deciding (三员分立), the GM approves it.
			d := e.pending(e.do("DELETE", fmt.Sprintf("/api/v1/customers/%s?hard=true", id), nil, as(admin)), "the administrator's hard delete")
			if r := e.decide(e.user("boss", crm.RoleGM), d, "approve"); r.Status != http.StatusOK {
				t.Errorf("the GM approving the erasure = %d %s", r.Status, r.Body)
			}
		})
	})
}
