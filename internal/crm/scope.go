package crm

// Scope is which customers (and what hangs off them) a principal sees:
// "Staff may not read files outside their own duties without approval."
// Rows outside it answer not_found, exactly like missing ones.
type Scope struct {
	All    bool  // every customer (gm; service, finance and warehouse, whose duties span all)
	TeamID int64 // the customers of this team too (sales_manager)
	UserID int64 // the customers this user owns
	Grants bool  // and those granted to UserID through access requests (reads only)
	// CustomerID, when set, is the only customer in scope: a dealer
	// account sees its own dealer and nothing else.
	CustomerID int64
}

// ReadScope is the scope in which p may read: CustomerScope plus the
// records granted to p. A grant lets its holder look, never change.
func ReadScope(p Principal) Scope {
	s := CustomerScope(p)
	s.Grants = !s.All && s.CustomerID == 0
	return s
}

// CustomerScope returns the scope in which p may change customers. qa,
// production and technician see customers only through access grants
// (ReadScope); admin and auditor see none.
func CustomerScope(p Principal) Scope {
	switch p.Role {
	case RoleDealer:
		// A dealer account sees its own dealer only; one without a dealer
		// (ID -1 matches nothing) sees nothing.
		if p.DealerID == 0 {
			return Scope{CustomerID: -1}
		}
		return Scope{CustomerID: p.DealerID}
	case RoleGM, RoleService, RoleFinance, RoleWarehouse:
		return Scope{All: true, UserID: p.UserID}
	case RoleSalesManager:
		return Scope{TeamID: p.TeamID, UserID: p.UserID}
	default:
		return Scope{UserID: p.UserID}
	}
}
