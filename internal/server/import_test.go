package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/jobs"
	"github.com/xuri/excelize/v2"
)

// usccFor makes a valid unified social credit code from nine digits.
func usccFor(n int) string {
	body := fmt.Sprintf("91330106%09d", n)
	check, _ := cn.USCCCheckCharacter(body)
	return body + check
}

// startImportWorker works import jobs for e, as kehu serve does.
func startImportWorker(t *testing.T, e *env) {
	t.Helper()
	q, err := jobs.New(e.db, jobs.Config{PollInterval: 20 * time.Millisecond, Workers: 2}, jobs.RegisterImports(e.srv.Services.Imports))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		stop, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		_ = q.Stop(stop)
	})
}

type importJSON struct {
	ID         int64
	Status     string
	Mode       string
	TotalRows  int `json:"total_rows"`
	BadRows    int `json:"bad_rows"`
	Inserted   int
	Skipped    int
	RowsDone   int    `json:"rows_done"`
	PreviousID int64  `json:"previous_import_id"`
	Message    string `json:"message"`
	Progress   int
	Problems   struct {
		Items      []importer.ImportProblem
		NextCursor string `json:"next_cursor"`
	}
}

// uploadImport posts a file with form fields (sent before the file).
func (e *env) uploadImport(token, filename, contentType string, content []byte, fields ...string) (importJSON, response) {
	e.t.Helper()
	return e.uploadImportIn("", token, filename, contentType, content, fields...)
}

// uploadImportIn is uploadImport asking for answers in lang ("" for the default).
func (e *env) uploadImportIn(lang, token, filename, contentType string, content []byte, fields ...string) (importJSON, response) {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = mw.WriteField(fields[i], fields[i+1])
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, filename))
	h.Set("Content-Type", contentType)
	w, _ := mw.CreatePart(h)
	_, _ = w.Write(content)
	_ = mw.Close()
	hdr := map[string]string{"Authorization": "Bearer " + token, "Content-Type": mw.FormDataContentType()}
	if lang != "" {
		hdr["Accept-Language"] = lang
	}
	r := e.do("POST", "/api/v1/imports", &body, hdr)
	var x importJSON
	_ = json.Unmarshal(r.Body, &x)
	return x, r
}

