package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// The contact pages change and delete a customer's contacts and show a
// contact's mobile number in full. Changing a contact is the customer's
// page with the contact form filled in from the contact, at the address
// /customers/ID/contacts/CID/edit.

// contactID reads the contact ID in the path; anything but a positive
// number is a contact that does not exist.
func contactID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil || id < 1 {
		return 0, crm.Fail(crm.ENotFound, "customer.no_such_contact")
	}
	return id, nil
}

// contactEditPath is the address of the form that changes a contact.
func contactEditPath(customerID, contactID int64) string {
	return fmt.Sprintf("/customers/%d/contacts/%d/edit", customerID, contactID)
}

// customerContact finds the contact in the path among the contacts of
// the customer in the path, as the caller may read them (mobile masked):
// another customer's contact is not found.
func (c *customerPages) customerContact(r *http.Request) (int64, customer.Contact, error) {
	id, err := customerID(r)
	var cid int64
	if err == nil {
		cid, err = contactID(r)
	}
	var list []customer.Contact
	if err == nil {
		list, err = c.cs.Contacts(r.Context(), id)
	}
	if err != nil {
		return id, customer.Contact{}, err
	}
	for _, k := range list {
		if k.ID == cid {
			return id, k, nil
		}
	}
	return id, customer.Contact{}, crm.Fail(crm.ENotFound, "customer.no_such_contact")
}

// changeableContact is customerContact for a caller who may change the
// customer: a role that may not is refused, and a customer the caller
// only reads through a grant is not found, as the domain answers.
func (c *customerPages) changeableContact(r *http.Request) (int64, customer.Contact, error) {
	me, _ := crm.PrincipalFrom(r.Context())
	if !me.Role.Can(crm.ActCustomerUpdate) {
		return 0, customer.Contact{}, crm.Fail(crm.EForbidden, "customers.refused.change")
	}
	id, k, err := c.customerContact(r)
	if err != nil {
		return id, k, err
	}
	x, err := c.cs.Get(r.Context(), id)
	if err == nil && !mayChange(me, x) {
		err = crm.Fail(crm.ENotFound, "customers.refused.no_such_customer")
	}
	return id, k, err
}

// editContactForm shows the customer's page with the contact form
// filled in from the contact in the path, to change or delete it.
func (c *customerPages) editContactForm(w http.ResponseWriter, r *http.Request) error {
	id, k, err := c.changeableContact(r)
	if err != nil {
		return err
	}
	return c.showDetail(w, r, http.StatusOK, detailForms{contact: contactFormFrom(k), interaction: interactionForm{Channel: "visit"},
		path: contactEditPath(id, k.ID)})
}

// updateContact changes the contact at the version the form was filled
// in from. An empty mobile keeps the number on file unless "remove" is
// ticked; a number another contact has is refused until "add anyway".
func (c *customerPages) updateContact(w http.ResponseWriter, r *http.Request) error {
	lang, f := langOf(r), contactFormOf(r)
	id, k, err := c.changeableContact(r)
	if err == nil {
		f.ID = k.ID
		pt := customer.ContactPatch{Version: f.Version, Name: &f.Name, Title: &f.Title, Landline: &f.Landline, Email: &f.Email,
			WeChatID: &f.WeChatID, Gender: &f.Gender, Birthday: &f.Birthday, BirthdayLunar: &f.Lunar, BirthdayLeap: &f.Leap,
			IsPrimary: &f.Primary, Preferences: &f.Preferences, Force: f.Force}
		switch none := ""; {
		case f.RemoveMobile:
			pt.Mobile = &none
		case f.Mobile != "":
			pt.Mobile = &f.Mobile
		}
		_, err = c.cs.UpdateContact(r.Context(), k.ID, pt, lang)
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		forms := detailForms{contact: f, interaction: interactionForm{Channel: "visit"}, path: contactEditPath(id, f.ID),
			contactProblem: c.problem(lang, "contact", err, contactInputs), duplicate: refusedFor(err, "mobile", "duplicate")}
		if crm.ErrorCode(err) == crm.EVersionConflict {
			forms.contactStale = true
			forms.contactProblem = formProblem{Form: c.msgs.text(lang, "customers.contact.stale"), Fields: map[string][]string{}}
		}
		return c.showDetail(w, r, httpx.Status(err), forms)
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=contact_updated#contacts", id), http.StatusSeeOther)
	return nil
}

// deleteContact removes the contact, if it is still at the version the
// page showed; a contact changed since is shown again, as it is now, to
// be confirmed once more.
func (c *customerPages) deleteContact(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	id, k, err := c.changeableContact(r)
	if err == nil && version != k.Version {
		// crm.DeleteContact takes no version: the page compares it.
		err = crm.Fail(crm.EVersionConflict, "customers.refused.contact_changed")
	}
	if err == nil {
		err = c.cs.DeleteContact(r.Context(), k.ID)
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		forms := detailForms{contact: contactFormFrom(k), interaction: interactionForm{Channel: "visit"}, path: contactEditPath(id, k.ID),
			contactProblem: c.problem(lang, "contact", err, contactInputs)}
		if crm.ErrorCode(err) == crm.EVersionConflict {
			forms.contactProblem = formProblem{Form: c.msgs.text(lang, "customers.contact.stale_delete"), Fields: map[string][]string{}}
		}
		return c.showDetail(w, r, httpx.Status(err), forms)
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=contact_deleted#contacts", id), http.StatusSeeOther)
	return nil
}

// revealMobile shows the contact's mobile number in full on the
// customer's page, for a role that may see it and with a reason; the
// domain records the look in the audit log. The number is never put in
// an address: the answer to the post is the page itself.
func (c *customerPages) revealMobile(w http.ResponseWriter, r *http.Request) error {
	lang, reason := langOf(r), strings.TrimSpace(r.PostFormValue("reason"))
	me, _ := crm.PrincipalFrom(r.Context())
	var err error
	if !me.Role.Can(crm.ActCustomerReveal) {
		err = crm.Fail(crm.EForbidden, "customers.refused.reveal")
	}
	var k customer.Contact
	if err == nil {
		_, k, err = c.customerContact(r)
	}
	var full string
	if err == nil {
		full, err = c.cs.RevealContactMobile(r.Context(), k.ID, reason)
	}
	forms := detailForms{interaction: interactionForm{Channel: "visit"}, revealFor: k.ID, revealReason: reason}
	if err != nil {
		if crm.ErrorCode(err) != crm.EInvalid {
			return err
		}
		p := c.problem(lang, "reveal", err, []string{"reason"})
		forms.revealProblem = p.Fields["reason"]
		if p.Form != "" {
			forms.revealProblem = append(forms.revealProblem, p.Form)
		}
		return c.showDetail(w, r, httpx.Status(err), forms)
	}
	forms.fullMobile = full
	return c.showDetail(w, r, http.StatusOK, forms)
}
