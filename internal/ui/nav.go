package ui

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
)

// module is one part of the product in the navigation.
type module struct {
	Path, Key string
	Built     bool // false while the module shows the placeholder page
}

// modules lists the parts of Kehu in the order the navigation shows them;
// each maps to sections of the policy documents (see PRODUCT.md).
var modules = []module{
	{"/customers", "nav.customers", true},
	{"/tiers", "nav.tiers", false},
	{"/care", "nav.care", false},
	{"/complaints", "nav.complaints", true},
	{"/service-orders", "nav.service", true},
	{"/dealers", "nav.dealers", false},
	{"/satisfaction", "nav.satisfaction", false},
	{"/reports", "nav.reports", false},
	{"/projects", "nav.projects", false},
	{"/access-requests", "access.nav", true},
	{"/calendar", "nav.calendar", true},
	{"/admin", "nav.admin", true},
}

type navItem struct {
	Path, Label string
	Current     bool
}

func navFor(v *view) []navItem {
	items := []navItem{{Path: "/", Label: v.T("nav.home"), Current: v.Path == "/"}}
	for _, m := range modules {
		items = append(items, navItem{Path: m.Path, Label: v.T(m.Key), Current: strings.HasPrefix(v.Path, m.Path)})
	}
	return items
}

// module shows a module that is still being built.
func (u *UI) module(w http.ResponseWriter, r *http.Request) error {
	for _, m := range modules {
		if m.Path == r.URL.Path {
			return u.render(w, r, http.StatusOK, "module", m.Key, m)
		}
	}
	return u.notFound(w, r)
}

// toJSON embeds data for scripts in a <script type="application/json">
// element; html/template escapes it for that context.
func toJSON(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	return template.JS(b), err
}

// splitComma splits a message such as "Mon,Tue,…" for the calendar header.
func splitComma(s string) []string { return strings.Split(s, ",") }
