package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/visit"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/msg"
)

// visitAPI serves visit plans (客户维护, issue #16): plan items, their
// generation, the escalation ladder, and compliance.
type visitAPI struct {
	vs  *visit.Service
	now func() time.Time
}

// registerVisits adds this module's routes; see Register.
func (a *API) registerVisits(rt *httpx.Router) {
	v := &visitAPI{vs: a.visits, now: a.now}
	rt.HandleFunc("GET /api/v1/visit-items", v.list, httpx.List(visitListParams...), httpx.Requires(crm.ActVisitRead))
	rt.HandleFunc("GET /api/v1/visit-items/mine", v.mine, httpx.Query(httpx.IntRange("limit", 1, 200)), httpx.Requires(crm.ActVisitRead))
	rt.HandleFunc("POST /api/v1/visit-items/generate", v.generate, httpx.Requires(crm.ActTierManage))
	rt.HandleFunc("GET /api/v1/visit-items/{id}", v.get, httpx.Requires(crm.ActVisitRead))
	rt.HandleFunc("GET /api/v1/visit-runs/{id}", v.run, httpx.Requires(crm.ActTierManage))
	rt.HandleFunc("GET /api/v1/visit-settings", v.settings)
	rt.HandleFunc("PUT /api/v1/visit-settings", v.putSettings, httpx.Requires(crm.ActTierManage))
	rt.HandleFunc("GET /api/v1/visit-compliance", v.compliance, httpx.Query(complianceParams...), httpx.Requires(crm.ActVisitRead))
	rt.HandleFunc("GET /api/v1/visit-compliance.xlsx", v.complianceXLSX, httpx.Query(complianceParams...), httpx.Requires(crm.ActVisitRead))
}

// visitListParams are the plan item list's filters; due_from and due_to
// are dates, both included.
var visitListParams = []httpx.Param{httpx.ID("customer_id"), httpx.ID("owner_id"), httpx.OneOf("status", visit.Statuses...),
	httpx.OneOf("kind", visit.Kinds...), httpx.Date("due_from"), httpx.Date("due_to"), httpx.Bool("open")}

var complianceParams = []httpx.Param{httpx.OneOf("group_by", visit.ByOwner, visit.ByTeam), httpx.Date("from"), httpx.Date("to")}

// visitCursor is the key of a page of plan items.
type visitCursor struct {
	Due string `json:"d"`
	ID  int64  `json:"i"`
}

func (v *visitAPI) list(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	var c visitCursor
	if p.Cursor != "" {
		if err := httpx.DecodeCursor(p.Cursor, &c); err != nil {
			return err
		}
	}
	q := r.URL.Query()
	open := httpx.QueryBool(r, "open")
	f := visit.Filter{CustomerID: httpx.QueryID(r, "customer_id"), OwnerID: httpx.QueryID(r, "owner_id"), Status: q.Get("status"),
		Kind: q.Get("kind"), Open: open != nil && *open, DueFrom: q.Get("due_from"), DueTo: q.Get("due_to"), AfterDue: c.Due, After: c.ID,
		Limit: p.Limit + 1}
	list, total, err := v.vs.Items(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(x visit.Item) any { return visitCursor{x.DueOn, x.ID} }).Of(total))
	return nil
}

