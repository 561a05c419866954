package identity

import (
	"context"
	"slices"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// Me returns the signed-in user.
func (id *Service) Me(ctx context.Context) (User, error) {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok || p.UserID < 0 {
		return User{}, crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	u, err := id.store.UserByID(ctx, p.UserID)
	id.maskUser(&u)
	return u, err
}

// MeChange is what users may change about themselves; nil fields stay.
type MeChange struct {
	Version     int // 0: whatever the stored version is
	DisplayName *string
	// Lang is msg.ZhCN, msg.En, or "" to follow the browser again.
	Lang *string
}

// UpdateMe changes what users may change about themselves: the name shown
// and the language they read Kehu in. A changed language reaches the
// principal cache like any change to the user, so it holds from the next
// request on.
func (id *Service) UpdateMe(ctx context.Context, c MeChange) (User, error) {
	u, err := id.Me(ctx)
	if err != nil {
		return User{}, err
	}
	if c.Version != 0 && c.Version != u.Version {
		return User{}, crm.Fail(crm.EVersionConflict, "identity.account_changed_elsewhere_reload")
	}
	if c.Lang != nil && !ValidLang(*c.Lang) {
		return User{}, crm.Invalid(crm.Bad("lang", "unknown", "identity.lang.unknown"))
	}
	changes := map[string]crm.Change{}
	if c.DisplayName != nil && *c.DisplayName != u.DisplayName {
		changes["display_name"] = crm.Change{Before: u.DisplayName, After: *c.DisplayName}
		u.DisplayName = *c.DisplayName
	}
	if c.Lang != nil && *c.Lang != u.Lang {
		changes["lang"] = crm.Change{Before: u.Lang, After: *c.Lang}
		u.Lang = *c.Lang
	}
	if len(changes) == 0 {
		return u, nil
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "user", strconv.FormatInt(u.ID, 10), changes)
	u.UpdatedAt = id.now().UTC()
	return u, id.store.UpdateUser(ctx, &u, &e)
}

// ValidLang reports whether lang may be saved as a user's language: one
// the catalogue speaks, spelled as msg spells it, or "" for none.
func ValidLang(lang string) bool {
	return lang == "" || slices.Contains(msg.Langs(), lang)
}

// User returns one user by username, for administrators.
func (id *Service) User(ctx context.Context, username string) (User, error) {
	if _, err := crm.Authorize(ctx, crm.ActUserManage); err != nil {
		return User{}, err
	}
	u, err := id.store.UserByUsername(ctx, NormalizeUsername(username))
	id.maskUser(&u)
	return u, err
}

// UserChange is an administrator's change to a user; nil fields stay.
type UserChange struct {
	Version     int
	DisplayName *string
	Role        *crm.Role
	Disabled    *bool
	DealerID    *int64 // a dealer account's dealer; nil keeps it
}

// UpdateUser applies an administrator's change, with optimistic locking.
// Nobody changes their own role or disables themselves.
func (id *Service) UpdateUser(ctx context.Context, username string, c UserChange) (User, error) {
	p, err := crm.Authorize(ctx, crm.ActUserManage)
	if err != nil {
		return User{}, err
	}
	u, err := id.store.UserByUsername(ctx, NormalizeUsername(username))
	if err != nil {
		return User{}, err
	}
	if c.Version != u.Version {
		return User{}, crm.Fail(crm.EVersionConflict, "identity.user_changed_someone_else")
	}
	// Two-person rule: a guarded role, or enabling an account that holds
	// one, becomes a request for a second administrator; nothing else of
	// this change is applied.
	if crm.NeedsSecondPerson(p) && u.ID != p.UserID {
		if c.Role != nil && *c.Role != u.Role && c.Role.Valid() && c.Role.DutyGuarded() {
			dealer := int64(0)
			if *c.Role == crm.RoleDealer && c.DealerID != nil {
				dealer = *c.DealerID
			}
			if *c.Role == crm.RoleDealer {
				if fe, err := id.checkDealer(ctx, *c.Role, dealer); err != nil {
					return User{}, err
				} else if fe != nil {
					return User{}, crm.Invalid(*fe)
				}
			}
			return User{}, id.requestDuty(ctx, p, crm.DutyUserRole, u, *c.Role, map[string]int64{"dealer_id": dealer})
		}
		if c.Disabled != nil && !*c.Disabled && u.Disabled() && u.Role.DutyGuarded() && c.Role == nil {
			return User{}, id.requestDuty(ctx, p, crm.DutyUserEnable, u, u.Role, nil)
		}
	}
	changes := map[string]crm.Change{}
	endSessions := false
	if c.DisplayName != nil && *c.DisplayName != u.DisplayName {
		changes["display_name"] = crm.Change{Before: u.DisplayName, After: *c.DisplayName}
		u.DisplayName = *c.DisplayName
	}
	if c.Role != nil && *c.Role != u.Role {
		if u.ID == p.UserID {
			return User{}, crm.Fail(crm.EForbidden, "identity.cannot_change_own_role")
		}
		if !c.Role.Valid() {
			return User{}, crm.Invalid(crm.Bad("role", "unknown", "identity.role.not_a_role"))
		}
		changes["role"] = crm.Change{Before: u.Role, After: *c.Role}
		u.Role, endSessions = *c.Role, true
	}
	if c.DealerID != nil || c.Role != nil {
		dealer := u.DealerID
		if c.DealerID != nil {
			dealer = *c.DealerID
		}
		if u.Role != crm.RoleDealer {
			dealer = 0
		}
		if fe, err := id.checkDealer(ctx, u.Role, dealer); err != nil {
			return User{}, err
		} else if fe != nil {
			return User{}, crm.Invalid(*fe)
		}
		if dealer != u.DealerID {
			changes["dealer_id"] = crm.Change{Before: u.DealerID, After: dealer}
			u.DealerID, endSessions = dealer, true
		}
	}
	if c.Disabled != nil && *c.Disabled != u.Disabled() {
		if u.ID == p.UserID {
			return User{}, crm.Fail(crm.EForbidden, "identity.cannot_disable_own_account")
		}
		changes["disabled"] = crm.Change{Before: u.Disabled(), After: *c.Disabled}
		if *c.Disabled {
			now := id.now().UTC()
			u.DisabledAt, endSessions = &now, true
		} else {
			u.DisabledAt = nil
		}
	}
	if len(changes) == 0 {
		return u, nil
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "user", strconv.FormatInt(u.ID, 10), changes)
	u.UpdatedAt = id.now().UTC()
	if endSessions {
		return u, id.store.UpdateUserEnding(ctx, &u, &e, c.Disabled != nil && *c.Disabled)
	}
	return u, id.store.UpdateUser(ctx, &u, &e)
}
