package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// gifScript is a GIF header followed by a script: a browser that opens it
// as a page runs the script.
var gifScript = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00<script>alert(document.cookie)</script>")

func TestAGIFWithAScriptNamedHTMLIsRefusedByThePublicForm(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		fields := map[string]string{"name": "王女士", "phone": "13911113333", "category": "product_quality", "description": "发票有误"}
		for lang, says := range map[string]string{"zh-CN": "网页", "en": "open as a page"} {
			for _, name := range []string{"invoice.html", "invoice.svg", "link.url", "invoice.html.", "report.pdf"} {
				body, ct := multipartFiles(t, fields, "files", "image/gif", map[string][]byte{name: gifScript})
				r := e.do("POST", "/complain", body, map[string]string{"Content-Type": ct, "Cookie": "kehu_lang=" + lang})
				page := html.UnescapeString(string(r.Body))
				want := says
				if name == "report.pdf" {
					want = map[string]string{"zh-CN": "扩展名为 .pdf，但内容是 image/gif", "en": "named .pdf, but its content is image/gif"}[lang]
				}
				if r.Status != 415 || !strings.Contains(page, `id="complain-files-error"`) || !strings.Contains(page, name) || !strings.Contains(page, want) {
					t.Errorf("%s %s = %d; want 415 naming the file and saying %q beside the files:\n%s", lang, name, r.Status, want, page)
				}
			}
		}
		var n int
		_ = e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM complaints").Scan(&n)
		if records, blobs := e.stored(); n != 0 || records != 0 || blobs != 0 {
			t.Errorf("refused forms left %d complaints, %d attachments, %d files", n, records, blobs)
		}
	})
}

func TestRenderedNamesAreRefusedByTheAPIAndOldOnesDownloadSafely(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"温州鞋业"}`)
		r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", c.ID), strings.NewReader(`{"channel":"visit","content":"发票"}`), as(o.am1))
		var it struct{ ID int64 }
		if err := json.Unmarshal(r.Body, &it); err != nil || r.Status != 201 {
			t.Fatalf("interaction = %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/api/v1/interactions/%d/attachments", it.ID)
		for _, name := range []string{"invoice.html", "a.mht", "a.scf", "a.settingcontent-ms", "a.gif.hta", "a.xml"} {
			if r := e.uploadIn("en", path, o.am1, name, "image/gif", gifScript); r.Status != 415 || !strings.Contains(string(r.Body), name) {
				t.Errorf("%s = %d %s; want 415 naming the file", name, r.Status, r.Body)
			}
		}
		r = e.upload(path, o.am1, "invoice.gif", "image/gif", gifScript)
		var a attachmentJSON
		if err := json.Unmarshal(r.Body, &a); err != nil || r.Status != 201 || a.ContentType != "image/gif" {
			t.Fatalf("invoice.gif = %d %s", r.Status, r.Body)
		}
		// A record kept before the name rules, under a name that renders.
		if _, err := e.db.Exec(context.Background(), "UPDATE attachments SET name = ? WHERE id = ?", "invoice.html", a.ID); err != nil {
			t.Fatal(err)
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/attachments/%d", a.ID), nil, as(o.am1))
		h := r.Header
		if r.Status != 200 || h.Get("Content-Type") != "image/gif" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") ||
			h.Get("Content-Disposition") != `attachment; filename=invoice.html.gif` {
			t.Errorf("download = %d %v; want image/gif as attachment invoice.html.gif, nosniff, sandbox CSP", r.Status, h)
		}
		_ = crm.RoleService
	})
}
