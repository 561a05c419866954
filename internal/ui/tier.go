package ui

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/tier"
	"github.com/kehucrm/kehu/internal/httpx"
)

// tierPages serve customer tiering (客户分级): the schemes, the editor
// with its what-if preview, recalculation with progress, the service
// standards with their violations, and the tier panel of the customer
// page. The domain decides roles and rows.
type tierPages struct {
	*UI
	ts *tier.Service
}

// registerTiers adds this module's pages.
func (u *UI) registerTiers(rt *httpx.Router) {
	t := &tierPages{UI: u, ts: u.svc.Tiers}
	rt.Handle("GET /tiers", u.private(t.list))
	rt.Handle("GET /tiers/standards", u.private(t.standards))
	rt.Handle("GET /tiers/{id}", u.private(t.scheme))
	rt.Handle("POST /tiers/{id}", u.private(t.saveScheme))
	rt.Handle("POST /tiers/{id}/recalculate", u.private(t.recalculate))
	rt.Handle("GET /tiers/runs/{run}", u.private(t.runProgress))
	rt.Handle("GET /customers/{id}/tiers-panel", u.private(t.panel))
	t.registerTierForms(rt)
}

// levelName is a level's name in the page's language.
func levelName(lang string, s tier.Scheme, code string) string {
	l, ok := s.Level(code)
	if !ok {
		return code
	}
	if lang == "en" && l.NameEn != "" {
		return l.NameEn
	}
	return l.Name
}

func schemeName(lang string, s tier.Scheme) string {
	if lang == "en" && s.NameEn != "" {
		return s.NameEn
	}
	return s.Name
}

type tierRow struct {
	Scheme tier.Scheme
	Name   string
	Levels []string
}

type tierListData struct {
	Rows   []tierRow
	Manage bool
}

func (t *tierPages) list(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	ss, err := t.ts.Schemes(r.Context())
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(r.Context())
	d := tierListData{Manage: p.Role.Can(crm.ActTierManage)}
	for _, s := range ss {
		row := tierRow{Scheme: s, Name: schemeName(lang, s)}
		for _, l := range s.Levels {
			row.Levels = append(row.Levels, levelName(lang, s, l.Code))
		}
		d.Rows = append(d.Rows, row)
	}
	return t.render(w, r, http.StatusOK, "tier_list", "tier.ui.title", d)
}

// levelForm is one level's row in the editor, as typed.
type levelForm struct {
	Code, Name, NameEn, Pct, MinAmount, MinScore, MaxRecency, MinOrders, MaxComplaints string
	Flag                                                                               bool
}

// schemeForm is the editor as typed.
type schemeForm struct {
	Version                               int
	Name, NameEn, Window, Period, Periods string
	Active                                bool
	WAmount, WFrequency, WRecency         string
	Levels                                []levelForm
}

type tierSchemeData struct {
	Scheme  tier.Scheme
	Name    string
	Form    schemeForm
	Manage  bool
	Errors  []string
	Notice  string
	Preview *tier.Preview
	RunID   int64
	Periods []string
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func schemeFormOf(s tier.Scheme) schemeForm {
	f := schemeForm{Version: s.Version, Name: s.Name, NameEn: s.NameEn, Window: strconv.Itoa(s.WindowMonths), Period: s.Period,
		Periods: strconv.Itoa(s.Periods), Active: s.Active}
	if s.Weights != nil {
		f.WAmount, f.WFrequency, f.WRecency = strconv.Itoa(s.Weights.Amount), strconv.Itoa(s.Weights.Frequency), strconv.Itoa(s.Weights.Recency)
	}
	for _, l := range s.Levels {
		lf := levelForm{Code: l.Code, Name: l.Name, NameEn: l.NameEn, MinAmount: l.MinAmount, MaxRecency: optInt(l.MaxRecencyDays),
			MinOrders: optInt(l.MinOrders), MaxComplaints: optInt(l.MaxComplaints), Flag: l.Flag}
		if l.CumulativePct != 0 {
			lf.Pct = strconv.Itoa(l.CumulativePct)
		}
		if s.Kind == tier.KindValue {
			lf.MinScore = strconv.Itoa(l.MinScore)
		}
		f.Levels = append(f.Levels, lf)
	}
	f.Levels = append(f.Levels, levelForm{}) // a blank row adds a level
	return f
}

func (t *tierPages) load(r *http.Request) (tier.Scheme, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return tier.Scheme{}, crm.Fail(crm.ENotFound, "tier_err.no_such_scheme", 0)
	}
	return t.ts.Scheme(r.Context(), id)
}

