package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"regexp"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
)

// Sample files, as their bytes begin.
var (
	pngFile  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 64)...)
	pdfFile  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	htmlFile = []byte("<html><script>alert(1)</script></html>")
	svgFile  = []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	exeFile  = append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 64)...)
)

// zipFile builds a zip holding files with the given names.
func zipFile(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "<x>%s</x>", n)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// multipartFiles builds a multipart/form-data body with fields and files
// (field name → file name → bytes, each declared as contentType).
func multipartFiles(t *testing.T, fields map[string]string, field, contentType string, files map[string][]byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for name, data := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, field, name))
		h.Set("Content-Type", contentType)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(data)
	}
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

// upload sends one file to path as token.
func (e *env) upload(path, token, name, declared string, data []byte) response {
	e.t.Helper()
	return e.uploadIn("", path, token, name, declared, data)
}

// uploadIn is upload asking for answers in lang ("" for the default).
func (e *env) uploadIn(lang, path, token, name, declared string, data []byte) response {
	e.t.Helper()
	body, ct := multipartFiles(e.t, nil, "file", declared, map[string][]byte{name: data})
	h := map[string]string{"Authorization": "Bearer " + token, "Content-Type": ct}
	if lang != "" {
		h["Accept-Language"] = lang
	}
	return e.do("POST", path, body, h)
}

// stored counts attachment records and stored files.
func (e *env) stored() (records, blobs int) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.db.QueryRow(ctx, "SELECT COUNT(*) FROM attachments").Scan(&records); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.QueryRow(ctx, "SELECT COUNT(*) FROM attachment_blobs").Scan(&blobs); err != nil {
		e.t.Fatal(err)
	}
	return records, blobs
}

type attachmentJSON struct {
	ID          int64
	Name        string
	ContentType string `json:"content_type"`
	Size        int64
	SHA256      string
}

