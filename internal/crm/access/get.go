package access

import (
	"context"

	"github.com/kehucrm/kehu/internal/crm"
)

// Get reads one access request: the requester's own, or one the caller
// may decide (the gm, the manager of the record's owner). Any other is
// not found, as if it did not exist.
func (a *Service) Get(ctx context.Context, id int64) (AccessRequest, error) {
	p, err := crm.Authorize(ctx, crm.ActAccessRequest)
	if err != nil {
		return AccessRequest{}, err
	}
	r, err := a.store.AccessRequest(ctx, id)
	if err != nil {
		return AccessRequest{}, err
	}
	if r.UserID != p.UserID && p.Role != crm.RoleGM {
		_, manager, err := a.store.CustomerOwner(ctx, r.RecordID)
		if err != nil || manager != p.UserID {
			return AccessRequest{}, crm.Fail(crm.ENotFound, "store.no_such_access_request")
		}
	}
	a.expire(&r)
	return r, nil
}
