package api

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// registerDuties adds the two-person rule's requests (三员分立, issue
// #20): the administrators and the GM list and decide them.
func (a *API) registerDuties(rt *httpx.Router) {
	rt.HandleFunc("GET /api/v1/duty-requests", a.listDutyRequests, httpx.List(httpx.OneOf("status", crm.DutyPending, crm.DutyApproved, crm.DutyRejected)), httpx.Requires(crm.ActDutyDecide))
	rt.HandleFunc("GET /api/v1/duty-requests/{id}", a.getDutyRequest, httpx.Requires(crm.ActDutyDecide))
	rt.HandleFunc("POST /api/v1/duty-requests/{id}/approve", a.approveDutyRequest, httpx.Requires(crm.ActDutyDecide))
	rt.HandleFunc("POST /api/v1/duty-requests/{id}/reject", a.rejectDutyRequest, httpx.Requires(crm.ActDutyDecide))
}

func (a *API) listDutyRequests(w http.ResponseWriter, r *http.Request) error {
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	list, total, err := a.duties.List(r.Context(), r.URL.Query().Get("status"), before, p.Limit+1)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(d crm.DutyRequest) any { return d.ID }).Of(total))
	return nil
}

func (a *API) getDutyRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.duties.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (a *API) approveDutyRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.duties.Approve(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

type rejectDutyRequest struct {
	Note string `json:"note"`
}

func (a *API) rejectDutyRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in rejectDutyRequest
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	d, err := a.duties.Reject(r.Context(), id, in.Note)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}
