package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// saveCard records the form as a new revision of the card. A sensitive
// field left empty keeps the value on file, since the page only ever
// shows it masked.
func (c *customerPages) saveCard(w http.ResponseWriter, r *http.Request) error {
	id, err := customerID(r)
	if err != nil {
		return err
	}
	surveyor, surveyed := r.PostFormValue("surveyor"), strings.TrimSpace(r.PostFormValue("surveyed_on"))
	values := map[string]string{}
	for name, vs := range r.PostForm {
		if key, ok := strings.CutPrefix(name, "values."); ok && len(vs) > 0 {
			values[key] = vs[0]
		}
	}
	if surveyed == "" {
		err = crm.Invalid(crm.Bad("surveyed_on", "required", "customers.field.card.surveyed_on.required"))
	}
	if err == nil {
		err = c.keepSealed(r, id, values)
	}
	if err == nil {
		err = c.moneyInFen(r, values)
	}
	if err == nil {
		_, err = c.cards.Save(r.Context(), id, surveyor, surveyed, values)
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		return c.showCard(w, r, httpx.Status(err), values, surveyor, surveyed, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d/card?notice=saved#card-values", id), http.StatusSeeOther)
	return nil
}

// moneyInFen turns the amounts typed in yuan into the fen the card keeps;
// one that is not an amount is refused beside its field.
func (c *customerPages) moneyInFen(r *http.Request, values map[string]string) error {
	tmpl, _, err := c.cards.Template(r.Context())
	if err != nil {
		return err
	}
	var bad []crm.FieldError
	for _, f := range tmpl {
		v, sent := values[f.Key]
		if !sent || !cardMoney(f) {
			continue
		}
		fen, ok := yuanToFen(v)
		if !ok {
			bad = append(bad, crm.Bad("values."+f.Key, "money", "customers.card.invalid.money"))
			continue
		}
		values[f.Key] = fen
	}
	if len(bad) > 0 {
		return crm.Invalid(bad...)
	}
	return nil
}

// keepSealed sends a sensitive field left empty back as the masked value
// the page showed, which the domain takes as "keep the value on file".
func (c *customerPages) keepSealed(r *http.Request, id int64, values map[string]string) error {
	revs, err := c.cards.Revisions(r.Context(), id)
	if err != nil || len(revs) == 0 {
		return err
	}
	tmpl, _, err := c.cards.Template(r.Context())
	if err != nil {
		return err
	}
	for _, f := range tmpl {
		if masked, ok := revs[0].Values[f.Key]; ok && f.Sensitive && strings.TrimSpace(values[f.Key]) == "" {
			values[f.Key] = masked
		}
	}
	return nil
}

// cardProblem translates a refused card: a value by the kind of its
// field, the surveyor and the day by the catalogue.
func (c *customerPages) cardProblem(lang string, err error, tmpl []customer.CardField) formProblem {
	inputs := []string{"surveyor", "surveyed_on"}
	for _, f := range tmpl {
		inputs = append(inputs, "values."+f.Key)
	}
	return c.typedProblem(lang, c.problem(lang, "card", err, inputs), err, "values.", tmpl)
}

// typedProblem words the refusals of template fields (the card's, the
// custom ones) named prefix+KEY by the kind of field, in lang, where the
// domain speaks English.
func (c *customerPages) typedProblem(lang string, p formProblem, err error, prefix string, fields []customer.CardField) formProblem {
	var e *crm.Error
	if !errors.As(err, &e) {
		return p
	}
	byName := map[string]customer.CardField{}
	for _, f := range fields {
		byName[prefix+f.Key] = f
	}
	for _, fe := range e.Fields {
		f, ok := byName[fe.Field]
		if !ok || fe.Code != "invalid" {
			continue
		}
		msg := c.msgs.text(lang, "customers.card.invalid."+f.Type)
		if f.Type == "choice" {
			msg = c.msgs.text(lang, "customers.card.invalid.choice", strings.Join(f.Options, " / "))
		}
		p.Fields[fe.Field] = []string{msg}
	}
	return p
}
