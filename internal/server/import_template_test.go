package server_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
)

const templateXLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// workbook opens a downloaded workbook.
func workbook(t *testing.T, r response) *excelize.File {
	t.Helper()
	if r.Status != 200 || r.Header.Get("Content-Type") != templateXLSXType || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("a workbook download = %d %v: %.200s", r.Status, r.Header, r.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the download is no workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// commitAll commits a checked import through the API and waits for it.
func (e *env) commitAll(token string, id int64) importJSON {
	e.t.Helper()
	if r := e.do("POST", fmt.Sprintf("/api/v1/imports/%d/commit", id), strings.NewReader(`{"mode":"all"}`), as(token)); r.Status != 202 {
		e.t.Fatalf("commit %d: %d %s", id, r.Status, r.Body)
	}
	return e.waitImport(token, id)
}

func TestTheImportTemplateHasHeadersAnExampleAndTheCodeListsAndImportsAsItIs(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		tok := e.user("am", crm.RoleAccountManager)
		am := e.formSignIn("am")
		kefu := e.signIn("kefu", crm.RoleService)

		body := string(e.page("/imports", "zh-CN", am).Body)
		wantAll(t, "the upload step", body, `href="/api/v1/imports/template" id="import-template" download`, `href="/static/import_wizard.css"`,
			`<li class="current" aria-current="step">1 上传</li>`)
		if r := e.page("/api/v1/imports/template", "zh-CN", kefu); r.Status != 403 {
			t.Errorf("a role that may not import downloads the template: %d", r.Status)
		}

		r := e.page("/api/v1/imports/template", "zh-CN", am)
		if !strings.Contains(r.Header.Get("Content-Disposition"), "filename*=UTF-8''%E5%AE%A2%E6%88%B7") {
			t.Errorf("the template's name: %s", r.Header.Get("Content-Disposition"))
		}
		f := workbook(t, r)
		if got := f.GetSheetList(); !slices.Equal(got, []string{"客户", "代码表"}) {
			t.Fatalf("the template's sheets: %v", got)
		}
		rows, _ := f.GetRows("客户")
		if len(rows) != 3 || !strings.Contains(rows[0][0], "示例") {
			t.Fatalf("the first sheet holds the instructions, the header and the example: %v", rows)
		}
		header, example := rows[1], rows[2]
		if header[0] != "客户名称（必填）" || len(header) != len(importer.TemplateFields) {
			t.Errorf("the header: %v", header)
		}
		for i, h := range header {
			if got := importer.RecogniseHeader(h); got != importer.TemplateFields[i] {
				t.Errorf("the template's header %q is recognised as %q, want %q", h, got, importer.TemplateFields[i])
			}
		}
		at := func(field string) string { return example[slices.Index(importer.TemplateFields, field)] }
		if at(importer.FieldRegion) != "440106 广东省广州市天河区" || at(importer.FieldIndustry) != "65 软件和信息技术服务业" || at(importer.FieldStage) != "重要" {
			t.Errorf("the example row: %v", example)
		}
		codes, _ := f.GetRows("代码表")
		text := fmt.Sprint(codes)
		for _, want := range []string{"地区（GB/T 2260）", "440106 广东省广州市天河区", "行业（GB/T 4754）", "65 软件和信息技术服务业", "C 制造业",
			"客户阶段", "重要 important", "客户类型", "企业 company", "个人 individual", "客户来源", "展会 trade_fair", "1000万-5000万"} {
			if !strings.Contains(text, want) {
				t.Errorf("the code sheet lacks %q", want)
			}
		}
		if strings.Contains(text, "110100 ") {
			t.Errorf("the code sheet lists the 市辖区 placeholder of 北京市")
		}
		dvs, err := f.GetDataValidations("客户")
		if err != nil || len(dvs) < 5 {
			t.Errorf("the coded columns offer drop-down lists: %d %v", len(dvs), err)
		}
		for _, dv := range dvs {
			if !strings.Contains(dv.Formula1, "代码表") {
				t.Errorf("a drop-down list not from the code sheet: %+v", dv)
			}
		}

		// In English the headers are the field names; the importer reads both.
		en := workbook(t, e.page("/api/v1/imports/template", "en", am))
		if got := en.GetSheetList(); !slices.Equal(got, []string{"Customers", "Codes"}) {
			t.Errorf("the English template's sheets: %v", got)
		}
		enRows, _ := en.GetRows("Customers")
		if len(enRows) < 2 || enRows[1][0] != "name (required)" {
			t.Fatalf("the English header: %v", enRows)
		}
		for i, h := range enRows[1] {
			if got := importer.RecogniseHeader(h); got != importer.TemplateFields[i] {
				t.Errorf("the English header %q is recognised as %q, want %q", h, got, importer.TemplateFields[i])
			}
		}

		// The template as downloaded imports nothing: its example row is
		// skipped with a notice, not stored as a customer named 示例：….
		x, up := e.uploadImport(tok, "模板.xlsx", templateXLSXType, r.Body)
		if up.Status != 202 {
			t.Fatalf("upload the template: %d %s", up.Status, up.Body)
		}
		x = e.waitImport(tok, x.ID)
		if x.Status != importer.ImportChecked || x.BadRows != 0 || len(x.Problems.Items) != 1 || x.Problems.Items[0].Code != importer.CodeExampleRow {
			t.Fatalf("the template's example is not skipped with a notice: %+v", x)
		}
		if x = e.commitAll(tok, x.ID); x.Status != importer.ImportDone || x.Inserted != 0 {
			t.Fatalf("commit the untouched template: %+v", x)
		}
		// Written over with a real customer, the example's codes go in.
		nameCell, _ := excelize.CoordinatesToCellName(slices.Index(importer.TemplateFields, "name")+1, 3)
		if err := f.SetCellValue("客户", nameCell, "广州云海信息技术有限公司"); err != nil {
			t.Fatal(err)
		}
		filled, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		x, up = e.uploadImport(tok, "客户.xlsx", templateXLSXType, filled.Bytes())
		if up.Status != 202 {
			t.Fatalf("upload the filled template: %d %s", up.Status, up.Body)
		}
		if x = e.waitImport(tok, x.ID); x.Status != importer.ImportChecked || x.TotalRows != 1 || x.BadRows != 0 {
			t.Fatalf("the filled template is checked as bad: %+v", x)
		}
		if x = e.commitAll(tok, x.ID); x.Status != importer.ImportDone || x.Inserted != 1 {
			t.Fatalf("commit the filled template: %+v", x)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers WHERE region_code = '440106' AND industry_code = '65' AND stage = 'important' AND kind = 'company'"); n != 1 {
			t.Errorf("the example row's codes did not come through: %d", n)
		}
	})
}

