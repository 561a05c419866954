package api

import (
	"net/http"
	"net/url"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/httpx"
)

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) error {
	p, after, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	users, err := a.identity.ListUsers(r.Context(), after, p.Limit+1)
	if err != nil {
		return err
	}
	total, err := a.identity.UserTotal(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(users, p.Limit, func(u identity.User) any { return u.ID }).Of(total))
	return nil
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) error {
	var in identity.NewUser
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	u, err := a.identity.AddUser(r.Context(), in, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, u.Version)
	httpx.WriteCreated(w, "/api/v1/users/"+url.PathEscape(u.Username), u)
	return nil
}

func (a *API) getUser(w http.ResponseWriter, r *http.Request) error {
	u, err := a.identity.User(r.Context(), r.PathValue("username"))
	if err != nil {
		return err
	}
	setETag(w, u.Version)
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

type updateUserRequest struct {
	Version     int     `json:"version"`
	DisplayName *string `json:"display_name"`
	Role        *string `json:"role"`
	Disabled    *bool   `json:"disabled"`
	DealerID    *int64  `json:"dealer_id"` // a dealer account's dealer
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request) error {
	var req updateUserRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	var err error
	if req.Version, err = versionFrom(r, req.Version); err != nil {
		return err
	}
	var role *crm.Role
	if req.Role != nil {
		r := crm.Role(*req.Role)
		role = &r
	}
	u, err := a.identity.UpdateUser(r.Context(), r.PathValue("username"), identity.UserChange{
		Version: req.Version, DisplayName: req.DisplayName, Role: role, Disabled: req.Disabled, DealerID: req.DealerID})
	if err != nil {
		return err
	}
	setETag(w, u.Version)
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

type resetPasswordRequest struct {
	Password string `json:"password"`
}

func (a *API) resetPassword(w http.ResponseWriter, r *http.Request) error {
	var req resetPasswordRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := a.identity.ResetPassword(r.Context(), r.PathValue("username"), req.Password, httpx.Language(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type revealRequest struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

type revealResponse struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// revealUserField shows one sensitive field in full; the reason is kept
// in the audit log.
func (a *API) revealUserField(w http.ResponseWriter, r *http.Request) error {
	var req revealRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	if req.Field != "mobile" {
		return crm.Invalid(crm.Bad("field", "unknown", "api.field.mobile"))
	}
	v, err := a.identity.RevealMobile(r.Context(), r.PathValue("username"), req.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, revealResponse{Field: req.Field, Value: v})
	return nil
}
