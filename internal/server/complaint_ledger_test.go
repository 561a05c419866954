package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/xuri/excelize/v2"
)

// ledgerFile registers a complaint through the API and returns its ID.
func ledgerFile(t *testing.T, e *env, token, body string) int64 {
	t.Helper()
	r := e.do("POST", "/api/v1/complaints", strings.NewReader(body), as(token))
	var c struct{ ID int64 }
	if r.Status != 201 || json.Unmarshal(r.Body, &c) != nil {
		t.Fatalf("intake = %d %s", r.Status, r.Body)
	}
	return c.ID
}

// ledgerStep takes a complaint one step through the API at its current version.
func ledgerStep(t *testing.T, e *env, token string, id int64, to string, fields map[string]string) {
	t.Helper()
	var c struct{ Version int }
	_ = json.Unmarshal(e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", id), nil, as(token)).Body, &c)
	body, _ := json.Marshal(map[string]any{"to": to, "note": "推进到 " + to, "version": c.Version, "fields": fields})
	if r := e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/transitions", id), bytes.NewReader(body), as(token)); r.Status != 200 {
		t.Fatalf("to %s = %d %s", to, r.Status, r.Body)
	}
}

// ledgerClose takes a non-quality complaint from registered to closed
// as the service desk, the GM and QA do; cause is the cause found.
func ledgerClose(t *testing.T, e *env, o org, clerk string, id int64, cause string) {
	t.Helper()
	f := map[string]string{"department": "物流部", "assignee": "kefu", "cause": cause, "handling": "道歉并减免运费", "responsibility": "承运商",
		"corrective_action": "更换承运商", "effect_confirmed": "后续准时", "delay_reason": "国庆假期承运商停运"}
	for _, s := range []struct{ token, to string }{{o.gm, "accepted"}, {o.gm, "assigned"}, {clerk, "investigating"}, {clerk, "solution_proposed"},
		{o.gm, "approved"}, {clerk, "customer_informed"}, {clerk, "customer_confirmed"}, {o.qa, "verified"}, {clerk, "return_visited"}, {clerk, "closed"}} {
		ledgerStep(t, e, s.token, id, s.to, f)
	}
}

type ledgerJSON struct {
	Month      string
	Total      int
	NextCursor string `json:"next_cursor"`
	Items      []struct {
		ID                                                    int64
		Number, Customer, Category, Reply, Solution, Status   string
		Department, Assignee, Cause, Responsibility, Handling string
		Result                                                string
		ClosedAt                                              *time.Time `json:"closed_at"`
	}
}