func TestTheBadRowsComeBackAsAWorkbookThatImportsOnceFixed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		tok := e.user("am", crm.RoleAccountManager)
		am := e.formSignIn("am")
		other := e.signIn("am_b", crm.RoleAccountManager)

		// 单位 is mapped to the name by hand; 内部编号 is ignored.
		csv := "单位,统一社会信用代码,联系人,手机,地区,内部编号\n" +
			"杭州好客户有限公司," + usccFor(1) + ",王伟,13800001111,330106,A1\n" + // 2 good
			"南京坏码科技有限公司,91320106MA1XX,,,320102,A2\n" + // 3 short USCC
			"苏州错号有限公司,,李娜,12345,苏州市,A3\n" // 4 bad mobile
		x, r := e.uploadImport(tok, "客户名单.csv", "text/csv", []byte(csv), "mapping", `{"单位":"name","内部编号":"-"}`)
		if r.Status != 202 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		x = e.waitImport(tok, x.ID)
		if x.Status != importer.ImportChecked || x.TotalRows != 3 || x.BadRows != 2 {
			t.Fatalf("after the dry run: %+v", x)
		}
		page := fmt.Sprintf("/imports/%d", x.ID)
		body := string(e.page(page, "zh-CN", am).Body)
		wantAll(t, "the report", body, `href="/api/v1/imports/`+fmt.Sprint(x.ID)+`/rejects" id="import-rejects" download`,
			`<li class="done">1 上传</li>`, `<li class="current" aria-current="step">3 校验</li>`, `id="import-rejects-hint"`)
		if r := e.page("/api/v1"+page+"/rejects", "zh-CN", other); r.Status != 404 {
			t.Errorf("another's bad rows: %d", r.Status)
		}

		r = e.page("/api/v1"+page+"/rejects", "zh-CN", am)
		if d := r.Header.Get("Content-Disposition"); !strings.Contains(d, "filename*=UTF-8''") || !strings.Contains(d, ".xlsx") {
			t.Errorf("the rejects file's name: %s", d)
		}
		f := workbook(t, r)
		sheet := f.GetSheetList()[0]
		rows, _ := f.GetRows(sheet)
		if len(rows) != 3 {
			t.Fatalf("the rejects file holds the header and the 2 bad rows: %v", rows)
		}
		if want := []string{"导入问题", "原文件行号", "客户名称", "统一社会信用代码", "联系人", "手机", "地区"}; !slices.Equal(rows[0], want) {
			t.Errorf("the rejects file's header = %v, want %v (the hand-mapped column under its recognised name, the ignored one left out)", rows[0], want)
		}
		if rows[1][1] != "3" || rows[1][2] != "南京坏码科技有限公司" || rows[1][3] != "91320106MA1XX" || !strings.Contains(rows[1][0], "统一社会信用代码") {
			t.Errorf("the first bad row with its reason: %v", rows[1])
		}
		if rows[2][1] != "4" || rows[2][5] != "12345" || !strings.Contains(rows[2][0], "手机") || rows[2][6] != "苏州市" {
			t.Errorf("the second bad row with its reason: %v", rows[2])
		}

		// Fix the rows in the file and upload it again, as it is.
		_ = f.SetCellValue(sheet, "D2", usccFor(2))
		_ = f.SetCellValue(sheet, "F3", "13900003333")
		var fixed bytes.Buffer
		if _, err := f.WriteTo(&fixed); err != nil {
			t.Fatal(err)
		}
		y, r := e.uploadImport(tok, "客户名单-待修改.xlsx", templateXLSXType, fixed.Bytes())
		if r.Status != 202 {
			t.Fatalf("upload the fixed rows: %d %s", r.Status, r.Body)
		}
		y = e.waitImport(tok, y.ID)
		if y.Status != importer.ImportChecked || y.TotalRows != 2 || y.BadRows != 0 {
			t.Fatalf("the fixed rows are checked as: %+v %+v", y, y.Problems.Items)
		}
		if y = e.commitAll(tok, y.ID); y.Status != importer.ImportDone || y.Inserted != 2 {
			t.Fatalf("commit the fixed rows: %+v", y)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers WHERE name = '南京坏码科技有限公司' AND uscc = ? AND region_code = '320102'", usccFor(2)); n != 1 {
			t.Errorf("the fixed USCC did not come through: %d", n)
		}
		if n := e.countRows("SELECT COUNT(*) FROM contacts WHERE name = '李娜' AND mobile_last4 = '3333'"); n != 1 {
			t.Errorf("the fixed mobile did not come through: %d", n)
		}

		// An import without bad rows offers no rejects file; asked for, it is empty.
		body = string(e.page(fmt.Sprintf("/imports/%d", y.ID), "zh-CN", am).Body)
		if strings.Contains(body, `id="import-rejects"`) {
			t.Errorf("an import without bad rows offers a rejects file")
		}
		wantAll(t, "a done import's steps", body, `<li class="done">4 导入</li>`, `<li class="current" aria-current="step">5 完成</li>`)
		if rows, _ := workbook(t, e.page(fmt.Sprintf("/api/v1/imports/%d/rejects", y.ID), "en", am)).GetRows("Rows to fix"); len(rows) != 1 || rows[0][0] != "Import problems" {
			t.Errorf("the empty rejects file in English: %v", rows)
		}
	})
}
