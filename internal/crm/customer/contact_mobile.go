package customer

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/secure"
)

// ContactMobileDomain separates the blind indexes of contacts' mobiles
// from every other field's; bulk loaders index with it too.
const ContactMobileDomain = "contacts.mobile"

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
	if cs.sealer == nil {
		return crm.Fail(crm.EInternal, "crm.no_keyring")
	}
	idx := cs.sealer.BlindIndex(ContactMobileDomain, []byte(norm))
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
			if oc, _, err := cs.store.Customer(ctx, o.CustomerID, crm.CustomerScope(p), false, cs.now()); err == nil {
				text = msg.M("customer.mobile.duplicate_of", o.Name, oc.Code, oc.Name)
			}
			e := crm.Refuse(crm.EConflict, msg.M("customer.mobile.duplicate_force", text))
			e.Fields = []crm.FieldError{crm.BadText("mobile", "duplicate", text)}
			return e
		}
	}
	enc, err := cs.sealer.Encrypt([]byte(norm), secure.AAD("contacts", "mobile"))
	if err != nil {
		return err
	}
	c.MobileEnc, c.MobileIdx, c.MobileLast4, c.Mobile = enc, idx, norm[len(norm)-4:], secure.MaskMobile(norm)
	return nil
}

func (cs *Service) maskContact(c *Contact) {
	if c.MobileEnc == "" || cs.sealer == nil {
		return
	}
	if b, err := cs.sealer.Decrypt(c.MobileEnc, secure.AAD("contacts", "mobile")); err == nil {
		c.Mobile = secure.MaskMobile(string(b))
	} else {
		c.Mobile = "****"
	}
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
	b, err := cs.sealer.Decrypt(c.MobileEnc, secure.AAD("contacts", "mobile"))
	if err != nil {
		return "", err
	}
	e := crm.NewAudit(ctx, crm.AuditReveal, "contact", strconv.FormatInt(id, 10), map[string]any{"field": "mobile", "reason": reason, "customer_id": c.CustomerID})
	return string(b), cs.store.Audit(ctx, &e)
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
	all, err := cs.contacts.ContactsByMobileIndex(ctx, cs.sealer.BlindIndex(ContactMobileDomain, []byte(norm)))
	if err != nil {
		return nil, err
	}
	out := []Contact{}
	for _, c := range all {
		_, viaGrant, err := cs.store.Customer(ctx, c.CustomerID, crm.ReadScope(p), false, cs.now())
		if err != nil {
			continue
		}
		if viaGrant {
			e := crm.NewAudit(ctx, crm.AuditReadGranted, "customer", strconv.FormatInt(c.CustomerID, 10), map[string]string{"via": "contact mobile look-up"})
			if err := cs.store.Audit(ctx, &e); err != nil {
				return nil, err
			}
		}
		cs.maskContact(&c)
		out = append(out, c)
	}
	return out, nil
}

// MobileBlindIndex is the blind index of a normalised mobile number, as
// contacts store it; tools that load contacts in bulk (kehu bench data)
// use it so that look-up by number finds their rows.
func MobileBlindIndex(s crm.Sealer, normalized string) string {
	return s.BlindIndex(ContactMobileDomain, []byte(normalized))
}