// waitImport polls an import until it stops checking or committing.
func (e *env) waitImport(token string, id int64) importJSON {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := e.do("GET", fmt.Sprintf("/api/v1/imports/%d?limit=500", id), nil, as(token))
		var x importJSON
		if r.Status != 200 || json.Unmarshal(r.Body, &x) != nil {
			e.t.Fatalf("GET import %d: %d %s", id, r.Status, r.Body)
		}
		if x.Status != importer.ImportChecking && x.Status != importer.ImportCommitting {
			return x
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("import %d still %s after 30s", id, x.Status)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func (e *env) countRows(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestImportDryRunReportsEveryBadRowThenCommitsTheValidOnes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		o := newOrg(e)
		existing, r := o.create(o.am1, `{"name":"已存在客户有限公司","uscc":"`+usccFor(7)+`"}`)
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", existing.ID), strings.NewReader(`{"name":"赵六","mobile":"13900002222"}`), as(o.am1)); r.Status != 201 {
			t.Fatalf("contact: %d %s", r.Status, r.Body)
		}
		csv := "客户名称,统一社会信用代码,联系人,手机,客户阶段,标签\n" +
			"杭州云栖科技有限公司," + usccFor(1) + ",王伟,13800001111,重要,新客户;华东\n" + // 2 good
			",,李娜,,,\n" + // 3 no name
			"南京坏码科技有限公司,91320106MA1XX,,,,\n" + // 4 short USCC
			"杭州云栖科技 有限公司,,,,,\n" + // 5 same normalised name as row 2
			"已存在客户有限公司,,,,,\n" + // 6 name in the database
			"苏州新客户有限公司," + usccFor(7) + ",,,,\n" + // 7 USCC in the database
			"厦门手机重复有限公司,,钱七,139 0000 2222,,\n" + // 8 mobile in the database
			"成都好客户有限公司,,,,未知阶段,\n" + // 9 unknown stage
			"\n" + // 10 blank: skipped
			"武汉良品贸易有限公司,,,,一般,\n" + // 11 good
			"长沙无名联系有限公司,,,13700001234,,\n" // 12 a mobile without a contact name
		x, r := e.uploadImport(o.am2, "客户.csv", "text/csv", []byte(csv))
		if r.Status != 202 || x.Status != importer.ImportChecking {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		x = e.waitImport(o.am2, x.ID)
		if x.Status != importer.ImportChecked || x.TotalRows != 10 || x.BadRows != 8 || x.Progress != 100 {
			t.Fatalf("after the dry run: %+v", x)
		}
		type want struct {
			row                 int
			column, field, code string
		}
		wants := []want{
			{3, "客户名称", "name", "required"},
			{4, "统一社会信用代码", "uscc", "length"},
			{5, "客户名称", "name", "duplicate_in_file"},
			{6, "客户名称", "name", "duplicate"},
			{7, "统一社会信用代码", "uscc", "duplicate"},
			{8, "手机", "contact_mobile", "duplicate"},
			{9, "客户阶段", "stage", "unknown"},
			{12, "联系人", "contact_name", "length"},
		}
		if len(x.Problems.Items) != len(wants) {
			t.Fatalf("report: %+v", x.Problems.Items)
		}
		for i, w := range wants {
			p := x.Problems.Items[i]
			if p.Row != w.row || p.Column != w.column || p.Field != w.field || p.Code != w.code || p.Message == "" || p.Phase != "check" {
				t.Errorf("problem %d = %+v, want %+v", i, p, w)
			}
		}
		// The report speaks the importer's language (Chinese by default).
		for i, want := range map[int]string{0: "必填", 6: "潜在、一般", 7: "未填写联系人姓名"} {
			if m := x.Problems.Items[i].Message; !strings.Contains(m, want) {
				t.Errorf("problem %d says %q, want it to say %q", i, m, want)
			}
		}
		if m := x.Problems.Items[2].Message; !strings.Contains(m, "2") {
			t.Errorf("a duplicate within the file names the first row: %q", m)
		}
		// am1's customer is not am2's to see: the report says it exists
		// without naming it, while am1's own import names it.
		if m := x.Problems.Items[3].Message; strings.Contains(m, existing.Code) || strings.Contains(m, "已存在客户") {
			t.Errorf("a duplicate outside the importer's scope is named: %q", m)
		}
		own, r := e.uploadImport(o.am1, "自己的.csv", "text/csv", []byte("客户名称\n已存在客户有限公司\n"))
		if r.Status != 202 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		if own = e.waitImport(o.am1, own.ID); len(own.Problems.Items) != 1 || !strings.Contains(own.Problems.Items[0].Message, existing.Code) {
			t.Errorf("a duplicate the importer may see is named: %+v", own.Problems.Items)
		}
		// The report pages.
		r = e.do("GET", fmt.Sprintf("/api/v1/imports/%d?limit=3", x.ID), nil, as(o.am2))
		var page importJSON
		_ = json.Unmarshal(r.Body, &page)
		if len(page.Problems.Items) != 3 || page.Problems.NextCursor == "" {
			t.Fatalf("first page: %s", r.Body)
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/imports/%d?limit=3&cursor=%s", x.ID, page.Problems.NextCursor), nil, as(o.am2))
		_ = json.Unmarshal(r.Body, &page)
		if len(page.Problems.Items) != 3 || page.Problems.Items[0].Row != 6 {
			t.Fatalf("second page: %s", r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers"); n != 1 {
			t.Fatalf("a dry run wrote %d customers", n-1)
		}

		// All rows: refused while any is bad.
		r = e.do("POST", fmt.Sprintf("/api/v1/imports/%d/commit", x.ID), strings.NewReader(`{"mode":"all"}`), as(o.am2))
		if r.Status != 409 || !strings.Contains(string(r.Body), "valid_only") {
			t.Fatalf("commit all with bad rows: %d %s", r.Status, r.Body)
		}
		r = e.do("POST", fmt.Sprintf("/api/v1/imports/%d/commit", x.ID), strings.NewReader(`{"mode":"most"}`), as(o.am2))
		if r.Status != 422 {
			t.Fatalf("unknown mode: %d %s", r.Status, r.Body)
		}
		// Someone else's import is not found.
		if r := e.do("POST", fmt.Sprintf("/api/v1/imports/%d/commit", x.ID), strings.NewReader(`{"mode":"valid_only"}`), as(o.am1)); r.Status != 404 {
			t.Fatalf("another's import: %d %s", r.Status, r.Body)
		}
		r = e.do("POST", fmt.Sprintf("/api/v1/imports/%d/commit", x.ID), strings.NewReader(`{"mode":"valid_only"}`), as(o.am2))
		if r.Status != 202 {
			t.Fatalf("commit valid_only: %d %s", r.Status, r.Body)
		}
		x = e.waitImport(o.am2, x.ID)
		if x.Status != importer.ImportDone || x.Inserted != 2 || x.Skipped != 8 {
			t.Fatalf("after the commit: %+v", x)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers"); n != 3 {
			t.Fatalf("%d customers, want 3", n)
		}
		var am2ID int64
		_ = e.db.QueryRow(context.Background(), "SELECT id FROM users WHERE username = 'am2'").Scan(&am2ID)
		if n := e.countRows("SELECT COUNT(*) FROM customers WHERE import_id = ? AND owner_id = ? AND import_row IN (2, 11)", x.ID, am2ID); n != 2 {
			t.Fatalf("imported customers owned by the importer with their row: %d", n)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customer_tags t JOIN customers c ON c.id = t.customer_id WHERE c.import_id = ?", x.ID); n != 2 {
			t.Fatalf("tags: %d", n)
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE action = 'import_batch' AND entity = 'import' AND entity_id = ?", fmt.Sprint(x.ID)); n != 1 {
			t.Fatalf("batch audit entries: %d", n)
		}
		// Imported rows are found by the search box: name, pinyin initials, mobile ending.
		for _, q := range []string{"云栖", "hzyq", "1111", "良品"} {
			r := e.do("GET", "/api/v1/customers?q="+q, nil, as(o.am2))
			if r.Status != 200 || !strings.Contains(string(r.Body), "有限公司") {
				t.Errorf("search %q: %d %s", q, r.Status, r.Body)
			}
		}
		// The contact's mobile is sealed and shown masked.
		var cid int64
		_ = e.db.QueryRow(context.Background(), "SELECT id FROM customers WHERE import_row = 2 AND import_id = ?", x.ID).Scan(&cid)
		r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d/contacts", cid), nil, as(o.am2))
		if !strings.Contains(string(r.Body), "138****1111") || strings.Contains(string(r.Body), "13800001111") {
			t.Errorf("contact: %s", r.Body)
		}
		// The customer says which import and row it came from, and its
		// page links to the import's report.
		r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d", cid), nil, as(o.am2))
		if want := fmt.Sprintf(`"import_id":%d,"import_row":2`, x.ID); !strings.Contains(string(r.Body), want) {
			t.Errorf("imported customer: %s, want %s", r.Body, want)
		}
		body := string(e.page(fmt.Sprintf("/customers/%d", cid), "zh-CN", e.formSignIn("am2")).Body)
		if want := fmt.Sprintf(`<a href="/imports/%d">导入 #%d，第 2 行</a>`, x.ID, x.ID); !strings.Contains(body, want) {
			t.Errorf("the customer page does not link its import: want %s", want)
		}

		// The same file again: every row is now bad, nothing is added twice.
		y, r := e.uploadImport(o.am2, "客户.csv", "text/csv", []byte(csv))
		if r.Status != 202 || y.PreviousID != x.ID {
			t.Fatalf("second upload: %d %s", r.Status, r.Body)
		}
		y = e.waitImport(o.am2, y.ID)
		if y.BadRows != 10 {
			t.Fatalf("second dry run: %+v", y)
		}
		e.do("POST", fmt.Sprintf("/api/v1/imports/%d/commit", y.ID), strings.NewReader(`{"mode":"valid_only"}`), as(o.am2))
		if y = e.waitImport(o.am2, y.ID); y.Status != importer.ImportDone || y.Inserted != 0 {
			t.Fatalf("second commit: %+v", y)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers"); n != 3 {
			t.Fatalf("re-running the file made duplicates: %d customers", n)
		}
	})
}

func TestImportFromXLSXCommitsInOneGoWithMapping(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		tok := e.user("am", crm.RoleAccountManager)
		f := excelize.NewFile()
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{"公司", "Short Name", "region_code", "Contact", "mobile", "内部编号"})
		_ = f.SetSheetRow("Sheet1", "A2", &[]any{"深圳前海贸易有限公司", "前海贸易", "440305", "陈静", "13700001234", "X1"})
		_ = f.SetSheetRow("Sheet1", "A3", &[]any{"广州天河物流有限公司", "", "440106 天河区", "", "", "X2"})
		var buf bytes.Buffer
		if _, err := f.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		// Without a mapping "公司" is not recognised: no name column.
		_, r := e.uploadImport(tok, "list.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
		if r.Status != 422 || !strings.Contains(string(r.Body), `"mapping"`) {
			t.Fatalf("no name column: %d %s", r.Status, r.Body)
		}
		x, r := e.uploadImport(tok, "list.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes(),
			"kind", "customers", "mapping", `{"公司":"name","内部编号":"-"}`, "dry_run", "false", "mode", "all")
		if r.Status != 202 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		x = e.waitImport(tok, x.ID)
		if x.Status != importer.ImportDone || x.Inserted != 2 || x.BadRows != 0 {
			t.Fatalf("xlsx import: %+v", x)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers WHERE region_code = '440106' AND name = '广州天河物流有限公司'"); n != 1 {
			t.Fatalf("region with its name: %d", n)
		}
		if n := e.countRows("SELECT COUNT(*) FROM contacts WHERE mobile_last4 = '1234' AND name = '陈静'"); n != 1 {
			t.Fatal("the contact was not stored")
		}
		if n := e.countRows("SELECT COUNT(*) FROM contacts"); n != 1 {
			t.Fatal("a row without contact columns made a contact")
		}
	})
}

