package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// officeXLSX is a customer list as an office makes it in Excel or WPS: a
// hidden first sheet of instructions; a merged title and a note above the
// header; a hidden column; numbers as numbers and as text, full-width
// digits, a date as a serial number and as 年月日; a development zone's
// code and region names; a formula for a name; a blank row and a summary
// row.
func officeXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "填表说明"))
	must(f.SetCellValue("填表说明", "A1", "请勿修改表头"))
	_, err := f.NewSheet("客户")
	must(err)
	f.SetActiveSheet(1)
	must(f.SetSheetVisible("填表说明", false))
	s := "客户"
	must(f.SetCellValue(s, "A1", "客户名单 2026年11月"))
	must(f.MergeCell(s, "A1", "G1"))
	must(f.SetCellValue(s, "A2", "制表：销售部　　单位：家"))
	must(f.SetSheetRow(s, "A3", &[]any{"客户名称（必填）", "联系人", "手机", "内部编号", "生日", "地区", "统一社会信用代码"}))
	must(f.SetColVisible(s, "D", false))
	must(f.SetSheetRow(s, "A4", &[]any{"苏州园区精密机械有限公司", "王伟", 13800001111, "X1", 46354, "320571", ""}))
	must(f.SetSheetRow(s, "A5", &[]any{"　南京一号贸易有限公司　", "李娜", "１３９００００２２２２", "X2", "2026年11月28日", "江苏省苏州市", usccFor(5)}))
	must(f.SetCellFormula(s, "A6", `HYPERLINK("http://example.com","某公司")`))
	must(f.SetSheetRow(s, "B6", &[]any{"赵六", "13700003333", "X3", "2026/11/28", "苏州"}))
	must(f.SetSheetRow(s, "A8", &[]any{"合计", "", "", "", "", "", "3 家"}))
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportReadsSpreadsheetsAsOfficesMakeThem(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		am := e.user("am", crm.RoleAccountManager)
		x, r := e.uploadImport(am, "客户名单.xlsx", xlsxType, officeXLSX(t))
		if r.Status != 202 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		x = e.waitImport(am, x.ID)
		if x.Status != importer.ImportChecked || x.TotalRows != 3 || x.BadRows != 1 {
			t.Fatalf("checked: %+v", x)
		}
		type line struct {
			row         int
			field, code string
			level       string
		}
		want := []line{
			{4, "region_code", importer.CodeRegionMapped, importer.LevelNotice},
			{6, "name", "formula", importer.LevelError},
			{8, "", importer.CodeSummaryRow, importer.LevelNotice},
		}
		if len(x.Problems.Items) != len(want) {
			t.Fatalf("report: %+v", x.Problems.Items)
		}
		for i, w := range want {
			p := x.Problems.Items[i]
			if p.Row != w.row || p.Field != w.field || p.Code != w.code || p.Level != w.level {
				t.Errorf("line %d = %+v, want %+v", i, p, w)
			}
		}
		if m := x.Problems.Items[1].Message; !strings.Contains(m, "A6") || !strings.Contains(m, "=HYPERLINK(") {
			t.Errorf("the formula is not named with its cell: %q", m)
		}
		if m := x.Problems.Items[0].Message; !strings.Contains(m, "320571") || !strings.Contains(m, "苏州市") {
			t.Errorf("the zone's mapping is not said: %q", m)
		}
		r = e.do("POST", fmt.Sprintf("/api/v1/imports/%d/commit", x.ID), strings.NewReader(`{"mode":"valid_only"}`), as(am))
		if r.Status != 202 {
			t.Fatalf("commit: %d %s", r.Status, r.Body)
		}
		if x = e.waitImport(am, x.ID); x.Status != importer.ImportDone || x.Inserted != 2 || x.Skipped != 1 {
			t.Fatalf("committed: %+v", x)
		}
		// Each line once: the commit's report replaces the dry run's.
		if len(x.Problems.Items) != 3 {
			t.Errorf("after the commit the report has %d lines, want 3: %+v", len(x.Problems.Items), x.Problems.Items)
		}
		for _, q := range []string{
			"SELECT COUNT(*) FROM customers WHERE name = '苏州园区精密机械有限公司' AND region_code = '320500'",
			"SELECT COUNT(*) FROM customers WHERE name = '南京一号贸易有限公司' AND region_code = '320500'",
			"SELECT COUNT(*) FROM contacts WHERE name = '王伟' AND mobile_last4 = '1111' AND birthday = '2026-11-28'",
			"SELECT COUNT(*) FROM contacts WHERE name = '李娜' AND mobile_last4 = '2222' AND birthday = '2026-11-28'",
		} {
			if n := e.countRows(q); n != 1 {
				t.Errorf("%s: %d", q, n)
			}
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers WHERE name LIKE '%合计%' OR notes = 'X1'"); n != 0 {
			t.Errorf("a summary row or a hidden column was imported")
		}

		// Taking formulas' values: the formula is no problem (its value,
		// never calculated here, is empty: the name is missing).
		y, _ := e.uploadImport(am, "客户名单.xlsx", xlsxType, officeXLSX(t), "formulas", "values", "header_row", "3", "sheet", "客户")
		y = e.waitImport(am, y.ID)
		row6 := ""
		for _, p := range y.Problems.Items {
			if p.Row == 6 {
				row6 += p.Code + " "
			}
		}
		if row6 != "required " {
			t.Errorf("formulas taken as values: row 6 reports %q: %+v", row6, y.Problems.Items)
		}
		// A header row that is not the header, and a sheet that is not there.
		_, r = e.uploadImport(am, "客户名单.xlsx", xlsxType, officeXLSX(t), "header_row", "2")
		if r.Status != 422 || !strings.Contains(string(r.Body), "mapping") {
			t.Errorf("header_row 2: %d %s", r.Status, r.Body)
		}
		_, r = e.uploadImport(am, "客户名单.xlsx", xlsxType, officeXLSX(t), "sheet", "Sheet9")
		if r.Status != 422 || !strings.Contains(string(r.Body), "填表说明") {
			t.Errorf("an unknown sheet: %d %s", r.Status, r.Body)
		}
		_, r = e.uploadImport(am, "客户名单.xlsx", xlsxType, officeXLSX(t), "header_row", "x")
		if r.Status != 422 || !strings.Contains(string(r.Body), "header_row") {
			t.Errorf("a bad header_row: %d %s", r.Status, r.Body)
		}
	})
}

