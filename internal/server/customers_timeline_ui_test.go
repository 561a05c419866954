package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm/attachment"
)

// postMultipart sends a multipart form with one file as the browser does.
func (e *env) postMultipart(path, cookie string, fields map[string]string, name string, data []byte) response {
	e.t.Helper()
	body, ct := multipartFiles(e.t, fields, "file", "application/octet-stream", map[string][]byte{name: data})
	return e.do("POST", path, body, map[string]string{"Content-Type": ct, "Cookie": "kehu_lang=zh-CN; " + cookie})
}

func TestInteractionsRecordWhenAndWhoInChinaTime(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		page := a.add(a.am1, url.Values{"name": {"嘉兴丝绸"}})
		china := time.FixedZone("CST", 8*3600)

		body := a.body(page, "zh-CN", a.am1, 200)
		m := regexp.MustCompile(`type="text" data-datetime [^>]*name="at" value="([^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the interaction form has no time input:\n%s", body)
		}
		if at, err := time.ParseInLocation("2006-01-02 15:04", m[1], china); err != nil || time.Since(at).Abs() > 2*time.Minute {
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