func TestInteractionAttachmentsAreCheckedStoredAndScoped(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"宁波港口机械"}`)
		r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", c.ID), strings.NewReader(`{"channel":"visit","content":"现场查看损坏"}`), as(o.am1))
		var it struct{ ID int64 }
		if err := json.Unmarshal(r.Body, &it); err != nil || r.Status != 201 {
			t.Fatalf("interaction = %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/api/v1/interactions/%d/attachments", it.ID)

		r = e.upload(path, o.am1, `..\..\etc/现场照片.png`, "application/octet-stream", pngFile)
		var a attachmentJSON
		if err := json.Unmarshal(r.Body, &a); err != nil || r.Status != 201 {
			t.Fatalf("upload = %d %s", r.Status, r.Body)
		}
		if a.Name != "现场照片.png" || a.ContentType != "image/png" || a.Size != int64(len(pngFile)) || len(a.SHA256) != 64 {
			t.Errorf("stored as %+v; want the bare name, the sniffed type, the size and the SHA-256", a)
		}
		records, blobs := e.stored()

		t.Run("refused files store nothing", func(t *testing.T) {
			tests := []struct {
				name, declared string
				data           []byte
				status         int
				says           string
			}{
				{"big.png", "image/png", append(append([]byte{}, pngFile...), make([]byte, attachment.MaxAttachmentBytes)...), 413, "10 MiB"},
				{"page.png", "image/png", htmlFile, 415, "page.png"},
				{"logo.svg", "image/svg+xml", svgFile, 415, "markup"},
				{"setup.pdf", "application/pdf", exeFile, 415, "setup.pdf"},
				{"files.zip", "application/zip", zipFile(t, "a.txt"), 415, "archive"},
				{"empty.txt", "text/plain", nil, 422, "empty"},
			}
			for _, tt := range tests {
				r := e.uploadIn("en", path, o.am1, tt.name, tt.declared, tt.data) // the refusals are checked in English
				if r.Status != tt.status || !strings.Contains(string(r.Body), tt.says) || !strings.Contains(string(r.Body), `"field":"file"`) {
					t.Errorf("%s = %d %s; want %d naming the file field and %q", tt.name, r.Status, r.Body, tt.status, tt.says)
				}
			}
			if r, b := e.stored(); r != records || b != blobs {
				t.Errorf("after refusals: %d records, %d files; want %d, %d", r, b, records, blobs)
			}
			if r := e.do("POST", path, strings.NewReader(`{}`), as(o.am1)); r.Status != 415 {
				t.Errorf("a JSON body = %d, want 415", r.Status)
			}
		})

		t.Run("Office, PDF and text pass by their bytes", func(t *testing.T) {
			for name, want := range map[string]struct {
				data []byte
				ct   string
			}{
				"报价.docx": {zipFile(t, "[Content_Types].xml", "word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
				"清单.xlsx": {zipFile(t, "[Content_Types].xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
				"报告.pdf":  {pdfFile, "application/pdf"},
				"纪要.txt":  {[]byte("客户反馈：包装破损三件。\n"), "text/plain; charset=utf-8"},
			} {
				r := e.upload(path, o.am1, name, "application/octet-stream", want.data)
				var got attachmentJSON
				_ = json.Unmarshal(r.Body, &got)
				if r.Status != 201 || got.ContentType != want.ct {
					t.Errorf("%s = %d %s, want 201 as %s", name, r.Status, r.Body, want.ct)
				}
			}
		})

		t.Run("download", func(t *testing.T) {
			r := e.do("GET", fmt.Sprintf("/api/v1/attachments/%d", a.ID), nil, as(o.mgrA))
			if r.Status != 200 || !bytes.Equal(r.Body, pngFile) {
				t.Fatalf("download = %d (%d bytes)", r.Status, len(r.Body))
			}
			if ct := r.Header.Get("Content-Type"); ct != "image/png" {
				t.Errorf("Content-Type %q, want the sniffed image/png", ct)
			}
			if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=utf-8''%E7%8E%B0") {
				t.Errorf("Content-Disposition %q, want an attachment with the UTF-8 name", cd)
			}
			if r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no X-Content-Type-Options: nosniff")
			}
			if r := e.do("GET", path, nil, as(o.mgrA)); r.Status != 200 || strings.Count(string(r.Body), `"sha256"`) != 5 {
				t.Errorf("list = %d %s, want the 5 attachments", r.Status, r.Body)
			}
		})

		t.Run("out of scope is not found", func(t *testing.T) {
			for _, tt := range []struct{ method, path string }{
				{"GET", path}, {"GET", fmt.Sprintf("/api/v1/attachments/%d", a.ID)}, {"DELETE", fmt.Sprintf("/api/v1/attachments/%d", a.ID)},
			} {
				for who, token := range map[string]string{"a teammate": o.am2, "another team's manager": o.am3, "QA": o.qa} {
					if r := e.do(tt.method, tt.path, nil, as(token)); r.Status != 404 {
						t.Errorf("%s %s by %s = %d, want 404", tt.method, tt.path, who, r.Status)
					}
				}
			}
			if r := e.upload(path, o.am2, "x.png", "image/png", pngFile); r.Status != 404 {
				t.Errorf("upload by a teammate = %d, want 404", r.Status)
			}
			if r := e.do("GET", fmt.Sprintf("/api/v1/attachments/%d", a.ID), nil, as(o.admin)); r.Status != 403 {
				t.Errorf("download by the administrator = %d, want 403", r.Status)
			}
		})

		t.Run("delete", func(t *testing.T) {
			// The same bytes twice are stored once, and stay while one uses them.
			r := e.upload(path, o.am1, "again.png", "image/png", pngFile)
			var again attachmentJSON
			_ = json.Unmarshal(r.Body, &again)
			before, blobsBefore := e.stored()
			if r := e.do("DELETE", fmt.Sprintf("/api/v1/attachments/%d", a.ID), nil, as(o.am1)); r.Status != 204 {
				t.Fatalf("delete = %d %s", r.Status, r.Body)
			}
			if n, b := e.stored(); n != before-1 || b != blobsBefore {
				t.Errorf("after deleting one of two copies: %d records, %d files; want %d, %d", n, b, before-1, blobsBefore)
			}
			if r := e.do("GET", fmt.Sprintf("/api/v1/attachments/%d", a.ID), nil, as(o.am1)); r.Status != 404 {
				t.Errorf("a deleted attachment = %d, want 404", r.Status)
			}
			e.do("DELETE", fmt.Sprintf("/api/v1/attachments/%d", again.ID), nil, as(o.am1))
			if _, b := e.stored(); b != blobsBefore-1 {
				t.Errorf("the last copy deleted: %d files, want %d", b, blobsBefore-1)
			}
		})

		t.Run("erased with their customer", func(t *testing.T) {
			// A customer erased from the trash takes its files with it,
			// except those another record still uses.
			gone, _ := o.create(o.am1, `{"name":"宁波临时客户"}`)
			r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", gone.ID), strings.NewReader(`{"channel":"phone","content":"报价"}`), as(o.am1))
			var it struct{ ID int64 }
			if err := json.Unmarshal(r.Body, &it); err != nil || r.Status != 201 {
				t.Fatalf("interaction = %d %s", r.Status, r.Body)
			}
			files := fmt.Sprintf("/api/v1/interactions/%d/attachments", it.ID)
			own := []byte("只属于这个客户的报价单 " + fmt.Sprint(gone.ID) + "\n")
			for name, data := range map[string][]byte{"报价.txt": own, "报告.pdf": pdfFile} {
				if r := e.upload(files, o.am1, name, "application/octet-stream", data); r.Status != 201 {
					t.Fatalf("upload %s = %d %s", name, r.Status, r.Body)
				}
			}
			records, blobs := e.stored()
			path := fmt.Sprintf("/api/v1/customers/%d", gone.ID)
			if r := e.do("DELETE", path, nil, as(o.am1, "If-Match", "*")); r.Status != 204 {
				t.Fatalf("trash = %d %s", r.Status, r.Body)
			}
			if r, b := e.stored(); r != records || b != blobs {
				t.Errorf("in the trash: %d records, %d files; want them kept (%d, %d) for a restore", r, b, records, blobs)
			}
			if r := e.decide(o.gm, e.pending(e.do("DELETE", path+"?hard=true", nil, as(o.admin)), "hard delete"), "approve"); r.Status != 200 {
				t.Fatalf("the GM approving the hard delete = %d %s", r.Status, r.Body) // two-person rule
			}
			if r, b := e.stored(); r != records-2 || b != blobs-1 {
				t.Errorf("erased: %d records, %d files; want %d, %d (the shared PDF stays)", r, b, records-2, blobs-1)
			}
		})

		t.Run("audited", func(t *testing.T) {
			for _, action := range []string{crm.AuditCreate, attachment.AuditDownload, crm.AuditDelete} {
				var n int
				if err := e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'attachment' AND action = ?", action).Scan(&n); err != nil || n == 0 {
					t.Errorf("no %s of an attachment in the audit log (%v)", action, err)
				}
			}
		})
	})
}

func TestComplaintAttachmentsFollowTheComplaintsScope(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		c, _ := o.create(o.am1, `{"name":"嘉兴纺织"}`)
		r := e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"product_quality","description":"布料色差"}`, c.ID)), as(clerk))
		var k struct{ ID int64 }
		if err := json.Unmarshal(r.Body, &k); err != nil || r.Status != 201 {
			t.Fatalf("complaint = %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/api/v1/complaints/%d/attachments", k.ID)
		r = e.upload(path, clerk, "色差.jpg", "image/jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"))
		var a attachmentJSON
		if err := json.Unmarshal(r.Body, &a); err != nil || r.Status != 201 || a.ContentType != "image/jpeg" {
			t.Fatalf("upload = %d %s", r.Status, r.Body)
		}
		records, blobs := e.stored()
		if r := e.upload(path, clerk, "big.jpg", "image/jpeg", make([]byte, attachment.MaxAttachmentBytes+1)); r.Status != 413 {
			t.Errorf("an oversize file = %d, want 413", r.Status)
		}
		if n, b := e.stored(); n != records || b != blobs {
			t.Errorf("an oversize file was stored")
		}
		for who, tt := range map[string]struct {
			token  string
			status int
		}{"the owner": {o.am1, 200}, "QA": {o.qa, 200}, "another team's account manager": {o.am3, 404}, "a teammate": {o.am2, 404}} {
			if r := e.do("GET", path, nil, as(tt.token)); r.Status != tt.status {
				t.Errorf("list by %s = %d, want %d", who, r.Status, tt.status)
			}
			if r := e.do("GET", fmt.Sprintf("/api/v1/attachments/%d", a.ID), nil, as(tt.token)); r.Status != tt.status {
				t.Errorf("download by %s = %d, want %d", who, r.Status, tt.status)
			}
		}
		if r := e.upload(path, o.am3, "x.jpg", "image/jpeg", pngFile); r.Status != 404 {
			t.Errorf("upload out of scope = %d, want 404", r.Status)
		}
		if r := e.upload("/api/v1/complaints/999999/attachments", clerk, "x.png", "image/png", pngFile); r.Status != 404 {
			t.Errorf("upload to a missing complaint = %d, want 404", r.Status)
		}
	})
}

