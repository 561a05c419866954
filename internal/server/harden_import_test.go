package server_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"testing"
)

// bombWorkbook is a workbook of a few hundred KiB whose sheet unpacks to
// 64 MiB.
func bombWorkbook(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	for name, body := range map[string]string{
		"[Content_Types].xml":        `<Types/>`,
		"xl/workbook.xml":            `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	} {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte(body))
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	_, _ = w.Write([]byte("<worksheet><sheetData>"))
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < 64; i++ {
		_, _ = w.Write(chunk)
	}
	_ = zw.Close()
	return b.Bytes()
}

func TestAZipBombImportIsRefusedNamingTheLimitAndTheQueueGoesOn(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		o := newOrg(e)
		bomb := bombWorkbook(t)
		before := e.countRows("SELECT COUNT(*) FROM imports")
		for lang, says := range map[string]string{"en": "limit of 200 times", "zh-CN": "上限 200 倍"} {
			_, r := e.uploadImportIn(lang, o.am1, "客户.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bomb)
			if r.Status != 413 || !strings.Contains(string(r.Body), says) {
				t.Errorf("%s: a zip bomb of %d KiB = %d %s; want 413 saying %q", lang, len(bomb)>>10, r.Status, r.Body, says)
			}
		}
		long := append([]byte("客户名称,备注\n甲,"), bytes.Repeat([]byte("a"), 5<<20)...)
		if _, r := e.uploadImportIn("en", o.am1, "客户.csv", "text/csv", long); r.Status != 413 || !strings.Contains(string(r.Body), "longer than the limit of 4 MiB") {
			t.Errorf("a 5 MiB CSV line = %d %s; want 413 naming the limit", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM imports"); n != before {
			t.Errorf("refused files left %d imports", n-before)
		}
		// The queue still works the next import.
		x, r := e.uploadImport(o.am1, "客户.csv", "text/csv", []byte("客户名称\n杭州云栖科技有限公司\n"), "dry_run", "false", "mode", "valid_only")
		if r.Status != 201 && r.Status != 202 {
			t.Fatalf("a good import after the refusals = %d %s", r.Status, r.Body)
		}
		if x = e.waitImport(o.am1, x.ID); x.Status != "done" || x.Inserted != 1 {
			t.Errorf("the next import = %+v; want done with 1 inserted", x)
		}
		_ = fmt.Sprint()
	})
}
