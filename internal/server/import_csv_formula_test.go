package server_test

import (
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
)

// An unquoted CSV cell holding quotes (a formula as typed) is one cell of
// its own row: it does not swallow the rows below it.
func TestAnUnquotedCSVFormulaDoesNotSwallowTheRowsBelow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		am := e.user("am1", crm.RoleAccountManager)
		csv := "客户名称,联系人,联系人手机\n" +
			"甲公司,=HYPERLINK(\"http://x\",\"y\"),13800001111\n" + // row 2: a formula
			"乙公司,王,13800001112\n" + // row 3
			"丙公司,李,1380000111\n" // row 4: a bad mobile
		x, _ := e.uploadImportIn("zh-CN", am, "formula.csv", "text/csv", []byte(csv), "dry_run", "false", "mode", importer.ImportValidOnly)
		x = e.waitImport(am, x.ID)
		if x.Status != importer.ImportDone || x.TotalRows != 3 || x.Inserted != 1 {
			t.Fatalf("after the import: %+v", x)
		}
		rows := map[int][]importer.ImportProblem{}
		for _, p := range x.Problems.Items {
			rows[p.Row] = append(rows[p.Row], p)
		}
		formula := false
		for _, p := range rows[2] {
			formula = formula || p.Code == "formula"
		}
		if !formula {
			t.Errorf("row 2's formula not reported: %+v (all: %+v)", rows[2], x.Problems.Items)
		}
		if len(rows[3]) != 0 {
			t.Errorf("row 3 has problems: %+v", rows[3])
		}
		mobile := false
		for _, p := range rows[4] {
			mobile = mobile || p.Column == "联系人手机"
		}
		if !mobile {
			t.Errorf("row 4's bad mobile not reported: %+v (all: %+v)", rows[4], x.Problems.Items)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers WHERE name = '乙公司' AND import_row = 3"); n != 1 {
			t.Errorf("乙公司 imported %d times, want once from row 3", n)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers WHERE name IN ('甲公司','丙公司')"); n != 0 {
			t.Errorf("%d bad rows imported", n)
		}
	})
}
