package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/visit"
	"github.com/kehucrm/kehu/internal/httpx"
)

// visitPages serve visit plans (客户维护): "my visits" (today, this week,
// overdue), one plan item, and the compliance dashboard with its chart
// and export. The domain decides roles and rows.
type visitPages struct {
	*UI
	vs *visit.Service
}

// registerVisits adds this module's pages.
func (u *UI) registerVisits(rt *httpx.Router) {
	v := &visitPages{UI: u, vs: u.svc.Visits}
	rt.Handle("GET /visits", u.private(v.mine))
	rt.Handle("GET /visits/compliance", u.private(v.compliance))
	rt.Handle("GET /visits/{id}", u.private(v.item))
}

type visitSection struct {
	ID    string // overdue, today, week
	Items []visit.Item
}

type visitMineData struct {
	Mine     visit.Mine
	Sections []visitSection
}

func (v *visitPages) mine(w http.ResponseWriter, r *http.Request) error {
	m, err := v.vs.MyItems(r.Context(), 200)
	if err != nil {
		return err
	}
	d := visitMineData{Mine: m, Sections: []visitSection{{"overdue", m.Overdue}, {"today", m.Today}, {"week", m.Week}, {"later", m.Later}}}
	return v.render(w, r, http.StatusOK, "visit_mine", "visit.ui.mine", d)
}

func (v *visitPages) item(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return crm.Fail(crm.ENotFound, "visit.err.no_such_item", r.PathValue("id"))
	}
	it, err := v.vs.Item(r.Context(), id)
	if err != nil {
		return err
	}
	return v.render(w, r, http.StatusOK, "visit_item", "visit.ui.item", it)
}

// complianceChart is the chart's data: a label and a rate (percent) per
// row.
type complianceChart struct {
	Labels []string   `json:"labels"`
	Values []*float64 `json:"values"`
}

type visitComplianceData struct {
	GroupBy, From, To string
	Rows              []visit.Row
	Total             visit.Row
	Chart             complianceChart
	Export            string
	Errors            []string
}

func (v *visitPages) compliance(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	now := time.Now().In(crm.Shanghai)
	if v.svc.Clock != nil {
		now = v.svc.Clock().In(crm.Shanghai)
	}
	d := visitComplianceData{GroupBy: q.Get("group_by"), From: q.Get("from"), To: q.Get("to")}
	if d.GroupBy == "" {
		d.GroupBy = visit.ByOwner
	}
	if d.From == "" {
		d.From = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, crm.Shanghai).Format(time.DateOnly)
	}
	if d.To == "" {
		d.To = time.Date(now.Year(), now.Month()+1, 0, 0, 0, 0, 0, crm.Shanghai).Format(time.DateOnly)
	}
	rows, err := v.vs.Compliance(r.Context(), d.GroupBy, d.From, d.To)
	status := http.StatusOK
	if err != nil {
		var e *crm.Error
		if !errors.As(err, &e) || e.Code != crm.EInvalid {
			return err
		}
		status, d.Errors = http.StatusUnprocessableEntity, errorLines(langOf(r), err)
	}
	d.Rows = rows
	d.Chart = complianceChart{Labels: []string{}, Values: []*float64{}}
	for _, x := range rows {
		var tot visit.Row
		tot.Due, tot.OnTime, tot.Late, tot.Open = d.Total.Due+x.Due, d.Total.OnTime+x.OnTime, d.Total.Late+x.Late, d.Total.Open+x.Open
		d.Total = tot
		d.Chart.Labels = append(d.Chart.Labels, x.Name)
		var pct *float64
		if x.Due > 0 {
			f := float64(int(x.Rate*1000+0.5)) / 10
			pct = &f
		}
		d.Chart.Values = append(d.Chart.Values, pct)
	}
	d.Total.Rate, d.Total.RateText = visit.Rate(d.Total.OnTime, d.Total.Due)
	d.Export = "/api/v1/visit-compliance.xlsx?" + url.Values{"group_by": {d.GroupBy}, "from": {d.From}, "to": {d.To}}.Encode()
	return v.render(w, r, status, "visit_compliance", "visit.ui.compliance", d)
}
