package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// officeWorkbook is a workbook as offices make them: a hidden first sheet,
// a merged title row and a note above the header, a hidden column, a
// formula, numbers stored as numbers and as text, a blank row and a
// summary row.
func officeWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "说明"))
	must(f.SetCellValue("说明", "A1", "填表说明：请勿修改表头"))
	_, err := f.NewSheet("客户")
	must(err)
	f.SetActiveSheet(1) // the active sheet cannot be hidden
	must(f.SetSheetVisible("说明", false))
	s := "客户"
	must(f.SetCellValue(s, "A1", "客户名单 2026年11月"))
	must(f.MergeCell(s, "A1", "F1"))
	must(f.SetCellValue(s, "A2", "制表：销售部"))
	must(f.SetSheetRow(s, "A3", &[]any{"客户名称", "手机", "内部编号", "生日", "联系人", "地区"}))
	must(f.SetColVisible(s, "C", false))
	must(f.SetSheetRow(s, "A4", &[]any{"杭州云栖科技有限公司", 13800001111, "X1", 46354, "王伟", "320571"}))
	must(f.SetSheetRow(s, "A5", &[]any{"南京一号贸易有限公司", "１３９００００２２２２", "X2", "2026年11月28日", "李娜", "江苏省苏州市"}))
	must(f.SetCellFormula(s, "A6", `HYPERLINK("http://example.com","某公司")`))
	must(f.SetSheetRow(s, "B6", &[]any{"13700003333", "X3", "2026/11/28", "赵六", "苏州"}))
	// row 7 blank
	must(f.SetSheetRow(s, "A8", &[]any{"合计", "", "", "", "3 条"}))
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(t *testing.T, rows RowReader, mapping map[string]string) ([]ImportColumn, int, [][]string, []int, []map[int]string) {
	t.Helper()
	cols, hdr, err := locateHeader(rows, mapping, "en")
	if err != nil {
		t.Fatalf("header: %v", err)
	}
	var recs [][]string
	var nums []int
	var fs []map[int]string
	for {
		rec, n, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, append([]string(nil), rec...))
		nums = append(nums, n)
		var f map[int]string
		if fr, ok := rows.(formulaReader); ok {
			f = fr.Formulas()
		}
		fs = append(fs, f)
	}
	return cols, hdr, recs, nums, fs
}

func TestAWorkbookAsOfficesMakeItIsReadBelowItsTitle(t *testing.T) {
	rows, err := OpenSheet(bytes.NewReader(officeWorkbook(t)), "xlsx", "")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, hdr, recs, nums, formulas := readAll(t, rows, nil)
	if hdr != 3 {
		t.Fatalf("header found on row %d, want 3 (below the title and the note)", hdr)
	}
	want := []string{FieldName, FieldContactMobile, "", FieldContactBirthday, FieldContactName, FieldRegion}
	for i, c := range cols {
		if c.Field != want[i] {
			t.Errorf("column %d %s → %q, want %q", i, c.Header, c.Field, want[i])
		}
	}
	if !cols[2].Hidden {
		t.Errorf("the hidden column is not marked hidden: %+v", cols[2])
	}
	if len(recs) != 4 || nums[0] != 4 || nums[3] != 8 {
		t.Fatalf("rows %v numbered %v", recs, nums)
	}
	if recs[0][1] != "13800001111" || recs[0][3] != "46354" {
		t.Errorf("numbers are not read as written: %q", recs[0])
	}
	if formulas[2][0] != `=HYPERLINK("http://example.com","某公司")` {
		t.Errorf("the formula of A6 = %v", formulas[2])
	}
	if !isSummaryRow(recs[3]) || isSummaryRow(recs[0]) {
		t.Errorf("summary row not told apart")
	}
	// A mapping names the hidden column; the header row can be given.
	rows2, _ := OpenSheet(bytes.NewReader(officeWorkbook(t)), "xlsx", "客户")
	defer rows2.Close()
	cols, hdr, _, _, _ = readAll(t, rows2, map[string]string{"内部编号": "notes", OptHeaderRow: "3"})
	if hdr != 3 || cols[2].Field != FieldNotes {
		t.Errorf("a mapped hidden column: %+v (header %d)", cols[2], hdr)
	}
	// The hidden sheet is read when asked for by name or index.
	rows3, _ := OpenSheet(bytes.NewReader(officeWorkbook(t)), "xlsx", "1")
	defer rows3.Close()
	if rec, n, err := rows3.Next(); err != nil || n != 1 || rec[0] != "填表说明：请勿修改表头" {
		t.Errorf("sheet 1: %q %d %v", rec, n, err)
	}
	if _, err := OpenSheet(bytes.NewReader(officeWorkbook(t)), "xlsx", "Sheet9"); crm.ErrorCode(err) != crm.EInvalid || !strings.Contains(err.Error(), "sheet") {
		t.Errorf("an unknown sheet: %v", err)
	}
}