func TestTheComplaintLedgerListsAMonthWithItsDeadlinesMetOrMissed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		c1, _ := o.create(o.am1, `{"name":"湖州电机"}`)
		c3, _ := o.create(o.am3, `{"name":"东莞模具"}`)
		// October 2025: received long ago, so every deadline is judged.
		late := ledgerFile(t, e, clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"logistics","received_at":"2025-10-09T10:00:00+08:00","description":"到货延误","part_no":"M-220"}`, c1.ID))
		ledgerClose(t, e, o, clerk, late, "=承运商延误")
		open := ledgerFile(t, e, clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"email","category":"logistics","received_at":"2025-10-20T09:00:00+08:00","description":"又延误","part_no":"M-220"}`, c1.ID))
		ledgerFile(t, e, clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"price","received_at":"2025-10-31T23:30:00+08:00","description":"价格异议"}`, c3.ID))
		ledgerFile(t, e, clerk, `{"caller_name":"路人甲","caller_phone":"13600001111","channel":"phone","category":"service","received_at":"2025-10-01T00:10:00+08:00","description":"态度差"}`)
		ledgerFile(t, e, clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"price","received_at":"2025-11-01T00:10:00+08:00","description":"下个月的"}`, c1.ID))
		// This month: replied to at once, so the reply deadline is met.
		now := time.Now()
		fresh := ledgerFile(t, e, clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","received_at":%q,"description":"刚收到"}`, c1.ID, now.Add(-time.Minute).Format(time.RFC3339)))
		ledgerStep(t, e, o.gm, fresh, "accepted", nil)

		get := func(token, query string) (response, ledgerJSON) {
			r := e.do("GET", "/api/v1/complaints/ledger"+query, nil, as(token))
			var l ledgerJSON
			_ = json.Unmarshal(r.Body, &l)
			return r, l
		}
		r, l := get(clerk, "?month=2025-10")
		if r.Status != 200 || l.Total != 4 || len(l.Items) != 4 {
			t.Fatalf("the service desk's October ledger = %d %s, want the 4 complaints received in October China time", r.Status, r.Body)
		}
		numbers := []string{}
		for _, it := range l.Items {
			numbers = append(numbers, it.Number)
		}
		if strings.Join(numbers, " ") != "202510-0001 202510-0002 202510-0003 202510-0004" {
			t.Errorf("the ledger is in number order: %v", numbers)
		}
		row := l.Items[0]
		if row.ID != late || row.Customer != "湖州电机" || row.Reply != "missed" || row.Solution != "missed" || row.Status != "closed" ||
			row.Department != "物流部" || row.Assignee != "kefu" || row.Cause != "=承运商延误" || row.Responsibility != "承运商" ||
			row.Handling != "道歉并减免运费" || row.Result != "后续准时" || row.ClosedAt == nil {
			t.Errorf("the closed complaint's row = %+v", row)
		}
		if l.Items[1].ID != open || l.Items[1].Reply != "missed" || l.Items[1].Solution != "missed" || l.Items[1].ClosedAt != nil {
			t.Errorf("a complaint never answered has both deadlines missed: %+v", l.Items[1])
		}
		if l.Items[3].Customer != "路人甲" {
			t.Errorf("an unidentified caller shows by name: %+v", l.Items[3])
		}
		if _, l := get(clerk, "?month="+now.In(time.FixedZone("CST", 8*3600)).Format("2006-01")); len(l.Items) == 0 || l.Items[len(l.Items)-1].Reply != "met" || l.Items[len(l.Items)-1].Solution != "pending" {
			t.Errorf("a complaint replied to within the hour: %+v", l.Items)
		}
		// Pages follow the cursor.
		r, l = get(clerk, "?month=2025-10&limit=3")
		if len(l.Items) != 3 || l.NextCursor == "" {
			t.Fatalf("first page of 3 = %s", r.Body)
		}
		if _, l2 := get(clerk, "?month=2025-10&limit=3&cursor="+l.NextCursor); len(l2.Items) != 1 || l2.Items[0].Number != "202510-0004" || l2.NextCursor != "" || l2.Total != 4 {
			t.Errorf("second page = %+v", l2)
		}
		// Row scope: an account manager sees their customers' complaints only.
		if _, l := get(o.am1, "?month=2025-10"); l.Total != 2 || len(l.Items) != 2 {
			t.Errorf("am1's ledger = %+v, want the two complaints of 湖州电机", l)
		}
		if _, l := get(o.am2, "?month=2025-10"); l.Total != 0 || len(l.Items) != 0 {
			t.Errorf("am2 sees complaints out of scope: %+v", l)
		}
		for _, tt := range []struct {
			who, token, query string
			status            int
		}{
			{"the administrator (no customer data)", o.admin, "?month=2025-10", 403},
			{"the auditor", o.auditor, "?month=2025-10", 403},
			{"a month written badly", clerk, "?month=2025-13", 400},
			{"a month written as a date", clerk, "?month=2025-10-01", 400},
			{"a cursor not given out", clerk, "?month=2025-10&cursor=xyz", 400},
		} {
			if r, _ := get(tt.token, tt.query); r.Status != tt.status {
				t.Errorf("%s: %d %s, want %d", tt.who, r.Status, r.Body, tt.status)
			}
		}
		if r, _ := get(clerk, "?month=2025-13"); !strings.Contains(string(r.Body), `"field":"month"`) {
			t.Errorf("a bad month names the field: %s", r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", late), nil, as(clerk)); r.Status != 200 {
			t.Errorf("the ledger routes must leave /complaints/{id} alone: %d", r.Status)
		}
	})
}

