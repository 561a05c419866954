package customer

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
	"golang.org/x/text/width"
)

// NormalizeName is the form duplicate checks compare: full-width letters
// and digits folded to half-width, lower case, without spaces or
// punctuation, so "华为技术（深圳）有限公司" and "华为技术(深圳) 有限公司" are one.
func NormalizeName(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// DedupStore finds duplicates and merges customers.
type DedupStore interface {
	CustomersByNameNorm(ctx context.Context, norm string) ([]Customer, error)
	CustomerByUSCC(ctx context.Context, uscc string) (Customer, error)
	MergeCustomers(ctx context.Context, survivor, merged *Customer, e *crm.AuditEntry) error
}

// checkDuplicateUSCC refuses a USCC another live customer has, naming
// that customer only when the caller may see it. force does not override
// it: a USCC identifies one legal entity, so its records are merged, not
// kept twice (the database holds it unique too).
func (cs *Service) checkDuplicateUSCC(ctx context.Context, p crm.Principal, c *Customer) error {
	if c.USCC == "" {
		return nil
	}
	o, err := cs.dedup.CustomerByUSCC(ctx, c.USCC)
	if crm.ErrorCode(err) == crm.ENotFound || err == nil && o.ID == c.ID {
		return nil
	}
	if err != nil {
		return err
	}
	text := msg.M("customer.uscc.duplicate")
	if _, _, err := cs.store.Customer(ctx, o.ID, crm.CustomerScope(p), false, cs.now()); err == nil {
		text = msg.M("customer.uscc.duplicate_of", o.Code, o.Name)
	}
	e := crm.Fail(crm.EConflict, "customer.uscc.exists")
	e.Fields = []crm.FieldError{crm.BadText("uscc", "duplicate", text)}
	return e
}

// checkDuplicateName refuses a name another live customer has, naming it
// when the caller may see it, unless force.
func (cs *Service) checkDuplicateName(ctx context.Context, p crm.Principal, c *Customer, force bool) error {
	c.NameNorm = NormalizeName(c.Name)
	if force {
		return nil
	}
	others, err := cs.dedup.CustomersByNameNorm(ctx, c.NameNorm)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID != c.ID {
			return cs.duplicateName(ctx, p, o.ID)
		}
	}
	return nil
}

// duplicateName is the refusal of a name customer id already has, naming
// that customer only when the caller may see it.
func (cs *Service) duplicateName(ctx context.Context, p crm.Principal, id int64) error {
	text := msg.M("customer.name.duplicate")
	// Own scope only: a customer seen through a grant would be a read to
	// audit.
	if o, _, err := cs.store.Customer(ctx, id, crm.CustomerScope(p), false, cs.now()); err == nil {
		text = msg.M("customer.name.duplicate_of", o.Code, o.Name)
	}
	e := crm.Refuse(crm.EConflict, msg.M("customer.name.duplicate_force", text))
	e.Fields = []crm.FieldError{crm.BadText("name", "duplicate", text)}
	return e
}

// DuplicateNameError is a store's refusal to add a customer whose
// normalised name a live customer (ID) took meanwhile: between the
// duplicate check and the insert, two requests can both pass the check.
type DuplicateNameError struct{ ID int64 }

// Error says which customer has the name.
func (e *DuplicateNameError) Error() string {
	return "store: customer " + strconv.FormatInt(e.ID, 10) + " has this name"
}

// Merge folds customer fromID into survivorID: contacts and interactions
// move to the survivor, the merged customer goes to the trash, and the
// audit log records the merge on both. The caller must be able to change
// both customers.
func (cs *Service) Merge(ctx context.Context, survivorID, fromID int64, version int) (Customer, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerUpdate)
	if err != nil {
		return Customer{}, err
	}
	if survivorID == fromID {
		return Customer{}, crm.Invalid(crm.Bad("from_id", "same", "customer.from_id.same"))
	}
	survivor, _, err := cs.store.Customer(ctx, survivorID, crm.CustomerScope(p), false, cs.now())
	if err != nil {
		return survivor, err
	}
	if version != survivor.Version {
		return survivor, crm.Fail(crm.EVersionConflict, "customer.changed")
	}
	merged, _, err := cs.store.Customer(ctx, fromID, crm.CustomerScope(p), false, cs.now())
	if crm.ErrorCode(err) == crm.ENotFound {
		return survivor, crm.Invalid(crm.Bad("from_id", "unknown", "customer.from_id.unknown"))
	}
	if err != nil {
		return survivor, err
	}
	now := cs.now().UTC()
	merged.DeletedAt, merged.UpdatedAt, survivor.UpdatedAt = &now, now, now
	e := crm.NewAudit(ctx, crm.AuditMerge, "customer", strconv.FormatInt(survivorID, 10), map[string]any{
		"merged_id": fromID, "merged_code": merged.Code, "merged_name": merged.Name})
	return survivor, cs.dedup.MergeCustomers(ctx, &survivor, &merged, &e)
}