func (v *visitAPI) mine(w http.ResponseWriter, r *http.Request) error {
	limit := 50
	if s := r.URL.Query().Get("limit"); s != "" {
		limit, _ = strconv.Atoi(s)
	}
	m, err := v.vs.MyItems(r.Context(), limit)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (v *visitAPI) get(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	it, err := v.vs.Item(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, it.Version)
	httpx.WriteJSON(w, http.StatusOK, it)
	return nil
}

// generateInput is the range a generation plans, both days included.
type generateInput struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func (v *visitAPI) generate(w http.ResponseWriter, r *http.Request) error {
	var in generateInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	run, err := v.vs.Generate(r.Context(), in.From, in.To)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/visit-runs/"+strconv.FormatInt(run.ID, 10))
	httpx.WriteJSON(w, http.StatusAccepted, run)
	return nil
}

func (v *visitAPI) run(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	run, err := v.vs.Run(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, run)
	return nil
}

func (v *visitAPI) settings(w http.ResponseWriter, r *http.Request) error {
	s, err := v.vs.Settings(r.Context())
	if err != nil {
		return err
	}
	setETag(w, s.Version)
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

// settingsInput is the escalation ladder as sent.
type settingsInput struct {
	Steps   []visit.Step `json:"steps"`
	Version int          `json:"version"`
}

func (v *visitAPI) putSettings(w http.ResponseWriter, r *http.Request) error {
	var in settingsInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	version, err := versionFrom(r, in.Version)
	if err != nil {
		return err
	}
	s, err := v.vs.PutSettings(r.Context(), in.Steps, version)
	if err != nil {
		return err
	}
	setETag(w, s.Version)
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

// complianceBody is the compliance answer.
type complianceBody struct {
	GroupBy string      `json:"group_by"`
	From    string      `json:"from"`
	To      string      `json:"to"`
	Rows    []visit.Row `json:"rows"`
	Total   visit.Row   `json:"total"`
}

// complianceRange is the query's range, this month by default.
func (v *visitAPI) complianceRange(r *http.Request) (groupBy, from, to string) {
	q := r.URL.Query()
	groupBy, from, to = q.Get("group_by"), q.Get("from"), q.Get("to")
	if groupBy == "" {
		groupBy = visit.ByOwner
	}
	now := v.now().In(chinaTime)
	if from == "" {
		from = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, chinaTime).Format(time.DateOnly)
	}
	if to == "" {
		to = time.Date(now.Year(), now.Month()+1, 0, 0, 0, 0, 0, chinaTime).Format(time.DateOnly)
	}
	return groupBy, from, to
}

// ComplianceTotal sums rows into one line.
func ComplianceTotal(rows []visit.Row) visit.Row {
	var t visit.Row
	for _, x := range rows {
		t.Due, t.OnTime, t.Late, t.Open = t.Due+x.Due, t.OnTime+x.OnTime, t.Late+x.Late, t.Open+x.Open
	}
	t.Rate, t.RateText = visit.Rate(t.OnTime, t.Due)
	return t
}

func (v *visitAPI) compliance(w http.ResponseWriter, r *http.Request) error {
	g, from, to := v.complianceRange(r)
	rows, err := v.vs.Compliance(r.Context(), g, from, to)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, complianceBody{GroupBy: g, From: from, To: to, Rows: rows, Total: ComplianceTotal(rows)})
	return nil
}

// complianceXLSX exports compliance as a workbook, audited.
func (v *visitAPI) complianceXLSX(w http.ResponseWriter, r *http.Request) error {
	g, from, to := v.complianceRange(r)
	rows, err := v.vs.ExportCompliance(r.Context(), g, from, to)
	if err != nil {
		return err
	}
	lang := httpx.Language(r)
	L := func(k string) string { return msg.Text(lang, k) }
	p, _ := crm.PrincipalFrom(r.Context())
	x := excelize.NewFile()
	defer x.Close()
	sheet := L("visit.xlsx.sheet")
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	group := L("visit.xlsx.owner")
	if g == visit.ByTeam {
		group = L("visit.xlsx.team")
	}
	stamp := L("visit.xlsx.title") + " " + from + " ~ " + to + " · " + p.Username + " · " + v.now().In(chinaTime).Format("2006-01-02 15:04:05")
	put := func(row int, vals ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return x.SetSheetRow(sheet, cell, &vals)
	}
	if err := put(1, safeCells([]string{stamp})...); err != nil {
		return err
	}
	if err := put(2, safeCells([]string{group, L("visit.xlsx.due"), L("visit.xlsx.on_time"), L("visit.xlsx.late"), L("visit.xlsx.open"), L("visit.xlsx.rate")})...); err != nil {
		return err
	}
	for i, row := range append(rows, ComplianceTotal(rows)) {
		name := row.Name
		if i == len(rows) {
			name = L("visit.xlsx.total")
		}
		if err := put(i+3, safeCells([]string{name})[0], row.Due, row.OnTime, row.Late, row.Open, row.RateText); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="visit-compliance-`+from+`-`+to+`.xlsx"`)
	w.WriteHeader(http.StatusOK)
	return x.Write(w)
}
