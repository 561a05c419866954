package store

import "github.com/kehucrm/kehu/internal/crm"

var _ crm.IdentityStore = (*DB)(nil)
