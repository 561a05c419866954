package customer

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/secure"
)

// ContactStore keeps contacts.
type ContactStore interface {
	Contacts(ctx context.Context, customerID int64) ([]Contact, error)
	Contact(ctx context.Context, id int64) (Contact, error)
	CreateContact(ctx context.Context, c *Contact, e *crm.AuditEntry) error
	UpdateContact(ctx context.Context, c *Contact, e *crm.AuditEntry) error
	DeleteContact(ctx context.Context, id int64, e *crm.AuditEntry) error
	ContactsByMobileIndex(ctx context.Context, idx string) ([]Contact, error)
	// PrimaryContacts is each customer's primary contact (or its first).
	PrimaryContacts(ctx context.Context, customerIDs []int64) (map[int64]Contact, error)
}

const ContactMobileDomain = "contacts.mobile"

// inScope loads a customer the caller may act on with action a: reads
// reach granted records too, changes only the caller's own scope.
func (cs *Service) InScope(ctx context.Context, a crm.Action, customerID int64) (crm.Principal, Customer, error) {
	p, err := crm.Authorize(ctx, a)
	if err != nil {
		return p, Customer{}, err
	}
	scope := crm.CustomerScope(p)
	if a == crm.ActCustomerRead {
		scope = crm.ReadScope(p)
	}
	c, viaGrant, err := cs.Store.Customer(ctx, customerID, scope, false, cs.Now())
	if err == nil && viaGrant {
		e := crm.NewAudit(ctx, crm.AuditReadGranted, "customer", strconv.FormatInt(customerID, 10), map[string]string{"via": string(a)})
		err = cs.Store.Audit(ctx, &e)
	}
	return p, c, err
}

// Contacts lists a customer's contacts, mobiles masked.
func (cs *Service) Contacts(ctx context.Context, customerID int64) ([]Contact, error) {
	if _, _, err := cs.InScope(ctx, crm.ActCustomerRead, customerID); err != nil {
		return nil, err
	}
	list, err := cs.contacts.Contacts(ctx, customerID)
	for i := range list {
		cs.maskContact(&list[i])
	}
	return list, err
}

// AddContact adds a contact to a customer. A mobile number already on
// another contact is refused with conflict, naming the customer when the
// caller may see it, unless force is set.
func (cs *Service) AddContact(ctx context.Context, c Contact, mobile string, force bool, lang string) (Contact, error) {
	p, _, err := cs.InScope(ctx, crm.ActCustomerUpdate, c.CustomerID)
	if err != nil {
		return c, err
	}
	if err := joinInvalid(c.Validate(lang), mobileProblem(mobile, lang)); err != nil {
		return c, err
	}
	if err := cs.sealContactMobile(ctx, p, &c, mobile, force, lang); err != nil {
		return c, err
	}
	now := cs.Now().UTC()
	c.CreatedAt, c.UpdatedAt, c.Version = now, now, 1
	e := crm.NewAudit(ctx, crm.AuditCreate, "contact", "", map[string]any{"customer_id": c.CustomerID, "name": c.Name, "mobile": c.Mobile})
	return c, cs.contacts.CreateContact(ctx, &c, &e)
}

// mobileProblem is what is wrong with a mobile number as entered, as a
// field error (nil for none, or no number).
func mobileProblem(mobile, lang string) error {
	if mobile == "" {
		return nil
	}
	if _, pr := cn.ValidateMobile(mobile); pr != nil && pr.Severity == cn.Error {
		return crm.Invalid(crm.BadIn(lang, "mobile", pr.Code, msg.Of(pr)))
	}
	return nil
}

// joinInvalid puts the field errors of several validations in one, so a
// form shows every problem at once; any other error wins as it is.
func joinInvalid(errs ...error) error {
	var fields []crm.FieldError
	for _, err := range errs {
		if err == nil {
			continue
		}
		var e *crm.Error
		if !errors.As(err, &e) || e.Code != crm.EInvalid {
			return err
		}
		fields = append(fields, e.Fields...)
	}
	if len(fields) == 0 {
		return nil
	}
	return crm.Invalid(fields...)
}

