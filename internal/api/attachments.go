package api

import "github.com/kehucrm/kehu/internal/httpx"

// registerAttachments adds this module's routes; see Register.
func (a *API) registerAttachments(rt *httpx.Router) {}