func (t *tierPages) scheme(w http.ResponseWriter, r *http.Request) error {
	s, err := t.load(r)
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(r.Context())
	d := tierSchemeData{Scheme: s, Name: schemeName(langOf(r), s), Form: schemeFormOf(s), Manage: p.Role.Can(crm.ActTierManage), Periods: tier.Periods}
	switch r.URL.Query().Get("notice") {
	case "saved":
		d.Notice = t.msgs.text(langOf(r), "tier.ui.saved")
	case "started":
		d.Notice = t.msgs.text(langOf(r), "tier.ui.started")
	}
	d.RunID, _ = strconv.ParseInt(r.URL.Query().Get("run"), 10, 64)
	return t.render(w, r, http.StatusOK, "tier_scheme", "tier.ui.title", d)
}

// patchOf reads the editor's form into a patch; a row without a code is
// left out.
func patchOf(r *http.Request, kind tier.Kind) (tier.SchemePatch, schemeForm, []string) {
	v := r.PostFormValue
	f := schemeForm{Name: v("name"), NameEn: v("name_en"), Window: v("window_months"), Period: v("period"), Periods: v("periods"),
		Active: v("active") == "on", WAmount: v("w_amount"), WFrequency: v("w_frequency"), WRecency: v("w_recency")}
	f.Version, _ = strconv.Atoi(v("version"))
	var bad []string
	num := func(field, s string) int {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil && strings.TrimSpace(s) != "" {
			bad = append(bad, field)
		}
		return n
	}
	opt := func(field, s string) *int {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		n := num(field, s)
		return &n
	}
	pt := tier.SchemePatch{Version: f.Version, Name: &f.Name, NameEn: &f.NameEn, Active: &f.Active, Period: &f.Period}
	w, ps := num("window_months", f.Window), num("periods", f.Periods)
	pt.WindowMonths, pt.Periods = &w, &ps
	if kind == tier.KindValue {
		pt.Weights = &tier.Weights{Amount: num("weights", f.WAmount), Frequency: num("weights", f.WFrequency), Recency: num("weights", f.WRecency)}
	}
	pt.Levels = []tier.Level{}
	for i := 0; i < 9; i++ {
		k := func(name string) string { return v(fmt.Sprintf("levels.%d.%s", i, name)) }
		lf := levelForm{Code: k("code"), Name: k("name"), NameEn: k("name_en"), Pct: k("cumulative_pct"), MinAmount: k("min_amount"),
			MinScore: k("min_score"), MaxRecency: k("max_recency_days"), MinOrders: k("min_orders"), MaxComplaints: k("max_complaints"),
			Flag: k("flag") == "on"}
		if strings.TrimSpace(lf.Code) == "" && strings.TrimSpace(lf.Name) == "" {
			continue
		}
		f.Levels = append(f.Levels, lf)
		field := func(n string) string { return fmt.Sprintf("levels[%d].%s", len(pt.Levels), n) }
		pt.Levels = append(pt.Levels, tier.Level{Code: lf.Code, Name: lf.Name, NameEn: lf.NameEn, CumulativePct: num(field("cumulative_pct"), lf.Pct),
			MinAmount: strings.TrimSpace(lf.MinAmount), MinScore: num(field("min_score"), lf.MinScore), MaxRecencyDays: opt(field("max_recency_days"), lf.MaxRecency),
			MinOrders: opt(field("min_orders"), lf.MinOrders), MaxComplaints: opt(field("max_complaints"), lf.MaxComplaints), Flag: lf.Flag})
	}
	f.Levels = append(f.Levels, levelForm{})
	return pt, f, bad
}

// errorLines are err's messages in lang, one per field.
func errorLines(lang string, err error) []string {
	var e *crm.Error
	if !errors.As(err, &e) {
		return []string{err.Error()}
	}
	m, fields := e.In(lang)
	if len(fields) == 0 {
		return []string{m}
	}
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, f.Field+": "+f.Message)
	}
	return out
}

