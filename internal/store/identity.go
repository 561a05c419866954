package store

import "github.com/kehucrm/kehu/internal/crm"

// The stores the domain services need, checked at compile time.
var (
	_ crm.IdentityStore  = (*DB)(nil)
	_ crm.AuditStore     = (*DB)(nil)
	_ crm.CalendarStore  = (*DB)(nil)
	_ crm.CustomerStore  = (*DB)(nil)
	_ crm.AccessStore    = (*DB)(nil)
	_ crm.CardStore      = (*DB)(nil)
	_ crm.ComplaintStore = (*DB)(nil)
	_ crm.OverdueStore   = (*DB)(nil)
)
