package msg

// family is a set of keys that code completes at run time, such as
// "role."+string(role): the usage test cannot see those keys as literals,
// so each family is declared here with a file that builds it. Every key
// under a family counts as used, so keep families narrow (a namespace and
// a group, not a namespace alone). Once a family's callers render typed
// values through the catalogue, it is better declared next to the list of
// values it covers.
type family struct {
	prefix string // every key of the family starts with it
	where  string // a file, from the repository root, that builds the keys
}

// families are the run-time keys of today's code.
var families = []family{
	{"access.entity.", "internal/ui/access.go"},
	{"access.status.", "internal/ui/access.go"},
	{"access.field.", "internal/ui/access.go"},
	{"audit.action.", "internal/ui/admin_audit.go"},
	{"calendar.field.", "internal/ui/calendar.go"},
	{"calendar.kind.", "internal/ui/templates/calendar.html"},
	{"calendar.month.", "internal/ui/templates/calendar.html"},
	{"calendar.source.", "internal/ui/templates/calendar.html"},
	{"complain.category.", "internal/ui/templates/complain.html"},
	{"complain.state.", "internal/ui/templates/complain.html"},
	{"complaints.category.", "internal/ui/complaints.go"},
	{"complaints.channel.", "internal/ui/complaints.go"},
	{"complaints.department.", "internal/crm/complaint/department.go"},
	{"complaints.due.", "internal/ui/complaints_queue.go"},
	{"complaints.link.by.", "internal/ui/complaints_detail.go"},
	{"complaints.error.", "internal/ui/complaints_detail.go"},
	{"complaints.field.", "internal/ui/complaints.go"},
	{"complaints.kept.", "internal/ui/templates/complaints_detail.html"},
	{"complaints.notice.", "internal/ui/complaints_detail.go"},
	{"complaints.severity.", "internal/ui/complaints.go"},
	{"complaints.status.", "internal/ui/complaints.go"},
	{"complaints.step.", "internal/ui/complaints.go"},
	{"csat.score.", "internal/ui/templates/csat.html"},
	{"tier.kind.", "internal/ui/templates/tier_list.html"},
	{"tier.period.", "internal/ui/templates/tier_scheme.html"},
	{"customers.card.invalid.", "internal/ui/customers_card_save.go"},
	{"customers.card.section.", "internal/ui/customers_card.go"},
	{"customers.channel.", "internal/ui/customers.go"},
	{"customer.export.col.", "internal/crm/customer/export.go"},
	{"customer.export.option.", "internal/crm/customer/export.go"},
	{"customers.error.", "internal/ui/customers_form.go"},
	{"customers.field.", "internal/ui/customers_form.go"},
	{"customers.gender.", "internal/ui/customers.go"},
	{"customers.history.action.", "internal/ui/customers_history.go"},
	{"customers.kind.", "internal/ui/customers.go"},
	{"customers.source.", "internal/ui/customers.go"},
	{"customers.stage.", "internal/ui/customers.go"},
	{"customers.revenue_band.", "internal/ui/customers.go"},
	{"complaint_err.abnormality.state.", "internal/crm/complaint/abnormality.go"},
	{"error.", "internal/ui/admin_forms.go"},
	{"field.", "internal/ui/admin_forms.go"},
	{"http.kind.", "internal/httpx/json.go"},
	{"import.field.", "internal/ui/customers_import.go"},
	{"import.notice.", "internal/ui/customers_import.go"},
	{"import.status.", "internal/ui/customers_import.go"},
	{"role.", "internal/ui/admin_users.go"},
	{"service.err.", "internal/ui/service_orders.go"},
	{"service.method.", "internal/ui/service_orders.go"},
	{"service.notice.", "internal/ui/service_orders.go"},
	{"service.settlement.", "internal/ui/service_orders.go"},
	{"service.status.", "internal/ui/service_orders.go"},
	{"service.type.", "internal/ui/service_orders.go"},
	{"state.", "internal/ui/admin_system.go"},
}
