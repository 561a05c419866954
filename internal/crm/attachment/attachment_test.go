package attachment_test

import (
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

func TestAttachmentTypesComeFromTheBytes(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	tests := []struct {
		name string
		data []byte
		want string // "" for refused
	}{
		{"a.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "image/png"},
		{"a.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "image/jpeg"},
		{"a.txt", []byte("hello, 你好\n"), "text/plain; charset=utf-8"},
		{"gbk.txt", []byte{0xc4, 0xe3, 0xba, 0xc3, '\n'}, "text/plain"}, // 你好 in GBK
		{"old.xls", ole, "application/vnd.ms-excel"},
		{"old.doc", ole, "application/msword"},
		{"setup.msi", ole, ""},
		{"page.txt", []byte("  <!DOCTYPE html><p>x"), ""},
		{"feed.txt", []byte("<?xml version=\"1.0\"?><a/>"), ""},
		{"x.png", []byte("MZ\x90\x00"), ""},
	}
	for _, tt := range tests {
		got, err := attachment.SniffAttachment(tt.name, tt.data)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("%s: %q, %v; want %q", tt.name, got, err, tt.want)
		}
		if err != nil && (crm.ErrorCode(err) != crm.EUnsupportedType || !strings.Contains(err.Error(), tt.name)) {
			t.Errorf("%s: %v, want unsupported_media_type naming the file", tt.name, err)
		}
	}
}

func TestUploadsAreLabelledNotPathed(t *testing.T) {
	for in, want := range map[string]string{`C:\Users\李\现场.png`: "现场.png", "../../etc/passwd.png": "passwd.png", "a\x00b\r\n.png": "ab.png", "": "attachment.png", "..": "attachment.png", "报告": "报告.png", "scan.png. ": "scan.png"} {
		a, err := attachment.CheckUpload(attachment.Upload{Name: in, Data: []byte("\x89PNG\r\n\x1a\n")})
		if err != nil || a.Name != want {
			t.Errorf("%q: %q, %v; want %q", in, a.Name, err, want)
		}
	}
	if _, err := attachment.CheckUpload(attachment.Upload{Name: "big.png", Data: make([]byte, attachment.MaxAttachmentBytes+1)}); crm.ErrorCode(err) != crm.ETooLarge || !strings.Contains(err.Error(), "10 MiB") {
		t.Errorf("oversize: %v, want payload_too_large naming 10 MiB", err)
	}
}

func TestNameSortKeyFollowsPinyin(t *testing.T) {
	// 长安 reads chang an in a name, so 常州长安 comes before 常州云杉 (not
	// after, as zhang an would), and 重庆 (chong qing) among the ch-.
	names := []string{"大连港务", "ABC 贸易", "安徽合力", "北京燕山石化分公司", "北京燕山石化", "成都天府", "常州云杉机械", "常州长安纺织", "重庆山城"}
	want := []string{"ABC 贸易", "安徽合力", "北京燕山石化", "北京燕山石化分公司", "常州长安纺织", "常州云杉机械", "成都天府", "重庆山城", "大连港务"}
	keys := map[string]string{}
	for _, n := range names {
		keys[n] = customer.NameSortKey(n)
	}
	for i := 1; i < len(want); i++ {
		if keys[want[i-1]] >= keys[want[i]] {
			t.Errorf("%s (%q) should sort before %s (%q)", want[i-1], keys[want[i-1]], want[i], keys[want[i]])
		}
	}
}
