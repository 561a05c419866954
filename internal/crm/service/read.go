package service

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/secure"
)

// serviceReadAll is whether p reads every service order: the service desk
// and the gm.
func serviceReadAll(p crm.Principal) bool { return p.Role == crm.RoleService || p.Role == crm.RoleGM }

// visible reports whether p may see o: the service desk and the gm all;
// a technician the orders dispatched to them; finance the paid orders
// from settlement on; account and sales managers the orders of the
// customers in their scope. Anything else is not found.
func (so *Service) visible(ctx context.Context, p crm.Principal, o ServiceOrder) (bool, error) {
	switch {
	case serviceReadAll(p):
		return true, nil
	case p.Role == crm.RoleTechnician:
		return o.TechnicianID == p.UserID, nil
	case p.Role == crm.RoleFinance:
		return o.Type.Paid() && slices.Contains(FinanceStatuses, o.Status), nil
	}
	err := so.customers.Visible(ctx, o.CustomerID, crm.CustomerScope(p))
	if crm.ErrorCode(err) == crm.ENotFound {
		return false, nil
	}
	return err == nil, err
}

// Get reads one service order the caller may see.
func (so *Service) Get(ctx context.Context, id int64) (ServiceOrder, error) {
	p, err := crm.Authorize(ctx, crm.ActServiceOrderRead)
	if err != nil {
		return ServiceOrder{}, err
	}
	return so.get(ctx, p, id)
}

func (so *Service) get(ctx context.Context, p crm.Principal, id int64) (ServiceOrder, error) {
	o, err := so.store.ServiceOrder(ctx, id)
	if err != nil {
		return ServiceOrder{}, err
	}
	if ok, err := so.visible(ctx, p, o); err != nil {
		return ServiceOrder{}, err
	} else if !ok {
		return ServiceOrder{}, crm.Fail(crm.ENotFound, "serviceorder.no_such_order")
	}
	so.finish(&o, so.now())
	return o, nil
}

// Technicians lists the active technicians, whom orders can be
// dispatched to.
func (so *Service) Technicians(ctx context.Context) ([]identity.User, error) {
	if _, err := crm.Authorize(ctx, crm.ActServiceOrderDispatch); err != nil {
		return nil, err
	}
	return so.store.ActiveUsersByRole(ctx, crm.RoleTechnician)
}

// Signature returns the customer's signature image (PNG) of an order the
// caller may see.
func (so *Service) Signature(ctx context.Context, id int64) ([]byte, error) {
	o, err := so.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !o.Signed {
		return nil, crm.Fail(crm.ENotFound, "serviceorder.no_signature", o.Number)
	}
	return so.store.ServiceOrderSignature(ctx, id)
}

// RevealPhone shows the full phone number of an order, with a reason,
// audited: to the technician of the order (who must call the customer)
// and to the roles that may reveal customers' numbers.
func (so *Service) RevealPhone(ctx context.Context, id int64, reason string) (string, error) {
	p, err := crm.Authorize(ctx, crm.ActServiceOrderRead)
	if err != nil {
		return "", err
	}
	if !p.Role.Can(crm.ActServiceOrderWork) && !p.Role.Can(crm.ActCustomerReveal) {
		return "", crm.Fail(crm.EForbidden, "serviceorder.reveal_forbidden", string(p.Role))
	}
	o, err := so.get(ctx, p, id)
	if err != nil {
		return "", err
	}
	if reason = strings.TrimSpace(reason); reason == "" || utf8.RuneCountInString(reason) > 200 {
		return "", crm.Invalid(crm.Bad("reason", "required", "serviceorder.reason.required"))
	}
	b, err := so.sealer.Decrypt(o.PhoneEnc, secure.AAD("service_orders", servicePhoneAAD))
	if err != nil {
		return "", err
	}
	e := crm.NewAudit(ctx, crm.AuditReveal, "service_order", strconv.FormatInt(id, 10), map[string]any{"field": "phone", "reason": reason, "number": o.Number})
	return string(b), so.store.Audit(ctx, &e)
}
