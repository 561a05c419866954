package ui

import "github.com/kehucrm/kehu/internal/httpx"

// registerComplaints adds this module's pages.
func (u *UI) registerComplaints(rt *httpx.Router) {}
