package crm

import (
	"slices"

	"github.com/kehucrm/kehu/internal/msg"
)

// Role is what a user does in the company (PRODUCT.md, "Who uses it").
type Role string

// The roles. Separation of duties (三员分立): admin runs the system but
// reads no customer data and no audit log; auditor reads the audit log
// and nothing else.
const (
	RoleAdmin          Role = "admin"
	RoleAuditor        Role = "auditor"
	RoleGM             Role = "gm"
	RoleGMOffice       Role = "gm_office" // 总经理办公室: registers, reviews and assigns complaints (several people)
	RoleSalesManager   Role = "sales_manager"
	RoleAccountManager Role = "account_manager"
	RoleMarketing      Role = "marketing"
	RoleService        Role = "service"
	RoleTechnician     Role = "technician"
	RoleQA             Role = "qa"
	RoleProduction     Role = "production"
	RoleFinance        Role = "finance"
	RoleWarehouse      Role = "warehouse"
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleAuditor, RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing,
	RoleService, RoleTechnician, RoleQA, RoleProduction, RoleFinance, RoleWarehouse}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Action is something a user may be allowed to do.
type Action string

// The actions. Each module adds its own as it lands.
const (
	ActUserManage     Action = "user.manage"     // add, change, disable users and teams; reset passwords
	ActAuditRead      Action = "audit.read"      // read the audit log
	ActSystemRead     Action = "system.read"     // read schema and job status
	ActValidate       Action = "validate"        // check identifiers as forms do
	ActSettingsManage Action = "settings.manage" // change templates and settings
	ActCalendarRead   Action = "calendar.read"   // read the working-day calendar
	ActCalendarManage Action = "calendar.manage" // add or remove calendar overrides

	ActCustomerRead       Action = "customer.read"        // read customers in scope
	ActCustomerCreate     Action = "customer.create"      // add customers
	ActCustomerUpdate     Action = "customer.update"      // change customers in scope
	ActCustomerDelete     Action = "customer.delete"      // move customers in scope to the trash, restore them
	ActCustomerHardDelete Action = "customer.hard_delete" // erase a customer from the trash for good
	ActCustomerAssign     Action = "customer.assign"      // set another user as a customer's owner
	ActCustomerReveal     Action = "customer.reveal"      // see a masked value (a contact's mobile) in full, with a reason
	ActCustomerExport     Action = "customer.export"      // export the customers in scope (audited)
	ActComplaintCreate    Action = "complaint.create"     // register a complaint from any channel
	ActComplaintRead      Action = "complaint.read"       // read complaints (of customers in scope, or all for the service desk, QA, production, gm)
	ActAccessRequest      Action = "access.request"       // ask for access to a record outside one's scope
	ActAccessApprove      Action = "access.approve"       // decide access requests (as the owner's manager or gm)

	// After-sales service orders (服务作业). The service desk (客服, role
	// service) is also the service department whose manager dispatches;
	// the gm stands in for any department manager.
	ActServiceOrderCreate   Action = "service_order.create"   // register a service request in the service register
	ActServiceOrderRead     Action = "service_order.read"     // read service orders (all: service, gm; own: technician; paid ones at settlement: finance; customers in scope: account and sales managers)
	ActServiceOrderDispatch Action = "service_order.dispatch" // dispatch (派工) to a technician, send to finance, countersign and close (部门经理核签)
	ActServiceOrderWork     Action = "service_order.work"     // record arrival, work, the customer's signature and an on-site fee on one's own orders
	ActServiceOrderInvoice  Action = "service_order.invoice"  // work finance's queue: record the invoice of a paid service

	// Products and sales facts (产品、销售明细).
	ActProductManage Action = "product.manage" // add and change products (the catalogue every sale names)
	ActSalesRead     Action = "sales.read"     // read products, and the sales of customers in scope (all: gm, finance)
	ActSalesCreate   Action = "sales.create"   // enter a sales line for a customer in scope
	ActSalesImport   Action = "sales.import"   // import sales lines from an ERP export

	// Customer tiering (客户分级) and service standards.
	ActTierRead     Action = "tier.read"     // read tier schemes, service standards, and the tiers of customers in scope
	ActTierManage   Action = "tier.manage"   // edit tier schemes and service standards, preview, start recalculations
	ActTierOverride Action = "tier.override" // set a customer's tier by hand (with a reason and expiry) or a watch flag (重点关注)
)

