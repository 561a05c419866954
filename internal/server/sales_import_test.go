package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

type salesImportJSON struct {
	DryRun   bool `json:"dry_run"`
	Rows     int
	Valid    int
	Created  int
	Existing int
	Rejected int
	Problems []struct {
		Row     int
		Field   string
		Column  string
		Code    string
		Message string
	}
	Notices []struct {
		Row     int
		Column  string
		Code    string
		Message string
	}
}

func (r salesImportJSON) notice(code, column string) bool {
	for _, n := range r.Notices {
		if n.Code == code && n.Column == column && n.Message != "" {
			return true
		}
	}
	return false
}

// importSalesForm posts the file with the given form fields (no query).
func (e *env) importSalesForm(token, content string, fields ...string) (salesImportJSON, response) {
	e.t.Helper()
	body, ct := multipartUpload("file", "销售.csv", "text/csv", []byte(content), fields...)
	r := e.do("POST", "/api/v1/sales/imports", body, map[string]string{"Authorization": "Bearer " + token, "Content-Type": ct})
	var rep salesImportJSON
	_ = json.Unmarshal(r.Body, &rep)
	return rep, r
}

func (e *env) importSales(token, name, content string, dryRun bool, lang string) (salesImportJSON, response) {
	e.t.Helper()
	body, ct := multipartUpload("file", name, "text/csv", []byte(content))
	h := map[string]string{"Authorization": "Bearer " + token, "Content-Type": ct}
	if lang != "" {
		h["Accept-Language"] = lang
	}
	r := e.do("POST", fmt.Sprintf("/api/v1/sales/imports?dry_run=%t", dryRun), body, h)
	var rep salesImportJSON
	_ = json.Unmarshal(r.Body, &rep)
	return rep, r
}

// TestASalesImportChecksEveryRowThenWritesTheValidOnesOnce: an ERP's
// export, with a title above its header, matches customers by code, USCC
// or exact name and products by code; the dry run writes nothing, the run
// writes the valid rows, and a re-run writes nothing again.
func TestASalesImportChecksEveryRowThenWritesTheValidOnesOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		fin := e.user("caiwu", "finance")
		e.product(o.mgrA, `{"code":"KH-100","name":"离心泵","list_price":"100.00"}`)
		a, _ := o.create(o.am1, `{"name":"导入甲机械有限公司"}`)
		b, _ := o.create(o.am3, fmt.Sprintf(`{"name":"导入乙机械有限公司","uscc":%q}`, usccFor(7)))
		file := strings.Join([]string{
			"2026年11月销售明细,,,,,",
			"单据编号,单据日期,客户编码,客户名称,产品编码,数量,价税合计",
			fmt.Sprintf("XS-1,2026-11-02,%s,,KH-100,2,\"1,200.50\"", a.Code),
			fmt.Sprintf("XS-2,2026/11/03,,%s,KH-100,1,99", "导入甲机械有限公司"),
			fmt.Sprintf("XS-3,2026-11-04,%s,,KH-100,3,300", usccFor(7)),
			"XS-4,2026-11-05,KH99999999,,KH-100,1,1",
			fmt.Sprintf("XS-5,2026-11-05,%s,,NOPE,1,1", a.Code),
			fmt.Sprintf("XS-6,2026-11-05,%s,,KH-100,-1,-5", a.Code),
			fmt.Sprintf("XS-1,2026-11-06,%s,,KH-100,1,1", a.Code),
			fmt.Sprintf("XS-7,2026-13-40,%s,,KH-100,1,1", a.Code),
		}, "\n")
		rep, r := e.importSales(fin, "销售.csv", file, true, "en")
		if r.Status != 200 || !rep.DryRun || rep.Rows != 8 || rep.Valid != 3 || rep.Rejected != 5 || rep.Created != 0 {
			t.Fatalf("dry run: %d %s", r.Status, r.Body)
		}
		want := map[int]string{6: "customer", 7: "product", 8: "quantity", 9: "external_id", 10: "date"}
		for row, field := range want {
			found := false
			for _, p := range rep.Problems {
				found = found || (p.Row == row && p.Field == field && p.Message != "")
			}
			if !found {
				t.Errorf("row %d: no problem naming %s in %+v", row, field, rep.Problems)
			}
		}
		if n := e.countRows("SELECT COUNT(*) FROM sales_lines"); n != 0 {
			t.Fatalf("the dry run wrote %d lines", n)
		}
		rep, r = e.importSales(fin, "销售.csv", file, false, "")
		if r.Status != 200 || rep.Created != 3 || rep.Rejected != 5 {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		rep, r = e.importSales(fin, "销售.csv", file, false, "")
		if r.Status != 200 || rep.Created != 0 || rep.Existing != 3 {
			t.Fatalf("re-run: %d %s, want nothing written and 3 existing", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM sales_lines WHERE source = 'import'"); n != 3 {
			t.Errorf("%d imported lines, want 3", n)
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'sales_import'"); n != 1 {
			t.Errorf("%d import audit entries, want 1 (one chunk written)", n)
		}
		var sum struct {
			LastPurchase string `json:"last_purchase"`
			Months12     struct {
				Lines  int
				Amount string
			} `json:"months_12"`
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d/sales-summary", b.ID), nil, as(o.am3))
		if json.Unmarshal(r.Body, &sum) != nil || sum.LastPurchase != "2026-11-04" {
			t.Errorf("customer matched by USCC: %d %s", r.Status, r.Body)
		}
		// An account manager may not import; a file without the columns is refused naming them.
		if _, r := e.importSales(o.am1, "x.csv", "a,b\n1,2\n", false, ""); r.Status != 403 {
			t.Errorf("an account manager imports: %d", r.Status)
		}
		if _, r := e.importSales(fin, "x.csv", "日期,客户编码,数量\n2026-01-01,KH1,1\n", false, "en"); r.Status != 422 || !strings.Contains(string(r.Body), "product") {
			t.Errorf("a file missing columns: %d %s", r.Status, r.Body)
		}
	})
}

