package customer

import (
	"context"

	"github.com/kehucrm/kehu/internal/crm"
)

// Contact reads one contact whose customer the caller may read, its
// mobile masked. A contact of a customer out of the caller's scope is
// not found, as if it did not exist.
func (cs *Service) Contact(ctx context.Context, id int64) (Contact, error) {
	if _, err := crm.Authorize(ctx, crm.ActCustomerRead); err != nil {
		return Contact{}, err
	}
	_, c, err := cs.contactInScope(ctx, crm.ActCustomerRead, id)
	if err != nil {
		return Contact{}, err
	}
	cs.maskContact(&c)
	return c, nil
}

// Interaction reads one entry of a timeline whose customer the caller may
// read; one out of scope is not found.
func (cs *Service) Interaction(ctx context.Context, id int64) (Interaction, error) {
	if _, err := crm.Authorize(ctx, crm.ActCustomerRead); err != nil {
		return Interaction{}, err
	}
	it, err := cs.interactions.Interaction(ctx, id)
	if err == nil {
		_, _, err = cs.InScope(ctx, crm.ActCustomerRead, it.CustomerID)
	}
	if crm.ErrorCode(err) == crm.ENotFound {
		return Interaction{}, crm.Fail(crm.ENotFound, "customer.no_such_interaction")
	}
	if err != nil {
		return Interaction{}, err
	}
	return it, nil
}
