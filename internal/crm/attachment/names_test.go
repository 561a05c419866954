package attachment_test

import (
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/msg"
)

func TestNamesThatBrowsersOrWindowsOpenAreRefusedWhateverTheBytes(t *testing.T) {
	gifScript := []byte("GIF89a\x01\x00\x01\x00<script>alert(document.cookie)</script>")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	text := []byte("[InternetShortcut]\nURL=file://evil/share\n")
	for _, name := range []string{
		"invoice.html", "invoice.HTM", "a.xhtml", "a.svg", "a.mht", "a.mhtml", "a.shtml", "a.xml", "help.chm",
		"link.url", "a.slk", "q.iqy", "a.scf", "a.desktop", "a.settingcontent-ms", "a.appref-ms",
		"a.js", "a.vbs", "a.hta", "a.exe", "a.bat", "a.cmd", "a.ps1", "a.lnk", "invoice.html.", "invoice.html  ",
		"a.gif:b.html", "book.xlsm",
	} {
		for _, data := range [][]byte{gifScript, png, text} {
			_, err := attachment.SniffAttachment(name, data)
			if crm.ErrorCode(err) != crm.EUnsupportedType || !strings.Contains(err.Error(), name) {
				t.Errorf("%q with %.6q: %v; want unsupported_media_type naming the file", name, data, err)
			}
		}
	}
	_, err := attachment.SniffAttachment("invoice.html", gifScript)
	var e *crm.Error
	if !asErr(err, &e) || len(e.Fields) == 0 || !strings.Contains(e.Fields[0].Text.In(msg.ZhCN), "网页") || !strings.Contains(e.Fields[0].Text.In(msg.En), ".html") {
		t.Errorf("invoice.html: %v; want a message saying it opens as a page, naming .html, in both languages", err)
	}
}

func TestANameMustCarryTheExtensionOfItsDetectedType(t *testing.T) {
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00")
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	tests := []struct {
		name string
		data []byte
		ok   bool
	}{
		{"photo.gif", gif, true},
		{"photo.GIF", gif, true},
		{"photo.pdf", gif, false},
		{"photo.png", gif, false},
		{"report.pdf", pdf, true},
		{"report.docx", pdf, false},
		{"notes.txt", []byte("ok\n"), true},
		{"data.csv", []byte("a,b\n"), true},
		{"notes.pdf", []byte("ok\n"), false},
		{"noext", gif, true},
	}
	for _, tt := range tests {
		_, err := attachment.SniffAttachment(tt.name, tt.data)
		if (err == nil) != tt.ok {
			t.Errorf("%s: %v; want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && (crm.ErrorCode(err) != crm.EUnsupportedType || !strings.Contains(err.Error(), tt.name)) {
			t.Errorf("%s: %v; want unsupported_media_type naming the file", tt.name, err)
		}
	}
}

func TestAnOldRecordIsDownloadedUnderAHarmlessName(t *testing.T) {
	for in, want := range map[string]string{
		"invoice.html": "invoice.html.gif", "photo.gif": "photo.gif", "photo": "photo.gif", "x.pdf": "x.pdf.gif", "a.svg.": "a.svg.gif",
	} {
		if got := attachment.DownloadName(attachment.Attachment{Name: in, ContentType: "image/gif"}); got != want {
			t.Errorf("%q downloads as %q, want %q", in, got, want)
		}
	}
}

func asErr(err error, target **crm.Error) bool {
	e, ok := err.(*crm.Error)
	*target = e
	return ok
}
