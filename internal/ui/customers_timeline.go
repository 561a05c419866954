package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// contactForm is the contact form as typed: adding a contact, or (ID
// set) changing one at Version. Mobile is a new full number ("" keeps
// the one on file unless RemoveMobile); Lunar says Birthday is a lunar
// month and day (MM-DD), Leap that it is in a leap month.
type contactForm struct {
	ID                                             int64
	Version                                        int
	Name, Title, Mobile, Landline, Email, WeChatID string
	Gender, Birthday, Preferences                  string
	Lunar, Leap, Primary, Force, RemoveMobile      bool
	MobileOnFile                                   string // the number on file, masked, when changing a contact
}

// interactionForm is the add-interaction form as typed; At is a local
// (China time) date and time as the datetime-local input sends it
// (YYYY-MM-DDTHH:MM), NextDue a day (YYYY-MM-DD) or "".
type interactionForm struct {
	At, Channel, Participants, Content, Feedback, NextStep, NextDue string
}

// timelineEntry is one interaction with the labels the page shows and
// its attachments.
type timelineEntry struct {
	customer.Interaction
	ChannelLabel, Author string
	Attachments          []attachmentView
}

// attachmentView is an attachment as the page lists it: a download link.
type attachmentView struct {
	attachment.Attachment
	SizeLabel string
}

// contactGenders are the genders a contact may have, as crm.Contact
// validates them; "unknown" is "not given".
var contactGenders = []string{"unknown", "male", "female"}

var (
	contactInputs = []string{"name", "title", "mobile", "landline", "email", "wechat_id", "gender", "birthday",
		"birthday_leap", "is_primary", "preferences"}
	interactionInputs = []string{"at", "channel", "participants", "content", "feedback", "next_step", "next_due_at", "file"}
)

// contactFormOf reads the contact form of a post.
func contactFormOf(r *http.Request) contactForm {
	v := r.PostFormValue
	version, _ := strconv.Atoi(v("version"))
	gender := v("gender")
	if gender == "" {
		gender = "unknown" // as the domain stores "not given"
	}
	return contactForm{Version: version, Name: v("name"), Title: strings.TrimSpace(v("title")), Mobile: strings.TrimSpace(v("mobile")),
		Landline: strings.TrimSpace(v("landline")), Email: strings.TrimSpace(v("email")), WeChatID: strings.TrimSpace(v("wechat_id")),
		Gender: gender, Birthday: strings.TrimSpace(v("birthday")), Preferences: strings.TrimSpace(v("preferences")),
		Lunar: v("birthday_lunar") == "true", Leap: v("birthday_leap") == "true", Primary: v("is_primary") == "true",
		Force: v("force") == "true", RemoveMobile: v("remove_mobile") == "true"}
}

// contactFormFrom is the form filled in with a contact on file.
func contactFormFrom(x customer.Contact) contactForm {
	return contactForm{ID: x.ID, Version: x.Version, Name: x.Name, Title: x.Title, Landline: x.Landline, Email: x.Email,
		WeChatID: x.WeChatID, Gender: x.Gender, Birthday: x.Birthday, Preferences: x.Preferences, Lunar: x.BirthdayLunar,
		Leap: x.BirthdayLeap, Primary: x.IsPrimary, MobileOnFile: x.Mobile}
}

