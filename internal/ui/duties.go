package ui

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/msg"
)

// dutiesData is the page of two-person requests: those pending, then the
// latest decided.
type dutiesData struct {
	Pending, Decided []crm.DutyRequest
	Notice           string
	Self             int64
}

// registerDuties adds the page where a second administrator (or the GM,
// for erasures) approves or rejects requests (三员分立, issue #20).
func (u *UI) registerDuties(rt *httpx.Router) {
	d := dutyPages{UI: u}
	rt.Handle("GET /admin/duty-requests", u.private(d.list))
	rt.Handle("POST /admin/duty-requests/{id}/{verb}", u.private(d.decide))
}

// dutyPages serves the requests page.
type dutyPages struct{ *UI }

func (d dutyPages) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pending, _, err := d.svc.Duties.List(ctx, crm.DutyPending, 0, 200)
	if err != nil {
		return err
	}
	all, _, err := d.svc.Duties.List(ctx, "", 0, 50)
	if err != nil {
		return err
	}
	var decided []crm.DutyRequest
	for _, q := range all {
		if q.Status != crm.DutyPending {
			decided = append(decided, q)
		}
	}
	p, _ := crm.PrincipalFrom(ctx)
	data := dutiesData{Pending: pending, Decided: decided, Self: p.UserID}
	lang := langOf(r)
	if n := r.URL.Query().Get("notice"); n == "pending" || n == "approved" || n == "rejected" {
		id, _ := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
		data.Notice = msg.Text(lang, "duties.ui.notice."+n, id)
	}
	return d.render(w, r, http.StatusOK, "admin_duties", "duties.ui.title", data)
}

func (d dutyPages) decide(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return crm.Fail(crm.ENotFound, "duties.no_such_request")
	}
	verb := r.PathValue("verb")
	switch verb {
	case "approve":
		_, err = d.svc.Duties.Approve(r.Context(), id)
	case "reject":
		_, err = d.svc.Duties.Reject(r.Context(), id, r.PostFormValue("note"))
	default:
		return crm.Fail(crm.ENotFound, "duties.no_such_request")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/duty-requests?notice="+verb+"d&id="+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// redirectPending sends the administrator whose change became a request
// to the requests page, which says it awaits approval; false when err is
// not such a change.
func redirectPending(w http.ResponseWriter, r *http.Request, err error) bool {
	pending, ok := errors.AsType[*crm.PendingApproval](err)
	if !ok {
		return false
	}
	http.Redirect(w, r, "/admin/duty-requests?notice=pending&id="+strconv.FormatInt(pending.Request.ID, 10), http.StatusSeeOther)
	return true
}
