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
	RoleDealer         Role = "dealer" // a dealer's (经销商) account: sees its own dealer only
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleSecurityAdmin, RoleAuditor, RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing,
	RoleService, RoleTechnician, RoleQA, RoleProduction, RoleFinance, RoleWarehouse, RoleDealer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Action is something a user may be allowed to do.
type Action string

// The actions. Each module adds its own as it lands.
const (
	ActUserManage     Action = "user.manage"     // add, change, disable users and teams; reset passwords
	ActDutyDecide     Action = "duty.decide"     // list and decide two-person requests (admin, security_admin; gm for customer erasure)
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

	// Workflows (审批流程) and order applications (订货申请单).
	ActWorkflowRead   Action = "workflow.read"   // read workflow definitions
	ActWorkflowManage Action = "workflow.manage" // edit workflows (each save a new version)
	ActWorkflowDecide Action = "workflow.decide" // decide the steps that name one (inbox, delegations)
	ActOrderRead      Action = "order.read"      // read the orders of customers in scope
	ActOrderCreate    Action = "order.create"    // enter and submit an order for a customer in scope
	ActOrderAdjust    Action = "order.adjust"    // adjust an order's lines for a shortage (订货调整)
	ActProjectRead    Action = "project.read"    // read customer projects (客户工程): the departments all, others those of customers in scope
	ActProjectCreate  Action = "project.create"  // enter a customer's application for power (用电申请)
	ActVisitRead      Action = "visit.read"      // read visit plans and compliance (own customers; sales managers their team's; gm all)

	// Customer care (客户关怀): reminders, greetings, gifts.
	ActCareRead    Action = "care.read"    // read care reminders, templates, the send log, gifts and budgets of customers in scope
	ActCareSend    Action = "care.send"    // send greetings, record gifts, set a contact's opt-out, for customers in scope
	ActCareManage  Action = "care.manage"  // edit greeting templates, lead-time rules, care dates and gift budgets
	ActGiftApprove Action = "gift.approve" // approve or reject a gift over budget (the manager's approval)

	// Customer events (客户活动) and the service desk's call log (客服沟通流程).
	ActEventRead    Action = "event.read"    // read events and the invitations of customers in scope
	ActEventManage  Action = "event.manage"  // add events, build and edit their invitation lists
	ActEventCheckIn Action = "event.checkin" // check guests in at the door
	ActCallRead     Action = "call.read"     // read the call log and call-backs (all: service, gm; customers in scope: managers)
	ActCallCreate   Action = "call.create"   // log calls, record their steps and call-backs, turn them into complaints, orders, interactions

	// Leads (潜在客户) and the public pool (公海).
	ActLeadRead    Action = "lead.read"    // read leads (all: marketing, sales managers, gm; account managers: their own and the unassigned)
	ActLeadCreate  Action = "lead.create"  // add and change leads (marketing owns them)
	ActLeadAssign  Action = "lead.assign"  // assign a lead to an account manager
	ActLeadClaim   Action = "lead.claim"   // take an unassigned lead as one's own
	ActLeadConvert Action = "lead.convert" // convert a lead into a customer (through the duplicate checks)
	ActPoolRead    Action = "pool.read"    // read the public pool and the customers about to return to it
	ActPoolClaim   Action = "pool.claim"   // claim a customer from the pool (within the cap and cool-down)
	ActPoolManage  Action = "pool.manage"  // edit the pool rules (audited)

	// Dealers (经销商): monthly plans and the month's sales plan.
	ActDealerPlanRead   Action = "dealer_plan.read"   // read the monthly plans of dealers in scope (a dealer: its own)
	ActDealerPlanWrite  Action = "dealer_plan.write"  // start, change and submit a dealer's monthly plan
	ActSalesPlanManage  Action = "sales_plan.manage"  // merge the dealers' plans into the month's sales plan and submit it
	ActSalesPlanApprove Action = "sales_plan.approve" // approve or return the month's sales plan

	// Shipping (货物发运单), stock, receipt and transit claims (货损).
	ActShipmentRead    Action = "shipment.read"    // read shipments and the shipping board (a dealer: its own)
	ActShipmentWrite   Action = "shipment.write"   // ship approved orders, record waybills and the 提货单据 posting
	ActShipmentReceive Action = "shipment.receive" // confirm receipt of a shipment (a dealer: its own)
	ActStockRead       Action = "stock.read"       // read the stock count
	ActStockWrite      Action = "stock.write"      // record goods received into stock
	ActShippingManage  Action = "shipping.manage"  // set the shipping rules (negative stock, receipt and claim days)
	ActClaimRead       Action = "claim.read"       // read transit claims (a dealer: its own)
	ActClaimCreate     Action = "claim.create"     // file a transit claim and its evidence (a dealer: on its own shipments)
	ActClaimResolve    Action = "claim.resolve"    // resolve a claim: replacement, credit note or carrier recovery
)

// staff is every role but the auditor, who reads the audit log and
// nothing else.
var staff = []Role{RoleAdmin, RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing,
	RoleService, RoleTechnician, RoleQA, RoleProduction, RoleFinance, RoleWarehouse}