func TestACellMergedDownAColumnIsReadOnEveryRowItCovers(t *testing.T) {
	f := excelize.NewFile()
	s := "Sheet1"
	_ = f.SetSheetRow(s, "A1", &[]any{"客户名称", "负责人", "备注"})
	_ = f.SetSheetRow(s, "A2", &[]any{"甲公司", "zhang", "一"})
	_ = f.SetSheetRow(s, "A3", &[]any{"乙公司", "", ""})
	_ = f.SetSheetRow(s, "A4", &[]any{"丙公司"})
	_ = f.SetSheetRow(s, "A5", &[]any{"丁公司", "li"})
	_ = f.MergeCell(s, "B2", "B4")
	_ = f.MergeCell(s, "C2", "D2") // across: stays in its first cell
	var buf bytes.Buffer
	_, _ = f.WriteTo(&buf)
	rows, err := OpenSheet(bytes.NewReader(buf.Bytes()), "xlsx", "")
	if err != nil {
		t.Fatal(err)
	}
	_, _, recs, _, _ := readAll(t, rows, nil)
	var owners []string
	for _, r := range recs {
		owners = append(owners, r[1])
	}
	if strings.Join(owners, ",") != "zhang,zhang,zhang,li" {
		t.Errorf("owners read %q, want zhang on the three merged rows", owners)
	}
	if len(recs[0]) > 3 && recs[0][3] != "" {
		t.Errorf("a merge across columns was copied: %q", recs[0])
	}
}

func TestCSVInEveryEncodingOfficesSave(t *testing.T) {
	text := "客户名单\n\n客户名称,手机\n杭州云栖科技有限公司,13800001111\n合计,1\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"utf-8": text, "utf-8 with BOM": "\ufeff" + text, "GBK": gbk} {
		rows, err := OpenSheet(strings.NewReader(body), "csv", "")
		if err != nil {
			t.Fatal(err)
		}
		_, hdr, recs, _, _ := readAll(t, rows, nil)
		if hdr != 3 || len(recs) != 2 || recs[0][0] != "杭州云栖科技有限公司" || !isSummaryRow(recs[1]) {
			t.Errorf("%s: header %d rows %q", name, hdr, recs)
		}
	}
}

func TestCellsAreReadAsPeopleWriteThem(t *testing.T) {
	for in, want := range map[string]string{
		"46354": "2026-11-28", "2026年11月28日": "2026-11-28", "2026/11/28": "2026-11-28", "2026-11-28": "2026-11-28",
		"２０２６－１１－２８": "2026-11-28", "20261128": "2026-11-28", "11月28日": "11-28", "2026-02-30": "", "明天": "",
	} {
		got, ok := ParseDate(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseDate(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for in, want := range map[string]string{
		"1.3800001111E10": "13800001111", "13800001111.0": "13800001111", "　13800001111　": "13800001111",
		"１３８００００１１１１": "13800001111", "'+8613800001111": "+8613800001111",
	} {
		if got := cellText(FieldContactMobile, in); got != want {
			t.Errorf("mobile %q → %q, want %q", in, got, want)
		}
	}
	if got := cellText(FieldName, "'=HYPERLINK(1)"); got != "=HYPERLINK(1)" {
		t.Errorf("the export's formula guard is kept: %q", got)
	}
	if got := cellText(FieldName, "'Kehu"); got != "'Kehu" {
		t.Errorf("an apostrophe that guards nothing is dropped: %q", got)
	}
	for _, row := range [][]string{{"合计"}, {"", "小计：", "9"}, {"总计 9 条"}, {"Total", "9"}, {"共计9条"}} {
		if !isSummaryRow(row) {
			t.Errorf("%q is not taken for a summary row", row)
		}
	}
	for _, row := range [][]string{{"汇总科技有限公司"}, {"Totalcare Ltd"}, {"杭州", "合计"}} {
		if isSummaryRow(row) {
			t.Errorf("%q is taken for a summary row", row)
		}
	}
	if ownerUsername("张三 (zhang)") != "zhang" || ownerUsername("zhang") != "zhang" || ownerUsername("张三（zhang）") != "zhang" {
		t.Error("the export's owner cell is not read back")
	}
}

func TestLimitsOnWhatAFileExpandsTo(t *testing.T) {
	wide := strings.Repeat("a,", MaxImportColumns+1) + "a\n"
	code := func(err error) string {
		var e *crm.Error
		if errors.As(err, &e) && len(e.Fields) == 1 {
			return e.Fields[0].Code
		}
		return ""
	}
	rows, _ := OpenSheet(strings.NewReader(wide), "csv", "")
	if _, _, err := rows.Next(); code(err) != "too_many_columns" {
		t.Errorf("a row too wide: %v", err)
	}
	wb := excelize.NewFile()
	_ = wb.SetCellValue("Sheet1", "A1", "客户名称")
	_ = wb.SetCellValue("Sheet1", "ALN1", "太宽") // column 1002
	var buf bytes.Buffer
	_, _ = wb.WriteTo(&buf)
	xr, err := OpenSheet(bytes.NewReader(buf.Bytes()), "xlsx", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := xr.Next(); code(err) != "too_many_columns" {
		t.Errorf("a workbook row too wide: %v", err)
	}
	// A workbook that says it unpacks to more than the limit.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Store, UncompressedSize64: MaxUnzippedBytes + 1})
	_, _ = w.Write([]byte("<worksheet/>"))
	_ = zw.Close()
	if _, err := OpenSheet(bytes.NewReader(bomb.Bytes()), "xlsx", ""); code(err) != "too_large" {
		t.Errorf("a workbook unpacking past the limit: %v", err)
	}
	long := "客户名称\n" + strings.Repeat("长", MaxCellChars+1) + "\n"
	rows, _ = OpenSheet(strings.NewReader(long), "csv", "")
	_, _, _ = rows.Next()
	if _, _, err := rows.Next(); code(err) != "cell_too_long" {
		t.Errorf("a cell too long: %v", err)
	}
}