func TestImportReadsGBKCSVWithATitleAndASummary(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		am := e.user("am", crm.RoleAccountManager)
		text := "客户名单（2026年11月）,,,\r\n,,,\r\n客户名称,联系人,手机,地区\r\n杭州云栖科技有限公司,王伟,1.3800001111E10,浙江省杭州市西湖区\r\n武汉良品贸易有限公司,,,420106 武昌区\r\n小计：2 家,,,\r\n"
		gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
		if err != nil {
			t.Fatal(err)
		}
		x, r := e.uploadImport(am, "客户.csv", "text/csv", []byte(gbk), "dry_run", "false", "mode", "all")
		if r.Status != 202 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		if x = e.waitImport(am, x.ID); x.Status != importer.ImportDone || x.Inserted != 2 {
			t.Fatalf("GBK import: %+v", x)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers WHERE region_code IN ('330106', '420106')"); n != 2 {
			t.Errorf("regions by name and by code with name: %d", n)
		}
		if n := e.countRows("SELECT COUNT(*) FROM contacts WHERE name = '王伟' AND mobile_last4 = '1111'"); n != 1 {
			t.Errorf("a mobile stored as a number is not read in full")
		}
	})
}

// TestImportFormFieldsMayFollowTheFile: a form whose fields come after the
// file (as curl -F file=@… -F formulas=values sends it) keeps them, and an
// unknown field after the file is still refused.
func TestImportFormFieldsMayFollowTheFile(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		am := e.user("am", crm.RoleAccountManager)
		post := func(fields ...string) response {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="file"; filename="客户名单.xlsx"`)
			h.Set("Content-Type", xlsxType)
			w, _ := mw.CreatePart(h)
			_, _ = w.Write(officeXLSX(t))
			for i := 0; i+1 < len(fields); i += 2 {
				_ = mw.WriteField(fields[i], fields[i+1])
			}
			_ = mw.Close()
			return e.do("POST", "/api/v1/imports", &body, map[string]string{"Authorization": "Bearer " + am, "Content-Type": mw.FormDataContentType()})
		}
		r := post("formulas", "values")
		var x importJSON
		if r.Status != 202 || json.Unmarshal(r.Body, &x) != nil {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		x = e.waitImport(am, x.ID)
		if x.Status != importer.ImportChecked {
			t.Fatalf("checked: %+v", x)
		}
		for _, p := range x.Problems.Items {
			if p.Code == "formula" {
				t.Errorf("formulas=values after the file was not taken: %+v", p)
			}
		}
		if r := post("bogus", "1"); r.Status != 422 || !strings.Contains(string(r.Body), "bogus") {
			t.Errorf("an unknown field after the file: %d %s", r.Status, r.Body)
		}
	})
}
