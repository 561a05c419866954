package ui

import "github.com/kehucrm/kehu/internal/httpx"

// registerSatisfaction adds the public satisfaction (CSAT) pages.
func (u *UI) registerSatisfaction(rt *httpx.Router) {}
