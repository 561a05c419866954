package api

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/httpx"
)

// complaintReports serves the complaint ledger (台账) and its monthly
// analysis. The ledger's routes are literal segments, which the mux
// prefers to /api/v1/complaints/{id}.
type complaintReports struct {
	*API
	reports *complaint.Service
}

// registerComplaintReports adds this module's routes; see Register.
func (a *API) registerComplaintReports(rt *httpx.Router) {
	c := &complaintReports{API: a, reports: a.complaints}
	rt.HandleFunc("GET /api/v1/complaints/ledger", c.ledger, httpx.List(httpx.Month("month")))
	rt.HandleFunc("GET /api/v1/complaints/ledger.xlsx", c.ledgerXLSX, httpx.Query(httpx.Month("month")))
	rt.HandleFunc("GET /api/v1/complaints/analysis", c.analysis, httpx.Query(httpx.Month("month")))
}

// ledgerPage is one page of the ledger as the API answers it.
type ledgerPage struct {
	complaint.LedgerPage
	NextCursor     string `json:"next_cursor,omitempty"`
	TotalEstimated bool   `json:"total_estimated"` // the ledger counts exactly
}

func (c *complaintReports) ledger(w http.ResponseWriter, r *http.Request) error {
	p, after, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	page, err := c.reports.Ledger(r.Context(), r.URL.Query().Get("month"), after, p.Limit)
	if err != nil {
		return err
	}
	out := ledgerPage{LedgerPage: page}
	if page.Next != 0 {
		out.NextCursor = httpx.EncodeCursor(page.Next)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (c *complaintReports) analysis(w http.ResponseWriter, r *http.Request) error {
	_, a, err := c.reports.Month(r.Context(), r.URL.Query().Get("month"), "analysis")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, a)
	return nil
}
