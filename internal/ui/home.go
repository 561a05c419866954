package ui

import (
	"fmt"
	"net/http"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/workbench"
)

// workbenchPage is the home page (我的工作台): what needs the signed-in
// user today, one section a module (workbenchSections), and a few
// figures of their scope.
type workbenchPage struct {
	Name     string // who is signed in, by name
	Today    string // today's date in China
	Tiles    []tile
	Sections []*workbenchSection
	Charts   []workbenchChart
	Links    []navItem // the modules the role may use, for roles with no work list
}

// collect asks each provider for its section, in order; the tiles are
// theirs, in the same order.
func (d *workbenchPage) collect(c *workbenchContext, providers []workbenchProvider) error {
	for _, provide := range providers {
		sec, err := provide(c)
		if err != nil {
			return fmt.Errorf("workbench: %w", err)
		}
		if sec != nil {
			d.Sections = append(d.Sections, sec)
			d.Tiles = append(d.Tiles, sec.Tiles...)
		}
	}
	return nil
}

// tile is one count at the top of the workbench, linking to its list.
type tile struct {
	ID, Label, Href string
	N               int
	Alert           bool // draw attention: something is overdue
}

// workbenchChart feeds one ECharts figure: a bar chart of labels and
// values (Series names two bars per label when set), or a gauge-like
// percentage bar chart (Unit "%").
type workbenchChart struct {
	ID     string        `json:"-"`
	Title  string        `json:"-"`
	Kind   string        `json:"kind"` // bar or pie
	Labels []string      `json:"labels"`
	Series []chartSeries `json:"series"`
	Unit   string        `json:"unit,omitempty"`
	Empty  string        `json:"empty"`
}

type chartSeries struct {
	Name   string     `json:"name"`
	Values []*float64 `json:"values"`
}

func (u *UI) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, _ := crm.PrincipalFrom(ctx)
	if p.Role == crm.RoleDealer { // a dealer's home is its portal
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
		return nil
	}
	lang := langOf(r)
	today, err := u.svc.Workbench.Today(ctx)
	if err != nil {
		return fmt.Errorf("workbench: %w", err)
	}
	figs, err := u.svc.Workbench.Figures(ctx)
	if err != nil {
		return fmt.Errorf("workbench figures: %w", err)
	}
	d := workbenchPage{Name: p.Username, Today: u.svc.Clock().In(u.loc).Format("2006-01-02")}
	if me, err := u.svc.Directory.User(ctx, p.UserID); err == nil && me.DisplayName != "" {
		d.Name = me.DisplayName
	}
	if err := d.collect(&workbenchContext{u: u, r: r, P: p, Lang: lang, Today: today}, workbenchSections); err != nil {
		return err
	}
	d.Charts = u.workbenchCharts(lang, figs)
	if len(d.Sections) == 0 {
		d.Links = navFor(&view{Lang: lang, msgs: u.msgs}, p.Role)[1:]
	}
	return u.render(w, r, http.StatusOK, "home", "home.title", d)
}

// workbenchCharts are the figures of the caller's scope the role reads.
func (u *UI) workbenchCharts(lang string, f workbench.Figures) []workbenchChart {
	t := func(key string, args ...any) string { return u.msgs.text(lang, key, args...) }
	var out []workbenchChart
	if f.ComplaintsThis != nil && f.ComplaintsLast != nil {
		this, last := *f.ComplaintsThis, *f.ComplaintsLast
		out = append(out, workbenchChart{ID: "chart-complaints", Title: t("workbench.chart.complaints"), Kind: "bar",
			Labels: []string{last.Month, this.Month},
			Series: []chartSeries{{Name: t("workbench.chart.received"), Values: []*float64{count(last.Total), count(this.Total)}}}})
		out = append(out, workbenchChart{ID: "chart-sla", Title: t("workbench.chart.sla"), Kind: "bar", Unit: "%",
			Labels: []string{t("workbench.chart.reply"), t("workbench.chart.solution")},
			Series: []chartSeries{
				{Name: last.Month, Values: []*float64{pct(last.ReplySLA), pct(last.SolutionSLA)}},
				{Name: this.Month, Values: []*float64{pct(this.ReplySLA), pct(this.SolutionSLA)}}},
			Empty: t("workbench.chart.sla_empty")})
	}
	if f.OrdersByStatus != nil {
		c := workbenchChart{ID: "chart-orders", Title: t("workbench.chart.orders"), Kind: "bar", Series: []chartSeries{{Name: t("workbench.chart.count")}},
			Empty: t("workbench.chart.orders_empty")}
		total := 0
		for _, s := range f.OrdersByStatus {
			c.Labels = append(c.Labels, u.word(lang, "service.status.", string(s.Status)))
			c.Series[0].Values = append(c.Series[0].Values, count(s.N))
			total += s.N
		}
		if total == 0 {
			c.Labels, c.Series[0].Values = []string{}, []*float64{}
		}
		out = append(out, c)
	}
	return out
}

func count(n int) *float64 { f := float64(n); return &f }

// pct is a deadline's compliance in percent, nil when none was judged.
func pct(s complaint.SLA) *float64 { return s.CompliancePct }

// word names a status or kind in lang; one the catalogue does not know
// shows as stored.
func (u *UI) word(lang, prefix, value string) string {
	if s, ok := u.msgs[lang][prefix+value]; ok {
		return s
	}
	return value
}

// when shows t as YYYY-MM-DD HH:mm in China time.
func (u *UI) when(t time.Time) string { return t.In(u.loc).Format("2006-01-02 15:04") }
