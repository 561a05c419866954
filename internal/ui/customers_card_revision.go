package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/card"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// cardRevisionPage is what one revision's page shows: who surveyed, when,
// and each changed field before and after, sensitive values masked.
type cardRevisionPage struct {
	Customer customer.Customer
	Revision card.CardRevision
	Changes  []cardChange
}

// cardChange is one changed field with its label.
type cardChange struct {
	card.CardDiff
	Label string
}

func (c *customerPages) cardRevision(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	id, err := customerID(r)
	n, nerr := strconv.Atoi(r.PathValue("n"))
	if err == nil && (nerr != nil || n < 1) {
		err = crm.Fail(crm.ENotFound, "customers.refused.no_such_revision")
	}
	var x customer.Customer
	if err == nil {
		x, err = c.cs.Get(r.Context(), id)
	}
	var diff []card.CardDiff
	if err == nil {
		diff, err = c.cards.Diff(r.Context(), id, n)
	}
	var revs []card.CardRevision
	if err == nil {
		revs, err = c.cards.Revisions(r.Context(), id)
	}
	var tmpl []customer.CardField
	if err == nil {
		tmpl, _, err = c.cards.Template(r.Context())
	}
	if err != nil {
		return err
	}
	labels, money := map[string]string{}, map[string]bool{}
	for _, f := range tmpl {
		labels[f.Key], money[f.Key] = cardLabel(lang, f), cardMoney(f)
	}
	d := cardRevisionPage{Customer: x}
	for _, rev := range revs {
		if rev.Revision == n {
			d.Revision = rev
		}
	}
	for _, ch := range diff {
		if money[ch.Key] {
			ch.Before, ch.After = yuanText(ch.Before), yuanText(ch.After)
		}
		d.Changes = append(d.Changes, cardChange{CardDiff: ch, Label: cmpLabel(labels, ch.Key)})
	}
	return c.render(w, at(r, fmt.Sprintf("/customers/%d/card/revisions/%d", id, n)), http.StatusOK, "customers_card_revision", "customers.card.revision_title", d)
}