// TestASalesImportReadsERPHeadersAndNamesTheColumnsItIgnores: 单据号 is
// the external ID (so a re-run adds nothing), every column not read is a
// notice, and a file without an external ID column warns that a re-run
// adds its lines again.
func TestASalesImportReadsERPHeadersAndNamesTheColumnsItIgnores(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		fin := e.user("caiwu", "finance")
		e.product(o.mgrA, `{"code":"KH-100","name":"离心泵","list_price":"100.00"}`)
		a, _ := o.create(o.am1, `{"name":"导入丙机械有限公司"}`)
		file := "单据号,日期,客户编号,物料编码,数量,金额,备注,仓库\n" +
			fmt.Sprintf("DJ-1,2026-11-02,%s,KH-100,2,200,加急,一号库\n", a.Code)
		rep, r := e.importSales(fin, "销售.csv", file, false, "zh-CN")
		if r.Status != 200 || rep.Created != 1 || !rep.notice("column_ignored", "备注") || !rep.notice("column_ignored", "仓库") {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		if rep.notice("no_external_id", "") {
			t.Errorf("warned of no external ID although 单据号 is one: %s", r.Body)
		}
		rep, r = e.importSales(fin, "销售.csv", file, false, "")
		if r.Status != 200 || rep.Created != 0 || rep.Existing != 1 {
			t.Fatalf("re-run: %d %s, want nothing written", r.Status, r.Body)
		}
		noID := fmt.Sprintf("日期,客户编号,物料编码,数量,金额\n2026-11-03,%s,KH-100,1,100\n", a.Code)
		rep, r = e.importSales(fin, "销售.csv", noID, true, "en")
		if r.Status != 200 || !rep.notice("no_external_id", "") {
			t.Errorf("no external ID column: %d %s, want a notice", r.Status, r.Body)
		}
	})
}

