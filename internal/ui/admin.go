package ui

import "github.com/kehucrm/kehu/internal/httpx"

// registerAdmin adds the pages of account and audit administration.
func (u *UI) registerAdmin(rt *httpx.Router) {}
