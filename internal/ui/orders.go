package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/order"
	"github.com/kehucrm/kehu/internal/crm/workflow"
	"github.com/kehucrm/kehu/internal/httpx"
)

// orderPages serve the staff's order applications (订货申请单): the list,
// one order with its approval, and the one-click decisions of the inbox.
type orderPages struct {
	*UI
	os *order.Service
}

// registerOrders adds the order pages.
func (u *UI) registerOrders(rt *httpx.Router) {
	s := &orderPages{UI: u, os: u.svc.Orders}
	rt.Handle("GET /orders", u.private(s.list))
	rt.Handle("GET /orders/{id}", u.private(s.detail))
	rt.Handle("POST /orders/{id}/decide", u.private(s.decide))
}

type orderRow struct {
	order.Order
	StatusLabel, Step string
}

type orderList struct {
	Rows     []orderRow
	Statuses []choice
	Status   string
	Total    int64
	Next     string
}

func (s *orderPages) statusLabel(lang, st string) string {
	return s.msgs.text(lang, "order.status."+st)
}

func (s *orderPages) list(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	q := r.URL.Query()
	d := orderList{Status: q.Get("status")}
	f := order.Filter{Limit: 51}
	for _, st := range order.Statuses {
		d.Statuses = append(d.Statuses, choice{Value: st, Label: s.statusLabel(lang, st), Selected: st == d.Status})
		if st == d.Status {
			f.Status = st
		}
	}
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	list, total, err := s.os.List(r.Context(), f)
	if err != nil {
		return err
	}
	if len(list) > 50 {
		list = list[:50]
		d.Next = "/orders?" + url.Values{"status": {f.Status}, "after": {strconv.FormatInt(list[49].ID, 10)}}.Encode()
	}
	for _, o := range list {
		d.Rows = append(d.Rows, orderRow{Order: o, StatusLabel: s.statusLabel(lang, o.Status), Step: workflow.StepName(lang, o.CurrentStep, o.CurrentStepEn)})
	}
	d.Total = total.N
	return s.render(w, r, http.StatusOK, "orders_list", "order.ui.title", d)
}

// decisionRow is a decision as the order page shows it.
type decisionRow struct {
	workflow.Decision
	Step, Label string
}

type taskRow struct {
	workflow.Task
	Step, Label string
}

type orderDetail struct {
	Order          order.Order
	StatusLabel    string
	TransportLabel string
	Step           string // the open step, in the page's language
	Tasks          []taskRow
	Decisions      []decisionRow
	CanDecide      bool
	Notice, Error  string
}

func (s *orderPages) detail(w http.ResponseWriter, r *http.Request) error {
	return s.show(w, r, http.StatusOK, "")
}

func (s *orderPages) show(w http.ResponseWriter, r *http.Request, status int, refusal string) error {
	lang := langOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "order.not_found", 0)
	}
	o, err := s.os.Get(r.Context(), id)
	if err != nil {
		return err
	}
	d := orderDetail{Order: o, StatusLabel: s.statusLabel(lang, o.Status), TransportLabel: s.msgs.text(lang, "order.transport."+o.Transport), Error: refusal}
	if o.Workflow != nil {
		names := map[int64]string{}
		p, _ := crm.PrincipalFrom(r.Context())
		for _, t := range o.Workflow.Tasks {
			step := workflow.StepName(lang, t.StepName, t.StepNameEn)
			names[t.ID] = step
			if t.Status == workflow.TaskOpen {
				d.Step = step
			}
			d.Tasks = append(d.Tasks, taskRow{Task: t, Step: step, Label: s.msgs.text(lang, "workflow.status."+t.Status)})
			for _, u := range t.Waiting {
				d.CanDecide = d.CanDecide || u == p.UserID
			}
		}
		for _, dec := range o.Workflow.Decisions {
			d.Decisions = append(d.Decisions, decisionRow{Decision: dec, Step: names[dec.TaskID], Label: s.msgs.text(lang, "workflow.decision."+dec.Decision)})
		}
	}
	if r.URL.Query().Get("notice") == "decided" {
		d.Notice = s.msgs.text(lang, "workflow.ui.decided")
	}
	return s.render(w, r, status, "orders_detail", "order.ui.title", d)
}

// decide takes a one-click decision from the inbox or the order page and
// returns there; a refusal is shown on the page it came from.
func (s *orderPages) decide(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "order.not_found", 0)
	}
	back := r.PostFormValue("back")
	_, err = s.os.Decide(r.Context(), id, r.PostFormValue("decision"), r.PostFormValue("comment"))
	if err != nil {
		if crm.ErrorCode(err) == crm.EUnauthorized || crm.ErrorCode(err) == crm.EInternal || crm.ErrorCode(err) == "" {
			return err
		}
		text := s.wholeForm(langOf(r), err)
		if back == "order" {
			return s.show(w, r, httpx.Status(err), text)
		}
		return s.showInbox(w, r, httpx.Status(err), text)
	}
	to := "/workflow-tasks?notice=decided"
	if back == "order" {
		to = "/orders/" + strconv.FormatInt(id, 10) + "?notice=decided"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