func TestTheMonthlyAnalysisCountsRanksCausesAndTimesTheDeadlines(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		c1, _ := o.create(o.am1, `{"name":"湖州电机"}`)
		c3, _ := o.create(o.am3, `{"name":"东莞模具"}`)
		body := func(cust int64, day, category, part string) string {
			return fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":%q,"received_at":"2025-10-%sT10:00:00+08:00","description":"x","part_no":%q}`, cust, category, day, part)
		}
		for i, cause := range []string{"承运商延误", "承运商延误", "包装破损"} {
			id := ledgerFile(t, e, clerk, body(c1.ID, fmt.Sprintf("%02d", 9+i), "logistics", "M-220"))
			ledgerClose(t, e, o, clerk, id, cause)
		}
		ledgerFile(t, e, clerk, body(c3.ID, "15", "price", ""))
		ledgerFile(t, e, clerk, body(c3.ID, "16", "product_quality", "M-330"))

		r := e.do("GET", "/api/v1/complaints/analysis?month=2025-10", nil, as(clerk))
		var a complaint.ComplaintAnalysis
		if r.Status != 200 || json.Unmarshal(r.Body, &a) != nil {
			t.Fatalf("analysis = %d %s", r.Status, r.Body)
		}
		if a.Total != 5 || a.RepeatBasis != "month" {
			t.Errorf("total %d basis %q", a.Total, a.RepeatBasis)
		}
		counts := func(kc []complaint.KeyCount) string {
			var s []string
			for _, x := range kc {
				s = append(s, fmt.Sprintf("%s=%d", x.Key, x.Count))
			}
			return strings.Join(s, " ")
		}
		if got := counts(a.ByCategory); got != "product_quality=1 service=0 logistics=3 price=1 after_sales=0 other=0" {
			t.Errorf("by category: %s", got)
		}
		if got := counts(a.ByProduct); got != "M-220=3 =1 M-330=1" {
			t.Errorf("by product: %s", got)
		}
		if got := counts(a.ByCause); got != "=2 承运商延误=2 包装破损=1" {
			t.Errorf("by cause: %s", got)
		}
		if got := counts(a.ByDepartment); got != "物流部=3 =2" {
			t.Errorf("by department: %s", got)
		}
		if len(a.Pareto) != 2 || a.Pareto[0].Cause != "承运商延误" || a.Pareto[0].CumulativePct != 66.7 || a.Pareto[1].CumulativePct != 100 {
			t.Errorf("pareto: %+v", a.Pareto)
		}
		// All five were received in October 2025 and answered (if at all)
		// only now: every deadline is missed (a quality complaint's solution
		// deadline, if the rules give it none, is not judged).
		if a.ReplySLA.Met != 0 || a.ReplySLA.Missed != 5 || a.ReplySLA.CompliancePct == nil || *a.ReplySLA.CompliancePct != 0 {
			t.Errorf("reply SLA: %+v", a.ReplySLA)
		}
		if a.SolutionSLA.Met != 0 || a.SolutionSLA.Missed < 4 || a.SolutionSLA.Missed+a.SolutionSLA.None != 5 || *a.SolutionSLA.CompliancePct != 0 {
			t.Errorf("solution SLA: %+v", a.SolutionSLA)
		}
		if a.FirstReply.N != 3 || a.Closure.N != 3 || a.FirstReply.MedianHours == nil || *a.FirstReply.P90Hours < *a.FirstReply.MedianHours || *a.Closure.MedianHours < 24*30 {
			t.Errorf("durations: %+v %+v", a.FirstReply, a.Closure)
		}
		if len(a.Repeat) != 2 || a.Repeat[0].CustomerID != c1.ID || a.Repeat[0].Count != 3 || a.Repeat[1].Count != 2 || len(a.Repeat[0].Numbers) != 3 {
			t.Errorf("repeat complainants: %+v", a.Repeat)
		}
		var mine complaint.ComplaintAnalysis
		_ = json.Unmarshal(e.do("GET", "/api/v1/complaints/analysis?month=2025-10", nil, as(o.am3)).Body, &mine)
		if mine.Total != 2 || len(mine.Repeat) != 1 || mine.Repeat[0].CustomerID != c3.ID {
			t.Errorf("am3's analysis covers their customers only: %+v", mine)
		}
		if r := e.do("GET", "/api/v1/complaints/analysis?month=2025-10", nil, as(o.admin)); r.Status != 403 {
			t.Errorf("the administrator reading the analysis = %d", r.Status)
		}
		if r := e.do("GET", "/api/v1/complaints/analysis?month=oct", nil, as(clerk)); r.Status != 400 {
			t.Errorf("a bad month = %d", r.Status)
		}
	})
}

