package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/xuri/excelize/v2"
)

// ledgerLabels are the words of the ledger export in each language:
// headings, then option values.
var ledgerLabels = map[string]map[string]string{
	"zh-CN": {
		"sheet.ledger": "客诉台账", "sheet.analysis": "客诉分析", "title": "Kehu 客诉台账", "by": "导出人", "at": "导出时间", "tz": "(北京时间)",
		"number": "客诉编号", "customer": "客户", "category": "类别", "quality": "质量异常", "severity": "严重程度", "part_no": "料号",
		"status": "状态", "received_at": "受理日期", "reply_due_at": "答复期限", "replied_at": "首次答复", "reply": "答复按期",
		"solution_due_at": "解决期限", "solved_at": "解决时间", "solution": "解决按期", "department": "责任部门", "assignee": "负责人",
		"cause": "发生原因", "responsibility": "责任归属", "handling": "处理方式", "corrective_action": "改善对策", "result": "效果确认",
		"delay_reason": "逾期原因", "closed_at": "结案日期",
		"met": "按期", "missed": "逾期", "pending": "未到期", "none": "无期限", "yes": "是", "no": "否",
		"normal": "一般", "major": "重大", "product_quality": "产品质量", "service": "服务", "logistics": "物流", "price": "价格",
		"after_sales": "售后", "other": "其他", "empty": "(未填)",
		"month": "月份", "total": "客诉总数", "by_category": "按类别", "by_product": "按产品（料号）", "by_cause": "按原因",
		"by_department": "按责任部门", "pareto": "原因柏拉图", "count": "件数", "cumulative": "累计百分比 %", "sla": "期限达成",
		"compliance": "达成率 %", "durations": "时长（小时）", "first_reply": "首次答复", "closure": "结案", "median": "中位数",
		"p90": "90分位", "n": "件数", "repeat": "重复投诉客户（本月2次及以上）", "numbers": "客诉编号",
		"registered": "已登记", "accepted": "已受理", "assigned": "已分派", "investigating": "调查中", "solution_proposed": "已提处理方案",
		"approved": "方案已核准", "customer_informed": "已告知客户", "customer_confirmed": "客户已确认", "verified": "已验证效果",
		"return_visited": "已回访", "closed": "已结案",
	},
	"en": {
		"sheet.ledger": "Ledger", "sheet.analysis": "Analysis", "title": "Kehu complaint ledger", "by": "exported by", "at": "at", "tz": "(China time)",
		"number": "Number", "customer": "Customer", "category": "Category", "quality": "Quality", "severity": "Severity", "part_no": "Part no.",
		"status": "Status", "received_at": "Received", "reply_due_at": "Reply due", "replied_at": "First reply", "reply": "Reply on time",
		"solution_due_at": "Solution due", "solved_at": "Solved", "solution": "Solution on time", "department": "Department", "assignee": "Assignee",
		"cause": "Cause", "responsibility": "Responsibility", "handling": "Handling", "corrective_action": "Corrective action", "result": "Result",
		"delay_reason": "Reason for delay", "closed_at": "Closed",
		"met": "met", "missed": "missed", "pending": "pending", "none": "no deadline", "yes": "yes", "no": "no",
		"normal": "normal", "major": "major", "product_quality": "product quality", "service": "service", "logistics": "logistics", "price": "price",
		"after_sales": "after-sales", "other": "other", "empty": "(none)",
		"month": "Month", "total": "Complaints", "by_category": "By category", "by_product": "By product (part no.)", "by_cause": "By cause",
		"by_department": "By department", "pareto": "Pareto of causes", "count": "Count", "cumulative": "Cumulative %", "sla": "Deadlines kept",
		"compliance": "Compliance %", "durations": "Durations (hours)", "first_reply": "First reply", "closure": "Closure", "median": "Median",
		"p90": "90th percentile", "n": "Count", "repeat": "Repeat complainants (2 or more this month)", "numbers": "Numbers",
		"solution_proposed": "solution proposed", "customer_informed": "customer informed", "customer_confirmed": "customer confirmed",
		"return_visited": "return visited",
	},
}

// ledgerColumns are the ledger's columns in order.
var ledgerColumns = []string{"number", "customer", "category", "quality", "severity", "part_no", "status", "received_at", "reply_due_at",
	"replied_at", "reply", "solution_due_at", "solved_at", "solution", "department", "assignee", "cause", "responsibility", "handling",
	"corrective_action", "result", "delay_reason", "closed_at"}

