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
	"github.com/kehucrm/kehu/internal/crm/card"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/directory"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/crm/inbox"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/crm/service"
	"github.com/kehucrm/kehu/internal/crm/system"
	"github.com/kehucrm/kehu/internal/crm/tier"
	"github.com/kehucrm/kehu/internal/crm/workbench"
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
	Tiers         *tier.Service  // customer tiering and service standards
	Sales         *sales.Service // products and sales facts
}