// saveScheme previews the edited scheme (do=preview) or saves it as the
// next version.
func (t *tierPages) saveScheme(w http.ResponseWriter, r *http.Request) error {
	s, err := t.load(r)
	if err != nil {
		return err
	}
	lang := langOf(r)
	pt, f, bad := patchOf(r, s.Kind)
	d := tierSchemeData{Scheme: s, Name: schemeName(lang, s), Form: f, Manage: true, Periods: tier.Periods}
	for _, b := range bad {
		d.Errors = append(d.Errors, b+": "+t.msgs.text(lang, "tier.ui.not_a_number"))
	}
	if len(d.Errors) > 0 {
		return t.render(w, r, http.StatusUnprocessableEntity, "tier_scheme", "tier.ui.title", d)
	}
	if r.PostFormValue("do") == "preview" {
		pv, err := t.ts.Preview(r.Context(), s.ID, pt)
		if err != nil {
			if refused(err) {
				return err
			}
			d.Errors = errorLines(lang, err)
			return t.render(w, r, httpx.Status(err), "tier_scheme", "tier.ui.title", d)
		}
		d.Preview = &pv
		return t.render(w, r, http.StatusOK, "tier_scheme", "tier.ui.title", d)
	}
	if _, err := t.ts.UpdateScheme(r.Context(), s.ID, pt); err != nil {
		if refused(err) {
			return err
		}
		d.Errors = errorLines(lang, err)
		return t.render(w, r, httpx.Status(err), "tier_scheme", "tier.ui.title", d)
	}
	http.Redirect(w, r, fmt.Sprintf("/tiers/%d?notice=saved", s.ID), http.StatusSeeOther)
	return nil
}

func (t *tierPages) recalculate(w http.ResponseWriter, r *http.Request) error {
	s, err := t.load(r)
	if err != nil {
		return err
	}
	run, err := t.ts.Recalculate(r.Context(), s.ID)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/tiers/%d?notice=started&run=%d", s.ID, run.ID), http.StatusSeeOther)
	return nil
}

// fragment renders the named template of page alone (an htmx swap).
func (t *tierPages) fragment(w http.ResponseWriter, r *http.Request, page, name string, data any) error {
	p, _ := crm.PrincipalFrom(r.Context())
	v := &view{Lang: langOf(r), Path: r.URL.Path, Version: t.version, Data: data, msgs: t.msgs, loc: t.loc, role: p.Role}
	var buf bytes.Buffer
	if err := t.pages[page].ExecuteTemplate(&buf, name, v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
	return nil
}

type runData struct {
	Run        tier.Run
	Percent    int64
	Open       bool
	StatusText string
}

// runStatusKey is the catalogue key of a run's status.
func runStatusKey(status string) string {
	switch status {
	case tier.RunQueued:
		return "tier.ui.run_queued"
	case tier.RunRunning:
		return "tier.ui.run_running"
	case tier.RunDone:
		return "tier.ui.run_done"
	}
	return "tier.ui.run_failed"
}

// sourceKey is the catalogue key of where a level came from.
func sourceKey(source string) string {
	switch source {
	case tier.SourceOverride:
		return "tier.ui.source_override"
	case tier.SourceFlag:
		return "tier.ui.source_flag"
	}
	return "tier.ui.source_calc"
}

// runProgress is a run's progress bar, polled until the run ends.
func (t *tierPages) runProgress(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("run"), 10, 64)
	run, err := t.ts.Run(r.Context(), id)
	if err != nil {
		return err
	}
	d := runData{Run: run, Open: run.Status == tier.RunQueued || run.Status == tier.RunRunning, StatusText: t.msgs.text(langOf(r), runStatusKey(run.Status))}
	if run.Total > 0 {
		d.Percent = run.Done * 100 / run.Total
	}
	if run.Status == tier.RunDone {
		d.Percent = 100
	}
	return t.fragment(w, r, "tier_run", "tier_run", d)
}

type panelTier struct {
	tier.CustomerTier
	Name, Level, Pending, SourceText string
}

type panelHistory struct {
	tier.HistoryEntry
	Scheme, Level, Previous, SourceText string
}

type panelData struct {
	CustomerID int64
	Tiers      []panelTier
	Flag       *tier.Flag
	History    []panelHistory
	// Levels are the override form's choices (<scheme id>:<level>) by
	// scheme; Form and Errors what a refused form sent and why.
	Levels []tierGroup
	Form   panelForm
	Errors []string
}

