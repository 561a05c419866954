package api

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// The reads below answer where a creation's Location points, so that
// every 201 of the API names an address a GET answers.

// getAccessRequest reads one access request: the caller's own or one they
// may decide; any other is 404.
func (a *API) getAccessRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	req, err := a.access.Get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, req)
	return nil
}

// getOverride reads the override of one date; a date without one is 404.
func (a *API) getOverride(w http.ResponseWriter, r *http.Request) error {
	ovs, err := a.calendars.Overrides(r.Context())
	if err != nil {
		return err
	}
	for _, o := range ovs {
		if o.Date == r.PathValue("date") {
			setETag(w, o.Version)
			httpx.WriteJSON(w, http.StatusOK, o)
			return nil
		}
	}
	return crm.Fail(crm.ENotFound, "calendar.no_such_override", r.PathValue("date"))
}
