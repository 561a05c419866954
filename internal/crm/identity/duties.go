package identity

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
)

// pendingUser is an account awaiting approval, with its password already
// hashed and its mobile sealed: nothing in clear waits in the database.
type pendingUser struct {
	Username     string   `json:"username"`
	DisplayName  string   `json:"display_name"`
	Role         crm.Role `json:"role"`
	TeamID       int64    `json:"team_id"`
	TeamName     string   `json:"team"`
	ManagerID    int64    `json:"manager_id"`
	DealerID     int64    `json:"dealer_id"`
	Mobile       string   `json:"mobile"`
	MobileEnc    string   `json:"mobile_enc"`
	MobileIdx    string   `json:"mobile_idx"`
	PasswordHash string   `json:"password_hash"`
}

// requestDuty records what p asked for as a request awaiting a second
// administrator, audited, and answers the *crm.PendingApproval to return.
func (id *Service) requestDuty(ctx context.Context, _ crm.Principal, kind string, target User, role crm.Role, payload any) error {
	r := crm.DutyRequest{Kind: kind, TargetID: target.ID, Target: target.Username, Role: role, RequestedAt: id.now().UTC()}
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return err
		}
		r.Payload = string(b)
	}
	return crm.RequestDuty(ctx, id.store, r)
}

// ApplyDutyRequest carries out an approved account request, audited under
// the approver with the request's number. The duties service calls it
// after checking who approves.
func (id *Service) ApplyDutyRequest(ctx context.Context, r crm.DutyRequest) error {
	now := id.now().UTC()
	ref := map[string]any{"duty_request": r.ID, "requested_by": r.Requester}
	if r.Kind == crm.DutyUserCreate {
		var pu pendingUser
		if err := json.Unmarshal([]byte(r.Payload), &pu); err != nil {
			return err
		}
		u := User{Username: pu.Username, DisplayName: pu.DisplayName, Role: pu.Role, TeamID: pu.TeamID, TeamName: pu.TeamName,
			ManagerID: pu.ManagerID, DealerID: pu.DealerID, Mobile: pu.Mobile, MobileEnc: pu.MobileEnc, MobileIdx: pu.MobileIdx,
			PasswordHash: pu.PasswordHash, PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now, Version: 1}
		ref["username"], ref["role"] = u.Username, u.Role
		e := crm.NewAudit(ctx, crm.AuditCreate, "user", "", ref)
		return id.store.CreateUser(ctx, &u, &e)
	}
	u, err := id.store.UserByID(ctx, r.TargetID)
	if err != nil {
		return err
	}
	u.UpdatedAt = now
	switch r.Kind {
	case crm.DutyUserRole:
		var d struct {
			DealerID int64 `json:"dealer_id"`
		}
		_ = json.Unmarshal([]byte(r.Payload), &d)
		ref["role"] = crm.Change{Before: u.Role, After: r.Role}
		u.Role, u.DealerID = r.Role, d.DealerID
		e := crm.NewAudit(ctx, crm.AuditUpdate, "user", strconv.FormatInt(u.ID, 10), ref)
		return id.store.UpdateUserEnding(ctx, &u, &e, false)
	case crm.DutyUserPassword:
		var pw struct {
			Hash string `json:"password_hash"`
		}
		if err := json.Unmarshal([]byte(r.Payload), &pw); err != nil {
			return err
		}
		u.PasswordHash, u.PasswordChangedAt = pw.Hash, now
		u.clearLock()
		e := crm.NewAudit(ctx, crm.AuditPasswordReset, "user", strconv.FormatInt(u.ID, 10), ref)
		return id.store.UpdateUserEnding(ctx, &u, &e, false)
	case crm.DutyUserEnable:
		ref["disabled"] = crm.Change{Before: true, After: false}
		u.DisabledAt = nil
		e := crm.NewAudit(ctx, crm.AuditUpdate, "user", strconv.FormatInt(u.ID, 10), ref)
		return id.store.UpdateUser(ctx, &u, &e)
	}
	return errors.New("identity: not an account request: " + r.Kind)
}
