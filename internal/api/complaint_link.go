package api

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/httpx"
)

// complaintCustomerMatches lists the customers a complaint may be from
// (by name, USCC or the caller's phone), for the service desk and the GM
// office to link a complaint from the public form.
func (a *API) complaintCustomerMatches(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.complaints.CustomerMatches(r.Context(), id)
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(m complaint.CustomerMatch) int64 { return m.CustomerID })
}

type linkCustomerInput struct {
	CustomerID int64 `json:"customer_id"`
	Version    int   `json:"version"`
}

// linkComplaintCustomer links a complaint to its customer.
func (a *API) linkComplaintCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in linkCustomerInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Version, err = versionAfter(r, in.Version, func() error { _, err := a.complaints.Get(r.Context(), id); return err }); err != nil {
		return err
	}
	c, err := a.complaints.LinkCustomer(r.Context(), id, in.Version, in.CustomerID)
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}
