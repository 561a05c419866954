package ui

import "github.com/kehucrm/kehu/internal/httpx"

// registerServiceOrders adds this module's pages.
func (u *UI) registerServiceOrders(rt *httpx.Router) {}
