package call

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/service"
	"github.com/kehucrm/kehu/internal/msg"
)

// ComplaintInput is what a complaint needs beyond what the call carries
// (customer, caller's number, channel phone, when, and the need and
// analysis as its description).
type ComplaintInput struct {
	Category    string
	Severity    string
	Demand      string
	Description string // empty: the call's need and analysis
	CallerName  string
}

// ServiceOrderInput is what a service order needs beyond the call
// (customer, phone, when, and the need as the problem).
type ServiceOrderInput struct {
	Type         string
	Address      string
	ProductModel string
	Problem      string // empty: the call's need
}

// claimStale is how long a claimed conversion that never got its record
// (the process stopped between claim and record) blocks another.
const claimStale = 10 * time.Minute

// convertible reads a call the caller may change, refuses one already
// turned into a record of that kind, and claims the conversion so that
// of concurrent requests exactly one makes the record; the caller must
// link or release the claim.
func (cs *Service) convertible(ctx context.Context, id int64, done func(Call) *int64, kind string) (Call, error) {
	p, err := crm.Authorize(ctx, crm.ActCallCreate)
	if err != nil {
		return Call{}, err
	}
	c, err := cs.store.CallInScope(ctx, id, crm.CustomerScope(p), cs.now())
	if err != nil {
		return Call{}, err
	}
	if prev := done(c); prev != nil {
		return Call{}, crm.Fail(crm.EConflict, "call.converted", msg.M("call.kind."+kind), *prev)
	}
	ok, err := cs.store.ClaimConversion(ctx, c.ID, kind, cs.now().UTC(), claimStale)
	if err != nil {
		return Call{}, err
	}
	if !ok {
		if n, err := cs.store.Call(ctx, c.ID); err == nil && done(n) != nil {
			return Call{}, crm.Fail(crm.EConflict, "call.converted", msg.M("call.kind."+kind), *done(n))
		}
		return Call{}, crm.Fail(crm.EConflict, "call.converting", msg.M("call.kind."+kind))
	}
	return c, nil
}

// release gives the claim back after the record could not be made.
func (cs *Service) release(ctx context.Context, c Call, kind string) {
	_ = cs.store.ReleaseConversion(context.WithoutCancel(ctx), c.ID, kind)
}

func describe(c Call) string {
	var parts []string
	for _, s := range []string{c.Need, c.Analysis, c.Handling} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n")
}

// link writes the call's link to the record it became.
func (cs *Service) link(ctx context.Context, c Call, kind string, id int64) (Call, error) {
	c.UpdatedAt = cs.now().UTC()
	e := crm.NewAudit(ctx, crm.AuditUpdate, "call", strconv.FormatInt(c.ID, 10), map[string]any{"converted_to": kind, "id": id})
	return c, cs.store.LinkConversion(ctx, &c, kind, id, &e)
}

// ToComplaint turns a call into a complaint with its data carried over,
// once; the complaint's own checks (category, the customer) apply.
func (cs *Service) ToComplaint(ctx context.Context, id int64, in ComplaintInput, lang string) (complaint.Complaint, Call, error) {
	c, err := cs.convertible(ctx, id, func(c Call) *int64 { return c.ComplaintID }, "complaint")
	if err != nil {
		return complaint.Complaint{}, Call{}, err
	}
	k := complaint.Complaint{Channel: "phone", Category: in.Category, Severity: in.Severity, Demand: in.Demand,
		Description: strings.TrimSpace(in.Description), ReceivedAt: c.StartedAt, CallerName: strings.TrimSpace(in.CallerName)}
	if k.Description == "" {
		k.Description = describe(c)
	}
	if c.CustomerID != nil {
		k.CustomerID = *c.CustomerID
	}
	if c.ContactID != nil && k.CallerName == "" {
		if ct, err := cs.customers.Contact(ctx, *c.ContactID); err == nil {
			k.CallerName, k.ContactName = ct.Name, ct.Name
		}
	}
	k, err = cs.complaints.Create(ctx, k, cs.phone(c), nil, lang)
	if err != nil {
		cs.release(ctx, c, "complaint")
		return k, c, err
	}
	c, err = cs.link(ctx, c, "complaint", k.ID)
	return k, c, err
}

// ToServiceOrder turns a call into a service order with its data carried
// over, once.
func (cs *Service) ToServiceOrder(ctx context.Context, id int64, in ServiceOrderInput, lang string) (service.ServiceOrder, Call, error) {
	c, err := cs.convertible(ctx, id, func(c Call) *int64 { return c.ServiceOrderID }, "service_order")
	if err != nil {
		return service.ServiceOrder{}, Call{}, err
	}
	o := service.ServiceOrder{Type: service.Type(in.Type), Address: in.Address, ProductModel: in.ProductModel,
		Problem: strings.TrimSpace(in.Problem), ReceivedAt: c.StartedAt}
	if o.Problem == "" {
		o.Problem = describe(c)
	}
	if c.CustomerID != nil {
		o.CustomerID = *c.CustomerID
	}
	o, err = cs.orders.Register(ctx, o, cs.phone(c), lang)
	if err != nil {
		cs.release(ctx, c, "service_order")
		return o, c, err
	}
	c, err = cs.link(ctx, c, "service_order", o.ID)
	return o, c, err
}

// ToInteraction puts a call on its customer's timeline (沟通记录), once.
func (cs *Service) ToInteraction(ctx context.Context, id int64) (customer.Interaction, Call, error) {
	c, err := cs.convertible(ctx, id, func(c Call) *int64 { return c.InteractionID }, "interaction")
	if err != nil {
		return customer.Interaction{}, Call{}, err
	}
	if c.CustomerID == nil {
		cs.release(ctx, c, "interaction")
		return customer.Interaction{}, c, crm.Invalid(crm.Bad("customer_id", "required", "call.customer_id.required"))
	}
	it := customer.Interaction{CustomerID: *c.CustomerID, At: c.StartedAt, Channel: "phone", Content: describe(c),
		Feedback: c.CallbackResult, NextStep: ""}
	if it.Content == "" {
		it.Content = c.Outcome
	}
	if it.Content == "" {
		it.Content = "电话 / Call " + c.Phone
	}
	it, err = cs.customers.AddInteraction(ctx, it)
	if err != nil {
		cs.release(ctx, c, "interaction")
		return it, c, err
	}
	c, err = cs.link(ctx, c, "interaction", it.ID)
	return it, c, err
}
