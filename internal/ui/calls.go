package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/call"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/httpx"
)

// callPages serve the service desk's call log: the call desk (a fast
// form for the phone, with the look-up of the number), a call with its
// six steps and conversions, and the call-back list.
type callPages struct {
	*UI
	cs *call.Service
}

// registerCalls adds this module's pages.
func (u *UI) registerCalls(rt *httpx.Router) {
	s := &callPages{UI: u, cs: u.svc.Calls}
	rt.Handle("GET /calls", u.private(s.desk))
	rt.Handle("POST /calls", u.private(s.create))
	rt.Handle("GET /calls/callbacks", u.private(s.callbacks))
	rt.Handle("GET /calls/{id}", u.private(s.detail))
	rt.Handle("POST /calls/{id}", u.private(s.update))
	rt.Handle("POST /calls/{id}/complaint", u.private(s.toComplaint))
	rt.Handle("POST /calls/{id}/service-order", u.private(s.toServiceOrder))
	rt.Handle("POST /calls/{id}/interaction", u.private(s.toInteraction))
}

// callRow is a call as the pages show it.
type callRow struct {
	call.Call
	DirectionLabel, Started, Due string
	Overdue                      bool
}

func (s *callPages) row(lang string, c call.Call) callRow {
	r := callRow{Call: c, DirectionLabel: s.msgs.text(lang, "call.direction."+c.Direction), Started: c.StartedAt.In(s.loc).Format("2006-01-02 15:04")}
	if c.CallbackDueAt != nil {
		r.Due = c.CallbackDueAt.In(s.loc).Format("2006-01-02 15:04")
		r.Overdue = c.CallbackDoneAt == nil && c.CallbackDueAt.Before(time.Now())
	}
	return r
}

// deskForm is the call desk's form as typed.
type deskForm struct {
	Direction, Phone, StartedAt, Need, Analysis, Handling, TransferTo, Outcome string
	CustomerID                                                                 string
	IdentityConfirmed, NeedsCallback                                           bool
}

type deskData struct {
	Form    deskForm
	Matches []call.Match
	Recent  []callRow
	Error   string
}

func (s *callPages) showDesk(w http.ResponseWriter, r *http.Request, status int, f deskForm, problem string) error {
	lang := langOf(r)
	if _, err := crm.Authorize(r.Context(), crm.ActCallRead); err != nil {
		return err
	}
	d := deskData{Form: f, Error: problem}
	if f.Phone != "" {
		if ms, err := s.cs.Lookup(r.Context(), f.Phone, lang); err == nil {
			d.Matches = ms
		} else if refused(err) {
			return err
		} else if d.Error == "" {
			d.Error = errText(lang, err)
		}
	}
	list, _, err := s.cs.Calls(r.Context(), call.Filter{Limit: 20})
	if err != nil {
		return err
	}
	for _, c := range list {
		d.Recent = append(d.Recent, s.row(lang, c))
	}
	return s.render(w, at(r, "/calls"), status, "calls", "call.ui.desk", d)
}

func (s *callPages) desk(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := deskForm{Direction: call.Inbound, Phone: strings.TrimSpace(q.Get("phone")), StartedAt: time.Now().In(s.loc).Format("2006-01-02T15:04")}
	return s.showDesk(w, r, http.StatusOK, f, "")
}

func strp(s string) *string { return &s }

