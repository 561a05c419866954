package crm

import "context"

// Principal is the signed-in user a request acts for.
type Principal struct {
	UserID   int64
	Username string
	Role     Role
	TeamID   int64 // 0 when the user has no team
	// DealerID is the dealer (a customer of kind dealer) a dealer account
	// belongs to; 0 for staff.
	DealerID int64
	// Lang is the language the user chose to read Kehu in (msg.ZhCN or
	// msg.En), or "" to follow the browser.
	Lang string
	// SessionID identifies the session or token the request came with, so
	// logout can end exactly it.
	SessionID string
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok && p.UserID != 0
}

// Authorize returns nil when the principal in ctx may take action a:
// unauthorized when nobody is signed in, forbidden when the role may not.
// Every domain service calls it before doing anything, so no handler can
// forget the check.
func Authorize(ctx context.Context, a Action) (Principal, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return p, Fail(EUnauthorized, "crm.sign_in")
	}
	if !p.Role.Can(a) {
		return p, Fail(EForbidden, "crm.forbidden_action", RoleWord(p.Role), a)
	}
	return p, nil
}

// SystemPrincipal acts for the command line and background jobs: it may
// manage users (the first administrator is made this way) and is audited
// under the name "system:NAME".
func SystemPrincipal(name string) Principal {
	return Principal{UserID: -1, Username: "system:" + name, Role: RoleAdmin}
}
