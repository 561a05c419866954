package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// customerDetail is what the detail page shows: the profile, the
// contacts, one page of the timeline, and the forms that add to them.
type customerDetail struct {
	Customer                                             customer.Customer
	KindLabel, SourceLabel, StageLabel, RevenueBandLabel string
	Contacts                                             []contactRow
	Custom                                               []customInput // the custom fields the customer has a value for
	Timeline                                             []timelineEntry
	Older, Newest                                        string // the timeline's other pages, "" when there are none
	CanChange                                            bool   // offer the forms: the role may change this customer
	CanAssign                                            bool   // offer the handover page
	CanTrash                                             bool   // offer "move to trash": the role may delete this customer
	CanReveal                                            bool   // offer to show contacts' mobiles in full, with a reason
	TrashDays                                            int    // how long the trash keeps a customer restorable
	Notice                                               string
	Problem                                              string // a message for the page as a whole

	// Contact is the contact form: adding one, or changing the contact
	// Contact.ID (named EditingName) when set.
	Contact            contactForm
	ContactProblem     formProblem
	ContactStale       bool // someone else changed the contact since the form was filled in
	EditingName        string
	Duplicate          bool // the contact's mobile is another contact's: offer "add anyway"
	Genders            []choice
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

	// Owner and Team name who looks after the customer; OwnerDisabled
	// says the owner may no longer sign in (left, awaiting a handover).
	Owner, Team   string
	OwnerDisabled bool
	// History is a page of the customer's changes, newest first;
	// HistoryMore and HistoryNewest its other pages, "" when none, and
	// HistoryProblem what was wrong with the page link.
	History                    []historyEntry
	HistoryMore, HistoryNewest string
	HistoryProblem             string
}

// contactRow is one contact as the list shows it: gender and birthday
// in words and, after a reveal, the full mobile number or what was wrong
// with the reveal's reason.
type contactRow struct {
	customer.Contact
	GenderLabel, BirthdayLabel string
	FullMobile                 string
	RevealReason               string
	RevealProblem              []string
}

// complaintRow is one complaint of the customer, with its labels.
type complaintRow struct {
	complaint.Complaint
	CategoryLabel, StatusLabel string
}

// detailForms are the forms of the detail page as typed, with what is
// wrong with them, when a post is shown again.
type detailForms struct {
	contact            contactForm
	contactProblem     formProblem
	contactStale       bool
	duplicate          bool
	interaction        interactionForm
	interactionProblem formProblem
	attachmentFor      int64
	attachmentProblem  string
	// problem is a message for the page as a whole (a refused move to
	// the trash).
	problem string
	// revealFor is the contact whose mobile was asked for: fullMobile is
	// the number, or revealProblem what was wrong with revealReason.
	revealFor     int64
	fullMobile    string
	revealReason  string
	revealProblem []string
	// path is where the page lives when it is not the customer's own
	// address (the form changing a contact).
	path string
}

// customerNotices are the success messages the detail page may show
// after a redirect.
var customerNotices = map[string]string{
	"created":         "customers.notice.created",
	"updated":         "customers.notice.updated",
	"contact":         "customers.notice.contact",
	"interaction":     "customers.notice.interaction",
	"attachment":      "customers.notice.attachment",
	"detached":        "customers.notice.detached",
	"merged":          "customers.notice.merged",
	"contact_updated": "customers.notice.contact_updated",
	"contact_deleted": "customers.notice.contact_deleted",
	"restored":        "customers.notice.restored",
}

func (c *customerPages) detail(w http.ResponseWriter, r *http.Request) error {
	return c.showDetail(w, r, http.StatusOK, detailForms{interaction: interactionForm{Channel: "visit"}})
}

