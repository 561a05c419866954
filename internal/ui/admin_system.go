package ui

import (
	"fmt"
	"net/http"

	"github.com/kehucrm/kehu/internal/crm"
)

// systemFigures are the system console's figures (系统概况): the database,
// its schema and the background jobs.
type systemFigures struct {
	Engine          string
	SchemaVersion   int
	JobsDone24h     int64
	LastMaintenance string
	Chart           systemChart
}

// systemChart feeds the ECharts bar chart of jobs by state.
type systemChart struct {
	Kind   string        `json:"kind"`
	Labels []string      `json:"labels"`
	Series []chartSeries `json:"series"`
	Empty  string        `json:"empty"`
}

// system is the system console, for the administrator.
func (a *adminPages) system(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), langOf(r)
	if _, err := crm.Authorize(ctx, crm.ActSystemRead); err != nil {
		return err
	}
	st, err := a.svc.System.Status(ctx)
	if err != nil {
		return fmt.Errorf("system status: %w", err)
	}
	f := systemFigures{Engine: st.Engine, SchemaVersion: st.SchemaVersion, JobsDone24h: st.JobsDone24h,
		Chart: systemChart{Kind: "bar", Labels: []string{}, Series: []chartSeries{{Name: a.msgs.text(lang, "home.jobs_chart"), Values: []*float64{}}},
			Empty: a.msgs.text(lang, "home.chart_empty")}}
	if st.LastMaintenance != nil {
		f.LastMaintenance = a.when(*st.LastMaintenance)
	}
	byState := map[string]int{}
	var order []string
	for _, c := range st.Jobs {
		if _, seen := byState[c.State]; !seen {
			order = append(order, c.State)
		}
		byState[c.State] += int(c.N)
	}
	for _, s := range order {
		f.Chart.Labels = append(f.Chart.Labels, a.msgs.text(lang, "state."+s))
		f.Chart.Series[0].Values = append(f.Chart.Series[0].Values, count(byState[s]))
	}
	return a.render(w, r, http.StatusOK, "admin_system", "home.figures", f)
}
