package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// workbookWith builds a minimal workbook whose one sheet's XML is sheet,
// deflated; extra parts are added as empty files.
func workbookWith(t testing.TB, sheet io.Reader, extra int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	put := func(name string, r io.Reader) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
	}
	put("[Content_Types].xml", strings.NewReader(`<Types/>`))
	put("xl/workbook.xml", strings.NewReader(`<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	put("xl/_rels/workbook.xml.rels", strings.NewReader(`<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`))
	put("xl/worksheets/sheet1.xml", sheet)
	for i := 0; i < extra; i++ {
		put(fmt.Sprintf("xl/media/x%d.bin", i), strings.NewReader(""))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rowsXML streams a sheet of n rows of one number each, with a declared
// extent when dim is set.
func rowsXML(n int, dim string, cell string) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		bw := &bytes.Buffer{}
		bw.WriteString(`<worksheet>`)
		if dim != "" {
			bw.WriteString(`<dimension ref="` + dim + `"/>`)
		}
		bw.WriteString(`<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>客户名称</t></is></c></row>`)
		for i := 2; i <= n+1; i++ {
			fmt.Fprintf(bw, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>`, i, i, cell)
			if bw.Len() > 1<<20 {
				_, _ = pw.Write(bw.Bytes())
				bw.Reset()
			}
		}
		bw.WriteString(`</sheetData></worksheet>`)
		_, _ = pw.Write(bw.Bytes())
		_ = pw.Close()
	}()
	return pr
}

// refusal is an error's code, its field's code and its text in both languages.
func refusal(err error) (code, field, zh, en string) {
	var e *crm.Error
	if !errors.As(err, &e) {
		return "", "", "", ""
	}
	if len(e.Fields) > 0 {
		field, zh, en = e.Fields[0].Code, e.Fields[0].Text.In(msg.ZhCN), e.Fields[0].Text.In(msg.En)
	}
	return e.Code, field, zh, en
}

