package api

import (
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm/access"
	"github.com/kehucrm/kehu/internal/httpx"
)

type accessRequestInput struct {
	Entity   string `json:"entity"`
	RecordID int64  `json:"record_id"`
	Reason   string `json:"reason"`
}

func (a *API) createAccessRequest(w http.ResponseWriter, r *http.Request) error {
	var in accessRequestInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	req, err := a.access.Request(r.Context(), in.Entity, in.RecordID, in.Reason)
	if err != nil {
		return err
	}
	httpx.WriteCreated(w, "/api/v1/access-requests/"+strconv.FormatInt(req.ID, 10), req)
	return nil
}

// accessRequestParams are the access requests' filters.
var accessRequestParams = []httpx.Param{httpx.OneOf("status", string(access.StatusPending), string(access.StatusApproved),
	string(access.StatusRejected), string(access.StatusExpired))}

func (a *API) listAccessRequests(w http.ResponseWriter, r *http.Request) error {
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	list, err := a.access.List(r.Context(), status, before, p.Limit+1)
	if err != nil {
		return err
	}
	total, err := a.access.Total(r.Context(), status)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(x access.AccessRequest) any { return x.ID }).Of(total))
	return nil
}

type decisionInput struct {
	Note string `json:"note"`
}

func (a *API) decideAccessRequest(approve bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		var in decisionInput
		if r.ContentLength != 0 {
			if err := httpx.DecodeJSON(r, &in); err != nil {
				return err
			}
		}
		req, err := a.access.Decide(r.Context(), id, approve, in.Note)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, req)
		return nil
	}
}
