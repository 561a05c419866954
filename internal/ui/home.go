package ui

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// homeFigures are the real numbers the home page shows.
type homeFigures struct {
	Engine          string
	SchemaVersion   int
	JobsDone24h     int64
	LastMaintenance *time.Time
	Chart           homeChart
}

// homeChart feeds the ECharts bar chart of jobs by state.
type homeChart struct {
	Labels []string `json:"labels"`
	Values []int64  `json:"values"`
}

func (u *UI) home(w http.ResponseWriter, r *http.Request) error {
	f, err := u.figures(r.Context(), langOf(r))
	if err != nil {
		return fmt.Errorf("home figures: %w", err)
	}
	return u.render(w, r, http.StatusOK, "home", "home.title", f)
}

func (u *UI) figures(ctx context.Context, lang string) (homeFigures, error) {
	f := homeFigures{Chart: homeChart{Labels: []string{}, Values: []int64{}}}
	st, err := u.svc.System.Status(ctx)
	if err != nil {
		return f, err
	}
	f.Engine, f.SchemaVersion, f.JobsDone24h, f.LastMaintenance = st.Engine, st.SchemaVersion, st.JobsDone24h, st.LastMaintenance
	byState := map[string]int64{}
	var order []string
	for _, c := range st.Jobs {
		if _, seen := byState[c.State]; !seen {
			order = append(order, c.State)
		}
		byState[c.State] += c.N
	}
	for _, s := range order {
		f.Chart.Labels = append(f.Chart.Labels, u.msgs.text(lang, "state."+s))
		f.Chart.Values = append(f.Chart.Values, byState[s])
	}
	return f, nil
}
