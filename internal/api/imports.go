package api

import "github.com/kehucrm/kehu/internal/httpx"

// registerImports adds this module's routes; see Register.
func (a *API) registerImports(rt *httpx.Router) {}
