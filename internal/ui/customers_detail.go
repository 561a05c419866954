package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// customerDetail is what the detail page shows: the profile, the
// contacts, one page of the timeline, and the forms that add to them.
type customerDetail struct {
	Customer                           crm.Customer
	KindLabel, SourceLabel, StageLabel string
	Contacts                           []crm.Contact
	Custom                             []customInput // the custom fields the customer has a value for
	Timeline                           []timelineEntry
	Older, Newest                      string // the timeline's other pages, "" when there are none
	CanChange                          bool   // offer the forms: the role may change this customer
	CanAssign                          bool   // offer the handover page
	Notice                             string
	Problem                            string // a message for the page as a whole

	Contact            contactForm
	ContactProblem     formProblem
	Duplicate          bool // the contact's mobile is another contact's: offer "add anyway"
	Interaction        interactionForm
	InteractionProblem formProblem
	Channels           []choice

	// AttachmentProblem is what was wrong with a file sent to one
	// timeline entry (AttachmentFor), shown beside it.
	AttachmentFor     int64
	AttachmentProblem string
	MaxAttachmentMiB  int
	// Complaints are the customer's complaints, newest first, when the
	// caller may read them (ShowComplaints).
	Complaints     []complaintRow
	ShowComplaints bool
}

// complaintRow is one complaint of the customer, with its labels.
type complaintRow struct {
	crm.Complaint
	CategoryLabel, StatusLabel string
}

// detailForms are the forms of the detail page as typed, with what is
// wrong with them, when a post is shown again.
type detailForms struct {
	contact            contactForm
	contactProblem     formProblem
	duplicate          bool
	interaction        interactionForm
	interactionProblem formProblem
	attachmentFor      int64
	attachmentProblem  string
}

// customerNotices are the success messages the detail page may show
// after a redirect.
var customerNotices = map[string]string{
	"created":     "customers.notice.created",
	"updated":     "customers.notice.updated",
	"contact":     "customers.notice.contact",
	"interaction": "customers.notice.interaction",
	"attachment":  "customers.notice.attachment",
	"detached":    "customers.notice.detached",
	"merged":      "customers.notice.merged",
}

func (c *customerPages) detail(w http.ResponseWriter, r *http.Request) {
	c.showDetail(w, r, http.StatusOK, detailForms{interaction: interactionForm{Channel: "visit"}})
}

// showDetail renders the customer in the path with the forms as given.
// A customer missing or out of scope is the 404 page.
func (c *customerPages) showDetail(w http.ResponseWriter, r *http.Request, status int, forms detailForms) {
	lang := langOf(r)
	id, err := customerID(r)
	var x crm.Customer
	if err == nil {
		x, err = c.cs.Get(r.Context(), id)
	}
	var contacts []crm.Contact
	if err == nil {
		contacts, err = c.cs.Contacts(r.Context(), id)
	}
	var fields []crm.CardField
	if err == nil {
		fields, _, err = c.cs.CustomerFields(r.Context())
	}
	if err != nil {
		if !c.refuse(w, r, err) {
			c.fail(w, r, err)
		}
		return
	}
	r = at(r, fmt.Sprintf("/customers/%d", id))
	me, _ := crm.PrincipalFrom(r.Context())
	d := customerDetail{Customer: x, Contacts: contacts, CanChange: mayChange(me, x), CanAssign: me.Role.Can(crm.ActCustomerAssign) && mayChange(me, x),
		KindLabel: c.label(lang, "kind", x.Kind), SourceLabel: c.label(lang, "source", x.Source), StageLabel: c.label(lang, "stage", x.Stage),
		Contact: forms.contact, ContactProblem: forms.contactProblem, Duplicate: forms.duplicate,
		Interaction: forms.interaction, InteractionProblem: forms.interactionProblem,
		Channels:      c.choices(lang, "channel", crm.InteractionChannels, forms.interaction.Channel),
		AttachmentFor: forms.attachmentFor, AttachmentProblem: forms.attachmentProblem, MaxAttachmentMiB: crm.MaxAttachmentBytes >> 20}
	for _, in := range customInputs(lang, fields, x.Custom) {
		if in.Value != "" {
			d.Custom = append(d.Custom, in)
		}
	}
	if key, ok := customerNotices[r.URL.Query().Get("notice")]; ok && status == http.StatusOK {
		d.Notice = c.msgs.text(lang, key)
	}
	var before int64
	page, err := httpx.ParsePage(r)
	if err == nil && page.Cursor != "" {
		err = httpx.DecodeCursor(page.Cursor, &before)
	}
	if err != nil {
		// A hand-edited or stale page link: show the newest entries and say so.
		status, d.Problem, before = http.StatusBadRequest, c.msgs.text(lang, "customers.error.bad_page"), 0
	}
	entries, err := c.cs.Interactions(r.Context(), id, before, page.Limit+1)
	if err != nil {
		c.refuse(w, r, err)
		return
	}
	list := httpx.MakePage(entries, page.Limit, func(it crm.Interaction) any { return it.ID })
	if d.Timeline, err = c.timeline(r, lang, id, list.Items); err != nil {
		c.fail(w, r, err)
		return
	}
	complaints, ok, err := c.cs.CustomerComplaints(r.Context(), c.db, id, 50)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.ShowComplaints = ok
	for _, k := range complaints {
		d.Complaints = append(d.Complaints, complaintRow{Complaint: k,
			CategoryLabel: c.msgOr(lang, "complain.category."+k.Category, k.Category), StatusLabel: c.msgOr(lang, "complain.state."+k.Status, k.Status)})
	}
	link := func(cursor string) string {
		v := url.Values{}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		if page.Limit != httpx.DefaultLimit {
			v.Set("limit", strconv.Itoa(page.Limit))
		}
		s := r.URL.Path
		if len(v) > 0 {
			s += "?" + v.Encode()
		}
		return s + "#timeline"
	}
	if list.NextCursor != "" {
		d.Older = link(list.NextCursor)
	}
	if before > 0 {
		d.Newest = link("")
	}
	c.render(w, r, status, "customers_detail", "customers.detail", d)
}

// mayChange reports whether to offer p the forms that change c: the role
// may change customers and c is in p's own scope, not only granted to p
// for reading. It only hides forms; the domain decides on every post.
func mayChange(p crm.Principal, c crm.Customer) bool {
	s := crm.CustomerScope(p)
	return p.Role.Can(crm.ActCustomerUpdate) && (s.All || c.OwnerID == s.UserID || (s.TeamID != 0 && c.TeamID == s.TeamID))
}

// msgOr is the message for key in lang, or fallback when the catalogue
// has none (a value another module added since).
func (c *customerPages) msgOr(lang, key, fallback string) string {
	if s, ok := c.msgs[lang][key]; ok {
		return s
	}
	return fallback
}
