package store

import (
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/access"
	"github.com/kehucrm/kehu/internal/crm/audit"
	"github.com/kehucrm/kehu/internal/crm/card"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

// The stores the domain services need, checked at compile time.
var (
	_ identity.IdentityStore   = (*DB)(nil)
	_ audit.AuditStore         = (*DB)(nil)
	_ crm.CalendarStore        = (*DB)(nil)
	_ customer.CustomerStore   = (*DB)(nil)
	_ access.AccessStore       = (*DB)(nil)
	_ card.CardStore           = (*DB)(nil)
	_ complaint.ComplaintStore = (*DB)(nil)
	_ complaint.OverdueStore   = (*DB)(nil)
)
