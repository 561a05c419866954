package customer

import (
	"context"
	"errors"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
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
	c, viaGrant, err := cs.store.Customer(ctx, customerID, scope, false, cs.now())
	if err == nil && viaGrant {
		e := crm.NewAudit(ctx, crm.AuditReadGranted, "customer", strconv.FormatInt(customerID, 10), map[string]string{"via": string(a)})
		err = cs.store.Audit(ctx, &e)
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
	if err := joinInvalid(c.Validate(lang, cs.today()), mobileProblem(mobile, lang)); err != nil {
		return c, err
	}
	if err := cs.sealContactMobile(ctx, p, &c, mobile, force, lang); err != nil {
		return c, err
	}
	now := cs.now().UTC()
	c.CreatedAt, c.UpdatedAt, c.Version = now, now, 1
	e := crm.NewAudit(ctx, crm.AuditCreate, "contact", "", map[string]any{"customer_id": c.CustomerID, "name": c.Name, "mobile": c.Mobile})
	return c, cs.contacts.CreateContact(ctx, &c, &e)
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

// DeleteContact removes a contact.
func (cs *Service) DeleteContact(ctx context.Context, id int64) error {
	return cs.DeleteContactAt(ctx, id, 0)
}

// DeleteContactAt removes a contact if it is still at version (any
// version when 0), else version_conflict.
func (cs *Service) DeleteContactAt(ctx context.Context, id int64, version int) error {
	_, c, err := cs.contactInScope(ctx, crm.ActCustomerUpdate, id)
	if err != nil {
		return err
	}
	if version != 0 && version != c.Version {
		return crm.Fail(crm.EVersionConflict, "customer.contact.changed_version", c.Version, version)
	}
	e := crm.NewAudit(ctx, crm.AuditDelete, "contact", strconv.FormatInt(id, 10), map[string]any{"customer_id": c.CustomerID, "name": c.Name})
	return cs.contacts.DeleteContact(ctx, id, &e)
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
	if err := joinInvalid(c.validateChange(lang, &stored, cs.today()), mobileProblem(newMobile, lang)); err != nil {
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
	c.UpdatedAt = cs.now().UTC()
	e := crm.NewAudit(ctx, crm.AuditUpdate, "contact", strconv.FormatInt(id, 10), changes)
	return c, cs.contacts.UpdateContact(ctx, &c, &e)
}