// sealContactMobile validates, encrypts and indexes a mobile number and
// checks it against the other contacts.
func (cs *Service) sealContactMobile(ctx context.Context, p crm.Principal, c *Contact, mobile string, force bool, lang string) error {
	if mobile == "" {
		return nil
	}
	norm, pr := cn.ValidateMobile(mobile)
	if pr != nil && pr.Severity == cn.Error {
		return crm.Invalid(crm.BadIn(lang, "mobile", pr.Code, msg.Of(pr)))
	}
	if cs.Sealer == nil {
		return crm.Fail(crm.EInternal, "crm.no_keyring")
	}
	idx := cs.Sealer.BlindIndex(ContactMobileDomain, []byte(norm))
	if !force {
		others, err := cs.contacts.ContactsByMobileIndex(ctx, idx)
		if err != nil {
			return err
		}
		for _, o := range others {
			if o.ID == c.ID {
				continue
			}
			text := msg.M("customer.mobile.duplicate")
			if oc, _, err := cs.Store.Customer(ctx, o.CustomerID, crm.CustomerScope(p), false, cs.Now()); err == nil {
				text = msg.M("customer.mobile.duplicate_of", o.Name, oc.Code, oc.Name)
			}
			e := crm.Refuse(crm.EConflict, msg.M("customer.mobile.duplicate_force", text))
			e.Fields = []crm.FieldError{crm.BadText("mobile", "duplicate", text)}
			return e
		}
	}
	enc, err := cs.Sealer.Encrypt([]byte(norm), secure.AAD("contacts", "mobile"))
	if err != nil {
		return err
	}
	c.MobileEnc, c.MobileIdx, c.MobileLast4, c.Mobile = enc, idx, norm[len(norm)-4:], secure.MaskMobile(norm)
	return nil
}

func (cs *Service) maskContact(c *Contact) {
	if c.MobileEnc == "" || cs.Sealer == nil {
		return
	}
	if b, err := cs.Sealer.Decrypt(c.MobileEnc, secure.AAD("contacts", "mobile")); err == nil {
		c.Mobile = secure.MaskMobile(string(b))
	} else {
		c.Mobile = "****"
	}
}

// contactInScope loads a contact whose customer the caller may act on.
func (cs *Service) contactInScope(ctx context.Context, a crm.Action, id int64) (crm.Principal, Contact, error) {
	c, err := cs.contacts.Contact(ctx, id)
	if err != nil {
		return crm.Principal{}, c, err
	}
	p, _, err := cs.InScope(ctx, a, c.CustomerID)
	if crm.ErrorCode(err) == crm.ENotFound {
		return p, Contact{}, crm.Fail(crm.ENotFound, "customer.no_such_contact")
	}
	return p, c, err
}

// RevealContactMobile shows a contact's full mobile number: it needs the
// customer in scope and a reason, and it is audited.
func (cs *Service) RevealContactMobile(ctx context.Context, id int64, reason string) (string, error) {
	if _, err := crm.Authorize(ctx, crm.ActCustomerReveal); err != nil {
		return "", err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return "", crm.Invalid(crm.Bad("reason", "required", "customer.reveal.reason.required"))
	} else if utf8.RuneCountInString(reason) > 200 {
		return "", crm.Invalid(crm.Bad("reason", "length", "customer.max_200"))
	}
	_, c, err := cs.contactInScope(ctx, crm.ActCustomerRead, id)
	if err != nil {
		return "", err
	}
	if c.MobileEnc == "" {
		return "", crm.Fail(crm.ENotFound, "customer.contact_has_no_mobile")
	}
	b, err := cs.Sealer.Decrypt(c.MobileEnc, secure.AAD("contacts", "mobile"))
	if err != nil {
		return "", err
	}
	e := crm.NewAudit(ctx, crm.AuditReveal, "contact", strconv.FormatInt(id, 10), map[string]any{"field": "mobile", "reason": reason, "customer_id": c.CustomerID})
	return string(b), cs.Store.Audit(ctx, &e)
}

// DeleteContact removes a contact.
func (cs *Service) DeleteContact(ctx context.Context, id int64) error {
	_, c, err := cs.contactInScope(ctx, crm.ActCustomerUpdate, id)
	if err != nil {
		return err
	}
	e := crm.NewAudit(ctx, crm.AuditDelete, "contact", strconv.FormatInt(id, 10), map[string]any{"customer_id": c.CustomerID, "name": c.Name})
	return cs.contacts.DeleteContact(ctx, id, &e)
}

