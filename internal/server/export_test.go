package server_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestExportKeepsToScopeNeutralisesFormulasAndIsAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		o.create(o.am1, `{"name":"=HYPERLINK(\"http://evil.example\")","short_name":"+1"}`)
		o.create(o.am1, `{"name":"嘉兴丝绸"}`)
		o.create(o.am3, `{"name":"东莞模具"}`)
		r := e.do("GET", "/api/v1/customers/export?format=csv", nil, as(o.am1))
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv export = %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\ufeff"))))
		cr.FieldsPerRecord = -1 // the first line, who exported and when, is one cell
		rows, err := cr.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		body := string(r.Body)
		if !strings.Contains(rows[0][0], "am1") || rows[1][0] != "客户编号" {
			t.Errorf("the export must start with who exported it and the headings: %v", rows[:2])
		}
		if !strings.Contains(body, "嘉兴丝绸") || strings.Contains(body, "东莞模具") {
			t.Errorf("the export must hold the caller's customers only")
		}
		if !strings.Contains(body, `'=HYPERLINK`) || !strings.Contains(body, "'+1") {
			t.Errorf("formula-like cells are not neutralised: %s", body)
		}
		r = e.do("GET", "/api/v1/customers/export?format=xlsx&q="+urlQuery("嘉兴"), nil, as(o.am1))
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("xlsx export = %d: %v", r.Status, err)
		}
		got, _ := x.GetRows("Sheet1")
		if len(got) != 3 || got[2][1] != "嘉兴丝绸" {
			t.Errorf("the filtered xlsx export rows = %v", got)
		}
		if r := e.do("GET", "/api/v1/customers/export", nil, as(o.qa)); r.Status != 403 {
			t.Errorf("QA exporting = %d, want 403", r.Status)
		}
		if r := e.do("GET", "/api/v1/customers/export?format=pdf", nil, as(o.am1)); r.Status != 422 {
			t.Errorf("an unknown format = %d, want 422", r.Status)
		}
		r = e.do("GET", "/api/v1/audit?action=export", nil, as(o.auditor))
		if strings.Count(string(r.Body), `"action":"export"`) != 2 || !strings.Contains(string(r.Body), `"username":"am1"`) {
			t.Errorf("the exports are not audited: %s", r.Body)
		}
	})
}
