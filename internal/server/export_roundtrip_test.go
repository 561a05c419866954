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
		customers := []struct {
			body     string
			contacts []string
		}{
			{`{"name":"杭州云栖科技有限公司","short_name":"云栖","kind":"company","uscc":"` + usccFor(11) + `","legal_representative":"王建",
				"stage":"important","source":"referral","region_code":"330106","address":"杭州市西湖区文三路 1 号","tags":["重点","华东/B2B","a;b"],"notes":"第一行\n第二行，含逗号"}`,
				[]string{`{"name":"王伟","title":"总经理","mobile":"13800001111","email":"wang@yunqi.example","is_primary":true}`,
					`{"name":"李秘书","title":"秘书, 行政","mobile":"13900003333","is_primary":false}`,
					`{"name":"陈工","title":"=技术总监","email":"chen@yunqi.example","is_primary":false}`}},
			{`{"name":"=SUM(A1)","kind":"individual","stage":"churned","source":"online","tags":["-负数"]}`, nil},
			{`{"name":"'引号开头贸易有限公司","short_name":"+86","stage":"strategic","source":"trade_fair","tags":["华东,B2B"]}`,
				[]string{`{"name":"@李娜","mobile":"13900002222","is_primary":true}`}},
			{`{"name":"苏州园区精密机械有限公司","region_code":"320505","stage":"general","source":"advertising","tags":["制造","\"引号\"标签"]}`,
				[]string{`{"name":"赵六","title":"采购经理","is_primary":true}`}},
		}
		for _, c := range customers {
			r := src.do("POST", "/api/v1/customers", strings.NewReader(c.body), as(am))
			if r.Status != 201 {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
			var made struct{ ID int64 }
			_ = json.Unmarshal(r.Body, &made)
			for _, k := range c.contacts {
				if r := src.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", made.ID), strings.NewReader(k), as(am)); r.Status != 201 {
					t.Fatalf("contact: %d %s", r.Status, r.Body)
				}
			}
		}
		for _, format := range []string{"csv", "xlsx"} {
			t.Run(format, func(t *testing.T) {
				r := src.do("GET", "/api/v1/customers/export?format="+format+"&reveal_reason="+urlQuery("迁移到新系统"), nil, as(am))
				if r.Status != 200 {
					t.Fatalf("export: %d %s", r.Status, r.Body)
				}
				exported := exportRows(t, format, r.Body)
				if exported[0][0] != "客户编号" || len(exported) != 7 { // a row per contact: 3 + 1 + 1 + 1 rows
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
				if n := dst.countRows("SELECT COUNT(*) FROM contacts"); n != 5 {
					t.Errorf("%d contacts, want 5", n)
				}
				// Every contact is back on its customer, with its title, email,
				// revealed mobile and primary flag (one primary a customer).
				for q, want := range map[string]int{
					"SELECT COUNT(*) FROM contacts k JOIN customers c ON c.id = k.customer_id WHERE c.name = '杭州云栖科技有限公司'":                                               3,
					"SELECT COUNT(*) FROM contacts WHERE name = '王伟' AND title = '总经理' AND email = 'wang@yunqi.example' AND is_primary = true AND mobile_last4 = '1111'": 1,
					"SELECT COUNT(*) FROM contacts WHERE name = '李秘书' AND title = '秘书, 行政' AND is_primary = false AND mobile_last4 = '3333'":                             1,
					"SELECT COUNT(*) FROM contacts WHERE name = '陈工' AND title = '=技术总监' AND email = 'chen@yunqi.example' AND is_primary = false":                        1,
					"SELECT COUNT(*) FROM contacts WHERE name = '赵六' AND title = '采购经理' AND is_primary = true":                                                           1,
					"SELECT COUNT(*) FROM contacts WHERE is_primary = true":                                                                                              3,
				} {
					if n := dst.countRows(q); n != want {
						t.Errorf("%s: %d, want %d", q, n, want)
					}
				}
				// Tags that hold a separator come back whole.
				for q, want := range map[string]int{
					"SELECT COUNT(*) FROM customer_tags WHERE tag = '华东,B2B'": 1, "SELECT COUNT(*) FROM customer_tags WHERE tag = 'a;b'": 1,
					"SELECT COUNT(*) FROM customer_tags WHERE tag = '华东/B2B'": 1, "SELECT COUNT(*) FROM customer_tags WHERE tag = '\"引号\"标签'": 1,
					"SELECT COUNT(*) FROM customer_tags": 7,
				} {
					if n := dst.countRows(q); n != want {
						t.Errorf("%s: %d, want %d", q, n, want)
					}
				}
			})
		}
		// An English export (English headers, option codes, yes/no) imports
		// back as well, contacts and all.
		en := src.do("GET", "/api/v1/customers/export?format=csv&reveal_reason="+urlQuery("migration"), nil, as(am, "Accept-Language", "en"))
		if !strings.HasPrefix(strings.TrimPrefix(string(en.Body), "\ufeff"), "Code,Name,") {
			t.Fatalf("an English export: %s", en.Body)
		}
		{
			dst := newEnv(t, storetest.Open(t, db.Engine))
			startImportWorker(t, dst)
			dam := dst.user("am1", crm.RoleAccountManager)
			x, _ := dst.uploadImport(dam, "customers.csv", "text/csv", en.Body, "dry_run", "false", "mode", "all")
			if x = dst.waitImport(dam, x.ID); x.Status != importer.ImportDone || x.Inserted != 4 {
				t.Fatalf("an English export did not import cleanly: %+v", x)
			}
			if n := dst.countRows("SELECT COUNT(*) FROM contacts WHERE is_primary = true"); n != 3 || dst.countRows("SELECT COUNT(*) FROM contacts") != 5 {
				t.Errorf("an English export's contacts: %d primary", n)
			}
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
		if notices != 3 {
			t.Errorf("%d masked notices, want 3 (one a masked mobile): %+v", notices, x.Problems.Items)
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
