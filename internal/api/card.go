package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/card"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
)

type cardTemplateResponse struct {
	Version int                  `json:"version"`
	Fields  []customer.CardField `json:"fields"`
}

func (a *API) cardTemplate(w http.ResponseWriter, r *http.Request) error {
	return writeTemplate(w, r, a.cards.Template)
}

// writeTemplate answers a field template to those who read customers or
// manage settings.
func writeTemplate(w http.ResponseWriter, r *http.Request, read func(context.Context) ([]customer.CardField, int, error)) error {
	if _, err := crm.Authorize(r.Context(), crm.ActCustomerRead); err != nil {
		if _, err2 := crm.Authorize(r.Context(), crm.ActSettingsManage); err2 != nil {
			return err
		}
	}
	fields, version, err := read(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, cardTemplateResponse{Version: version, Fields: fields})
	return nil
}

type templateInput struct {
	Version int                  `json:"version"`
	Fields  []customer.CardField `json:"fields"`
}

// putCardTemplate replaces the fields an administrator added to the card.
func (a *API) putCardTemplate(w http.ResponseWriter, r *http.Request) error {
	var in templateInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	fields, err := a.cards.AddTemplateFields(r.Context(), in.Fields, in.Version)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, cardTemplateResponse{Version: in.Version + 1, Fields: fields})
	return nil
}

// cardInput is a save of the card: the whole card, each value by key.
type cardInput struct {
	Surveyor   string            `json:"surveyor"`
	SurveyedOn string            `json:"surveyed_on"`
	Values     map[string]string `json:"values"`
}

func (a *API) saveCard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in cardInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Values == nil { // a save holds the whole card: without values it would clear it
		return crm.Invalid(crm.Bad("values", "required", "api.card.values.required"))
	}
	rev, err := a.cards.Save(r.Context(), id, in.Surveyor, in.SurveyedOn, in.Values)
	if err != nil {
		return err
	}
	httpx.WriteCreated(w, fmt.Sprintf("/api/v1/customers/%d/card/revisions/%d/diff", id, rev.Revision), rev)
	return nil
}

func (a *API) cardRevisions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	revs, err := a.cards.Revisions(r.Context(), id)
	if err != nil {
		return err
	}
	return writeSlicePage(w, revs, p, func(c card.CardRevision) int64 { return int64(c.Revision) })
}

func (a *API) cardDiff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return crm.Invalid(crm.Bad("n", "format", "api.n.format"))
	}
	diff, err := a.cards.Diff(r.Context(), id, n)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"revision": n, "changes": diff})
	return nil
}