func TestTheLedgerExportHasTheAnalysisIsStampedSafeAndAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		c1, _ := o.create(o.am1, `{"name":"湖州电机"}`)
		c3, _ := o.create(o.am3, `{"name":"东莞模具"}`)
		id := ledgerFile(t, e, clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"logistics","received_at":"2025-10-09T10:00:00+08:00","description":"到货延误","part_no":"+M-220"}`, c1.ID))
		ledgerClose(t, e, o, clerk, id, "=HYPERLINK(\"http://evil.example\")")
		ledgerFile(t, e, clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"price","received_at":"2025-10-10T10:00:00+08:00","description":"价格"}`, c3.ID))

		r := e.do("GET", "/api/v1/complaints/ledger.xlsx?month=2025-10", nil, as(o.am1))
		if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Disposition"), "complaint-ledger-2025-10.xlsx") {
			t.Fatalf("export = %d %v", r.Status, r.Header)
		}
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		if sheets := x.GetSheetList(); len(sheets) != 2 || sheets[0] != "客诉台账" || sheets[1] != "客诉分析" {
			t.Fatalf("sheets = %v", sheets)
		}
		rows, _ := x.GetRows("客诉台账")
		if len(rows) != 3 {
			t.Fatalf("am1's export has %d rows, want the stamp, the headings and their one complaint: %v", len(rows), rows)
		}
		if !strings.Contains(rows[0][0], "am1") || !strings.Contains(rows[0][0], "导出时间") || rows[1][0] != "客诉编号" {
			t.Errorf("the stamp and headings: %v %v", rows[0], rows[1])
		}
		line := strings.Join(rows[2], "|")
		for _, want := range []string{"202510-0001", "湖州电机", "物流", "'+M-220", "逾期", "物流部", `'=HYPERLINK("http://evil.example")`, "承运商", "道歉并减免运费", "后续准时"} {
			if !strings.Contains(line, want) {
				t.Errorf("the ledger row lacks %q: %s", want, line)
			}
		}
		analysis, _ := x.GetRows("客诉分析")
		all := fmt.Sprint(analysis)
		for _, want := range []string{"am1", "原因柏拉图", `'=HYPERLINK`, "期限达成", "按类别", "重复投诉客户"} {
			if !strings.Contains(all, want) {
				t.Errorf("the analysis sheet lacks %q: %v", want, analysis)
			}
		}
		if r := e.do("GET", "/api/v1/complaints/ledger.xlsx?month=2025-10", nil, as(o.admin)); r.Status != 403 {
			t.Errorf("the administrator exporting = %d", r.Status)
		}
		r = e.do("GET", "/api/v1/complaints/ledger.xlsx?month=2025-10", nil, as(clerk, "Accept-Language", "en"))
		x, _ = excelize.OpenReader(bytes.NewReader(r.Body))
		if rows, _ := x.GetRows("Ledger"); len(rows) != 4 || rows[1][0] != "Number" {
			t.Errorf("the service desk's English export: %v", rows)
		}
		r = e.do("GET", "/api/v1/audit?action=export", nil, as(o.auditor))
		if n := strings.Count(string(r.Body), `"entity":"complaint_ledger"`); n != 2 || !strings.Contains(string(r.Body), `"username":"am1"`) {
			t.Errorf("the exports are audited (%d): %s", n, r.Body)
		}
	})
}
