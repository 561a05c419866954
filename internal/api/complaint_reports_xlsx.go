package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/xuri/excelize/v2"
)

// ledgerKeys are the catalogue keys of the ledger export's words, by the
// code that asks for them: headings, then option values. A code without
// a key (a category added later, say) is shown as it is.
var ledgerKeys = map[string]string{
	"sheet.ledger": "ledger.sheet.ledger", "sheet.analysis": "ledger.sheet.analysis", "title": "ledger.stamp.title",
	"by": "ledger.stamp.by", "at": "ledger.stamp.at", "tz": "ledger.stamp.tz", "number": "ledger.col.number",
	"customer": "ledger.col.customer", "category": "ledger.col.category", "quality": "ledger.col.quality",
	"severity": "ledger.col.severity", "part_no": "ledger.col.part_no", "status": "ledger.col.status",
	"received_at": "ledger.col.received_at", "reply_due_at": "ledger.col.reply_due_at", "replied_at": "ledger.col.replied_at",
	"reply": "ledger.col.reply", "solution_due_at": "ledger.col.solution_due_at", "solved_at": "ledger.col.solved_at",
	"solution": "ledger.col.solution", "department": "ledger.col.department", "assignee": "ledger.col.assignee",
	"cause": "ledger.col.cause", "responsibility": "ledger.col.responsibility", "handling": "ledger.col.handling",
	"corrective_action": "ledger.col.corrective_action", "result": "ledger.col.result", "delay_reason": "ledger.col.delay_reason",
	"closed_at": "ledger.col.closed_at", "met": "ledger.deadline.met", "missed": "ledger.deadline.missed",
	"pending": "ledger.deadline.pending", "none": "ledger.deadline.none", "yes": "ledger.yes", "no": "ledger.no",
	"normal": "ledger.severity.normal", "major": "ledger.severity.major", "product_quality": "ledger.category.product_quality",
	"service": "ledger.category.service", "logistics": "ledger.category.logistics", "price": "ledger.category.price",
	"after_sales": "ledger.category.after_sales", "other": "ledger.category.other", "empty": "ledger.empty",
	"month": "ledger.analysis.month", "total": "ledger.analysis.total", "by_category": "ledger.analysis.by_category",
	"by_product": "ledger.analysis.by_product", "by_cause": "ledger.analysis.by_cause",
	"by_department": "ledger.analysis.by_department", "pareto": "ledger.analysis.pareto", "count": "ledger.analysis.count",
	"cumulative": "ledger.analysis.cumulative", "sla": "ledger.analysis.sla", "compliance": "ledger.analysis.compliance",
	"durations": "ledger.analysis.durations", "first_reply": "ledger.analysis.first_reply", "closure": "ledger.analysis.closure",
	"median": "ledger.analysis.median", "p90": "ledger.analysis.p90", "n": "ledger.analysis.n", "repeat": "ledger.analysis.repeat",
	"numbers": "ledger.analysis.numbers", "registered": "ledger.status.registered", "accepted": "ledger.status.accepted",
	"assigned": "ledger.status.assigned", "investigating": "ledger.status.investigating",
	"solution_proposed": "ledger.status.solution_proposed", "approved": "ledger.status.approved",
	"customer_informed": "ledger.status.customer_informed", "customer_confirmed": "ledger.status.customer_confirmed",
	"verified": "ledger.status.verified", "return_visited": "ledger.status.return_visited", "closed": "ledger.status.closed",
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
	L := func(k string) string {
		if key, ok := ledgerKeys[k]; ok {
			return msg.Text(lang, key)
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
