package customer

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
)

// Handover moves customers from one owner to another, as when an account
// manager leaves (交接). With no IDs it moves all of the old owner's
// customers that the caller may change. All move in one transaction or
// none does; each customer's change is audited with the reason, so it
// shows in that customer's history.
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
func (cs *Service) Handover(ctx context.Context, h Handover) (HandoverResult, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerAssign)
	if err != nil {
		return HandoverResult{}, err
	}
	var fs []crm.FieldError
	if h.Reason = strings.TrimSpace(h.Reason); h.Reason == "" {
		fs = append(fs, crm.Bad("reason", "required", "customer.handover.reason.required"))
	} else if utf8.RuneCountInString(h.Reason) > 500 {
		fs = append(fs, crm.Bad("reason", "length", "customer.handover.reason.length"))
	}
	for _, id := range h.CustomerIDs {
		if id < 1 {
			fs = append(fs, crm.Bad("customer_ids", "invalid", "customer.customer_ids.invalid"))
			break
		}
	}
	if h.FromOwner == 0 {
		fs = append(fs, crm.Bad("from_owner_id", "required", "customer.required"))
	}
	if h.ToOwner == 0 || h.ToOwner == h.FromOwner {
		fs = append(fs, crm.Bad("to_owner_id", "invalid", "customer.to_owner_id.invalid"))
	}
	if len(fs) > 0 {
		return HandoverResult{}, crm.Invalid(fs...)
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, id := range h.CustomerIDs {
		if !seen[id] { // a customer named twice moves once
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		for f := (CustomerFilter{OwnerID: h.FromOwner, Limit: 500}); ; {
			page, _, err := cs.store.ListCustomers(ctx, crm.CustomerScope(p), f, cs.now())
			if err != nil {
				return HandoverResult{}, err
			}
			for _, c := range page {
				ids = append(ids, c.ID)
			}
			if len(page) < f.Limit {
				break
			}
			f.BeforeID = page[len(page)-1].ID
		}
	}
	if len(ids) == 0 && len(h.CustomerIDs) == 0 {
		// Nothing of the old owner's in the caller's scope: say why
		// rather than move nothing. Scope decides, not the old owner's
		// team today: one who changed teams leaves customers behind.
		if err := cs.nothingToHandOver(ctx, h.FromOwner); err != nil {
			return HandoverResult{}, err
		}
	}
	var moved []*Customer
	var entries []*crm.AuditEntry
	for _, id := range ids {
		c, _, err := cs.store.Customer(ctx, id, crm.CustomerScope(p), false, cs.now())
		if err != nil {
			return HandoverResult{}, err
		}
		if c.OwnerID != h.FromOwner {
			return HandoverResult{}, crm.Invalid(crm.Bad("customer_ids", "owner", "customer.customer_ids.owner", c.Code))
		}
		c.OwnerID = h.ToOwner
		if err := cs.checkOwner(ctx, p, &c); err != nil {
			return HandoverResult{}, asField(err, "owner_id", "to_owner_id")
		}
		c.UpdatedAt = cs.now().UTC()
		e := crm.NewAudit(ctx, crm.AuditUpdate, "customer", strconv.FormatInt(id, 10), map[string]any{
			"owner_id": crm.Change{Before: h.FromOwner, After: h.ToOwner}, "handover_reason": h.Reason})
		moved, entries = append(moved, &c), append(entries, &e)
	}
	if len(moved) == 0 {
		if _, err := cs.store.UserByID(ctx, h.ToOwner); err != nil {
			return HandoverResult{}, crm.Invalid(crm.Bad("to_owner_id", "unknown", "customer.owner_id.unknown"))
		}
		return HandoverResult{Moved: []int64{}}, nil
	}
	if err := cs.store.UpdateCustomers(ctx, moved, entries); err != nil {
		return HandoverResult{}, err
	}
	res := HandoverResult{Moved: make([]int64, len(moved))}
	for i, c := range moved {
		res.Moved[i] = c.ID
	}
	return res, nil
}

// nothingToHandOver explains a handover that finds none of the old
// owner's customers in the caller's scope: an unknown user, or customers
// out of reach (forbidden). An owner with no customers at all is nil:
// there is nothing to move.
func (cs *Service) nothingToHandOver(ctx context.Context, from int64) error {
	if _, err := cs.store.UserByID(ctx, from); crm.ErrorCode(err) == crm.ENotFound {
		return crm.Invalid(crm.Bad("from_owner_id", "unknown", "customer.owner_id.unknown"))
	} else if err != nil {
		return err
	}
	some, _, err := cs.store.ListCustomers(ctx, crm.Scope{All: true}, CustomerFilter{OwnerID: from, Limit: 1}, cs.now())
	if err != nil || len(some) == 0 {
		return err
	}
	return crm.FailField(crm.EForbidden, "from_owner_id", "forbidden", "customer.from_owner_id.forbidden")
}

// asField renames field from in err's field errors to to: a check written
// for one request reused by another that calls the field differently.
func asField(err error, from, to string) error {
	var e *crm.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	if rest, ok := strings.CutPrefix(out.Message, from+": "); ok {
		out.Message = to + ": " + rest
	}
	out.Fields = append([]crm.FieldError(nil), e.Fields...)
	for i := range out.Fields {
		if out.Fields[i].Field == from {
			out.Fields[i].Field = to
		}
	}
	return &out
}
