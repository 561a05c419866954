package server_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// uploadPage posts a file through the wizard's form as the cookie's user.
func (e *env) uploadPage(cookie, filename, contentType string, content []byte) response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if filename != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, filename))
		h.Set("Content-Type", contentType)
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(content)
	}
	_ = mw.Close()
	return e.do("POST", "/imports", &body, map[string]string{"Cookie": cookie, "Content-Type": mw.FormDataContentType()})
}

// waitPage polls the progress fragment until it asks for a reload.
func (e *env) waitPage(cookie, path string) {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r := e.page(path+"/progress", "zh-CN", cookie)
		if r.Status != 200 {
			e.t.Fatalf("progress: %d %s", r.Status, r.Body)
		}
		if r.Header.Get("HX-Refresh") == "true" {
			return
		}
		if !strings.Contains(string(r.Body), `hx-trigger="every 1s"`) || !strings.Contains(string(r.Body), "<progress") {
			e.t.Fatalf("a running import's fragment polls and shows a bar: %s", r.Body)
		}
		time.Sleep(30 * time.Millisecond)
	}
	e.t.Fatal("the import did not finish in 30s")
}

func TestTheImportWizardWalksFromUploadToDone(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		am := e.signIn("am", crm.RoleAccountManager)
		kefu := e.signIn("kefu", crm.RoleService)

		if r := e.page("/customers", "zh-CN", am); !strings.Contains(string(r.Body), `href="/imports" id="import-link"`) {
			t.Fatalf("the customer list links the wizard: %s", r.Body)
		}
		for lang, title := range map[string]string{"zh-CN": "导入客户", "en": "Import customers"} {
			r := e.page("/imports", lang, am)
			if r.Status != 200 || !strings.Contains(string(r.Body), title) || !strings.Contains(string(r.Body), `enctype="multipart/form-data" id="import-upload"`) {
				t.Errorf("upload step in %s: %d %s", lang, r.Status, r.Body)
			}
		}
		if r := e.page("/imports", "zh-CN", kefu); r.Status != 403 {
			t.Errorf("a role that may not add customers: %d", r.Status)
		}
		if r := e.uploadPage(kefu, "a.csv", "text/csv", []byte("客户名称\n甲\n")); r.Status != 403 {
			t.Errorf("a role that may not add customers uploads: %d", r.Status)
		}
		if r := e.uploadPage(am, "", "", nil); r.Status != 422 || !strings.Contains(string(r.Body), `id="form-error"`) {
			t.Errorf("no file: %d %s", r.Status, r.Body)
		}
		if r := e.uploadPage(am, "a.png", "image/png", []byte("\x89PNG")); r.Status != 415 || !strings.Contains(string(r.Body), ".xlsx") {
			t.Errorf("an image: %d %s", r.Status, r.Body)
		}

		csv := "客户名称,手机,备注\n南京甲公司,12345,\n南京乙公司,13800138000,老客户\n"
		r := e.uploadPage(am, "客户.csv", "text/csv", []byte(csv))
		loc := r.Header.Get("Location")
		if r.Status != 303 || !strings.HasPrefix(loc, "/imports/") {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		e.waitPage(am, loc)
		body := string(e.page(loc, "zh-CN", am).Body)
		wantAll(t, "the report", body, `id="bad-rows"`, `data-row="2" data-field="contact_mobile"`, `<td>手机</td>`,
			`id="import-mapping"`, `name="col_1"`, `id="commit-all" disabled`, `id="commit-valid"`, "已校验 2 行，其中 2 行有问题")
		// 乙 has a mobile but no contact name: ignore the mobile column and check again.
		r = e.post(loc+"/mapping", am, url.Values{"col_0": {"name"}, "col_1": {"-"}, "col_2": {"notes"}})
		if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "notice=remapped") {
			t.Fatalf("remap: %d %s", r.Status, r.Body)
		}
		e.waitPage(am, loc)
		body = string(e.page(loc, "en", am).Body)
		wantAll(t, "after the new mapping", body, "2 rows checked, 0 bad.", `id="no-bad-rows"`, `<option value="-" selected>`)
		if strings.Contains(body, `id="commit-all" disabled`) {
			t.Error("all rows may be imported once none is bad")
		}
		r = e.post(loc+"/commit", am, url.Values{"mode": {"all"}})
		if r.Status != 303 {
			t.Fatalf("commit: %d %s", r.Status, r.Body)
		}
		e.waitPage(am, loc)
		body = string(e.page(loc, "zh-CN", am).Body)
		wantAll(t, "done", body, `id="import-done"`, "已导入 2 个客户，跳过 0 行", `data-status="done"`)
		if strings.Contains(body, `id="import-commit"`) || strings.Contains(body, `id="import-mapping"`) {
			t.Error("a done import offers no commit or mapping")
		}
		if r := e.post(loc+"/commit", am, url.Values{"mode": {"all"}}); r.Status != 409 {
			t.Errorf("committing twice: %d", r.Status)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers WHERE notes = '老客户'"); n != 1 {
			t.Errorf("imported with the mapping: %d", n)
		}
		// The list shows the import; another user cannot open it.
		if body := string(e.page("/imports", "zh-CN", am).Body); !strings.Contains(body, "客户.csv") || !strings.Contains(body, "已完成") {
			t.Errorf("recent imports: %s", body)
		}
		other := e.signIn("am_b", crm.RoleAccountManager)
		if r := e.page(loc, "zh-CN", other); r.Status != 404 {
			t.Errorf("another's import: %d", r.Status)
		}
	})
}
