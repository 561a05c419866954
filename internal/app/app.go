// Package app holds Kehu's domain services. internal/server builds them
// once, over one database and one keyring, and hands the same set to the
// API, the web UI and the background jobs; none of those builds its own
// or holds a database handle.
package app

import (
	"time"

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
	"github.com/kehucrm/kehu/internal/crm/directory"
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
	"github.com/kehucrm/kehu/internal/crm/workbench"
	"github.com/kehucrm/kehu/internal/crm/workflow"
)

// Services is every domain service, one of each.
type Services struct {
	// Clock is the time every service reads; time.Now outside tests.
	Clock func() time.Time

	Identity      *identity.Service
	Audit         *audit.Service
	Calendars     *crm.Calendars
	Customers     *customer.Service
	Cards         *card.Service
	Access        *access.Service
	Imports       *importer.Service
	Complaints    *complaint.Service
	Attachments   *attachment.Service
	ServiceOrders *service.Service
	Inbox         *inbox.Service
	System        *system.Service
	Directory     *directory.Service
	Workbench     *workbench.Service
	Tiers         *tier.Service     // customer tiering and service standards
	Duties        *duty.Service     // two-person rule requests (三员分立)
	Sales         *sales.Service    // products and sales facts
	Workflows     *workflow.Service // the approval engine (workflows as data)
	Orders        *order.Service    // order applications (订货申请单)
	Shipping      *shipping.Service // shipments, stock, receipt and transit claims
	Projects      *project.Service  // customer projects (客户工程)
	Dealers       *dealer.Service   // dealers' monthly plans and the month's sales plan
	Care          *care.Service     // customer care: reminders, greetings, gifts
	Events        *event.Service    // customer events, invitations, RSVP and check-in
	Calls         *call.Service     // the service desk's call log and call-backs
	Visits        *visit.Service    // visit plans and their compliance
	Leads         *lead.Service     // leads (潜在客户)
	Pool          *pool.Service     // the public pool (公海) and its rules
}
