package customer

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
)

// CustomerPatch is a change to a customer; nil fields stay as they are.
type CustomerPatch struct {
	Version      int
	Kind         *string
	Name         *string
	ShortName    *string
	USCC         *string
	LegalRep     *string
	IndustryCode *string
	RegionCode   *string
	Address      *string
	Source       *string
	Stage        *string
	Notes        *string
	OwnerID      *int64
	EmployeeBand *string
	RevenueBand  *string
	Tags         *[]string
	Custom       *map[string]string // replaces the whole set of custom values
	// CustomMerge changes custom values by key: a nil value removes the
	// key, keys left out stay as they are. It applies after Custom.
	CustomMerge map[string]*string
	Force       bool // accept a name another customer already has
}

// Update applies a patch with optimistic locking: a stale version answers
// version_conflict. Changed fields are audited before and after.
func (cs *Service) Update(ctx context.Context, id int64, pt CustomerPatch, lang string) (Customer, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerUpdate)
	if err != nil {
		return Customer{}, err
	}
	c, _, err := cs.store.Customer(ctx, id, crm.CustomerScope(p), false, cs.now())
	if err != nil {
		return c, err
	}
	if pt.Version != c.Version {
		return c, crm.Fail(crm.EVersionConflict, "customer.changed_version", c.Version, pt.Version)
	}
	before := c
	changes := map[string]crm.Change{}
	set := func(name string, dst *string, v *string) {
		if v != nil && *v != *dst {
			changes[name] = crm.Change{Before: *dst, After: *v}
			*dst = *v
		}
	}
	set("kind", &c.Kind, pt.Kind)
	set("name", &c.Name, pt.Name)
	set("short_name", &c.ShortName, pt.ShortName)
	set("uscc", &c.USCC, pt.USCC)
	set("legal_representative", &c.LegalRep, pt.LegalRep)
	set("industry_code", &c.IndustryCode, pt.IndustryCode)
	set("region_code", &c.RegionCode, pt.RegionCode)
	set("address", &c.Address, pt.Address)
	set("source", &c.Source, pt.Source)
	set("stage", &c.Stage, pt.Stage)
	set("notes", &c.Notes, pt.Notes)
	set("employee_band", &c.EmployeeBand, pt.EmployeeBand)
	set("revenue_band", &c.RevenueBand, pt.RevenueBand)
	if pt.Tags != nil && !slices.Equal(*pt.Tags, c.Tags) {
		changes["tags"] = crm.Change{Before: c.Tags, After: *pt.Tags}
		c.Tags = append([]string{}, *pt.Tags...)
	}
	custom := maps.Clone(c.Custom)
	if pt.Custom != nil {
		custom = maps.Clone(*pt.Custom)
	}
	for k, v := range pt.CustomMerge {
		if v == nil {
			delete(custom, k)
		} else {
			if custom == nil {
				custom = map[string]string{}
			}
			custom[k] = *v
		}
	}
	if !maps.Equal(custom, c.Custom) {
		changes["custom_fields"] = crm.Change{Before: c.Custom, After: custom}
		c.Custom = custom
	}
	c.Normalize()
	if err := c.validateChange(lang, &before); err != nil {
		return before, err
	}
	if err := cs.checkCustom(ctx, c.Custom); err != nil {
		return before, err
	}
	if pt.OwnerID != nil && *pt.OwnerID != c.OwnerID {
		changes["owner_id"] = crm.Change{Before: c.OwnerID, After: *pt.OwnerID}
		c.OwnerID = *pt.OwnerID
		if err := cs.checkOwner(ctx, p, &c); err != nil {
			return before, err
		}
	}
	if len(changes) == 0 {
		return c, nil
	}
	_, renamed := changes["name"]
	if renamed {
		if err := cs.checkDuplicateName(ctx, p, &c, pt.Force); err != nil {
			return before, err
		}
	}
	c.UpdatedAt = cs.now().UTC()
	e := crm.NewAudit(ctx, crm.AuditUpdate, "customer", strconv.FormatInt(c.ID, 10), changes)
	err = cs.store.UpdateCustomer(ctx, &c, renamed && !pt.Force, &e)
	if dup := (*DuplicateNameError)(nil); errors.As(err, &dup) {
		return before, cs.duplicateName(ctx, p, dup.ID)
	}
	return c, err
}

// Delete moves a customer to the trash, where it can be restored for
// TrashDays days.
func (cs *Service) Delete(ctx context.Context, id int64, version int) error {
	p, err := crm.Authorize(ctx, crm.ActCustomerDelete)
	if err != nil {
		return err
	}
	c, _, err := cs.store.Customer(ctx, id, crm.CustomerScope(p), false, cs.now())
	if err != nil {
		return err
	}
	if version != 0 && version != c.Version {
		return crm.Fail(crm.EVersionConflict, "customer.changed")
	}
	now := cs.now().UTC()
	c.DeletedAt, c.UpdatedAt = &now, now
	e := crm.NewAudit(ctx, crm.AuditDelete, "customer", strconv.FormatInt(id, 10), map[string]any{"trash": true, "name": c.Name})
	return cs.store.UpdateCustomer(ctx, &c, false, &e)
}

// Restore brings a customer back from the trash within TrashDays days.
func (cs *Service) Restore(ctx context.Context, id int64) (Customer, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerDelete)
	if err != nil {
		return Customer{}, err
	}
	c, _, err := cs.store.Customer(ctx, id, crm.CustomerScope(p), true, cs.now())
	if err != nil {
		return c, err
	}
	if !c.Restorable(cs.now()) {
		return c, crm.Fail(crm.EConflict, "customer.customer_deleted_more_than", TrashDays)
	}
	c.DeletedAt, c.UpdatedAt = nil, cs.now().UTC()
	e := crm.NewAudit(ctx, crm.AuditUpdate, "customer", strconv.FormatInt(id, 10), map[string]crm.Change{"deleted": {Before: true, After: false}})
	return c, cs.store.UpdateCustomer(ctx, &c, false, &e)
}

// HardDelete erases a customer in the trash for good. Only an
// administrator may, and the administrator still reads nothing of it.
func (cs *Service) HardDelete(ctx context.Context, id int64) error {
	p, err := crm.Authorize(ctx, crm.ActCustomerHardDelete)
	if err != nil {
		return err
	}
	if p.UserID > 0 && crm.ApprovedDuty(ctx) == 0 { // the GM approves an erasure (two-person rule)
		// Only a customer in the trash can be erased: ask for nothing else.
		if _, _, err := cs.store.Customer(ctx, id, crm.Scope{All: true}, true, cs.now()); err != nil {
			return err
		}
		return crm.RequestDuty(ctx, cs.store, crm.DutyRequest{Kind: crm.DutyCustomerDelete, TargetID: id,
			Target: strconv.FormatInt(id, 10), RequestedAt: cs.now().UTC()})
	}
	e := crm.NewAudit(ctx, crm.AuditDelete, "customer", strconv.FormatInt(id, 10), map[string]any{"hard": true, "duty_request": crm.ApprovedDuty(ctx)})
	return cs.store.HardDeleteCustomer(ctx, id, &e)
}
