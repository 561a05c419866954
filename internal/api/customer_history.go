package api

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm/customer"
)

// customerHistory pages through a customer's history (变更历史), newest
// first: whoever may read the customer may read it.
func (a *API) customerHistory(w http.ResponseWriter, r *http.Request) error {
	return writeCustomerPage(w, r, a.customers.History, a.customers.HistoryTotal, func(h customer.HistoryEntry) int64 { return h.ID })
}
