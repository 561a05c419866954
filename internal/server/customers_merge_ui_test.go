package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
)

// postMultipart sends a multipart form with one file as the browser does.
func (e *env) postMultipart(path, cookie string, fields map[string]string, name string, data []byte) response {
	e.t.Helper()
	body, ct := multipartFiles(e.t, fields, "file", "application/octet-stream", map[string][]byte{name: data})
	return e.do("POST", path, body, map[string]string{"Content-Type": ct, "Cookie": "kehu_lang=zh-CN; " + cookie})
}

func TestTheTimelineTakesAttachments(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		page := a.add(a.am1, url.Values{"name": {"绍兴黄酒"}})
		fields := map[string]string{"channel": "visit", "content": "拍下仓库漏水"}

		// A refused file refuses the entry: nothing is saved, the form keeps what was typed.
		r := e.postMultipart(page+"/interactions", a.am1, fields, "漏水.html", htmlFile)
		if r.Status != http.StatusUnsupportedMediaType || !strings.Contains(string(r.Body), `id="interaction-file-error">不接受此类文件`) || !strings.Contains(string(r.Body), "拍下仓库漏水") {
			t.Fatalf("a web page as attachment = %d:\n%s", r.Status, r.Body)
		}
		r = e.postMultipart(page+"/interactions", a.am1, fields, "漏水.png", make([]byte, attachment.MaxAttachmentBytes+1))
		if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.Body), "文件超过 10 MiB 的上限") {
			t.Fatalf("an oversize attachment = %d:\n%s", r.Status, r.Body)
		}
		if r := e.postMultipart(page+"/interactions", a.am2, fields, "漏水.html", htmlFile); r.Status != http.StatusNotFound {
			t.Errorf("a teammate's refused file = %d, want 404 like any post to a customer out of scope", r.Status)
		}
		if body := a.body(page, "zh-CN", a.am1, 200); strings.Contains(body, "data-interaction=") {
			t.Fatalf("a refused entry was saved")
		}

		r = e.postMultipart(page+"/interactions", a.am1, fields, "漏水.png", pngFile)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("an entry with a photo = %d:\n%s", r.Status, r.Body)
		}
		body := a.body(page, "zh-CN", a.am1, 200)
		m := regexp.MustCompile(`data-interaction="(\d+)"`).FindStringSubmatch(body)
		att := regexp.MustCompile(`<a href="(/api/v1/attachments/(\d+))" download="漏水.png">漏水.png</a>`).FindStringSubmatch(body)
		if m == nil || att == nil {
			t.Fatalf("the timeline does not list the photo:\n%s", body)
		}
		if r := e.do("GET", att[1], nil, map[string]string{"Cookie": a.am1}); r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
			t.Errorf("downloading from the page = %d %q", r.Status, r.Header.Get("Content-Type"))
		}
		if r := e.do("GET", att[1], nil, map[string]string{"Cookie": a.am2}); r.Status != 404 {
			t.Errorf("a teammate downloads it = %d, want 404", r.Status)
		}

		// One more file on the entry, then a refused one shown beside it.
		entry := page + "/interactions/" + m[1] + "/attachments"
		if r := e.postMultipart(entry, a.am1, nil, "说明.pdf", pdfFile); r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "notice=attachment") {
			t.Fatalf("attach to the entry = %d:\n%s", r.Status, r.Body)
		}
		r = e.postMultipart(entry, a.am1, nil, "x.exe", exeFile)
		if r.Status != http.StatusUnsupportedMediaType || !strings.Contains(string(r.Body), `id="attachment-error">不接受此类文件`) {
			t.Errorf("an executable on the entry = %d:\n%s", r.Status, r.Body)
		}
		if r := e.postMultipart(entry, a.am2, nil, "y.pdf", pdfFile); r.Status != http.StatusNotFound {
			t.Errorf("a teammate attaching = %d, want 404", r.Status)
		}
		if body := a.body(page+"?notice=attachment", "en", a.am1, 200); strings.Contains(body, "⟦") {
			t.Errorf("the English customer page lacks messages:\n%s", body)
		}
		body = a.body(page+"?notice=attachment", "zh-CN", a.am1, 200)
		wantAll(t, "the entry", body, `download="说明.pdf">说明.pdf</a>`, `id="notice">附件已上传。<`)
		if n, _ := e.stored(); n != 2 {
			t.Errorf("%d attachments stored, want 2", n)
		}

		// Delete the photo.
		if r := e.post(page+"/attachments/"+att[2]+"/delete", a.am2, url.Values{}); r.Status != http.StatusNotFound {
			t.Errorf("a teammate deleting = %d, want 404", r.Status)
		}
		if r := e.post(page+"/attachments/"+att[2]+"/delete", a.am1, url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("delete = %d:\n%s", r.Status, r.Body)
		}
		if body := a.body(page, "zh-CN", a.am1, 200); strings.Contains(body, "漏水.png") || !strings.Contains(body, "说明.pdf") {
			t.Errorf("after deleting the photo the entry should list only the PDF:\n%s", body)
		}
	})
}

func TestMergingADuplicateThroughItsPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		am1 := e.formSignIn("am1")
		keep, _ := o.create(o.am1, `{"name":"苏州华达机械有限公司"}`)
		dup, r := o.create(o.am1, `{"name":"苏州华达机械 有限公司","force":true}`)
		if r.Status != 201 {
			t.Fatalf("duplicate = %d %s", r.Status, r.Body)
		}
		other, _ := o.create(o.am1, `{"name":"无锡精密铸造"}`)
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", dup.ID), strings.NewReader(`{"name":"王强","mobile":"13912345678"}`), as(o.am1))
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", dup.ID), strings.NewReader(`{"channel":"phone","content":"询价"}`), as(o.am1))
		page := fmt.Sprintf("/customers/%d", keep.ID)

		body := string(e.page(page, "zh-CN", am1).Body)
		wantAll(t, "the customer page", body, `href="`+page+`/merge" id="merge-customer"`)
		r = e.page(page+"/merge", "zh-CN", am1)
		body = string(r.Body)
		if r.Status != 200 || !strings.Contains(body, fmt.Sprintf(`data-candidate="%d"`, dup.ID)) || strings.Contains(body, fmt.Sprintf(`data-candidate="%d"`, other.ID)) {
			t.Fatalf("the merge page should offer the same-named duplicate only = %d:\n%s", r.Status, body)
		}
		body = string(e.page(page+"/merge?q="+url.QueryEscape("无锡"), "zh-CN", am1).Body)
		if !strings.Contains(body, fmt.Sprintf(`data-candidate="%d"`, other.ID)) {
			t.Errorf("searching finds other customers to merge:\n%s", body)
		}
		body = string(e.page(fmt.Sprintf("%s/merge?from=%d", page, dup.ID), "zh-CN", am1).Body)
		wantAll(t, "the preview", body, `id="merge-preview"`, `id="moves-contacts">1<`, `id="moves-interactions">1<`, `name="version" value="1"`, dup.Code)
		for _, lang := range []string{"en", "zh-CN"} {
			if body := string(e.page(fmt.Sprintf("%s/merge?from=%d", page, dup.ID), lang, am1).Body); strings.Contains(body, "⟦") {
				t.Errorf("[%s] the merge page lacks messages:\n%s", lang, body)
			}
		}
		if r := e.page(fmt.Sprintf("%s/merge?from=%d", page, keep.ID), "zh-CN", am1); r.Status != 422 || !strings.Contains(string(r.Body), `id="merge-from-error"`) {
			t.Errorf("merging into itself = %d, want 422 with the error beside the choice", r.Status)
		}
		for who, cookie := range map[string]string{"a teammate": e.formSignIn("am2"), "another team": e.formSignIn("am3")} {
			if r := e.page(page+"/merge", "zh-CN", cookie); r.Status != 404 {
				t.Errorf("%s opens the merge page = %d, want 404", who, r.Status)
			}
		}

		// A stale preview is sent back; the right one merges.
		form := url.Values{"from_id": {strconv.FormatInt(dup.ID, 10)}, "version": {"7"}}
		if r := e.post(page+"/merge", am1, form); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), `id="merge-error"`) {
			t.Errorf("a stale merge = %d, want 409 with the error:\n%s", r.Status, r.Body)
		}
		form.Set("version", "1")
		if r := e.post(page+"/merge", am1, form); r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?notice=merged" {
			t.Fatalf("merge = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		wantAll(t, "the survivor", string(e.page(page+"?notice=merged", "zh-CN", am1).Body), "客户已合并", "王强", "询价")
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", dup.ID), nil, as(o.am1)); r.Status != 404 {
			t.Errorf("the merged customer is still live: %d", r.Status)
		}
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

func TestTheCustomerPageListsItsComplaints(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		c, _ := o.create(o.am1, `{"name":"金华火腿"}`)
		r := e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"logistics","description":"到货延误"}`, c.ID)), as(clerk))
		var k struct {
			ID     int64
			Number string
		}
		if err := json.Unmarshal(r.Body, &k); err != nil || r.Status != 201 {
			t.Fatalf("complaint = %d %s", r.Status, r.Body)
		}
		page := fmt.Sprintf("/customers/%d", c.ID)
		body := string(e.page(page, "zh-CN", e.formSignIn("am1")).Body)
		wantAll(t, "the owner's view", body, fmt.Sprintf(`<a href="/complaints/%d">%s</a>`, k.ID, k.Number), `data-category="logistics">`,
			`data-status="registered">`, "data-reply-due", "data-solution-due")
		body = string(e.page(page, "en", e.formSignIn("kefu")).Body)
		wantAll(t, "the service desk's view", body, k.Number)
		if r := e.page(page, "zh-CN", e.formSignIn("am2")); r.Status != 404 {
			t.Errorf("a teammate sees the page = %d", r.Status)
		}
	})
}