func (s *callPages) create(w http.ResponseWriter, r *http.Request) error {
	v := r.PostFormValue
	f := deskForm{Direction: v("direction"), Phone: v("phone"), StartedAt: v("started_at"), Need: v("need"), Analysis: v("analysis"),
		Handling: v("handling"), TransferTo: v("transfer_to"), Outcome: v("outcome"), CustomerID: v("customer_id"),
		IdentityConfirmed: v("identity_confirmed") == "true", NeedsCallback: v("needs_callback") == "true"}
	lang := langOf(r)
	in := call.Input{Direction: strp(f.Direction), Phone: strp(f.Phone), Need: strp(f.Need), Analysis: strp(f.Analysis), Handling: strp(f.Handling),
		TransferTo: strp(f.TransferTo), Outcome: strp(f.Outcome), IdentityConfirmed: &f.IdentityConfirmed}
	if f.NeedsCallback {
		in.NeedsCallback = &f.NeedsCallback
	}
	if t := strings.TrimSpace(f.StartedAt); t != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", strings.Replace(t, " ", "T", 1), s.loc)
		if err != nil {
			return s.showDesk(w, r, http.StatusUnprocessableEntity, f, s.msgs.text(lang, "call.ui.started_format"))
		}
		in.StartedAt = &at
	}
	if id, err := strconv.ParseInt(strings.TrimSpace(f.CustomerID), 10, 64); err == nil && id > 0 {
		in.CustomerID = &id
	}
	c, err := s.cs.Create(r.Context(), in, lang)
	if err != nil {
		if refused(err) {
			return err
		}
		return s.showDesk(w, r, httpStatus(err), f, errText(lang, err))
	}
	http.Redirect(w, r, fmt.Sprintf("/calls/%d?logged=1", c.ID), http.StatusSeeOther)
	return nil
}

type callDetailData struct {
	Call             callRow
	Categories       []evOption
	CanComplaint     bool
	CanServiceOrder  bool
	Notice, Error    string
	ComplaintLink    string
	ServiceOrderLink string
}