func TestImportUploadsAreCheckedAndAuthorised(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		startImportWorker(t, e)
		o := newOrg(e)
		service := e.user("kefu", crm.RoleService)
		csv := []byte("客户名称,负责人\n甲公司,am1\n乙公司,\n")
		cases := []struct {
			name, token, file, ct string
			content               []byte
			fields                []string
			status                int
			want                  string
		}{
			{"a role without customer.create", service, "a.csv", "text/csv", csv, nil, 403, "forbidden"},
			{"no file", o.am2, "", "text/csv", nil, nil, 422, "file"},
			{"an image named .csv", o.am2, "a.csv", "image/png", []byte("\x89PNG\r\n"), nil, 415, "CSV or XLSX"},
			{"binary content named .csv", o.am2, "a.csv", "text/csv", []byte("PK\x03\x04zzzz"), nil, 415, "不是文本"},
			{"an old .xls", o.am2, "a.xls", "application/vnd.ms-excel", []byte("\xd0\xcf\x11\xe0"), nil, 415, ".xls"},
			{"text named .xlsx", o.am2, "a.xlsx", "application/octet-stream", csv, nil, 415, "不是 Excel"},
			{"a bad mapping", o.am2, "a.csv", "text/csv", csv, []string{"mapping", `{"客户名称":"nom"}`}, 422, "mapping.客户名称"},
			{"a mapping naming no column", o.am2, "a.csv", "text/csv", csv, []string{"mapping", `{"地址":"address"}`}, 422, "mapping.地址"},
			{"an unknown form field", o.am2, "a.csv", "text/csv", csv, []string{"owner", "x"}, 422, "owner"},
			{"an empty file", o.am2, "a.csv", "text/csv", []byte{}, nil, 422, "empty"},
		}
		for _, c := range cases {
			lang := "" // Chinese, the default, for the cases that expect Chinese words
			if c.want == "CSV or XLSX" {
				lang = "en"
			}
			_, r := e.uploadImportIn(lang, c.token, c.file, c.ct, c.content, c.fields...)
			if r.Status != c.status || !strings.Contains(string(r.Body), c.want) {
				t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
			}
		}
		if n := e.countRows("SELECT COUNT(*) FROM imports"); n != 0 {
			t.Errorf("refused uploads left %d imports", n)
		}
		// Each refused upload that got as far as an ID is in the audit log
		// as created, then removed with the reason; no later import takes
		// one of those IDs.
		refused := map[string]bool{}
		r := e.do("GET", "/api/v1/audit?entity=import&limit=100", nil, as(o.auditor))
		var audit struct {
			Items []struct {
				Action   string `json:"action"`
				EntityID string `json:"entity_id"`
				Detail   string `json:"detail"`
			} `json:"items"`
		}
		_ = json.Unmarshal(r.Body, &audit)
		created := 0
		for _, a := range audit.Items {
			switch a.Action {
			case "create":
				created++
			case "delete":
				if !strings.Contains(a.Detail, `"refused"`) {
					t.Errorf("a refused upload's removal does not say why: %s", a.Detail)
				}
				refused[a.EntityID] = true
			}
		}
		if created == 0 || len(refused) != created {
			t.Errorf("%d uploads audited as created, %d as refused, want all refused: %s", created, len(refused), r.Body)
		}
		// An account manager may not give customers to someone else; a gm may.
		x, _ := e.uploadImport(o.am2, "a.csv", "text/csv", csv)
		if refused[fmt.Sprint(x.ID)] {
			t.Errorf("import %d reuses a refused upload's ID", x.ID)
		}
		x = e.waitImport(o.am2, x.ID)
		if x.BadRows != 1 || len(x.Problems.Items) != 1 || x.Problems.Items[0].Column != "负责人" || x.Problems.Items[0].Code != "forbidden" {
			t.Fatalf("owner by an account manager: %+v", x)
		}
		x, _ = e.uploadImport(o.gm, "a.csv", "text/csv", csv, "dry_run", "false", "mode", "all")
		if x = e.waitImport(o.gm, x.ID); x.Status != importer.ImportDone || x.Inserted != 2 {
			t.Fatalf("gm import: %+v", x)
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers c JOIN users u ON u.id = c.owner_id WHERE c.name = '甲公司' AND u.username = 'am1'"); n != 1 {
			t.Fatal("the owner column was not applied")
		}
		if n := e.countRows("SELECT COUNT(*) FROM customers c JOIN users u ON u.id = c.owner_id WHERE c.name = '乙公司' AND u.username = 'gm'"); n != 1 {
			t.Fatal("a row without an owner is the importer's")
		}
		// The list shows only one's own imports.
		r = e.do("GET", "/api/v1/imports", nil, as(o.am1))
		if r.Status != 200 || strings.Contains(string(r.Body), "a.csv") {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
	})
}
