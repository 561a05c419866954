package api

import "github.com/kehucrm/kehu/internal/httpx"

// registerComplaintReports adds this module's routes; see Register.
func (a *API) registerComplaintReports(rt *httpx.Router) {}