func (s *callPages) showDetail(w http.ResponseWriter, r *http.Request, status int, notice, problem string) error {
	lang := langOf(r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	c, err := s.cs.Call(r.Context(), id)
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(r.Context())
	d := callDetailData{Call: s.row(lang, c), CanComplaint: p.Role.Can(crm.ActComplaintCreate), CanServiceOrder: p.Role.Can(crm.ActServiceOrderCreate),
		Notice: notice, Error: problem}
	for _, k := range complaint.ComplaintCategories {
		d.Categories = append(d.Categories, evOption{Value: k, Label: s.msgs.text(lang, "call.ui.category."+k)})
	}
	return s.render(w, at(r, fmt.Sprintf("/calls/%d", id)), status, "calls_detail", "call.ui.call", d)
}

func (s *callPages) detail(w http.ResponseWriter, r *http.Request) error {
	notice := ""
	switch {
	case r.URL.Query().Get("logged") != "":
		notice = s.msgs.text(langOf(r), "call.ui.logged")
	case r.URL.Query().Get("saved") != "":
		notice = s.msgs.text(langOf(r), "call.ui.saved")
	}
	return s.showDetail(w, r, http.StatusOK, notice, "")
}

func (s *callPages) update(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v := r.PostFormValue
	version, _ := strconv.Atoi(v("version"))
	confirmed, done := v("identity_confirmed") == "true", v("callback_done") == "true"
	in := call.Input{IdentityConfirmed: &confirmed, Need: strp(v("need")), Analysis: strp(v("analysis")), Handling: strp(v("handling")),
		TransferTo: strp(v("transfer_to")), CallbackResult: strp(v("callback_result")), Report: strp(v("report")), Outcome: strp(v("outcome"))}
	if v("had_callback") == "true" {
		in.CallbackDone = &done
	}
	if v("needs_callback") == "true" {
		t := true
		in.NeedsCallback = &t
	}
	if _, err := s.cs.Update(r.Context(), id, version, in, langOf(r)); err != nil {
		if refused(err) {
			return err
		}
		return s.showDetail(w, r, httpStatus(err), "", errText(langOf(r), err))
	}
	http.Redirect(w, r, fmt.Sprintf("/calls/%d?saved=1", id), http.StatusSeeOther)
	return nil
}

func (s *callPages) toComplaint(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v := r.PostFormValue
	k, _, err := s.cs.ToComplaint(r.Context(), id, call.ComplaintInput{Category: v("category"), Demand: v("demand"), CallerName: v("caller_name")}, langOf(r))
	if err != nil {
		if refused(err) {
			return err
		}
		return s.showDetail(w, r, httpStatus(err), "", errText(langOf(r), err))
	}
	http.Redirect(w, r, fmt.Sprintf("/complaints/%d", k.ID), http.StatusSeeOther)
	return nil
}

func (s *callPages) toServiceOrder(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v := r.PostFormValue
	o, _, err := s.cs.ToServiceOrder(r.Context(), id, call.ServiceOrderInput{Type: v("type"), Address: v("address"), ProductModel: v("product_model")}, langOf(r))
	if err != nil {
		if refused(err) {
			return err
		}
		return s.showDetail(w, r, httpStatus(err), "", errText(langOf(r), err))
	}
	http.Redirect(w, r, fmt.Sprintf("/service-orders/%d", o.ID), http.StatusSeeOther)
	return nil
}

func (s *callPages) toInteraction(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	it, _, err := s.cs.ToInteraction(r.Context(), id)
	if err != nil {
		if refused(err) {
			return err
		}
		return s.showDetail(w, r, httpStatus(err), "", errText(langOf(r), err))
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d", it.CustomerID), http.StatusSeeOther)
	return nil
}

type callbackData struct {
	Rows    []callRow
	Overdue bool
	Total   int64
	Next    string
}

func (s *callPages) callbacks(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	d := callbackData{Overdue: q.Get("overdue") == "1"}
	list, total, err := s.cs.Calls(r.Context(), call.Filter{Callbacks: true, Overdue: d.Overdue, BeforeID: after, Limit: 51})
	if err != nil {
		return err
	}
	if len(list) > 50 {
		list = list[:50]
		d.Next = fmt.Sprintf("/calls/callbacks?after=%d", list[49].ID)
		if d.Overdue {
			d.Next += "&overdue=1"
		}
	}
	for _, c := range list {
		d.Rows = append(d.Rows, s.row(lang, c))
	}
	d.Total = total.N
	return s.render(w, r, http.StatusOK, "calls_callbacks", "call.ui.callbacks", d)
}

// callbacksSection: on "my day", the open call-backs the caller sees
// (the service desk: all; owners: their customers'), soonest due first,
// overdue ones marked, with the overdue count as a tile.
func callbacksSection(c *workbenchContext) (*workbenchSection, error) {
	if !c.P.Role.Can(crm.ActCallRead) || c.u.svc.Calls == nil {
		return nil, nil
	}
	const limit = 10
	list, total, err := c.u.svc.Calls.Calls(c.r.Context(), call.Filter{Callbacks: true, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	_, overdue, err := c.u.svc.Calls.Calls(c.r.Context(), call.Filter{Callbacks: true, Overdue: true, Limit: 1})
	if err != nil {
		return nil, err
	}
	s := &workbenchSection{Name: "callbacks", ID: "workbench-callbacks", Title: c.T("call.ui.callbacks"), All: "/calls/callbacks",
		Columns: []string{c.T("call.ui.callback_due"), c.T("call.ui.phone"), c.T("call.ui.customer"), c.T("call.ui.need")},
		Empty:   c.T("call.ui.no_callbacks"), More: len(list) > limit,
		Tiles: []tile{{ID: "tile-callbacks", Label: c.T("call.ui.callbacks"), Href: "/calls/callbacks", N: int(total.N)},
			{ID: "tile-callbacks-overdue", Label: c.T("call.ui.overdue"), Href: "/calls/callbacks?overdue=1", N: int(overdue.N), Alert: overdue.N > 0}}}
	now := time.Now()
	if c.u.svc.Clock != nil {
		now = c.u.svc.Clock()
	}
	for _, k := range list[:min(len(list), limit)] {
		due := workbenchCell{Time: true}
		var flags []string
		if k.CallbackDueAt != nil {
			due.Text = c.u.when(*k.CallbackDueAt)
			if k.CallbackDueAt.Before(now) {
				due.Before = []workbenchMark{{c.T("call.ui.overdue"), "badge danger"}}
				flags = append(flags, "overdue")
			}
		}
		who := workbenchCell{Text: k.CustomerName, Name: true}
		if k.CustomerID != nil {
			who.Href = fmt.Sprintf("/customers/%d", *k.CustomerID)
		}
		s.Rows = append(s.Rows, workbenchRow{Attr: dataAttr("callback", k.ID, flags...), Cells: []workbenchCell{due,
			{Text: k.Phone, Href: fmt.Sprintf("/calls/%d", k.ID)}, who, {Text: k.Need, Name: true}}})
	}
	return s, nil
}
