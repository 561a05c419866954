package ui

import (
	"encoding/json"
	"html/template"
	"slices"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
)

// module is one part of the product in the navigation: its address, the
// catalogue key of its name, and the actions of which a role must be
// allowed one to see it. Only modules that exist are listed: a module
// that lands adds its one line here, in the order the menu shows it.
type module struct {
	Path, Key string
	Any       []crm.Action
}

// modules lists the parts of Kehu in the order the navigation shows them;
// each maps to sections of the policy documents (see PRODUCT.md).
var modules = []module{
	{"/customers", "nav.customers", []crm.Action{crm.ActCustomerRead}},
	{"/complaints", "nav.complaints", []crm.Action{crm.ActComplaintRead, crm.ActComplaintCreate}},
	{"/service-orders", "nav.service", []crm.Action{crm.ActServiceOrderRead}},
	{"/access-requests", "access.nav", []crm.Action{crm.ActAccessRequest, crm.ActAccessApprove}},
	{"/calendar", "nav.calendar", []crm.Action{crm.ActCalendarRead}},
	{"/admin", "nav.admin", []crm.Action{crm.ActUserManage, crm.ActAuditRead, crm.ActSystemRead}},
}

// usable reports whether role r may use m.
func (m module) usable(r crm.Role) bool {
	return slices.ContainsFunc(m.Any, r.Can)
}

type navItem struct {
	Path, Label string
	Current     bool
}

// navFor is the menu of the signed-in role: the workbench, then the
// modules the role may use.
func navFor(v *view, role crm.Role) []navItem {
	items := []navItem{{Path: "/", Label: v.T("nav.home"), Current: v.Path == "/"}}
	for _, m := range modules {
		if m.usable(role) {
			items = append(items, navItem{Path: m.Path, Label: v.T(m.Key), Current: v.Path == m.Path || strings.HasPrefix(v.Path, m.Path+"/")})
		}
	}
	return items
}

// toJSON embeds data for scripts in a <script type="application/json">
// element; html/template escapes it for that context.
func toJSON(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	return template.JS(b), err
}

// splitComma splits a message such as "Mon,Tue,…" for the calendar header.
func splitComma(s string) []string { return strings.Split(s, ",") }