// addContact adds the form's contact to the customer in the path. A
// mobile number another contact has is refused until the form is sent
// again with "add anyway" ticked.
func (c *customerPages) addContact(w http.ResponseWriter, r *http.Request) error {
	lang, f := langOf(r), contactFormOf(r)
	id, err := customerID(r)
	if err == nil {
		_, err = c.cs.AddContact(r.Context(), customer.Contact{CustomerID: id, Name: f.Name, Title: f.Title, Landline: f.Landline,
			Email: f.Email, WeChatID: f.WeChatID, Gender: f.Gender, Birthday: f.Birthday, BirthdayLunar: f.Lunar,
			BirthdayLeap: f.Leap, IsPrimary: f.Primary, Preferences: f.Preferences}, f.Mobile, f.Force, lang)
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		forms := detailForms{contact: f, contactProblem: c.problem(lang, "contact", err, contactInputs),
			interaction: interactionForm{Channel: "visit"}}
		forms.duplicate = refusedFor(err, "mobile", "duplicate")
		return c.showDetail(w, r, httpx.Status(err), forms)
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=contact#contacts", id), http.StatusSeeOther)
	return nil
}

// addInteraction records the form's visit, call or message. Its time is
// entered in China time (empty is now) and stored in UTC. A next due
// day means the end of that day in China time, so "tomorrow" lasts until
// midnight wherever the server runs.
func (c *customerPages) addInteraction(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	files, cleanup, ferr := formFiles(w, r, "file", 1)
	defer cleanup()
	v := r.PostFormValue
	f := interactionForm{At: strings.TrimSpace(v("at")), Channel: v("channel"), Participants: v("participants"), Content: v("content"),
		Feedback: v("feedback"), NextStep: v("next_step"), NextDue: strings.TrimSpace(v("next_due_at"))}
	id, err := customerID(r)
	it := customer.Interaction{CustomerID: id, Channel: f.Channel, Participants: strings.TrimSpace(f.Participants), Content: f.Content,
		Feedback: strings.TrimSpace(f.Feedback), NextStep: strings.TrimSpace(f.NextStep)}
	var bad []crm.FieldError
	if f.At != "" {
		if at, ok := parseLocal(f.At, c.loc); ok {
			it.At = at.UTC()
		} else {
			bad = append(bad, crm.Bad("at", "format", "customers.field.interaction.at.format"))
		}
	}
	if f.NextDue != "" {
		if day, perr := time.ParseInLocation(time.DateOnly, f.NextDue, c.loc); perr != nil {
			bad = append(bad, crm.Bad("next_due_at", "format", "customers.field.interaction.next_due_at.format"))
		} else {
			due := day.AddDate(0, 0, 1).Add(-time.Second)
			it.NextDueAt = &due
		}
	}
	if err == nil && len(bad) > 0 {
		err = crm.Invalid(bad...)
	}
	// A file that would be refused refuses the whole entry: nothing is saved.
	if err == nil && ferr == nil {
		for _, up := range files {
			if _, ferr = attachment.CheckUpload(up); ferr != nil {
				break
			}
		}
	}
	if err == nil && ferr != nil {
		// Only someone who may add the entry hears what is wrong with its file.
		me, _ := crm.PrincipalFrom(r.Context())
		x, gerr := c.cs.Get(r.Context(), id)
		switch {
		case gerr != nil:
			err = gerr
		case !me.Role.Can(crm.ActCustomerUpdate):
			err = crm.Fail(crm.EForbidden, "customers.refused.change")
		case !mayChange(me, x):
			err = crm.Fail(crm.ENotFound, "customers.refused.no_such_customer")
		default:
			msg := c.attachmentMessage(lang, ferr)
			return c.showDetail(w, r, httpx.Status(ferr), detailForms{interaction: f,
				interactionProblem: formProblem{Fields: map[string][]string{"file": {msg}}}})
		}
	}
	if err == nil {
		it, err = c.cs.AddInteraction(r.Context(), it)
	}
	if err == nil {
		for _, up := range files {
			if _, err = c.files.AddToInteraction(r.Context(), it.ID, up); err != nil {
				break
			}
		}
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		return c.showDetail(w, r, httpx.Status(err), detailForms{interaction: f,
			interactionProblem: c.problem(lang, "interaction", err, interactionInputs)})
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=interaction#timeline", id), http.StatusSeeOther)
	return nil
}

// addAttachment attaches the form's file to one entry of the timeline.
// A file too large or of a type not accepted is named beside the entry,
// and nothing is stored.
func (c *customerPages) addAttachment(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	id, err := customerID(r)
	iid, perr := strconv.ParseInt(r.PathValue("iid"), 10, 64)
	if err == nil && (perr != nil || iid < 1) {
		err = crm.Fail(crm.ENotFound, "attachment.no_such_interaction")
	}
	var files []attachment.Upload
	if err == nil {
		var cleanup func()
		files, cleanup, err = formFiles(w, r, "file", 1)
		defer cleanup()
	}
	if err == nil && len(files) == 0 {
		err = crm.Invalid(crm.Bad("file", "required", "customers.refused.choose_file"))
	}
	if err == nil {
		_, err = c.files.AddToInteraction(r.Context(), iid, files[0])
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		return c.showDetail(w, r, httpx.Status(err), detailForms{interaction: interactionForm{Channel: "visit"},
			attachmentFor: iid, attachmentProblem: c.attachmentMessage(lang, err)})
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=attachment#interaction-%d", id, iid), http.StatusSeeOther)
	return nil
}

// deleteAttachment removes an attachment from the timeline.
func (c *customerPages) deleteAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := customerID(r)
	aid, perr := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err == nil && (perr != nil || aid < 1) {
		err = crm.Fail(crm.ENotFound, "attachment.no_such_attachment")
	}
	if err == nil {
		_, err = c.files.Delete(r.Context(), aid)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=detached#timeline", id), http.StatusSeeOther)
	return nil
}

// parseLocal reads a date and time typed in loc.
func parseLocal(s string, loc *time.Location) (time.Time, bool) {
	t, err := parseDateTime(s, loc)
	return t, err == nil
}

// timeline labels the entries and names their authors, each looked up
// once, as one manager usually writes most of a customer's entries.
func (c *customerPages) timeline(r *http.Request, lang string, customerID int64, items []customer.Interaction) ([]timelineEntry, error) {
	files, err := c.files.OfTimeline(r.Context(), customerID, items)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	out := make([]timelineEntry, 0, len(items))
	for _, it := range items {
		name, ok := names[it.CreatedBy]
		if !ok {
			u, err := c.svc.Directory.User(r.Context(), it.CreatedBy)
			if err != nil {
				return nil, err
			}
			name, names[it.CreatedBy] = u.Username, u.Username
		}
		e := timelineEntry{Interaction: it, ChannelLabel: c.label(lang, "channel", it.Channel), Author: name}
		for _, a := range files[it.ID] {
			e.Attachments = append(e.Attachments, attachmentView{Attachment: a, SizeLabel: sizeLabel(a.Size)})
		}
		out = append(out, e)
	}
	return out, nil
}