func TestThePublicFormTakesAttachmentsAndRefusesBadOnes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		clerk := e.user("kefu", crm.RoleService)
		fields := map[string]string{"name": "李先生", "phone": "13911112222", "category": "product_quality", "description": "外壳开裂"}
		post := func(files map[string][]byte) response {
			body, ct := multipartFiles(t, fields, "files", "application/octet-stream", files)
			return e.do("POST", "/complain", body, map[string]string{"Content-Type": ct, "Cookie": "kehu_lang=zh-CN"})
		}
		complaints := func() (n int) {
			_ = e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM complaints").Scan(&n)
			return n
		}
		if r := e.do("GET", "/complain", nil, map[string]string{"Cookie": "kehu_lang=en"}); strings.Contains(string(r.Body), "⟦") {
			t.Errorf("the English public form lacks messages")
		}
		if r := e.do("GET", "/complain", nil, nil); !strings.Contains(string(r.Body), `type="file" name="files" multiple`) || !strings.Contains(string(r.Body), `enctype="multipart/form-data"`) {
			t.Errorf("the public form has no file input")
		}
		for name, tt := range map[string]struct {
			files  map[string][]byte
			status int
			says   string
		}{
			"an oversize file": {map[string][]byte{"大.png": make([]byte, attachment.MaxAttachmentBytes+1)}, 413, "10 MiB"},
			"a web page":       {map[string][]byte{"a.png": htmlFile}, 415, "不接受此类文件"},
			"too many files":   {map[string][]byte{"1.png": pngFile, "2.png": pngFile, "3.png": pngFile, "4.png": pngFile}, 422, "最多附 3 个文件"},
		} {
			r := post(tt.files)
			if r.Status != tt.status || !strings.Contains(string(r.Body), tt.says) || !strings.Contains(string(r.Body), `id="complain-files-error"`) || !strings.Contains(string(r.Body), "外壳开裂") {
				t.Errorf("%s = %d; want %d with %q beside the files, and the form as typed:\n%s", name, r.Status, tt.status, tt.says, r.Body)
			}
		}
		if complaints() != 0 {
			t.Fatalf("a refused form filed a complaint")
		}
		if r, b := e.stored(); r != 0 || b != 0 {
			t.Fatalf("a refused form stored files")
		}
		r := post(map[string][]byte{"开裂.png": pngFile, "说明.pdf": pdfFile})
		if r.Status != 303 {
			t.Fatalf("filing with two files = %d, want 303 to the status page:\n%s", r.Status, r.Body)
		}
		r = e.get(r.Header.Get("Location"))
		number := regexp.MustCompile(`id="complaint-number">([0-9-]+)<`).FindStringSubmatch(string(r.Body))
		if r.Status != 200 || number == nil || !strings.Contains(string(r.Body), `id="complaint-files">已随投诉保存 2 个附件`) {
			t.Fatalf("filing with two files = %d:\n%s", r.Status, r.Body)
		}
		var id int64
		if err := e.db.QueryRow(context.Background(), "SELECT id FROM complaints WHERE number = ?", number[1]).Scan(&id); err != nil {
			t.Fatal(err)
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/complaints/%d/attachments", id), nil, as(clerk))
		if r.Status != 200 || !strings.Contains(string(r.Body), "开裂.png") || !strings.Contains(string(r.Body), `"application/pdf"`) || strings.Contains(string(r.Body), "created_by") {
			t.Errorf("the service desk sees the files = %d %s", r.Status, r.Body)
		}
	})
}