// panel is the customer page's tier section: each scheme's badge, since
// when and why, and the latest changes.
func (t *tierPages) panel(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	d, err := t.panelData(r, id)
	if err != nil {
		return err
	}
	return t.fragment(w, r, "tier_panel", "tier_panel", d)
}

// panelData is the tier panel of customer id.
func (t *tierPages) panelData(r *http.Request, id int64) (panelData, error) {
	lang := langOf(r)
	ts, flag, err := t.ts.CustomerTiers(r.Context(), id)
	if err != nil {
		return panelData{}, err
	}
	schemes, err := t.ts.Schemes(r.Context())
	if err != nil {
		return panelData{}, err
	}
	by := map[int64]tier.Scheme{}
	for _, s := range schemes {
		by[s.ID] = s
	}
	d := panelData{CustomerID: id, Flag: flag}
	for _, x := range ts {
		s := by[x.SchemeID]
		pt := panelTier{CustomerTier: x, Name: schemeName(lang, s), Level: levelName(lang, s, x.Level), SourceText: t.msgs.text(lang, sourceKey(x.Source))}
		if x.State.Pending != "" {
			pt.Pending = levelName(lang, s, x.State.Pending)
		}
		d.Tiers = append(d.Tiers, pt)
	}
	hs, _, err := t.ts.CustomerHistory(r.Context(), id, 0, 0, 10)
	if err != nil {
		return panelData{}, err
	}
	for _, h := range hs {
		s := by[h.SchemeID]
		d.History = append(d.History, panelHistory{HistoryEntry: h, Scheme: schemeName(lang, s), Level: levelName(lang, s, h.Level), Previous: levelName(lang, s, h.Previous),
			SourceText: t.msgs.text(lang, sourceKey(h.Source))})
	}
	for _, s := range schemes {
		if !s.Active {
			continue
		}
		g := tierGroup{Name: schemeName(lang, s)}
		for _, l := range s.Levels {
			if !l.Flag { // 重点关注 comes by the watch flag
				g.Levels = append(g.Levels, choice{Value: fmt.Sprintf("%d:%s", s.ID, l.Code), Label: levelName(lang, s, l.Code)})
			}
		}
		d.Levels = append(d.Levels, g)
	}
	return d, nil
}

type standardRow struct {
	tier.Standard
	Scheme, Level string
}

type violationRow struct {
	tier.Violation
	ProblemText string
}

type standardsData struct {
	Rows       []standardRow
	Violations []violationRow
	Total      int64
	Schemes    []choice // the active schemes, whose standards tier.manage edits
	Notice     string
}

// standards lists the service standards of every scheme's levels, and
// the customers in scope without the dedicated manager theirs asks for.
func (t *tierPages) standards(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	schemes, err := t.ts.Schemes(r.Context())
	if err != nil {
		return err
	}
	by := map[int64]tier.Scheme{}
	for _, s := range schemes {
		by[s.ID] = s
	}
	ss, err := t.ts.Standards(r.Context(), 0)
	if err != nil {
		return err
	}
	d := standardsData{}
	for _, s := range schemes {
		if s.Active {
			d.Schemes = append(d.Schemes, choice{Value: strconv.FormatInt(s.ID, 10), Label: schemeName(lang, s)})
		}
	}
	if r.URL.Query().Get("notice") == "saved" {
		d.Notice = t.msgs.text(lang, "tier.ui.standards_saved")
	}
	for _, s := range ss {
		d.Rows = append(d.Rows, standardRow{Standard: s, Scheme: schemeName(lang, by[s.SchemeID]), Level: levelName(lang, by[s.SchemeID], s.Level)})
	}
	if p, _ := crm.PrincipalFrom(r.Context()); p.Role.Can(crm.ActTierRead) {
		vs, total, err := t.ts.Violations(r.Context(), 0, 100)
		if err != nil {
			return err
		}
		for _, v := range vs {
			v.Level = levelName(lang, by[v.SchemeID], v.Level)
			key := "tier.ui.problem_owner_not_manager"
			if v.Problem == "owner_disabled" {
				key = "tier.ui.problem_owner_disabled"
			}
			d.Violations = append(d.Violations, violationRow{Violation: v, ProblemText: t.msgs.text(lang, key)})
		}
		d.Total = total.N
	}
	return t.render(w, r, http.StatusOK, "tier_standards", "tier.ui.standards", d)
}
