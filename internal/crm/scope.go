package crm

// Scope is which customers (and what hangs off them) a principal sees:
// "Staff may not read files outside their own duties without approval."
// Rows outside it answer not_found, exactly like missing ones.
type Scope struct {
	All    bool  // every customer (gm; service, finance and warehouse, whose duties span all)
	TeamID int64 // the customers of this team too (sales_manager)
	UserID int64 // the customers this user owns
	Grants bool  // and those granted to UserID through access requests (reads only)
}

// ReadScope is the scope in which p may read: CustomerScope plus the
// records granted to p. A grant lets its holder look, never change.
func ReadScope(p Principal) Scope {
	s := CustomerScope(p)
	s.Grants = !s.All
	return s
}

// CustomerScope returns the scope in which p may change customers. qa,
// production and technician see customers only through access grants
// (ReadScope); admin and auditor see none.
func CustomerScope(p Principal) Scope {
	switch p.Role {
	case RoleGM, RoleService, RoleFinance, RoleWarehouse:
		return Scope{All: true, UserID: p.UserID}
	case RoleSalesManager:
		return Scope{TeamID: p.TeamID, UserID: p.UserID}
	default:
		return Scope{UserID: p.UserID}
	}
}