// matrix is the one table of role × action. A role not listed for an
// action may not take it. Tests walk this table through the HTTP API with
// expectations written out by hand.
var matrix = map[Action][]Role{
	ActUserManage:     {RoleAdmin, RoleSecurityAdmin},
	ActDutyDecide:     {RoleAdmin, RoleSecurityAdmin, RoleGM},
	ActAuditRead:      {RoleAuditor},
	ActSystemRead:     {RoleAdmin},
	ActValidate:       staff,
	ActSettingsManage: {RoleAdmin},
	ActCalendarRead:   staff,
	ActCalendarManage: {RoleAdmin},

	ActCustomerRead:       {RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing, RoleService, RoleTechnician, RoleQA, RoleProduction, RoleFinance, RoleWarehouse, RoleDealer},
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
	ActSalesRead:     {RoleGM, RoleSalesManager, RoleAccountManager, RoleMarketing, RoleFinance, RoleDealer},
	ActSalesCreate:   {RoleGM, RoleSalesManager, RoleAccountManager},
	ActSalesImport:   {RoleGM, RoleSalesManager, RoleFinance},

	ActTierRead:     {RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing, RoleService},
	ActTierManage:   {RoleAdmin, RoleGM},
	ActTierOverride: {RoleGM, RoleSalesManager},

	ActWorkflowRead:   staff,
	ActWorkflowManage: {RoleAdmin},
	ActWorkflowDecide: {RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing, RoleService, RoleTechnician, RoleQA, RoleProduction, RoleFinance, RoleWarehouse},
	ActOrderRead:      {RoleGM, RoleSalesManager, RoleAccountManager, RoleFinance, RoleWarehouse},
	ActOrderCreate:    {RoleGM, RoleSalesManager, RoleAccountManager},
	ActOrderAdjust:    {RoleGM, RoleSalesManager, RoleWarehouse},
	ActProjectRead:    {RoleGM, RoleSalesManager, RoleAccountManager, RoleTechnician, RoleQA, RoleProduction, RoleWarehouse},
	ActProjectCreate:  {RoleGM, RoleSalesManager, RoleAccountManager},
	ActVisitRead:      {RoleGM, RoleSalesManager, RoleAccountManager},

	ActCareRead:    {RoleGM, RoleSalesManager, RoleAccountManager, RoleMarketing},
	ActCareSend:    {RoleGM, RoleSalesManager, RoleAccountManager},
	ActCareManage:  {RoleAdmin, RoleGM, RoleSalesManager},
	ActGiftApprove: {RoleGM, RoleSalesManager},

	ActEventRead:    {RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing, RoleService},
	ActEventManage:  {RoleGM, RoleSalesManager, RoleMarketing},
	ActEventCheckIn: {RoleGM, RoleGMOffice, RoleSalesManager, RoleAccountManager, RoleMarketing, RoleService},
	ActCallRead:     {RoleService, RoleGM, RoleSalesManager, RoleAccountManager},
	ActCallCreate:   {RoleService, RoleGM, RoleSalesManager, RoleAccountManager},

	ActLeadRead:    {RoleGM, RoleSalesManager, RoleAccountManager, RoleMarketing},
	ActLeadCreate:  {RoleGM, RoleMarketing},
	ActLeadAssign:  {RoleGM, RoleSalesManager, RoleMarketing},
	ActLeadClaim:   {RoleAccountManager},
	ActLeadConvert: {RoleGM, RoleSalesManager, RoleAccountManager, RoleMarketing},
	ActPoolRead:    {RoleGM, RoleSalesManager, RoleAccountManager},
	ActPoolClaim:   {RoleSalesManager, RoleAccountManager},
	ActPoolManage:  {RoleAdmin, RoleSalesManager},

	ActDealerPlanRead:   {RoleGM, RoleSalesManager, RoleAccountManager, RoleDealer},
	ActDealerPlanWrite:  {RoleSalesManager, RoleAccountManager, RoleDealer},
	ActSalesPlanManage:  {RoleGM, RoleSalesManager},
	ActSalesPlanApprove: {RoleGM},

	ActShipmentRead:    {RoleGM, RoleSalesManager, RoleAccountManager, RoleFinance, RoleWarehouse, RoleService, RoleDealer},
	ActShipmentWrite:   {RoleWarehouse},
	ActShipmentReceive: {RoleGM, RoleSalesManager, RoleAccountManager, RoleWarehouse, RoleDealer},
	ActStockRead:       {RoleGM, RoleSalesManager, RoleWarehouse},
	ActStockWrite:      {RoleWarehouse},
	ActShippingManage:  {RoleAdmin},
	ActClaimRead:       {RoleGM, RoleSalesManager, RoleAccountManager, RoleFinance, RoleWarehouse, RoleService, RoleDealer},
	ActClaimCreate:     {RoleSalesManager, RoleAccountManager, RoleService, RoleDealer},
	ActClaimResolve:    {RoleSalesManager, RoleService},
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