// FindContactsByMobile finds contacts by their full mobile number through
// the blind index, keeping to the caller's scope.
func (cs *Service) FindContactsByMobile(ctx context.Context, mobile string, lang string) ([]Contact, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerRead)
	if err != nil {
		return nil, err
	}
	norm, pr := cn.ValidateMobile(mobile)
	if pr != nil && pr.Severity == cn.Error {
		return nil, crm.Invalid(crm.BadIn(lang, "mobile", pr.Code, msg.Of(pr)))
	}
	all, err := cs.contacts.ContactsByMobileIndex(ctx, cs.Sealer.BlindIndex(ContactMobileDomain, []byte(norm)))
	if err != nil {
		return nil, err
	}
	out := []Contact{}
	for _, c := range all {
		_, viaGrant, err := cs.Store.Customer(ctx, c.CustomerID, crm.ReadScope(p), false, cs.Now())
		if err != nil {
			continue
		}
		if viaGrant {
			e := crm.NewAudit(ctx, crm.AuditReadGranted, "customer", strconv.FormatInt(c.CustomerID, 10), map[string]string{"via": "contact mobile look-up"})
			if err := cs.Store.Audit(ctx, &e); err != nil {
				return nil, err
			}
		}
		cs.maskContact(&c)
		out = append(out, c)
	}
	return out, nil
}

// ContactPatch is a change to a contact; nil fields stay.
type ContactPatch struct {
	Version       int
	Name          *string
	Title         *string
	Mobile        *string // the full new number; "" removes it
	Landline      *string
	Email         *string
	WeChatID      *string
	Gender        *string
	Birthday      *string
	BirthdayLunar *bool
	BirthdayLeap  *bool
	IsPrimary     *bool
	Preferences   *string
	Force         bool // accept a mobile number another contact has
}

// UpdateContact changes a contact with optimistic locking; sensitive
// values appear in the audit entry masked.
func (cs *Service) UpdateContact(ctx context.Context, id int64, pt ContactPatch, lang string) (Contact, error) {
	p, c, err := cs.contactInScope(ctx, crm.ActCustomerUpdate, id)
	if err != nil {
		return c, err
	}
	if pt.Version != c.Version {
		return c, crm.Fail(crm.EVersionConflict, "customer.contact.changed_version", c.Version, pt.Version)
	}
	cs.maskContact(&c)
	stored := c
	changes := map[string]crm.Change{}
	str := func(name string, dst *string, v *string) {
		if v != nil && *v != *dst {
			changes[name] = crm.Change{Before: *dst, After: *v}
			*dst = *v
		}
	}
	boolean := func(name string, dst *bool, v *bool) {
		if v != nil && *v != *dst {
			changes[name] = crm.Change{Before: *dst, After: *v}
			*dst = *v
		}
	}
	str("name", &c.Name, pt.Name)
	str("title", &c.Title, pt.Title)
	str("landline", &c.Landline, pt.Landline)
	str("email", &c.Email, pt.Email)
	str("wechat_id", &c.WeChatID, pt.WeChatID)
	str("gender", &c.Gender, pt.Gender)
	str("birthday", &c.Birthday, pt.Birthday)
	boolean("birthday_lunar", &c.BirthdayLunar, pt.BirthdayLunar)
	boolean("birthday_leap", &c.BirthdayLeap, pt.BirthdayLeap)
	boolean("is_primary", &c.IsPrimary, pt.IsPrimary)
	str("preferences", &c.Preferences, pt.Preferences)
	var newMobile string
	if pt.Mobile != nil {
		newMobile = *pt.Mobile
	}
	if err := joinInvalid(c.validateChange(lang, &stored), mobileProblem(newMobile, lang)); err != nil {
		return c, err
	}
	if pt.Mobile != nil {
		before := c.Mobile
		if *pt.Mobile == "" {
			c.MobileEnc, c.MobileIdx, c.MobileLast4, c.Mobile = "", "", "", ""
		} else if err := cs.sealContactMobile(ctx, p, &c, *pt.Mobile, pt.Force, lang); err != nil {
			return c, err
		}
		if c.Mobile != before {
			changes["mobile"] = crm.Change{Before: before, After: c.Mobile} // both masked
		}
	}
	if len(changes) == 0 {
		return c, nil
	}
	c.UpdatedAt = cs.Now().UTC()
	e := crm.NewAudit(ctx, crm.AuditUpdate, "contact", strconv.FormatInt(id, 10), changes)
	return c, cs.contacts.UpdateContact(ctx, &c, &e)
}
