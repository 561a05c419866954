package api

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm/customer"
)

// customerTierFilter reads the customer list's and export's tier filter,
// ?tier=<scheme code or id>:<level> or ?tier=<level> (the default
// scheme, abc), into f (see tier.Service.ParseFilter).
func (a *API) customerTierFilter(r *http.Request, f *customer.CustomerFilter) error {
	spec := r.URL.Query().Get("tier")
	if spec == "" {
		return nil
	}
	id, level, err := a.tiers.ParseFilter(r.Context(), spec)
	if err != nil {
		return err
	}
	f.TierScheme, f.TierLevel = id, level
	return nil
}
