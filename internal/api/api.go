// Package api is Kehu's JSON API under /api/v1: every route is listed in
// Register, and every route is described in openapi.json, which tests hold
// against the real routes and responses.
package api

import (
	"context"
	"net/http"
	"time"

	"github.com/kehucrm/kehu/internal/app"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/access"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/crm/audit"
	"github.com/kehucrm/kehu/internal/crm/call"
	"github.com/kehucrm/kehu/internal/crm/card"
	"github.com/kehucrm/kehu/internal/crm/care"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/dealer"
	"github.com/kehucrm/kehu/internal/crm/duty"
	"github.com/kehucrm/kehu/internal/crm/event"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/crm/inbox"
	"github.com/kehucrm/kehu/internal/crm/lead"
	"github.com/kehucrm/kehu/internal/crm/order"
	"github.com/kehucrm/kehu/internal/crm/pool"
	"github.com/kehucrm/kehu/internal/crm/project"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/crm/service"
	"github.com/kehucrm/kehu/internal/crm/shipping"
	"github.com/kehucrm/kehu/internal/crm/system"
	"github.com/kehucrm/kehu/internal/crm/tier"
	"github.com/kehucrm/kehu/internal/crm/visit"
	"github.com/kehucrm/kehu/internal/crm/workflow"
	"github.com/kehucrm/kehu/internal/httpx"
)

// API holds the domain services the handlers call; it holds no database
// handle.
type API struct {
	identity      *identity.Service
	audit         *audit.Service
	calendars     *crm.Calendars
	customers     *customer.Service
	cards         *card.Service
	complaints    *complaint.Service
	inbox         *inbox.Service
	access        *access.Service
	files         *attachment.Service
	imports       *importer.Service
	serviceOrders *service.Service
	sales         *sales.Service
	dealers       *dealer.Service
	system        *system.Service
	tiers         *tier.Service
	duties        *duty.Service
	visits        *visit.Service
	events        *event.Service
	calls         *call.Service
	leads         *lead.Service
	pool          *pool.Service
	care          *care.Service
	workflows     *workflow.Service
	orders        *order.Service
	shipping      *shipping.Service
	projects      *project.Service
	version       string
	now           func() time.Time
}

// New returns the API over the domain services.
func New(s *app.Services, version string) *API {
	return &API{workflows: s.Workflows, orders: s.Orders, shipping: s.Shipping, projects: s.Projects,
		identity: s.Identity, audit: s.Audit, calendars: s.Calendars, customers: s.Customers, cards: s.Cards,
		complaints: s.Complaints, inbox: s.Inbox, access: s.Access, files: s.Attachments, imports: s.Imports,
		serviceOrders: s.ServiceOrders, sales: s.Sales, system: s.System, tiers: s.Tiers, duties: s.Duties, visits: s.Visits, version: version, now: s.Clock, events: s.Events, calls: s.Calls, care: s.Care, dealers: s.Dealers, leads: s.Leads, pool: s.Pool}
}

