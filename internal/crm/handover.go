package crm

import (
	"context"
	"strconv"
	"strings"
)

// Handover moves customers from one owner to another, as when an account
// manager leaves (交接). With no IDs it moves all of the old owner's
// customers that the caller may see. Each customer's change is audited
// with the reason, so it shows in that customer's history.
type Handover struct {
	FromOwner   int64   `json:"from_owner_id"`
	ToOwner     int64   `json:"to_owner_id"`
	CustomerIDs []int64 `json:"customer_ids"`
	Reason      string  `json:"reason"`
}

// HandoverResult says which customers moved.
type HandoverResult struct {
	Moved []int64 `json:"moved"`
}

// Handover applies h. Only a gm (anyone) or a sales manager (within the
// team) may; the new owner must be active.
func (cs *Customers) Handover(ctx context.Context, h Handover) (HandoverResult, error) {
	p, err := Authorize(ctx, ActCustomerAssign)
	if err != nil {
		return HandoverResult{}, err
	}
	var fs []FieldError
	if strings.TrimSpace(h.Reason) == "" {
		fs = append(fs, FieldError{Field: "reason", Code: "required", Message: "say why the customers change hands"})
	}
	if h.FromOwner == 0 {
		fs = append(fs, FieldError{Field: "from_owner_id", Code: "required", Message: "is required"})
	}
	if h.ToOwner == 0 || h.ToOwner == h.FromOwner {
		fs = append(fs, FieldError{Field: "to_owner_id", Code: "invalid", Message: "must be another user"})
	}
	if len(fs) > 0 {
		return HandoverResult{}, Invalid(fs...)
	}
	ids := h.CustomerIDs
	if len(ids) == 0 {
		list, _, err := cs.store.ListCustomers(ctx, CustomerScope(p), CustomerFilter{OwnerID: h.FromOwner, Limit: 100000}, cs.now())
		if err != nil {
			return HandoverResult{}, err
		}
		for _, c := range list {
			ids = append(ids, c.ID)
		}
	}
	res := HandoverResult{Moved: []int64{}}
	for _, id := range ids {
		c, _, err := cs.store.Customer(ctx, id, CustomerScope(p), false, cs.now())
		if err != nil {
			return res, err
		}
		if c.OwnerID != h.FromOwner {
			return res, Invalid(FieldError{Field: "customer_ids", Code: "owner", Message: "customer " + c.Code + " is not owned by the old owner"})
		}
		c.OwnerID = h.ToOwner
		if err := cs.checkOwner(ctx, p, &c); err != nil {
			return res, err
		}
		c.UpdatedAt = cs.now().UTC()
		e := NewAudit(ctx, AuditUpdate, "customer", strconv.FormatInt(id, 10), map[string]any{
			"owner_id": Change{Before: h.FromOwner, After: h.ToOwner}, "handover_reason": h.Reason})
		if err := cs.store.UpdateCustomer(ctx, &c, &e); err != nil {
			return res, err
		}
		res.Moved = append(res.Moved, id)
	}
	return res, nil
}
