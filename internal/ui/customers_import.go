package ui

import "github.com/kehucrm/kehu/internal/httpx"

// registerImports adds this module's pages.
func (u *UI) registerImports(rt *httpx.Router) {}
