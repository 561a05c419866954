package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm/importer"
)

// TestImportReportIsReadInTheReadersLanguage: the report is kept as keys
// and arguments, so an import uploaded in Chinese reads in English for an
// English reader, and in Chinese again for a Chinese one.
func TestImportReportIsReadInTheReadersLanguage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		o := newOrg(e)
		csv := "客户名称,统一社会信用代码,客户阶段\n" +
			",,重要\n" + // 2 no name
			"南京坏码科技有限公司,91320106MA1XX,\n" + // 3 a short USCC (a cn problem)
			"成都好客户有限公司,,未知阶段\n" + // 4 an unknown stage (the report's own Chinese words)
			"武汉良品贸易有限公司,,\n" + // 5 good
			"武汉良品贸易有限公司,,\n" // 6 the same name as row 5
		x, r := e.uploadImportIn("zh-CN", o.am2, "客户.csv", "text/csv", []byte(csv), "dry_run", "false", "mode", importer.ImportAll)
		if r.Status != 202 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		x = e.waitImport(o.am2, x.ID)
		if x.Status != importer.ImportChecked || x.BadRows != 4 || len(x.Problems.Items) != 4 || x.Message == "" {
			t.Fatalf("after the dry run: %+v", x)
		}
		read := func(lang string) importJSON {
			t.Helper()
			var got importJSON
			r := e.do("GET", fmt.Sprintf("/api/v1/imports/%d", x.ID), nil, as(o.am2, "Accept-Language", lang))
			if r.Status != 200 || json.Unmarshal(r.Body, &got) != nil {
				t.Fatalf("GET import: %d %s", r.Status, r.Body)
			}
			return got
		}
		en, zh := read("en"), read("zh-CN")
		for i, texts := range [][2]string{{en.Message, zh.Message}, {en.Problems.Items[0].Message, zh.Problems.Items[0].Message},
			{en.Problems.Items[1].Message, zh.Problems.Items[1].Message}, {en.Problems.Items[2].Message, zh.Problems.Items[2].Message},
			{en.Problems.Items[3].Message, zh.Problems.Items[3].Message}} {
			if hasHan(texts[0]) || texts[0] == "" {
				t.Errorf("text %d read in English: %q", i, texts[0])
			}
			if !hasHan(texts[1]) || englishPhrase.MatchString(texts[1]) {
				t.Errorf("text %d read in Chinese: %q", i, texts[1])
			}
		}
		if m := zh.Problems.Items[2].Message; !strings.Contains(m, "潜在、一般") {
			t.Errorf("the Chinese report names the options as the importer reads them: %q", m)
		}
		if m := en.Problems.Items[3].Message; !strings.Contains(m, "5") {
			t.Errorf("a duplicate within the file names the first row in English too: %q", m)
		}
	})
}