// showDetail renders the customer in the path with the forms as given.
// A customer missing or out of scope is the 404 page.
func (c *customerPages) showDetail(w http.ResponseWriter, r *http.Request, status int, forms detailForms) error {
	lang := langOf(r)
	id, err := customerID(r)
	var x customer.Customer
	if err == nil {
		x, err = c.cs.Get(r.Context(), id)
	}
	var contacts []customer.Contact
	if err == nil {
		contacts, err = c.cs.Contacts(r.Context(), id)
	}
	var fields []customer.CardField
	if err == nil {
		fields, _, err = c.cs.CustomerFields(r.Context())
	}
	if err != nil {
		return err
	}
	base := fmt.Sprintf("/customers/%d", id)
	if forms.path == "" {
		forms.path = base
	}
	r = at(r, forms.path)
	me, _ := crm.PrincipalFrom(r.Context())
	if forms.interaction.At == "" {
		forms.interaction.At = formDateTime(c.svc.Clock(), c.loc)
	}
	d := customerDetail{Customer: x, CanChange: mayChange(me, x), CanAssign: me.Role.Can(crm.ActCustomerAssign) && mayChange(me, x),
		CanTrash: mayDelete(me, x), TrashDays: customer.TrashDays, CanReveal: me.Role.Can(crm.ActCustomerReveal), Problem: forms.problem,
		KindLabel: c.label(lang, "kind", x.Kind), SourceLabel: c.label(lang, "source", x.Source), StageLabel: c.label(lang, "stage", x.Stage), RevenueBandLabel: c.label(lang, "revenue_band", x.RevenueBand),
		Contact: forms.contact, ContactProblem: forms.contactProblem, ContactStale: forms.contactStale, Duplicate: forms.duplicate,
		Genders:     c.choices(lang, "gender", contactGenders, forms.contact.Gender),
		Interaction: forms.interaction, InteractionProblem: forms.interactionProblem,
		Channels:      c.choices(lang, "channel", customer.InteractionChannels, forms.interaction.Channel),
		AttachmentFor: forms.attachmentFor, AttachmentProblem: forms.attachmentProblem, MaxAttachmentMiB: attachment.MaxAttachmentBytes >> 20}
	for _, k := range contacts {
		row := contactRow{Contact: k, GenderLabel: c.label(lang, "gender", k.Gender), BirthdayLabel: c.birthdayLabel(lang, k)}
		if k.ID == forms.revealFor {
			row.FullMobile, row.RevealReason, row.RevealProblem = forms.fullMobile, forms.revealReason, forms.revealProblem
		}
		if k.ID == forms.contact.ID {
			d.EditingName, d.Contact.MobileOnFile = k.Name, k.Mobile
		}
		d.Contacts = append(d.Contacts, row)
	}
	if forms.contact.ID != 0 && d.EditingName == "" {
		// The contact to change is not this customer's (or is gone).
		return c.notFound(w, r)
	}
	for _, in := range customInputs(lang, fields, x.Custom) {
		if in.Value != "" {
			d.Custom = append(d.Custom, in)
		}
	}
	book := c.userBook(r.Context())
	if err := c.ownerFacts(&d, book); err != nil {
		return err
	}
	var historyBefore int64
	if s := r.URL.Query().Get("history_before"); s != "" {
		if historyBefore, err = strconv.ParseInt(s, 10, 64); err != nil || historyBefore < 1 {
			historyBefore, d.HistoryProblem = 0, c.msgs.text(lang, "customers.history.bad_page")
		}
	}
	var next int64
	if d.History, next, err = c.history(r, lang, x, historyBefore, fields, book); err != nil {
		return err
	}
	if next > 0 {
		d.HistoryMore = fmt.Sprintf("%s?history_before=%d#history", base, next)
	}
	if historyBefore > 0 {
		d.HistoryNewest = base + "#history"
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
		return err
	}
	list := httpx.MakePage(entries, page.Limit, func(it customer.Interaction) any { return it.ID })
	if d.Timeline, err = c.timeline(r, lang, id, list.Items); err != nil {
		return err
	}
	complaints, ok, err := c.complaints.OfCustomer(r.Context(), id, 50)
	if err != nil {
		return err
	}
	d.ShowComplaints = ok
	for _, k := range complaints {
		d.Complaints = append(d.Complaints, complaintRow{Complaint: k,
			CategoryLabel: c.msgOr(lang, "complain.category."+k.Category, k.Category), StatusLabel: c.msgOr(lang, "complain.state."+string(k.Status), string(k.Status))})
	}
	link := func(cursor string) string {
		v := url.Values{}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		if page.Limit != httpx.DefaultLimit {
			v.Set("limit", strconv.Itoa(page.Limit))
		}
		s := base
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
	return c.render(w, r, status, "customers_detail", "customers.detail", d)
}

// ownerFacts names the customer's owner and team in d.
func (c *customerPages) ownerFacts(d *customerDetail, book *userBook) error {
	x := d.Customer
	owner, err := book.user(x.OwnerID)
	if err != nil {
		return err
	}
	d.Owner = "#" + strconv.FormatInt(x.OwnerID, 10)
	if owner != nil {
		d.Owner, d.OwnerDisabled = userLabel(*owner), owner.Disabled()
		if owner.TeamID == x.TeamID {
			d.Team = owner.TeamName
		}
	}
	if x.TeamID != 0 && d.Team == "" {
		// The owner has moved teams since: find the team's name among
		// the users (the store has no look-up of teams by ID).
		users, err := c.staff(book.ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			if u.TeamID == x.TeamID {
				d.Team = u.TeamName
				break
			}
		}
	}
	return nil
}

// mayChange reports whether to offer p the forms that change c: the role
// may change customers and c is in p's own scope, not only granted to p
// for reading. It only hides forms; the domain decides on every post.
func mayChange(p crm.Principal, c customer.Customer) bool {
	return p.Role.Can(crm.ActCustomerUpdate) && ownScope(p, c)
}

// mayDelete reports whether to offer p "move to trash" (and, in the
// trash, restore) for c: the role may delete customers and c is in p's
// own scope. The domain decides on every post.
func mayDelete(p crm.Principal, c customer.Customer) bool {
	return p.Role.Can(crm.ActCustomerDelete) && ownScope(p, c)
}

// ownScope reports whether c is in the scope p may change, not only
// granted to p for reading.
func ownScope(p crm.Principal, c customer.Customer) bool {
	s := crm.CustomerScope(p)
	return s.All || c.OwnerID == s.UserID || (s.TeamID != 0 && c.TeamID == s.TeamID)
}

// birthdayLabel is a contact's birthday as the list shows it: a
// Gregorian date as stored, a lunar one marked as lunar (and leap month).
func (c *customerPages) birthdayLabel(lang string, k customer.Contact) string {
	switch {
	case k.Birthday == "":
		return ""
	case k.BirthdayLunar && k.BirthdayLeap:
		return c.msgs.text(lang, "customers.contact.birthday_lunar_leap_value", k.Birthday)
	case k.BirthdayLunar:
		return c.msgs.text(lang, "customers.contact.birthday_lunar_value", k.Birthday)
	}
	return k.Birthday
}

// msgOr is the message for key in lang, or fallback when the catalogue
// has none (a value another module added since).
func (c *customerPages) msgOr(lang, key, fallback string) string {
	if s, ok := c.msgs[lang][key]; ok {
		return s
	}
	return fallback
}