// Register lists every route of the API, one per line.
func (a *API) Register(rt *httpx.Router) {
	rt.Handle("GET /api/v1/openapi.json", http.HandlerFunc(serveOpenAPI), httpx.Public())
	rt.HandleFunc("GET /api/v1/ping", a.ping, httpx.Public())
	rt.HandleFunc("GET /api/v1/system/migrations", a.listMigrations, httpx.List())
	rt.HandleFunc("GET /api/v1/system/migrations/{version}", a.getMigration)
	rt.HandleFunc("POST /api/v1/validate", a.validate, httpx.Requires(crm.ActValidate))

	rt.HandleFunc("POST /api/v1/auth/login", a.login, httpx.Public())
	rt.HandleFunc("POST /api/v1/auth/logout", a.logout, httpx.Public())
	rt.HandleFunc("GET /api/v1/me", a.me)
	rt.HandleFunc("PATCH /api/v1/me", a.updateMe)
	rt.HandleFunc("POST /api/v1/me/password", a.changePassword)

	rt.HandleFunc("GET /api/v1/users", a.listUsers, httpx.List())
	rt.HandleFunc("POST /api/v1/users", a.createUser, httpx.Requires(crm.ActUserManage))
	rt.HandleFunc("GET /api/v1/users/{username}", a.getUser, httpx.Requires(crm.ActUserManage))
	rt.HandleFunc("PATCH /api/v1/users/{username}", a.updateUser, httpx.Requires(crm.ActUserManage))
	rt.HandleFunc("POST /api/v1/users/{username}/password", a.resetPassword, httpx.Requires(crm.ActUserManage))
	rt.HandleFunc("POST /api/v1/users/{username}/reveal", a.revealUserField, httpx.Requires(crm.ActUserManage))

	rt.HandleFunc("GET /api/v1/audit", a.listAudit, httpx.List(auditParams...), httpx.Requires(crm.ActAuditRead))

	rt.HandleFunc("GET /api/v1/regions", a.regions, httpx.List(regionSearchParams...))
	rt.HandleFunc("GET /api/v1/industries", a.industries, httpx.List(httpx.Text("q")))
	rt.HandleFunc("GET /api/v1/imports/template", a.importTemplate)
	rt.HandleFunc("GET /api/v1/imports/{id}/rejects", a.importRejects)

	rt.HandleFunc("GET /api/v1/calendar/working-days", a.workingDays, httpx.Query(httpx.Text("from"), httpx.Text("days")))
	rt.HandleFunc("GET /api/v1/calendar/{year}", a.year)
	rt.HandleFunc("GET /api/v1/calendar/festivals/{year}", a.festivals)
	rt.HandleFunc("GET /api/v1/calendar/overrides/{date}", a.getOverride)
	rt.HandleFunc("PUT /api/v1/calendar/overrides/{date}", a.putOverride, httpx.Requires(crm.ActCalendarManage))
	rt.HandleFunc("DELETE /api/v1/calendar/overrides/{date}", a.deleteOverride, httpx.Requires(crm.ActCalendarManage))

	rt.HandleFunc("GET /api/v1/customers", a.listCustomers, httpx.List(customerFilterParams...))
	rt.HandleFunc("POST /api/v1/customers", a.createCustomer, httpx.Requires(crm.ActCustomerCreate))
	rt.HandleFunc("POST /api/v1/customers/handover", a.handover, httpx.Requires(crm.ActCustomerAssign))
	rt.HandleFunc("GET /api/v1/customers/export", a.exportCustomers, httpx.Query(exportParams...))
	rt.HandleFunc("GET /api/v1/customers/{id}", a.getCustomer)
	rt.HandleFunc("PATCH /api/v1/customers/{id}", a.updateCustomer, httpx.Requires(crm.ActCustomerUpdate))
	rt.HandleFunc("DELETE /api/v1/customers/{id}", a.deleteCustomer, httpx.Query(httpx.Bool("hard")), httpx.Requires(crm.ActCustomerDelete, crm.ActCustomerHardDelete))
	rt.HandleFunc("POST /api/v1/customers/{id}/restore", a.restoreCustomer, httpx.Requires(crm.ActCustomerDelete))
	rt.HandleFunc("POST /api/v1/customers/{id}/merge", a.mergeCustomer, httpx.Requires(crm.ActCustomerUpdate))
	rt.HandleFunc("GET /api/v1/customers/{id}/history", a.customerHistory, httpx.List())
	rt.HandleFunc("GET /api/v1/customers/{id}/interactions", a.listInteractions, httpx.List())
	rt.HandleFunc("POST /api/v1/customers/{id}/interactions", a.createInteraction, httpx.Requires(crm.ActCustomerUpdate))
	rt.HandleFunc("GET /api/v1/interactions/{id}", a.getInteraction)
	rt.HandleFunc("GET /api/v1/customer-fields", a.customerFields)
	rt.HandleFunc("PUT /api/v1/customer-fields", a.putCustomerFields, httpx.Requires(crm.ActSettingsManage))
	rt.HandleFunc("GET /api/v1/card-template", a.cardTemplate)
	rt.HandleFunc("PUT /api/v1/card-template", a.putCardTemplate, httpx.Requires(crm.ActSettingsManage))
	rt.HandleFunc("PUT /api/v1/customers/{id}/card", a.saveCard, httpx.Requires(crm.ActCustomerUpdate))
	rt.HandleFunc("GET /api/v1/customers/{id}/card/revisions", a.cardRevisions, httpx.List())
	rt.HandleFunc("GET /api/v1/customers/{id}/card/revisions/{n}/diff", a.cardDiff)
	rt.HandleFunc("GET /api/v1/customers/{id}/contacts", a.listContacts, httpx.List())
	rt.HandleFunc("POST /api/v1/customers/{id}/contacts", a.createContact, httpx.Requires(crm.ActCustomerUpdate))
	rt.HandleFunc("GET /api/v1/contacts", a.findContacts, httpx.List(httpx.Text("mobile")))
	rt.HandleFunc("GET /api/v1/contacts/{id}", a.getContact)
	rt.HandleFunc("PATCH /api/v1/contacts/{id}", a.updateContact, httpx.Requires(crm.ActCustomerUpdate))
	rt.HandleFunc("DELETE /api/v1/contacts/{id}", a.deleteContact, httpx.Requires(crm.ActCustomerUpdate))
	rt.HandleFunc("POST /api/v1/contacts/{id}/reveal", a.revealContact, httpx.Requires(crm.ActCustomerReveal))

	rt.HandleFunc("GET /api/v1/complaints", a.listComplaints, httpx.List(complaintListParams...))
	rt.HandleFunc("POST /api/v1/complaints", a.createComplaint, httpx.Requires(crm.ActComplaintCreate))
	rt.HandleFunc("GET /api/v1/complaints/{id}", a.getComplaint)
	rt.HandleFunc("POST /api/v1/complaints/{id}/transitions", a.moveComplaint, httpx.Requires(crm.ActComplaintRead))
	rt.HandleFunc("GET /api/v1/complaints/{id}/customer-matches", a.complaintCustomerMatches, httpx.List())
	rt.HandleFunc("POST /api/v1/complaints/{id}/link-customer", a.linkComplaintCustomer)
	rt.HandleFunc("GET /api/v1/complaints/{id}/events", a.complaintEvents, httpx.List())
	rt.HandleFunc("GET /api/v1/customers/{id}/complaint-counts", a.complaintCounts, httpx.Query(httpx.OneOf("period", "month", "quarter", "year")))
	rt.HandleFunc("POST /api/v1/public/complaints", a.submitPublicComplaint, httpx.Public())
	rt.HandleFunc("GET /api/v1/public/complaints/{token}", a.publicComplaintStatus, httpx.Public())

	rt.HandleFunc("GET /api/v1/notifications", a.listNotifications, httpx.List(httpx.Bool("unread")))
	rt.HandleFunc("POST /api/v1/notifications/{id}/read", a.readNotification)

	rt.HandleFunc("GET /api/v1/access-requests", a.listAccessRequests, httpx.List(accessRequestParams...))
	rt.HandleFunc("POST /api/v1/access-requests", a.createAccessRequest, httpx.Requires(crm.ActAccessRequest))
	rt.HandleFunc("GET /api/v1/access-requests/{id}", a.getAccessRequest)
	rt.HandleFunc("POST /api/v1/access-requests/{id}/approve", a.decideAccessRequest(true), httpx.Requires(crm.ActAccessApprove))
	rt.HandleFunc("POST /api/v1/access-requests/{id}/reject", a.decideAccessRequest(false), httpx.Requires(crm.ActAccessApprove))

	a.registerImports(rt)
	a.registerComplaintReports(rt)
	a.registerComplaintRules(rt)
	a.registerServiceOrders(rt)
	a.registerAttachments(rt)
	a.registerSales(rt)
	a.registerEvents(rt)
	a.registerCalls(rt)
	a.registerDealers(rt)
	a.registerTiers(rt)
	a.registerDuties(rt)
	a.registerWorkflows(rt)
	a.registerOrders(rt)
	a.registerShipping(rt)
	a.registerProjects(rt)
	a.registerCare(rt)
	a.registerVisits(rt)
	a.registerLeads(rt)

	rt.HandleFunc("GET /healthz", a.healthz)
	rt.HandleFunc("GET /readyz", a.readyz)
}

func (a *API) healthz(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// readyz answers 200 only while the database answers within two seconds,
// so a load balancer stops sending work to an instance that lost it.
func (a *API) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.system.Ping(ctx); err != nil {
		httpx.Logger(r.Context()).Warn("not ready", "error", err.Error())
		httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": "ok"})
	return nil
}
