package server_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestExportKeepsToScopeNeutralisesFormulasAndIsAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		o.create(o.am1, `{"name":"=HYPERLINK(\"http://evil.example\")","short_name":"+1"}`)
		silk, _ := o.create(o.am1, `{"name":"嘉兴丝绸","legal_representative":"沈国强","tags":["重点"]}`)
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", silk.ID), strings.NewReader(`{"name":"沈梅","mobile":"13812345678","is_primary":true}`), as(o.am1))
		o.create(o.am3, `{"name":"东莞模具"}`)
		r := e.do("GET", "/api/v1/customers/export?format=csv", nil, as(o.am1))
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv export = %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\ufeff"))))
		cr.FieldsPerRecord = -1 // the last line, who exported and when, is two cells
		rows, err := cr.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		body := string(r.Body)
		if last := rows[len(rows)-1]; rows[0][0] != "客户编号" || !strings.Contains(last[len(last)-1], "am1") {
			t.Errorf("the export must start with the headings and end with who exported it: %v", rows)
		}
		if !strings.Contains(body, "嘉兴丝绸") || strings.Contains(body, "东莞模具") {
			t.Errorf("the export must hold the caller's customers only")
		}
		if !strings.Contains(body, `'=HYPERLINK`) || !strings.Contains(body, "'+1") {
			t.Errorf("formula-like cells are not neutralised: %s", body)
		}
		// The primary contact's mobile is masked; the export says who owns
		// each customer, its legal representative and tags.
		for _, want := range []string{"沈梅", "138****5678", "沈国强", "重点", "am1", ",企业,", ",潜在,"} {
			if !strings.Contains(body, want) {
				t.Errorf("the export lacks %s: %s", want, body)
			}
		}
		if strings.Contains(body, "13812345678") {
			t.Errorf("the export shows a mobile in full without a reason: %s", body)
		}
		// In full only with a reason, from someone who may reveal it.
		r = e.do("GET", "/api/v1/customers/export?format=csv&stage=potential&reveal_reason="+urlQuery("核对客户电话"), nil, as(o.am1))
		if r.Status != 200 || !strings.Contains(string(r.Body), "13812345678") {
			t.Errorf("an export with a reason = %d, want the mobile in full: %s", r.Status, r.Body)
		}
		// Not from another site's link, nor with an endless reason.
		if r := e.do("GET", "/api/v1/customers/export?reveal_reason=x", nil, as(o.am1, "Sec-Fetch-Site", "cross-site")); r.Status != 403 {
			t.Errorf("a cross-site export in full = %d, want 403", r.Status)
		}
		if r := e.do("GET", "/api/v1/customers/export?reveal_reason="+strings.Repeat("长", 201), nil, as(o.am1)); r.Status != 400 {
			t.Errorf("a 201-character reason = %d, want 400", r.Status)
		}
		// The export keeps the list's order.
		first := func(sort string) string {
			r := e.do("GET", "/api/v1/customers/export?sort="+sort, nil, as(o.am1))
			cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\ufeff"))))
			cr.FieldsPerRecord = -1
			rows, err := cr.ReadAll()
			if err != nil || len(rows) < 4 {
				t.Fatalf("export sorted by %s = %d %s", sort, r.Status, r.Body)
			}
			return rows[1][1]
		}
		if a, z := first("name"), first("-name"); a == z {
			t.Errorf("sorted by name and by name descending, the export starts with %s both times", a)
		}
		if r := e.do("GET", "/api/v1/customers/export?sort=size", nil, as(o.am1)); r.Status != 400 && r.Status != 422 {
			t.Errorf("an unknown sort = %d, want it refused", r.Status)
		}
		r = e.do("GET", "/api/v1/customers/export?format=xlsx&q="+urlQuery("嘉兴"), nil, as(o.am1))
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("xlsx export = %d: %v", r.Status, err)
		}
		got, _ := x.GetRows("Sheet1")
		if len(got) != 2 || got[1][1] != "嘉兴丝绸" {
			t.Errorf("the filtered xlsx export rows = %v", got)
		}
		if r := e.do("GET", "/api/v1/customers/export", nil, as(o.qa)); r.Status != 403 {
			t.Errorf("QA exporting = %d, want 403", r.Status)
		}
		if r := e.do("GET", "/api/v1/customers/export?format=pdf", nil, as(o.am1)); r.Status != 400 && r.Status != 422 {
			t.Errorf("an unknown format = %d, want it refused", r.Status)
		}
		r = e.do("GET", "/api/v1/audit?action=export", nil, as(o.auditor))
		if strings.Count(string(r.Body), `"action":"export"`) != 5 || !strings.Contains(string(r.Body), `"username":"am1"`) {
			t.Errorf("the exports are not audited: %s", r.Body)
		}
		for _, want := range []string{`\"reveal_reason\":\"核对客户电话\"`, `\"mobiles_revealed\":true`, `\"stage\":\"potential\"`, `\"format\":\"xlsx\"`} {
			if !strings.Contains(string(r.Body), want) {
				t.Errorf("the export's audit entries lack %s: %s", want, r.Body)
			}
		}
	})
}
