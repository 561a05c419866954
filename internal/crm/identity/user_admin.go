package identity

import (
	"context"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/secure"
)

// NewUser is the input for adding a user.
type NewUser struct {
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Role        crm.Role `json:"role"`
	Team        string   `json:"team"`    // team name; created if it does not exist
	Manager     string   `json:"manager"` // the manager's username
	Mobile      string   `json:"mobile"`  // stored encrypted
	Password    string   `json:"password"`
	DealerID    int64    `json:"dealer_id"` // required for role dealer: the dealer the account belongs to
}

// AddUser creates a user. Only an administrator may; nobody may create an
// account with a role they hold themselves elevated beyond the matrix,
// and the password must meet the policy.
func (id *Service) AddUser(ctx context.Context, in NewUser, lang string) (User, error) {
	p, err := crm.Authorize(ctx, crm.ActUserManage)
	if err != nil {
		return User{}, err
	}
	u := User{Username: NormalizeUsername(in.Username), DisplayName: in.DisplayName, Role: in.Role}
	var fields []crm.FieldError
	if fe := ValidateUsername(u.Username); fe != nil {
		fields = append(fields, *fe)
	}
	if !u.Role.Valid() {
		fields = append(fields, crm.Bad("role", "unknown", "identity.role.unknown"))
	}
	if err := id.checkPassword(u.Username, in.Password, lang); err != nil {
		fields = append(fields, err.(*crm.Error).Fields...)
	}
	if in.Manager != "" {
		m, err := id.store.UserByUsername(ctx, NormalizeUsername(in.Manager))
		if isNotFound(err) {
			fields = append(fields, crm.Bad("manager", "unknown", "identity.manager.unknown", in.Manager))
		} else if err != nil {
			return User{}, err
		}
		u.ManagerID = m.ID
	}
	if fe, err := id.checkDealer(ctx, u.Role, in.DealerID); err != nil {
		return User{}, err
	} else if fe != nil {
		fields = append(fields, *fe)
	} else {
		u.DealerID = in.DealerID
	}
	if in.Mobile != "" {
		enc, idx, masked, err := id.sealMobile(in.Mobile)
		if e, ok := err.(*crm.Error); ok && e.Code == crm.EInvalid {
			fields = append(fields, e.Fields...)
		} else if err != nil {
			return User{}, err
		}
		u.MobileEnc, u.MobileIdx, u.Mobile = enc, idx, masked
	}
	if len(fields) > 0 {
		return User{}, crm.Invalid(fields...)
	}
	if in.Team != "" {
		te := crm.NewAudit(ctx, crm.AuditCreate, "team", "", map[string]string{"name": in.Team})
		t, err := id.store.EnsureTeam(ctx, in.Team, id.now(), &te)
		if err != nil {
			return User{}, err
		}
		u.TeamID, u.TeamName = t.ID, t.Name
	}
	hash, err := secure.HashPassword(in.Password, id.cfg.Argon2)
	if err != nil {
		return User{}, err
	}
	if crm.NeedsSecondPerson(p) && u.Role.DutyGuarded() { // two-person rule: the account waits for approval
		return User{}, id.requestDuty(ctx, p, crm.DutyUserCreate, u, u.Role, pendingUser{Username: u.Username, DisplayName: u.DisplayName,
			Role: u.Role, TeamID: u.TeamID, TeamName: u.TeamName, ManagerID: u.ManagerID, DealerID: u.DealerID,
			Mobile: u.Mobile, MobileEnc: u.MobileEnc, MobileIdx: u.MobileIdx, PasswordHash: hash})
	}
	now := id.now().UTC()
	u.PasswordHash, u.PasswordChangedAt, u.CreatedAt, u.UpdatedAt, u.Version = hash, now, now, now, 1
	e := crm.NewAudit(ctx, crm.AuditCreate, "user", "", map[string]any{"username": u.Username, "role": u.Role, "team": u.TeamName, "manager_id": u.ManagerID, "mobile": u.Mobile, "dealer_id": u.DealerID})
	crm.MarkBreakGlass(ctx, &e)
	if err := id.store.CreateUser(ctx, &u, &e); err != nil {
		return User{}, err
	}
	return u, nil
}

// ListUsers pages through the users by ID.
func (id *Service) ListUsers(ctx context.Context, afterID int64, limit int) ([]User, error) {
	if _, err := crm.Authorize(ctx, crm.ActUserManage); err != nil {
		return nil, err
	}
	users, err := id.store.ListUsers(ctx, afterID, limit)
	for i := range users {
		id.maskUser(&users[i])
	}
	return users, err
}

// UserTotal counts every user, for the list's total.
func (id *Service) UserTotal(ctx context.Context) (crm.ListTotal, error) {
	if _, err := crm.Authorize(ctx, crm.ActUserManage); err != nil {
		return crm.ListTotal{}, err
	}
	n, err := id.store.CountUsers(ctx)
	return crm.Exact(n), err
}

// DisableUser stops a user signing in and ends their sessions and API
// tokens at once.
func (id *Service) DisableUser(ctx context.Context, username string) (User, error) {
	p, err := crm.Authorize(ctx, crm.ActUserManage)
	if err != nil {
		return User{}, err
	}
	u, err := id.store.UserByUsername(ctx, NormalizeUsername(username))
	if err != nil {
		return User{}, err
	}
	if u.ID == p.UserID {
		return User{}, crm.Fail(crm.EForbidden, "identity.cannot_disable_own_account")
	}
	if u.Disabled() {
		return u, nil
	}
	now := id.now().UTC()
	u.DisabledAt, u.UpdatedAt = &now, now
	e := crm.NewAudit(ctx, crm.AuditUpdate, "user", strconv.FormatInt(u.ID, 10), map[string]crm.Change{"disabled": {Before: false, After: true}})
	crm.MarkBreakGlass(ctx, &e)
	return u, id.store.UpdateUserEnding(ctx, &u, &e, true)
}

// ResetPassword sets a new password chosen by an administrator, unlocks
// the account and ends the user's sessions.
func (id *Service) ResetPassword(ctx context.Context, username, password, lang string) error {
	p, err := crm.Authorize(ctx, crm.ActUserManage)
	if err != nil {
		return err
	}
	u, err := id.store.UserByUsername(ctx, NormalizeUsername(username))
	if err != nil {
		return err
	}
	if crm.NeedsSecondPerson(p) && u.Role.DutyGuarded() && u.ID != p.UserID {
		if err := id.checkPassword(u.Username, password, lang); err != nil {
			return err
		}
		hash, err := secure.HashPassword(password, id.cfg.Argon2)
		if err != nil {
			return err
		}
		return id.requestDuty(ctx, p, crm.DutyUserPassword, u, "", map[string]string{"password_hash": hash})
	}
	return id.setPassword(ctx, u, password, lang)
}

func (id *Service) setPassword(ctx context.Context, u User, password, lang string) error {
	if err := id.checkPassword(u.Username, password, lang); err != nil {
		return err
	}
	hash, err := secure.HashPassword(password, id.cfg.Argon2)
	if err != nil {
		return err
	}
	u.PasswordHash, u.PasswordChangedAt = hash, id.now().UTC()
	u.UpdatedAt = u.PasswordChangedAt
	u.clearLock()
	e := crm.NewAudit(ctx, crm.AuditPasswordReset, "user", strconv.FormatInt(u.ID, 10), nil)
	crm.MarkBreakGlass(ctx, &e)
	return id.store.UpdateUserEnding(ctx, &u, &e, false)
}
