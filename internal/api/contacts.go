package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
)

func (a *API) listContacts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.customers.Contacts(r.Context(), id)
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(c customer.Contact) int64 { return c.ID })
}

// contactInput is the body of a new contact; mobile is the full number,
// stored encrypted; force accepts a number another contact already has.
type contactInput struct {
	Name          string `json:"name"`
	Title         string `json:"title"`
	Mobile        string `json:"mobile"`
	Landline      string `json:"landline"`
	Email         string `json:"email"`
	WeChatID      string `json:"wechat_id"`
	Gender        string `json:"gender"`
	Birthday      string `json:"birthday"`
	BirthdayLunar bool   `json:"birthday_lunar"`
	BirthdayLeap  bool   `json:"birthday_leap"`
	IsPrimary     bool   `json:"is_primary"`
	Preferences   string `json:"preferences"`
	Force         bool   `json:"force"`
}

func (a *API) createContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in contactInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.customers.AddContact(r.Context(), customer.Contact{CustomerID: id, Name: in.Name, Title: in.Title, Landline: in.Landline,
		Email: in.Email, WeChatID: in.WeChatID, Gender: in.Gender, Birthday: in.Birthday, BirthdayLunar: in.BirthdayLunar,
		BirthdayLeap: in.BirthdayLeap, IsPrimary: in.IsPrimary, Preferences: in.Preferences}, in.Mobile, in.Force, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteCreated(w, "/api/v1/contacts/"+strconv.FormatInt(c.ID, 10), c)
	return nil
}

// getContact reads one contact, its mobile masked, with its version as
// the ETag for If-Match; a contact of a customer out of scope is 404.
func (a *API) getContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.customers.Contact(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

// findContacts finds contacts by a full mobile number (?mobile=), within
// the caller's scope, through the blind index.
func (a *API) findContacts(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.customers.FindContactsByMobile(r.Context(), r.URL.Query().Get("mobile"), httpx.Language(r))
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(c customer.Contact) int64 { return c.ID })
}

type contactPatch struct {
	Version       int     `json:"version"`
	Name          *string `json:"name"`
	Title         *string `json:"title"`
	Mobile        *string `json:"mobile"`
	Landline      *string `json:"landline"`
	Email         *string `json:"email"`
	WeChatID      *string `json:"wechat_id"`
	Gender        *string `json:"gender"`
	Birthday      *string `json:"birthday"`
	BirthdayLunar *bool   `json:"birthday_lunar"`
	BirthdayLeap  *bool   `json:"birthday_leap"`
	IsPrimary     *bool   `json:"is_primary"`
	Preferences   *string `json:"preferences"`
	Force         bool    `json:"force"`
}

func (a *API) updateContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in contactPatch
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Version, err = versionFrom(r, in.Version); err != nil {
		return err
	}
	c, err := a.customers.UpdateContact(r.Context(), id, customer.ContactPatch{Version: in.Version, Name: in.Name, Title: in.Title, Mobile: in.Mobile,
		Landline: in.Landline, Email: in.Email, WeChatID: in.WeChatID, Gender: in.Gender, Birthday: in.Birthday, BirthdayLunar: in.BirthdayLunar,
		BirthdayLeap: in.BirthdayLeap, IsPrimary: in.IsPrimary, Preferences: in.Preferences, Force: in.Force}, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) deleteContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v := 0 // If-Match: * (RFC 9110 §13.1.1) is any version
	if strings.TrimSpace(r.Header.Get("If-Match")) != "*" {
		if v, err = versionFrom(r, 0); err != nil {
			return err
		}
	}
	if err := a.customers.DeleteContactAt(r.Context(), id, v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) revealContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req revealRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	if req.Field != "mobile" {
		return crm.Invalid(crm.Bad("field", "unknown", "api.field.mobile"))
	}
	v, err := a.customers.RevealContactMobile(r.Context(), id, req.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, revealResponse{Field: req.Field, Value: v})
	return nil
}
