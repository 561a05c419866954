package api

import "github.com/kehucrm/kehu/internal/httpx"

// registerServiceOrders adds this module's routes; see Register.
func (a *API) registerServiceOrders(rt *httpx.Router) {}
