package complaint

import (
	"context"

	"github.com/kehucrm/kehu/internal/crm"
)

// CustomerComplaintStore reads a customer's complaints.
type CustomerComplaintStore interface {
	CustomerComplaints(ctx context.Context, customerID int64, limit int) ([]Complaint, error)
}

// OfCustomer lists the complaints of a customer, newest first, up
// to limit, for the customer's page. The caller must be able to read the
// customer and to read complaints in that customer's scope (the service
// desk, QA, production and the gm see every customer's; others those of
// the customers in their own scope, not of ones only granted to them).
// A caller who may not see them gets ok false and no error, so the page
// simply leaves the section out.
func (c *Service) OfCustomer(ctx context.Context, customerID int64, limit int) (list []Complaint, ok bool, err error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerRead)
	if err != nil {
		return nil, false, err
	}
	if !p.Role.Can(crm.ActComplaintRead) {
		return nil, false, nil
	}
	if scope := complaintScope(p); !scope.All {
		if err := c.customers.Visible(ctx, customerID, scope); crm.ErrorCode(err) == crm.ENotFound {
			return nil, false, nil
		} else if err != nil {
			return nil, false, err
		}
	}
	list, err = c.store.CustomerComplaints(ctx, customerID, limit)
	return list, err == nil, err
}
