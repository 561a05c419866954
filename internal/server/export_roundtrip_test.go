package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
	"github.com/xuri/excelize/v2"
)

// exportRows reads an export (CSV or XLSX) into its rows of cells,
// without the stamp line; the header first.
func exportRows(t *testing.T, format string, body []byte) [][]string {
	t.Helper()
	if format == "xlsx" {
		x, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rows); n > 0 && rows[n-1][0] == customer.ExportStampMark {
		rows = rows[:n-1]
	}
	return rows
}

// comparable drops the columns an import cannot carry over (the code, the
// owner's ID, the time created) and sorts the rows.
func comparableRows(rows [][]string) []string {
	var out []string
	for _, r := range rows[1:] {
		var keep []string
		for i, c := range r {
			switch customer.ExportColumns[i] {
			case "code", "owner_id", "created_at":
				continue
			}
			keep = append(keep, c)
		}
		out = append(out, strings.Join(keep, "|"))
	}
	slices.Sort(out)
	return out
}

func TestExportImportsBackIntoAnEmptyDatabaseUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		src := newEnv(t, db)
		am := src.user("am1", crm.RoleAccountManager)
		customers := []struct{ body, contact string }{
			{`{"name":"杭州云栖科技有限公司","short_name":"云栖","kind":"company","uscc":"` + usccFor(11) + `","legal_representative":"王建",
				"stage":"important","source":"referral","region_code":"330106","address":"杭州市西湖区文三路 1 号","tags":["重点","华东/B2B"],"notes":"第一行\n第二行，含逗号"}`,
				`{"name":"王伟","mobile":"13800001111","is_primary":true}`},
			{`{"name":"=SUM(A1)","kind":"individual","stage":"churned","source":"online","tags":["-负数"]}`, ""},
			{`{"name":"'引号开头贸易有限公司","short_name":"+86","stage":"strategic","source":"trade_fair"}`, `{"name":"@李娜","mobile":"13900002222","is_primary":true}`},
			{`{"name":"苏州园区精密机械有限公司","region_code":"320505","stage":"general","source":"advertising","tags":["制造"]}`, `{"name":"赵六","is_primary":true}`},
		}
		for _, c := range customers {
			r := src.do("POST", "/api/v1/customers", strings.NewReader(c.body), as(am))
			if r.Status != 201 {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
			if c.contact == "" {
				continue
			}
			var made struct{ ID int64 }
			_ = json.Unmarshal(r.Body, &made)
			if r := src.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", made.ID), strings.NewReader(c.contact), as(am)); r.Status != 201 {
				t.Fatalf("contact: %d %s", r.Status, r.Body)
			}
		}
		for _, format := range []string{"csv", "xlsx"} {
			t.Run(format, func(t *testing.T) {
				r := src.do("GET", "/api/v1/customers/export?format="+format+"&reveal_reason="+urlQuery("迁移到新系统"), nil, as(am))
				if r.Status != 200 {
					t.Fatalf("export: %d %s", r.Status, r.Body)
				}
				exported := exportRows(t, format, r.Body)
				if exported[0][0] != "客户编号" || len(exported) != 5 {
					t.Fatalf("the export's first line must be its header: %q", exported[0])
				}
				// Into an empty database with the same user.
				dst := newEnv(t, storetest.Open(t, db.Engine))
				startImportWorker(t, dst)
				dam := dst.user("am1", crm.RoleAccountManager)
				ct := "text/csv"
				if format == "xlsx" {
					ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				}
				x, resp := dst.uploadImport(dam, "customers."+format, ct, r.Body, "dry_run", "false", "mode", "all")
				if resp.Status != 202 {
					t.Fatalf("import: %d %s", resp.Status, resp.Body)
				}
				x = dst.waitImport(dam, x.ID)
				if x.Status != importer.ImportDone || x.Inserted != 4 || x.BadRows != 0 {
					t.Fatalf("the export did not import cleanly: %+v", x)
				}
				back := dst.do("GET", "/api/v1/customers/export?format="+format+"&reveal_reason="+urlQuery("核对"), nil, as(dam))
				got, want := comparableRows(exportRows(t, format, back.Body)), comparableRows(exported)
				if !slices.Equal(got, want) {
					t.Errorf("re-imported customers differ:\n got %q\nwant %q", got, want)
				}
				if n := dst.countRows("SELECT COUNT(*) FROM contacts"); n != 3 {
					t.Errorf("%d contacts, want 3", n)
				}
			})
		}
		// Masked mobiles are left out with a notice; the rows import.
		r := src.do("GET", "/api/v1/customers/export?format=csv", nil, as(am))
		if !strings.Contains(string(r.Body), "138****1111") {
			t.Fatalf("the export is not masked: %s", r.Body)
		}
		dst := newEnv(t, storetest.Open(t, db.Engine))
		startImportWorker(t, dst)
		dam := dst.user("am1", crm.RoleAccountManager)
		x, _ := dst.uploadImport(dam, "masked.csv", "text/csv", r.Body)
		x = dst.waitImport(dam, x.ID)
		if x.Status != importer.ImportChecked || x.BadRows != 0 || x.TotalRows != 4 {
			t.Fatalf("a masked export: %+v", x)
		}
		notices := 0
		for _, p := range x.Problems.Items {
			if p.Code != importer.CodeMasked || p.Level != importer.LevelNotice || p.Field != "contact_mobile" {
				t.Errorf("unexpected report line %+v", p)
			}
			notices++
		}
		if notices != 2 {
			t.Errorf("%d masked notices, want 2: %+v", notices, x.Problems.Items)
		}
	})
}

func TestExportStampIsInTheFilePropertiesAndASecondSheet(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		am := e.user("am1", crm.RoleAccountManager)
		e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"嘉兴丝绸"}`), as(am))
		r := e.do("GET", "/api/v1/customers/export?format=xlsx", nil, as(am))
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		props, _ := x.GetDocProps()
		if props.Creator != "am1" || !strings.Contains(props.Description, "am1") || props.Created == "" {
			t.Errorf("document properties: %+v", props)
		}
		sheets := x.GetSheetList()
		if len(sheets) != 2 || sheets[1] != "导出信息" {
			t.Fatalf("sheets: %v", sheets)
		}
		info, _ := x.GetRows(sheets[1])
		if len(info) < 2 || info[0][1] != "am1" {
			t.Errorf("the stamp sheet: %q", info)
		}
		rows, _ := x.GetRows("Sheet1")
		if rows[0][0] != "客户编号" {
			t.Errorf("the first sheet starts with %q, not its header", rows[0])
		}
		r = e.do("GET", "/api/v1/customers/export?format=csv", nil, as(am))
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(r.Body), "\ufeff")), "\n")
		if !strings.HasPrefix(lines[0], "客户编号,") || !strings.HasPrefix(lines[len(lines)-1], customer.ExportStampMark+",") || !strings.Contains(lines[len(lines)-1], "am1") {
			t.Errorf("the CSV must start with its header and end with the stamp: %q", lines)
		}
	})
}
