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
	"github.com/kehucrm/kehu/internal/crm/card"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/crm/inbox"
	"github.com/kehucrm/kehu/internal/crm/service"
	"github.com/kehucrm/kehu/internal/crm/system"
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
	system        *system.Service
	version       string
	now           func() time.Time
}

// New returns the API over the domain services.
func New(s *app.Services, version string) *API {
	return &API{identity: s.Identity, audit: s.Audit, calendars: s.Calendars, customers: s.Customers, cards: s.Cards,
		complaints: s.Complaints, inbox: s.Inbox, access: s.Access, files: s.Attachments, imports: s.Imports,
		serviceOrders: s.ServiceOrders, system: s.System, version: version, now: s.Clock}
}

// Register lists every route of the API, one per line.
func (a *API) Register(rt *httpx.Router) {
	rt.Handle("GET /api/v1/openapi.json", http.HandlerFunc(serveOpenAPI))
	rt.HandleFunc("GET /api/v1/ping", a.ping)
	rt.HandleFunc("GET /api/v1/system/migrations", a.listMigrations)
	rt.HandleFunc("GET /api/v1/system/migrations/{version}", a.getMigration)
	rt.HandleFunc("POST /api/v1/validate", a.validate)

	rt.HandleFunc("POST /api/v1/auth/login", a.login)
	rt.HandleFunc("POST /api/v1/auth/logout", a.logout)
	rt.HandleFunc("GET /api/v1/me", a.me)
	rt.HandleFunc("PATCH /api/v1/me", a.updateMe)
	rt.HandleFunc("POST /api/v1/me/password", a.changePassword)

	rt.HandleFunc("GET /api/v1/users", a.listUsers)
	rt.HandleFunc("POST /api/v1/users", a.createUser)
	rt.HandleFunc("GET /api/v1/users/{username}", a.getUser)
	rt.HandleFunc("PATCH /api/v1/users/{username}", a.updateUser)
	rt.HandleFunc("POST /api/v1/users/{username}/password", a.resetPassword)
	rt.HandleFunc("POST /api/v1/users/{username}/reveal", a.revealUserField)

	rt.HandleFunc("GET /api/v1/audit", a.listAudit)

	rt.HandleFunc("GET /api/v1/calendar/working-days", a.workingDays)
	rt.HandleFunc("GET /api/v1/calendar/{year}", a.year)
	rt.HandleFunc("GET /api/v1/calendar/{year}/festivals", a.festivals)
	rt.HandleFunc("PUT /api/v1/calendar/overrides/{date}", a.putOverride)
	rt.HandleFunc("DELETE /api/v1/calendar/overrides/{date}", a.deleteOverride)

	rt.HandleFunc("GET /api/v1/customers", a.listCustomers)
	rt.HandleFunc("POST /api/v1/customers", a.createCustomer)
	rt.HandleFunc("POST /api/v1/customers/handover", a.handover)
	rt.HandleFunc("GET /api/v1/customers/export", a.exportCustomers)
	rt.HandleFunc("GET /api/v1/customers/{id}", a.getCustomer)
	rt.HandleFunc("PATCH /api/v1/customers/{id}", a.updateCustomer)
	rt.HandleFunc("DELETE /api/v1/customers/{id}", a.deleteCustomer)
	rt.HandleFunc("POST /api/v1/customers/{id}/restore", a.restoreCustomer)
	rt.HandleFunc("POST /api/v1/customers/{id}/merge", a.mergeCustomer)
	rt.HandleFunc("GET /api/v1/customers/{id}/history", a.customerHistory)
	rt.HandleFunc("GET /api/v1/customers/{id}/interactions", a.listInteractions)
	rt.HandleFunc("POST /api/v1/customers/{id}/interactions", a.createInteraction)
	rt.HandleFunc("GET /api/v1/customer-fields", a.customerFields)
	rt.HandleFunc("PUT /api/v1/customer-fields", a.putCustomerFields)
	rt.HandleFunc("GET /api/v1/card-template", a.cardTemplate)
	rt.HandleFunc("PUT /api/v1/card-template", a.putCardTemplate)
	rt.HandleFunc("PUT /api/v1/customers/{id}/card", a.saveCard)
	rt.HandleFunc("GET /api/v1/customers/{id}/card/revisions", a.cardRevisions)
	rt.HandleFunc("GET /api/v1/customers/{id}/card/revisions/{n}/diff", a.cardDiff)
	rt.HandleFunc("GET /api/v1/customers/{id}/contacts", a.listContacts)
	rt.HandleFunc("POST /api/v1/customers/{id}/contacts", a.createContact)
	rt.HandleFunc("GET /api/v1/contacts", a.findContacts)
	rt.HandleFunc("PATCH /api/v1/contacts/{id}", a.updateContact)
	rt.HandleFunc("DELETE /api/v1/contacts/{id}", a.deleteContact)
	rt.HandleFunc("POST /api/v1/contacts/{id}/reveal", a.revealContact)

	rt.HandleFunc("GET /api/v1/complaints", a.listComplaints)
	rt.HandleFunc("POST /api/v1/complaints", a.createComplaint)
	rt.HandleFunc("GET /api/v1/complaints/{id}", a.getComplaint)
	rt.HandleFunc("POST /api/v1/complaints/{id}/transitions", a.moveComplaint)
	rt.HandleFunc("GET /api/v1/complaints/{id}/events", a.complaintEvents)
	rt.HandleFunc("GET /api/v1/customers/{id}/complaint-counts", a.complaintCounts)
	rt.HandleFunc("POST /api/v1/public/complaints", a.submitPublicComplaint)
	rt.HandleFunc("GET /api/v1/public/complaints/{token}", a.publicComplaintStatus)

	rt.HandleFunc("GET /api/v1/notifications", a.listNotifications)
	rt.HandleFunc("POST /api/v1/notifications/{id}/read", a.readNotification)

	rt.HandleFunc("GET /api/v1/access-requests", a.listAccessRequests)
	rt.HandleFunc("POST /api/v1/access-requests", a.createAccessRequest)
	rt.HandleFunc("POST /api/v1/access-requests/{id}/approve", a.decideAccessRequest(true))
	rt.HandleFunc("POST /api/v1/access-requests/{id}/reject", a.decideAccessRequest(false))

	a.registerImports(rt)
	a.registerComplaintReports(rt)
	a.registerComplaintRules(rt)
	a.registerServiceOrders(rt)
	a.registerAttachments(rt)

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
