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
	// Sees, when set, must also hold: the role finds something there
	// (a list its scope leaves always empty is no menu item).
	Sees func(crm.Role) bool
}

// modules lists the parts of Kehu in the order the navigation shows them;
// each maps to sections of the policy documents (see PRODUCT.md).
var modules = []module{
	{"/customers", "nav.customers", []crm.Action{crm.ActCustomerRead}, hasCustomerList},
	{"/complaints", "nav.complaints", []crm.Action{crm.ActComplaintRead, crm.ActComplaintCreate}, nil},
	{"/service-orders", "nav.service", []crm.Action{crm.ActServiceOrderRead}, nil},
	{"/portal", "dealer.ui.nav", []crm.Action{crm.ActDealerPlanWrite}, isDealer},
	{"/sales", "sales.ui.nav", []crm.Action{crm.ActSalesRead}, notDealer},
	{"/tiers", "tier.ui.nav", []crm.Action{crm.ActTierRead, crm.ActTierManage}, nil},
	{"/orders", "order.ui.title", []crm.Action{crm.ActOrderRead}, notDealer},
	{"/shipping", "shipping.ui.board", []crm.Action{crm.ActShipmentRead}, nil},
	{"/claims", "shipping.ui.claims", []crm.Action{crm.ActClaimRead}, nil},
	{"/projects", "project.ui.nav", []crm.Action{crm.ActProjectRead}, nil},
	{"/workflow-tasks", "workflow.ui.inbox", []crm.Action{crm.ActWorkflowDecide}, notDealer},
	{"/workflows", "workflow.ui.editor", []crm.Action{crm.ActWorkflowManage}, nil},
	{"/care", "care.ui.nav", []crm.Action{crm.ActCareRead}, nil},
	{"/visits", "visit.ui.nav", []crm.Action{crm.ActVisitRead}, nil},
	{"/leads", "lead.ui.nav", []crm.Action{crm.ActLeadRead}, nil},
	{"/pool", "lead.ui.pool", []crm.Action{crm.ActPoolRead}, nil},
	{"/pool-rules", "lead.ui.rules", []crm.Action{crm.ActPoolManage}, poolRulesOnly},
	{"/events", "event.ui.nav", []crm.Action{crm.ActEventRead}, nil},
	{"/calls", "call.ui.nav", []crm.Action{crm.ActCallRead}, nil},
	{"/access-requests", "access.nav", []crm.Action{crm.ActAccessRequest, crm.ActAccessApprove}, nil},
	{"/calendar", "nav.calendar", []crm.Action{crm.ActCalendarRead}, nil},
	{"/admin", "nav.admin", []crm.Action{crm.ActUserManage, crm.ActAuditRead, crm.ActSystemRead}, nil},
	{"/admin/duty-requests", "duties.ui.nav", []crm.Action{crm.ActDutyDecide}, nil},
}

// usable reports whether role r may use m.
func (m module) usable(r crm.Role) bool {
	return slices.ContainsFunc(m.Any, r.Can) && (m.Sees == nil || m.Sees(r))
}

// isDealer and notDealer tell a dealer's account (which has the portal)
// from staff.
func isDealer(r crm.Role) bool  { return r == crm.RoleDealer }
func notDealer(r crm.Role) bool { return r != crm.RoleDealer }

// hasCustomerList reports whether role r has a customer list of its own:
// it sees every customer or its team's (crm.CustomerScope), or it owns
// customers, which a role that may add them does. The others (gm_office,
// technician, qa, production) reach a customer from the complaint or
// service order that names it, or through an access grant (访问申请);
// they keep customer.read for those and for the service order's
// type-ahead search.
func hasCustomerList(r crm.Role) bool {
	if !r.Can(crm.ActCustomerRead) {
		return false
	}
	s := crm.CustomerScope(crm.Principal{Role: r, TeamID: 1, UserID: 1})
	return s.All || s.TeamID != 0 || r.Can(crm.ActCustomerCreate)
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

// derefInt gives a template the number behind an optional one (a nil
// pointer reads as 0), so a message never prints an address.
func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