// readEvery reads every row of a file, returning the first error.
func readEvery(data []byte, fileType string) error {
	rows, err := OpenSheet(bytes.NewReader(data), fileType, "")
	if err != nil {
		return err
	}
	defer rows.Close()
	for {
		if _, _, err := rows.Next(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// allocated runs fn and returns the bytes it allocated in all.
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func TestHostileFilesAreRefusedNamingTheLimitInBoundedMemory(t *testing.T) {
	zeros := bytes.Repeat([]byte("<row/>"), 64<<20/6) // 64 MiB that packs to ~100 KiB
	bomb := workbookWith(t, bytes.NewReader(append([]byte("<worksheet><sheetData>"), zeros...)), 0)
	fiveMillion := workbookWith(t, rowsXML(20, "A1:A5000001", "x"), 0)
	manyParts := workbookWith(t, strings.NewReader("<worksheet/>"), MaxZipEntries)
	hugeCell := workbookWith(t, rowsXML(1, "", strings.Repeat("长", MaxCellChars+1)), 0)
	longLine := append([]byte("客户名称,备注\n甲,"), bytes.Repeat([]byte("a"), MaxCSVLineBytes+1)...)
	tests := []struct {
		name     string
		data     []byte
		fileType string
		code     string // the error's code: 413 or 422
		field    string
		says     string // in English
		zhSays   string
	}{
		{"a zip bomb", bomb, "xlsx", crm.ETooLarge, "too_large", "limit of 200 times", "上限 200 倍"},
		{"a sheet declaring 5 million rows", fiveMillion, "xlsx", crm.ETooLarge, "too_large", "more than 1000000 rows", "超过 1000000 行"},
		{"a workbook of 10,001 parts", manyParts, "xlsx", crm.ETooLarge, "too_large", "limit of 10000", "上限 10000"},
		{"a workbook cell too long", hugeCell, "xlsx", crm.EInvalid, "cell_too_long", "longer than 32767", "32767"},
		{"a CSV line too long", longLine, "csv", crm.ETooLarge, "too_large", "line 2 of the file is longer than the limit of 4 MiB", "第 2 行超过上限 4 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			used := allocated(func() { err = readEvery(tt.data, tt.fileType) })
			code, field, zh, en := refusal(err)
			if code != tt.code || field != tt.field || !strings.Contains(en, tt.says) || !strings.Contains(zh, tt.zhSays) {
				t.Errorf("%v (%s %s %s / %s); want %s %s saying %q / %q", err, code, field, en, zh, tt.code, tt.field, tt.says, tt.zhSays)
			}
			if used > 64<<20 {
				t.Errorf("refusing it allocated %d MiB; want under 64", used>>20)
			}
		})
	}
}

func TestAWorkbookThatLiesAboutItsSizeStopsAtWhatItSaid(t *testing.T) {
	// The entry says 1 KiB; the data unpacks to 64 MiB.
	var packed bytes.Buffer
	fw, _ := flate.NewWriter(&packed, flate.BestSpeed)
	_, _ = fw.Write([]byte("<worksheet><sheetData>"))
	_, _ = fw.Write(bytes.Repeat([]byte("<row/>"), 64<<20/6))
	_ = fw.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range map[string]string{
		"xl/workbook.xml":            `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	} {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte(body))
	}
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CompressedSize64: uint64(packed.Len()), UncompressedSize64: 1024})
	_, _ = w.Write(packed.Bytes())
	_ = zw.Close()
	var err error
	used := allocated(func() { err = readEvery(b.Bytes(), "xlsx") })
	if err == nil {
		t.Error("a workbook unpacking past what it declares was read")
	}
	if used > 64<<20 {
		t.Errorf("reading it allocated %d MiB; want under 64", used>>20)
	}
}

func TestRowsPastTheLimitAreRefusedAsTheyAreCounted(t *testing.T) {
	old := MaxImportRows
	MaxImportRows = 1000
	defer func() { MaxImportRows = old }()
	// No declared extent: the rows are counted as they are read.
	err := readEvery(workbookWith(t, rowsXML(1100, "", "x"), 0), "xlsx")
	if _, field, _, en := refusal(err); field != "too_many_rows" || !strings.Contains(en, "1000 rows") {
		t.Errorf("1,100 rows over a limit of 1,000: %v", err)
	}
	csv := "客户名称\n" + strings.Repeat("甲\n", 1100)
	if _, field, _, _ := refusal(readEvery([]byte(csv), "csv")); field != "too_many_rows" {
		t.Errorf("1,100 CSV rows over a limit of 1,000 are read")
	}
	if err := readEvery([]byte("客户名称\n"+strings.Repeat("甲\n", 900)), "csv"); err != nil {
		t.Errorf("900 rows under a limit of 1,000: %v", err)
	}
}

func TestTheReportKeepsTheFirstProblemsOnly(t *testing.T) {
	var c problemCap
	kept := 0
	for i := 0; i < 3000; i++ {
		kept += len(c.keep(make([]ImportProblem, 7)))
	}
	if kept != MaxReportedProblems {
		t.Errorf("kept %d lines of 21,000; want %d", kept, MaxReportedProblems)
	}
	resumed := problemCap{n: MaxReportedProblems - 3}
	if n := len(resumed.keep(make([]ImportProblem, 10))); n != 3 {
		t.Errorf("a resumed report kept %d more lines; want 3", n)
	}
}

func TestALongCSVLineIsFoundAcrossChunks(t *testing.T) {
	var g lineGuard
	if err := g.feed([]byte("客户名称,备注\n甲,")); err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	var err error
	for i := 0; i < 5 && err == nil; i++ {
		err = g.feed(chunk)
	}
	if _, _, _, en := refusal(err); !strings.Contains(en, "line 2") {
		t.Errorf("a 5 MiB second line sent in 1 MiB chunks: %v", err)
	}
	var ok lineGuard
	for i := 0; i < 20; i++ {
		if err := ok.feed(append(bytes.Repeat([]byte("b"), 1<<19), '\n')); err != nil {
			t.Fatalf("half-MiB lines: %v", err)
		}
	}
}
