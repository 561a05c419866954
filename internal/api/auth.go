package api

import (
	"net/http"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/httpx"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (a *API) login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	token, exp, err := a.identity.Login(r.Context(), req.Username, req.Password, "api")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, loginResponse{Token: token, ExpiresAt: exp})
	return nil
}

func (a *API) logout(w http.ResponseWriter, r *http.Request) error {
	if err := a.identity.Logout(r.Context()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// meResponse is the signed-in user and what their role may do.
type meResponse struct {
	identity.User
	Permissions []crm.Action `json:"permissions"`
}

func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	u, err := a.identity.Me(r.Context())
	if err != nil {
		return err
	}
	perms := []crm.Action{}
	for _, act := range crm.Actions() {
		if u.Role.Can(act) {
			perms = append(perms, act)
		}
	}
	httpx.WriteJSON(w, http.StatusOK, meResponse{User: u, Permissions: perms})
	return nil
}

// updateMeRequest lists every field of a user so that a client trying to
// set one it may not (its own role, team or manager) is refused with 403
// rather than having the field ignored.
type updateMeRequest struct {
	DisplayName *string `json:"display_name"`
	Lang        *string `json:"lang"`
	Version     int     `json:"version"`
	Role        *string `json:"role"`
	Team        *string `json:"team"`
	Manager     *string `json:"manager"`
	Disabled    *bool   `json:"disabled"`
}

func (a *API) updateMe(w http.ResponseWriter, r *http.Request) error {
	var req updateMeRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	for field, set := range map[string]bool{"role": req.Role != nil, "team": req.Team != nil, "manager": req.Manager != nil, "disabled": req.Disabled != nil} {
		if set {
			e := crm.Fail(crm.EForbidden, "api.me.forbidden", field)
			e.Fields = []crm.FieldError{crm.Bad(field, "forbidden", "api.me.forbidden_field")}
			return e
		}
	}
	u, err := a.identity.UpdateMe(r.Context(), identity.MeChange{Version: req.Version, DisplayName: req.DisplayName, Lang: req.Lang})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

type changePasswordRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (a *API) changePassword(w http.ResponseWriter, r *http.Request) error {
	var req changePasswordRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := a.identity.ChangePassword(r.Context(), req.OldPassword, req.NewPassword, httpx.Language(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