// staff is every role but the auditor, who reads the audit log and
// nothing else.
var staff = []Role{RoleAdmin, RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing,
	RoleService, RoleTechnician, RoleQA, RoleProduction, RoleFinance, RoleWarehouse}

// matrix is the one table of role × action. A role not listed for an
// action may not take it. Tests walk this table through the HTTP API with
// expectations written out by hand.
var matrix = map[Action][]Role{
	ActUserManage:     {RoleAdmin},
	ActAuditRead:      {RoleAuditor},
	ActSystemRead:     {RoleAdmin},
	ActValidate:       staff,
	ActSettingsManage: {RoleAdmin},
	ActCalendarRead:   staff,
	ActCalendarManage: {RoleAdmin},

	ActCustomerRead:       {RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing, RoleService, RoleTechnician, RoleQA, RoleProduction, RoleFinance, RoleWarehouse},
	ActCustomerCreate:     {RoleGM, RoleSalesManager, RoleAccountManager, RoleMarketing},
	ActCustomerUpdate:     {RoleGM, RoleSalesManager, RoleAccountManager, RoleMarketing},
	ActCustomerDelete:     {RoleGM, RoleSalesManager, RoleAccountManager},
	ActCustomerHardDelete: {RoleAdmin},
	ActCustomerAssign:     {RoleGM, RoleSalesManager},
	ActCustomerReveal:     {RoleGM, RoleSalesManager, RoleAccountManager, RoleService},
	ActCustomerExport:     {RoleGM, RoleSalesManager, RoleAccountManager},
	ActComplaintCreate:    {RoleService, RoleAccountManager, RoleSalesManager, RoleGM, RoleGMOffice},
	ActComplaintRead:      {RoleService, RoleQA, RoleProduction, RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager},
	ActAccessRequest:      {RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing, RoleService, RoleTechnician, RoleQA, RoleProduction, RoleFinance, RoleWarehouse},
	ActAccessApprove:      {RoleGM, RoleSalesManager},

	ActServiceOrderCreate:   {RoleService, RoleGM},
	ActServiceOrderRead:     {RoleService, RoleGM, RoleTechnician, RoleFinance, RoleAccountManager, RoleSalesManager},
	ActServiceOrderDispatch: {RoleService, RoleGM},
	ActServiceOrderWork:     {RoleTechnician},
	ActServiceOrderInvoice:  {RoleFinance},

	ActProductManage: {RoleGM, RoleSalesManager},
	ActSalesRead:     {RoleGM, RoleSalesManager, RoleAccountManager, RoleMarketing, RoleFinance},
	ActSalesCreate:   {RoleGM, RoleSalesManager, RoleAccountManager},
	ActSalesImport:   {RoleGM, RoleSalesManager, RoleFinance},

	ActTierRead:     {RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing, RoleService},
	ActTierManage:   {RoleAdmin, RoleGM, RoleSalesManager},
	ActTierOverride: {RoleGM, RoleSalesManager},
}

// Can reports whether role r may take action a.
func (r Role) Can(a Action) bool { return slices.Contains(matrix[a], r) }

// Actions lists every action in the matrix.
func Actions() []Action {
	out := make([]Action, 0, len(matrix))
	for a := range matrix {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// RoleWord names a role in a message: its code in English, its name (with
// the code) in Chinese.
func RoleWord(r Role) msg.Coded { return msg.Coded{Code: string(r), Key: "role." + string(r)} }
