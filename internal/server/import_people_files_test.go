package server_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/xuri/excelize/v2"
)

// TestDevelopmentZonesAreReadAlikeEverywhere: the region search finds a
// zone by its code (current or retired) and its name, showing the region
// it maps to; an import takes the zone's name alone and its code with the
// name, spaced or not; POST /customers records a zone code as the import
// does, with a notice.
func TestDevelopmentZonesAreReadAlikeEverywhere(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		am := e.user("am1", crm.RoleAccountManager)
		for _, q := range []string{"320571", "苏州工业园区", "320576"} {
			r := e.do("GET", "/api/v1/regions?q="+urlQuery(q), nil, as(am))
			var page struct {
				Items []struct {
					Code, Name string
					MapsTo     *struct{ Code, Name string } `json:"maps_to"`
				}
			}
			if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil {
				t.Fatalf("regions?q=%s: %d %s", q, r.Status, r.Body)
			}
			found := false
			for _, it := range page.Items {
				found = found || it.Name == "苏州工业园区" && it.MapsTo != nil && it.MapsTo.Code == "320500" && (it.Code == q || !strings.HasPrefix(q, "32"))
			}
			if !found {
				t.Errorf("regions?q=%s does not find 苏州工业园区 with the region it maps to: %s", q, r.Body)
			}
		}
		csv := "客户名称,地区\n" +
			"甲公司,苏州工业园区\n" +
			"乙公司,320571苏州工业园区\n" +
			"丙公司,320571 苏州工业园区\n" +
			"丁公司,320576\n"
		x, _ := e.uploadImport(am, "zones.csv", "text/csv", []byte(csv), "dry_run", "false", "mode", importer.ImportAll)
		x = e.waitImport(am, x.ID)
		if x.Status != importer.ImportDone || x.Inserted != 4 {
			t.Fatalf("zones by name and code: %+v", x)
		}
		notices := 0
		for _, p := range x.Problems.Items {
			if p.Code == importer.CodeRegionMapped && p.Level == importer.LevelNotice && strings.Contains(p.Message, "320500") {
				notices++
			}
		}
		if notices != 4 {
			t.Errorf("%d zone notices, want 4: %+v", notices, x.Problems.Items)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers WHERE region_code = '320500'"); n != 4 {
			t.Errorf("%d imported customers recorded in 320500, want 4", n)
		}
		for _, code := range []string{"320576", "320571"} {
			r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"园区客户`+code+`","region_code":"`+code+`"}`), as(am))
			var c struct {
				RegionCode string `json:"region_code"`
				Notices    []struct{ Field, Code, Message string }
			}
			if r.Status != 201 || json.Unmarshal(r.Body, &c) != nil {
				t.Fatalf("POST with %s: %d %s", code, r.Status, r.Body)
			}
			if c.RegionCode != "320500" || len(c.Notices) != 1 || c.Notices[0].Field != "region_code" || !strings.Contains(c.Notices[0].Message, "苏州工业园区") {
				t.Errorf("POST with zone %s: %s, want 320500 with a notice as the import records it", code, r.Body)
			}
		}
	})
}

// TestImportReadsCSVCellsAsASpreadsheetWould: rows are numbered as a
// spreadsheet shows them (a cell with a line break does not shift them)
// and the progress counts records; a cell starting with = is a formula of
// its row; industries are read by name as by code; a problem of a field
// without a column names the field as the reader knows it, once.
func TestImportReadsCSVCellsAsASpreadsheetWould(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		am := e.user("am1", crm.RoleAccountManager)
		csv := "客户名称,行业,手机,备注\n" +
			"甲公司,制造业,,\"第一行\n第二行\n第三行\"\n" + // row 2
			"乙公司,\"信息传输、软件和信息技术服务业\",,\n" + // row 3
			"丙公司,软件和信息技术服务业,,\n" + // row 4
			"丁公司,C 制造业,,\n" + // row 5
			"\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",,,\n" + // row 6: a formula
			"戊公司,,13800001111,\n" // row 7: a contact without a name column
		x, _ := e.uploadImportIn("en", am, "people.csv", "text/csv", []byte(csv), "dry_run", "false", "mode", importer.ImportValidOnly)
		x = e.waitImport(am, x.ID)
		if x.Status != importer.ImportDone || x.TotalRows != 6 || x.Inserted != 4 || x.Skipped != 2 || x.Progress != 100 {
			t.Fatalf("after the import: %+v", x)
		}
		rows := map[int][]importer.ImportProblem{}
		for _, p := range x.Problems.Items {
			rows[p.Row] = append(rows[p.Row], p)
		}
		if ps := rows[6]; len(ps) != 1 || ps[0].Code != "formula" || !strings.Contains(ps[0].Message, "=HYPERLINK") || ps[0].Column != "客户名称" {
			t.Errorf("row 6's formula: %+v (all: %+v)", ps, x.Problems.Items)
		}
		if ps := rows[7]; len(ps) != 1 || ps[0].Column != "联系人" {
			t.Errorf("row 7's problem must name the contact column (联系人) once: %+v", ps)
		}
		r := e.do("GET", "/api/v1/imports/"+itoa(x.ID)+"?limit=500", nil, as(am, "Accept-Language", "en"))
		var en importJSON
		_ = json.Unmarshal(r.Body, &en)
		for _, p := range en.Problems.Items {
			if p.Row == 7 && (p.Column == "" || p.Column == "contact_name" || hasHan(p.Column)) {
				t.Errorf("row 7 in English names the contact column in English: %+v", p)
			}
		}
		for q, want := range map[string]int{
			"SELECT COUNT(*) FROM customers WHERE industry_code = 'C'":             2,
			"SELECT COUNT(*) FROM customers WHERE industry_code = 'I'":             1,
			"SELECT COUNT(*) FROM customers WHERE industry_code = '65'":            1,
			"SELECT COUNT(*) FROM customers WHERE name = '乙公司' AND import_row = 3": 1,
		} {
			if n := e.countRows(q); n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
	})
}

// TestACustomersRowsImportTogether: rows that repeat a customer's code
// are its further contacts; a bad one keeps the whole customer out, and
// the rejects file carries all of that customer's rows back.
func TestACustomersRowsImportTogether(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		am := e.user("am1", crm.RoleAccountManager)
		csv := "客户编号,客户名称,联系人,职务,联系人手机,是否主要联系人\n" +
			"C0001,甲公司,张一,经理,13800000001,否\n" +
			"C0001,甲公司,张二,主管,13800000002,是\n" +
			"C0001,,张三,,13800000003,\n" +
			"C0002,乙公司,李一,,13800000004,是\n" +
			"C0002,乙公司,李二,,12345,否\n" + // a bad mobile: 乙公司 stays out with both its contacts
			"C0003,丙公司,,,,\n"
		x, _ := e.uploadImport(am, "folded.csv", "text/csv", []byte(csv), "dry_run", "false", "mode", importer.ImportValidOnly)
		x = e.waitImport(am, x.ID)
		if x.Status != importer.ImportDone || x.TotalRows != 3 || x.BadRows != 1 || x.Inserted != 2 || x.Skipped != 1 {
			t.Fatalf("a customer's rows are one customer: %+v", x)
		}
		for q, want := range map[string]int{
			"SELECT COUNT(*) FROM contacts": 3,
			"SELECT COUNT(*) FROM contacts k JOIN customers c ON c.id = k.customer_id WHERE c.name = '甲公司'": 3,
			"SELECT COUNT(*) FROM contacts WHERE is_primary = true AND name = '张二' AND title = '主管'":        1,
			"SELECT COUNT(*) FROM contacts WHERE is_primary = true":                                         1,
			"SELECT COUNT(*) FROM customers WHERE name IN ('乙公司', '甲公司', '丙公司')":                            2,
			"SELECT COUNT(*) FROM customers WHERE name = '甲公司' AND code <> 'C0001'":                         1,
		} {
			if n := e.countRows(q); n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
		if len(x.Problems.Items) != 1 || x.Problems.Items[0].Row != 6 || x.Problems.Items[0].Column != "联系人手机" {
			t.Errorf("the report: %+v", x.Problems.Items)
		}
		r := e.do("GET", "/api/v1/imports/"+itoa(x.ID)+"/rejects", nil, as(am))
		if r.Status != 200 {
			t.Fatalf("rejects: %d %s", r.Status, r.Body)
		}
		book, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer book.Close()
		rows, _ := book.GetRows(book.GetSheetList()[0])
		if len(rows) != 3 || rows[1][1] != "5" || rows[2][1] != "6" {
			t.Errorf("the rejects file must hold both of 乙公司's rows: %q", rows)
		}
	})
}

// TestOneCustomersRowsAreBounded: a file cannot make one customer of
// endless rows; rows past importer.MaxImportContacts read as customers of
// their own (here duplicates, so bad).
func TestOneCustomersRowsAreBounded(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		am := e.user("am1", crm.RoleAccountManager)
		var b strings.Builder
		b.WriteString("客户编号,客户名称,联系人\n")
		for i := range importer.MaxImportContacts + 2 {
			b.WriteString("C0001,甲公司,联系人" + itoa(int64(i)) + "\n")
		}
		x, _ := e.uploadImport(am, "endless.csv", "text/csv", []byte(b.String()))
		x = e.waitImport(am, x.ID)
		if x.Status != importer.ImportChecked || x.TotalRows != 2 || x.BadRows != 1 {
			t.Fatalf("an endless customer: %+v", x)
		}
	})
}

// TestAZoneFiltersAsItIsKept: a customer given a zone's code is kept in
// the zone's region, and the list filtered by the zone's code (current or
// retired) finds it.
func TestAZoneFiltersAsItIsKept(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		am := e.user("am1", crm.RoleAccountManager)
		if r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"园区客户","region_code":"320576"}`), as(am)); r.Status != 201 {
			t.Fatalf("POST: %d %s", r.Status, r.Body)
		}
		for _, code := range []string{"320576", "320571", "320500"} {
			r := e.do("GET", "/api/v1/customers?region="+code, nil, as(am))
			var page struct{ Total int }
			if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil || page.Total != 1 {
				t.Errorf("customers?region=%s: %d %s, want the customer", code, r.Status, r.Body)
			}
		}
	})
}
