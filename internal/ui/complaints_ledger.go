package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/httpx"
)

// ledgerPageSize is how many complaints a page of the ledger lists.
const ledgerPageSize = 100

// ledgerData is what the ledger page shows.
type ledgerData struct {
	Month, Prev, Next string // YYYY-MM of this month and its neighbours
	Total             int
	Rows              []ledgerLine
	More, First       string // the next page's and the first page's addresses, "" when none
	Export, Analysis  string
	Problem           string
}

// ledgerLine is one ledger row in words.
type ledgerLine struct {
	complaint.LedgerRow
	CategoryLabel, StatusLabel string
	ReplyLabel, SolutionLabel  string
}

func (p *complaintPages) ledger(w http.ResponseWriter, r *http.Request) error {
	lang, q := langOf(r), r.URL.Query()
	status := http.StatusOK
	d := ledgerData{}
	var after int64
	if c := q.Get("cursor"); c != "" {
		if err := httpx.DecodeCursor(c, &after); err != nil {
			status, d.Problem = http.StatusBadRequest, p.msgs.text(lang, "complaints.ledger.bad_page")
		}
	}
	month := q.Get("month")
	if _, err := complaint.ParseMonth(month, p.now()); err != nil {
		status, d.Problem, month = http.StatusBadRequest, p.msgs.text(lang, "complaints.ledger.bad_month"), ""
	}
	page, err := p.reports.Ledger(r.Context(), month, after, ledgerPageSize)
	if err != nil {
		return err
	}
	d.Month, d.Total = page.Month, page.Total
	m, _ := complaint.ParseMonth(page.Month, p.now())
	d.Prev = m.From.In(p.loc).AddDate(0, -1, 0).Format("2006-01")
	d.Next = m.From.In(p.loc).AddDate(0, 1, 0).Format("2006-01")
	link := func(cursor string) string {
		v := url.Values{"month": {page.Month}}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		return "/complaints/ledger?" + v.Encode()
	}
	if page.Next != 0 {
		d.More = link(httpx.EncodeCursor(page.Next))
	}
	if after > 0 {
		d.First = link("")
	}
	d.Export = "/api/v1/complaints/ledger.xlsx?month=" + page.Month
	d.Analysis = "/complaints/analysis?month=" + page.Month
	for _, row := range page.Items {
		row.Department = p.word(lang, "department", row.Department)
		d.Rows = append(d.Rows, ledgerLine{LedgerRow: row, CategoryLabel: p.word(lang, "category", row.Category),
			StatusLabel: p.word(lang, "status", string(row.Status)), ReplyLabel: p.word(lang, "kept", row.Reply),
			SolutionLabel: p.word(lang, "kept", row.Solution)})
	}
	return p.render(w, r, status, "complaints_ledger", "complaints.ledger.title", d)
}

// analysisData is what the analysis page shows: the figures, and the
// charts' data for complaints.js.
type analysisData struct {
	A                 complaint.ComplaintAnalysis
	Prev, Next        string
	Export, Ledger    string
	Problem           string
	Categories        []labelCount
	Pareto            paretoChart
	CategoryPie       []pieSlice
	SLA               slaChart
	Departments       barChart
	ReplyPct, SolvPct string
	FirstReply        string // the median and 90th percentile in words
	Closure           string
}

type labelCount struct {
	Label string
	Count int
}

type paretoChart struct {
	Labels     []string  `json:"labels"`
	Counts     []int     `json:"counts"`
	Cumulative []float64 `json:"cumulative"`
	CountName  string    `json:"count_name"`
	CumName    string    `json:"cum_name"`
}

type pieSlice struct {
	Name  string `json:"name"`
	Value int    `json:"value"`
}

type slaChart struct {
	Labels []string   `json:"labels"`
	Values []*float64 `json:"values"`
}

type barChart struct {
	Labels []string `json:"labels"`
	Values []int    `json:"values"`
}

func (p *complaintPages) analysis(w http.ResponseWriter, r *http.Request) error {
	lang, month := langOf(r), r.URL.Query().Get("month")
	status, d := http.StatusOK, analysisData{}
	if _, err := complaint.ParseMonth(month, p.now()); err != nil {
		status, d.Problem, month = http.StatusBadRequest, p.msgs.text(lang, "complaints.ledger.bad_month"), ""
	}
	_, a, err := p.reports.Month(r.Context(), month, "analysis")
	if crm.ErrorCode(err) == crm.EInvalid {
		// A month too large to analyse here: say so over empty figures.
		m, _ := complaint.ParseMonth(month, p.now())
		status, d.Problem, a, err = httpx.Status(err), p.complaintProblem(lang, err, nil).Form, complaint.Analyse(m.Name, nil), nil
	}
	if err != nil {
		return err
	}
	d.A = a
	m, _ := complaint.ParseMonth(a.Month, p.now())
	d.Prev = m.From.In(p.loc).AddDate(0, -1, 0).Format("2006-01")
	d.Next = m.From.In(p.loc).AddDate(0, 1, 0).Format("2006-01")
	d.Export, d.Ledger = "/api/v1/complaints/ledger.xlsx?month="+a.Month, "/complaints/ledger?month="+a.Month
	none := p.msgs.text(lang, "complaints.analysis.none")
	d.Pareto = paretoChart{Labels: []string{}, Counts: []int{}, Cumulative: []float64{},
		CountName: p.msgs.text(lang, "complaints.analysis.count"), CumName: p.msgs.text(lang, "complaints.analysis.cumulative")}
	for _, b := range a.Pareto {
		d.Pareto.Labels = append(d.Pareto.Labels, b.Cause)
		d.Pareto.Counts = append(d.Pareto.Counts, b.Count)
		d.Pareto.Cumulative = append(d.Pareto.Cumulative, b.CumulativePct)
	}
	d.CategoryPie = []pieSlice{}
	for _, kc := range a.ByCategory {
		label := p.word(lang, "category", kc.Key)
		d.Categories = append(d.Categories, labelCount{Label: label, Count: kc.Count})
		if kc.Count > 0 {
			d.CategoryPie = append(d.CategoryPie, pieSlice{Name: label, Value: kc.Count})
		}
	}
	d.SLA = slaChart{Labels: []string{p.msgs.text(lang, "complaints.analysis.reply"), p.msgs.text(lang, "complaints.analysis.solution")},
		Values: []*float64{a.ReplySLA.CompliancePct, a.SolutionSLA.CompliancePct}}
	d.Departments = barChart{Labels: []string{}, Values: []int{}}
	for _, kc := range a.ByDepartment {
		label := p.word(lang, "department", kc.Key)
		if label == "" {
			label = p.msgs.text(lang, "complaints.analysis.unassigned")
		}
		d.Departments.Labels = append(d.Departments.Labels, label)
		d.Departments.Values = append(d.Departments.Values, kc.Count)
	}
	d.ReplyPct, d.SolvPct = pctText(a.ReplySLA.CompliancePct, none), pctText(a.SolutionSLA.CompliancePct, none)
	for _, x := range []struct {
		dst *string
		s   complaint.DurationStat
	}{{&d.FirstReply, a.FirstReply}, {&d.Closure, a.Closure}} {
		*x.dst = none
		if x.s.N > 0 {
			*x.dst = p.msgs.text(lang, "complaints.analysis.duration", *x.s.MedianHours, *x.s.P90Hours, x.s.N)
		}
	}
	return p.render(w, r, status, "complaints_analysis", "complaints.analysis.title", d)
}

func pctText(p *float64, none string) string {
	if p == nil {
		return none
	}
	return strconv.FormatFloat(*p, 'f', -1, 64) + "%"
}