// ledgerXLSX exports the month's whole ledger, with its analysis on a
// second sheet. Both sheets name who exported them and when; every text
// cell is formula-safe; the export is audited.
func (c *complaintReports) ledgerXLSX(w http.ResponseWriter, r *http.Request) error {
	month := r.URL.Query().Get("month")
	rows, an, err := c.reports.Month(r.Context(), month, "xlsx")
	if err != nil {
		return err
	}
	lang := httpx.Language(r)
	if lang != "en" {
		lang = "zh-CN"
	}
	L := func(k string) string {
		if s, ok := ledgerLabels[lang][k]; ok {
			return s
		}
		return k
	}
	now := c.now()
	p, _ := crm.PrincipalFrom(r.Context())
	stamp := L("title") + " " + an.Month + " · " + L("by") + " " + p.Username + " · " + L("at") + " " +
		now.In(chinaTime).Format("2006-01-02 15:04:05") + " " + L("tz")
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", L("sheet.ledger")); err != nil {
		return err
	}
	_ = x.SetDocProps(&excelize.DocProperties{Creator: p.Username, LastModifiedBy: p.Username, Title: stamp,
		Created: now.UTC().Format(time.RFC3339), Modified: now.UTC().Format(time.RFC3339)})
	sw, err := x.NewStreamWriter(L("sheet.ledger"))
	if err != nil {
		return err
	}
	_ = sw.SetRow("A1", []any{stamp})
	heading := make([]any, len(ledgerColumns))
	for i, k := range ledgerColumns {
		heading[i] = L(k)
	}
	_ = sw.SetRow("A2", heading)
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(chinaTime).Format("2006-01-02 15:04")
	}
	for i, row := range rows {
		yes := L("no")
		if row.Quality {
			yes = L("yes")
		}
		cells := []string{row.Number, row.Customer, L(row.Category), yes, L(row.Severity), row.PartNo, L(string(row.Status)),
			day(&row.ReceivedAt), day(&row.ReplyDueAt), day(row.RepliedAt), L(row.Reply), day(row.SolutionDueAt), day(row.SolvedAt),
			L(row.Solution), row.Department, row.Assignee, row.Cause, row.Responsibility, row.Handling, row.CorrectiveAction,
			row.Result, row.DelayReason, day(row.ClosedAt)}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, safeCells(cells)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := analysisSheet(x, L, stamp, an); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="complaint-ledger-`+an.Month+`.xlsx"`)
	w.Header().Set("Cache-Control", "no-store")
	return x.Write(w)
}

// analysisSheet writes the month's analysis as a second sheet of
// labelled tables, one under the other.
func analysisSheet(x *excelize.File, L func(string) string, stamp string, an complaint.ComplaintAnalysis) error {
	name := L("sheet.analysis")
	if _, err := x.NewSheet(name); err != nil {
		return err
	}
	n := 0
	put := func(cells ...any) {
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		for i, v := range cells {
			if s, ok := v.(string); ok {
				cells[i] = customer.NeutraliseCell(s)
			}
		}
		_ = x.SetSheetRow(name, cell, &cells)
	}
	pct := func(p *float64) any {
		if p == nil {
			return "—"
		}
		return *p
	}
	key := func(k string) string {
		if k == "" {
			return L("empty")
		}
		return k
	}
	put(stamp)
	put(L("month"), an.Month, L("total"), an.Total)
	for _, part := range []struct {
		title  string
		counts []complaint.KeyCount
		label  func(string) string
	}{{"by_category", an.ByCategory, L}, {"by_product", an.ByProduct, key}, {"by_cause", an.ByCause, key}, {"by_department", an.ByDepartment, key}} {
		n++
		put(L(part.title), L("count"))
		for _, kc := range part.counts {
			put(part.label(kc.Key), kc.Count)
		}
	}
	n++
	put(L("pareto"), L("count"), L("cumulative"))
	for _, b := range an.Pareto {
		put(b.Cause, b.Count, b.CumulativePct)
	}
	n++
	put(L("sla"), L("met"), L("missed"), L("pending"), L("compliance"))
	put(L("reply"), an.ReplySLA.Met, an.ReplySLA.Missed, an.ReplySLA.Pending, pct(an.ReplySLA.CompliancePct))
	put(L("solution"), an.SolutionSLA.Met, an.SolutionSLA.Missed, an.SolutionSLA.Pending, pct(an.SolutionSLA.CompliancePct))
	n++
	put(L("durations"), L("n"), L("median"), L("p90"))
	put(L("first_reply"), an.FirstReply.N, pct(an.FirstReply.MedianHours), pct(an.FirstReply.P90Hours))
	put(L("closure"), an.Closure.N, pct(an.Closure.MedianHours), pct(an.Closure.P90Hours))
	n++
	put(L("repeat"), L("count"), L("numbers"))
	for _, rp := range an.Repeat {
		put(rp.Customer, rp.Count, strings.Join(rp.Numbers, ", "))
	}
	return nil
}

// safeCells turns text into formula-safe spreadsheet cells.
func safeCells(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = customer.NeutraliseCell(v)
	}
	return out
}
