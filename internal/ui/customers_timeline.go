package ui

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// contactForm is the add-contact form as typed.
type contactForm struct {
	Name, Title, Mobile, Email string
	Primary, Force             bool
}

// interactionForm is the add-interaction form as typed; NextDue is a day
// (YYYY-MM-DD) or "".
type interactionForm struct {
	Channel, Content, Feedback, NextStep, NextDue string
}

// timelineEntry is one interaction with the labels the page shows.
type timelineEntry struct {
	crm.Interaction
	ChannelLabel, Author string
}

var (
	contactInputs     = []string{"name", "title", "mobile", "email", "is_primary"}
	interactionInputs = []string{"channel", "content", "feedback", "next_step", "next_due_at"}
)

// addContact adds the form's contact to the customer in the path. A
// mobile number another contact has is refused until the form is sent
// again with "add anyway" ticked.
func (c *customerPages) addContact(w http.ResponseWriter, r *http.Request) {
	lang, v := langOf(r), r.PostFormValue
	f := contactForm{Name: v("name"), Title: strings.TrimSpace(v("title")), Mobile: strings.TrimSpace(v("mobile")),
		Email: strings.TrimSpace(v("email")), Primary: v("is_primary") == "true", Force: v("force") == "true"}
	id, err := customerID(r)
	if err == nil {
		_, err = c.cs.AddContact(r.Context(), crm.Contact{CustomerID: id, Name: f.Name, Title: f.Title, Email: f.Email,
			IsPrimary: f.Primary}, f.Mobile, f.Force, lang)
	}
	if err != nil {
		if !c.refuse(w, r, err) {
			forms := detailForms{contact: f, contactProblem: c.problem(lang, "contact", err, contactInputs),
				interaction: interactionForm{Channel: "visit"}}
			forms.duplicate = refusedFor(err, "mobile", "duplicate")
			c.showDetail(w, r, httpx.Status(err), forms)
		}
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=contact#contacts", id), http.StatusSeeOther)
}

// addInteraction records the form's visit, call or message. A next due
// day means the end of that day in China time, so "tomorrow" lasts until
// midnight wherever the server runs.
func (c *customerPages) addInteraction(w http.ResponseWriter, r *http.Request) {
	lang, v := langOf(r), r.PostFormValue
	f := interactionForm{Channel: v("channel"), Content: v("content"), Feedback: v("feedback"),
		NextStep: v("next_step"), NextDue: strings.TrimSpace(v("next_due_at"))}
	id, err := customerID(r)
	it := crm.Interaction{CustomerID: id, Channel: f.Channel, Content: f.Content, Feedback: strings.TrimSpace(f.Feedback),
		NextStep: strings.TrimSpace(f.NextStep)}
	if err == nil && f.NextDue != "" {
		if day, perr := time.ParseInLocation(time.DateOnly, f.NextDue, c.loc); perr != nil {
			err = crm.Invalid(crm.FieldError{Field: "next_due_at", Code: "format", Message: "must be a day written YYYY-MM-DD"})
		} else {
			due := day.AddDate(0, 0, 1).Add(-time.Second)
			it.NextDueAt = &due
		}
	}
	if err == nil {
		_, err = c.cs.AddInteraction(r.Context(), it)
	}
	if err != nil {
		if !c.refuse(w, r, err) {
			c.showDetail(w, r, httpx.Status(err), detailForms{interaction: f,
				interactionProblem: c.problem(lang, "interaction", err, interactionInputs)})
		}
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=interaction#timeline", id), http.StatusSeeOther)
}

// timeline labels the entries and names their authors, each looked up
// once, as one manager usually writes most of a customer's entries.
func (c *customerPages) timeline(r *http.Request, lang string, items []crm.Interaction) ([]timelineEntry, error) {
	names := map[int64]string{}
	out := make([]timelineEntry, 0, len(items))
	for _, it := range items {
		name, ok := names[it.CreatedBy]
		if !ok {
			u, err := c.db.UserByID(r.Context(), it.CreatedBy)
			if err != nil {
				return nil, err
			}
			name, names[it.CreatedBy] = u.Username, u.Username
		}
		out = append(out, timelineEntry{Interaction: it, ChannelLabel: c.label(lang, "channel", it.Channel), Author: name})
	}
	return out, nil
}