// TestASalesImportTakesDryRunAsAFormField: -F dry_run=true checks without
// writing, as the customer import does; any other form field is refused
// with 400 naming it.
func TestASalesImportTakesDryRunAsAFormField(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		fin := e.user("caiwu", "finance")
		e.product(o.mgrA, `{"code":"KH-100","name":"离心泵","list_price":"100.00"}`)
		a, _ := o.create(o.am1, `{"name":"导入丁机械有限公司"}`)
		file := fmt.Sprintf("单据号,日期,客户编号,物料编码,数量,金额\nDJ-9,2026-11-02,%s,KH-100,2,200\n", a.Code)
		rep, r := e.importSalesForm(fin, file, "dry_run", "true")
		if r.Status != 200 || !rep.DryRun || rep.Valid != 1 || rep.Created != 0 {
			t.Fatalf("dry run as a form field: %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM sales_lines"); n != 0 {
			t.Fatalf("the dry run wrote %d lines", n)
		}
		if _, r := e.importSalesForm(fin, file, "dryrun", "true"); r.Status != 400 || !strings.Contains(string(r.Body), "dryrun") {
			t.Errorf("an unknown form field: %d %s, want 400 naming it", r.Status, r.Body)
		}
		if _, r := e.importSalesForm(fin, file, "dry_run", "maybe"); r.Status != 400 || !strings.Contains(string(r.Body), "dry_run") {
			t.Errorf("a bad dry_run: %d %s, want 400 naming it", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM sales_lines"); n != 0 {
			t.Fatalf("refused forms wrote %d lines", n)
		}
		if rep, r := e.importSalesForm(fin, file, "dry_run", "false"); r.Status != 200 || rep.Created != 1 {
			t.Errorf("dry_run=false: %d %s", r.Status, r.Body)
		}
	})
}

// TestASalesImportSkipsTotalRowsAndNamesTheFilesColumns: a 合计 row is
// a notice, not four errors; full-width digits are read; a formula cell
// is reported as one; problems name the file's header; a file without
// the header lists the columns in the reader's language.
func TestASalesImportSkipsTotalRowsAndNamesTheFilesColumns(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		fin := e.user("caiwu", "finance")
		e.product(o.mgrA, `{"code":"KH-100","name":"离心泵","list_price":"100.00"}`)
		a, _ := o.create(o.am1, `{"name":"导入戊机械有限公司"}`)
		file := "单据号,日期,客户编号,物料编码,数量,金额\n" +
			fmt.Sprintf("DJ-1,2026-11-02,%s,KH-100,１０,１，０００．５０\n", a.Code) +
			fmt.Sprintf("DJ-2,2026-11-02,%s,KH-100,1,=E3*100\n", a.Code) +
			fmt.Sprintf("DJ-3,2026-11-02,%s,NOPE,1,100\n", a.Code) +
			"合计,,,,12,1200.50\n"
		rep, r := e.importSales(fin, "销售.csv", file, true, "zh-CN")
		if r.Status != 200 || rep.Rows != 3 || rep.Valid != 1 || rep.Rejected != 2 {
			t.Fatalf("dry run: %d %s", r.Status, r.Body)
		}
		found := func(row int, field, column, code string) bool {
			for _, p := range rep.Problems {
				if p.Row == row && p.Field == field && p.Column == column && (code == "" || p.Code == code) && p.Message != "" {
					return true
				}
			}
			return false
		}
		if !found(3, "amount", "金额", "formula") {
			t.Errorf("a formula cell: no formula problem on row 3 in %s", r.Body)
		}
		if !found(4, "product", "物料编码", "") {
			t.Errorf("an unknown product: no problem naming 物料编码 on row 4 in %s", r.Body)
		}
		for _, p := range rep.Problems {
			if p.Row == 5 {
				t.Errorf("the total row is a problem: %+v", p)
			}
		}
		summary := false
		for _, n := range rep.Notices {
			summary = summary || (n.Row == 5 && n.Code == "summary_row")
		}
		if !summary {
			t.Errorf("the total row is no notice: %s", r.Body)
		}
		rep, r = e.importSales(fin, "销售.csv", file, false, "")
		if r.Status != 200 || rep.Created != 1 {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM sales_lines WHERE quantity = 10 AND amount_fen = 100050"); n != 1 {
			t.Errorf("full-width 10 and 1,000.50: %d matching lines, want 1", n)
		}
		// No header: the columns are listed in the reader's language.
		_, r = e.importSales(fin, "x.csv", "a,b\n1,2\n", false, "zh-CN")
		if body := string(r.Body); r.Status != 422 || !strings.Contains(body, "日期") || !strings.Contains(body, "数量") || strings.Contains(body, "quantity") {
			t.Errorf("zh-CN header error: %d %s, want the Chinese headers", r.Status, body)
		}
		_, r = e.importSales(fin, "x.csv", "a,b\n1,2\n", false, "en")
		if body := string(r.Body); r.Status != 422 || !strings.Contains(body, "quantity") || strings.Contains(body, "数量") {
			t.Errorf("en header error: %d %s, want the English headers", r.Status, body)
		}
	})
}
