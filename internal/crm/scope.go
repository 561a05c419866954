package crm

// Scope is which customers (and what hangs off them) a principal sees:
// "Staff may not read files outside their own duties without approval."
// Rows outside it answer not_found, exactly like missing ones.
type Scope struct {
	All    bool  // every customer (gm; service, finance and warehouse, whose duties span all)
	TeamID int64 // the customers of this team too (sales_manager)
	UserID int64 // the customers this user owns, and those granted to them
}

// CustomerScope returns the scope of p. qa, production and technician see
// customers only through access grants; admin and auditor see none.
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
