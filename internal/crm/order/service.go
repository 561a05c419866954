package order

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/crm/workflow"
	"github.com/kehucrm/kehu/internal/msg"
)

// MaxQuantity is the most 件 one order line may ask for.
const MaxQuantity = 10_000_000

// DefaultShipDays is how many working days after approval an order must
// ship by.
const DefaultShipDays = 2

// Service runs order applications.
type Service struct {
	store     Store
	customers *customer.Service
	workflows *workflow.Service
	calendars *crm.Calendars
	now       func() time.Time
	// Funds confirms the money at the finance step (ManualFunds by
	// default; the money module replaces it).
	Funds FundsCheck
	// ShipDays is the working days from approval to the ship-by date.
	ShipDays int
}

// New returns the order service.
func New(s Store, customers *customer.Service, workflows *workflow.Service, calendars *crm.Calendars, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, workflows: workflows, calendars: calendars, now: now, Funds: ManualFunds{}, ShipDays: DefaultShipDays}
}

// scope is the customers p's orders may be of: a dealer account's own
// dealer only.
func scope(p crm.Principal, read bool) crm.Scope {
	s := crm.CustomerScope(p)
	if read {
		s = crm.ReadScope(p)
	}
	if p.DealerID != 0 {
		s = crm.Scope{CustomerID: p.DealerID, UserID: p.UserID}
	}
	return s
}

// lines reads the line inputs, naming each field at fault by row
// (lines[1].quantity).
func (os *Service) lines(ctx context.Context, in []LineInput) ([]Line, sales.Money, []crm.FieldError, error) {
	var fs []crm.FieldError
	if len(in) == 0 {
		return nil, 0, []crm.FieldError{crm.Bad("lines", "required", "order.lines.required")}, nil
	}
	if len(in) > 200 {
		return nil, 0, []crm.FieldError{crm.Bad("lines", "count", "order.lines.count", 200)}, nil
	}
	out := make([]Line, 0, len(in))
	var total sales.Money
	for i, li := range in {
		at := fmt.Sprintf("lines[%d].", i)
		row := i + 1
		l := Line{LineNo: row, ProductID: li.ProductID}
		var product sales.Product
		okProduct := false
		if li.ProductID <= 0 {
			fs = append(fs, crm.Bad(at+"product_id", "required", "order.line.product_required", row))
		} else if pr, err := os.store.Product(ctx, li.ProductID); crm.ErrorCode(err) == crm.ENotFound {
			fs = append(fs, crm.Bad(at+"product_id", "unknown", "order.line.product_unknown", row, li.ProductID))
		} else if err != nil {
			return nil, 0, nil, err
		} else if !pr.Active {
			fs = append(fs, crm.Bad(at+"product_id", "inactive", "order.line.product_inactive", row, pr.Code))
		} else {
			product, okProduct = pr, true
			l.ProductCode, l.ProductName, l.Spec, l.Unit, l.ProductLine = pr.Code, pr.Name, pr.Spec, pr.Unit, pr.ProductLine
		}
		q, err := strconv.ParseInt(strings.TrimSpace(li.Quantity), 10, 64)
		switch {
		case strings.TrimSpace(li.Quantity) == "":
			fs = append(fs, crm.Bad(at+"quantity", "required", "order.line.quantity_required", row))
		case err != nil:
			fs = append(fs, crm.Bad(at+"quantity", "format", "order.line.quantity_format", row, li.Quantity))
		case q <= 0:
			fs = append(fs, crm.Bad(at+"quantity", "range", "order.line.quantity_range", row, q))
		case q > MaxQuantity:
			fs = append(fs, crm.Bad(at+"quantity", "range", "order.line.quantity_max", row, q, MaxQuantity))
		default:
			l.Quantity = q
		}
		if strings.TrimSpace(li.Amount) == "" {
			if okProduct && l.Quantity > 0 {
				l.Amount = product.ListPrice * sales.Money(l.Quantity)
			}
		} else if m, ok := sales.ParseYuan(li.Amount); !ok || m < 0 {
			fs = append(fs, crm.Bad(at+"amount", "format", "order.line.amount_format", row, li.Amount))
		} else {
			l.Amount = m
		}
		total += l.Amount
		out = append(out, l)
	}
	if total > sales.MaxFen {
		fs = append(fs, crm.Bad("lines", "range", "order.total.range"))
	}
	return out, total, fs, nil
}

func money(fs *[]crm.FieldError, field, s string) sales.Money {
	if strings.TrimSpace(s) == "" {
		return 0
	}
	m, ok := sales.ParseYuan(s)
	if !ok {
		*fs = append(*fs, crm.Bad(field, "format", "order.money.format", s))
	}
	return m
}

func text(fs *[]crm.FieldError, field, s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		*fs = append(*fs, crm.Bad(field, "length", "order.text.length", n))
	}
	return s
}

// Submit enters an order for a customer in scope and starts its approval
// on the current version of the order workflow. Every field at fault is
// named and nothing is written.
func (os *Service) Submit(ctx context.Context, in Input) (Order, error) {
	p, err := crm.Authorize(ctx, crm.ActOrderCreate)
	if err != nil {
		return Order{}, err
	}
	var fs []crm.FieldError
	o := Order{CustomerID: in.CustomerID}
	if in.CustomerID <= 0 {
		fs = append(fs, crm.Bad("customer_id", "required", "order.customer_required"))
	} else if err := os.customers.Visible(ctx, in.CustomerID, scope(p, false)); crm.ErrorCode(err) == crm.ENotFound {
		fs = append(fs, crm.Bad("customer_id", "unknown", "order.customer_unknown", in.CustomerID))
	} else if err != nil {
		return Order{}, err
	}
	lines, total, lfs, err := os.lines(ctx, in.Lines)
	if err != nil {
		return Order{}, err
	}
	fs = append(fs, lfs...)
	o.Lines, o.Total = lines, total
	o.Transport = strings.TrimSpace(in.Transport)
	if o.Transport == "" {
		o.Transport = TransportRoad
	}
	if !slices.Contains(Transports, o.Transport) {
		fs = append(fs, crm.Bad("transport", "unknown", "order.transport.unknown", o.Transport))
	}
	o.AtDealerCost = o.Transport == TransportAir
	o.DeliveryAddress = text(&fs, "delivery_address", in.DeliveryAddress, 200)
	o.DestinationStation = text(&fs, "destination_station", in.DestinationStation, 60)
	o.Notes = text(&fs, "notes", in.Notes, 1000)
	o.PreviousBalance = money(&fs, "previous_balance", in.PreviousBalance)
	o.Remittance = money(&fs, "remittance", in.Remittance)
	if o.Remittance < 0 {
		// 本次汇款 is money received; 上期余款 may be a debt, so it stays signed.
		fs = append(fs, crm.Bad("remittance", "range", "order.remittance.negative", in.Remittance))
	}
	if in.VoucherID < 0 {
		fs = append(fs, crm.Bad("voucher_id", "unknown", "order.voucher.unknown", in.VoucherID))
	} else if in.VoucherID > 0 && in.CustomerID > 0 {
		ok, err := os.store.VoucherOf(ctx, in.VoucherID, in.CustomerID)
		if err != nil {
			return Order{}, err
		}
		if !ok {
			fs = append(fs, crm.Bad("voucher_id", "unknown", "order.voucher.unknown", in.VoucherID))
		}
	}
	o.VoucherID = in.VoucherID
	if len(fs) > 0 {
		return Order{}, crm.Invalid(fs...)
	}
	now := os.now().UTC()
	o.Status, o.Revision, o.Version = StatusApproving, 1, 1
	o.SubmittedAt, o.CreatedAt, o.UpdatedAt, o.CreatedBy = &now, now, now, p.Username
	facts, err := os.facts(ctx, o)
	if err != nil {
		return Order{}, err
	}
	launch, err := os.workflows.Prepare(ctx, WorkflowCode, "", o.CustomerID, facts)
	if err != nil {
		return Order{}, err
	}
	if launch.Task == nil {
		if err := os.approved(ctx, &o, now); err != nil {
			return Order{}, err
		}
	} else {
		o.CurrentStep = launch.Task.StepName
	}
	e := crm.NewAudit(ctx, crm.AuditCreate, "order", "", map[string]any{"customer_id": o.CustomerID, "lines": o.Lines, "total": o.Total,
		"transport": o.Transport, "previous_balance": o.PreviousBalance, "remittance": o.Remittance, "voucher_id": o.VoucherID})
	if err := os.store.CreateOrder(ctx, &o, launch, &e); err != nil {
		return Order{}, err
	}
	return os.store.Order(ctx, o.ID, crm.Scope{All: true}, now)
}

// Facts are what the order workflow's conditions read: the total, the
// set of the lines' product lines (the products' product_line, not their
// codes), and the customer's current tier levels, each as the level code
// of the default scheme ("A") and as scheme:level ("abc:A"). Credit comes
// with the money issue.
func Facts(o Order, tiers []string) workflow.Facts {
	var lines []string
	for _, l := range o.Lines {
		if l.ProductLine != "" && !slices.Contains(lines, l.ProductLine) {
			lines = append(lines, l.ProductLine)
		}
	}
	f := workflow.Facts{workflow.FactAmount: o.Total.Yuan(), workflow.FactProductLine: strings.Join(lines, ",")}
	if len(tiers) > 0 {
		f[workflow.FactTierLevel] = strings.Join(tiers, ",")
	}
	return f
}

// facts are o's facts with its customer's current tiers.
func (os *Service) facts(ctx context.Context, o Order) (workflow.Facts, error) {
	tiers, err := os.store.CustomerTierLevels(ctx, o.CustomerID)
	if err != nil {
		return nil, err
	}
	return Facts(o, tiers), nil
}

// approved sets o approved at now, due to ship ShipDays working days on.
func (os *Service) approved(ctx context.Context, o *Order, now time.Time) error {
	cal, err := os.calendars.Current(ctx)
	if err != nil {
		return err
	}
	due, err := cal.AddWorkingDays(now, max(os.ShipDays, 0))
	if err != nil {
		return err
	}
	t := due.Time.UTC()
	o.Status, o.ApprovedAt, o.ShipDueAt, o.CurrentStep = StatusApproved, &now, &t, ""
	return nil
}

// Get reads an order in the reader's scope, with its approval and
// revisions.
func (os *Service) Get(ctx context.Context, id int64) (Order, error) {
	p, err := crm.Authorize(ctx, crm.ActOrderRead)
	if err != nil {
		return Order{}, err
	}
	o, err := os.store.Order(ctx, id, scope(p, true), os.now())
	if err != nil {
		return Order{}, err
	}
	return os.detail(ctx, o)
}

// Summary reads an order in the reader's scope without its approval and
// revisions: the inbox's line about it.
func (os *Service) Summary(ctx context.Context, id int64) (Order, error) {
	p, err := crm.Authorize(ctx, crm.ActOrderRead)
	if err != nil {
		return Order{}, err
	}
	return os.store.Order(ctx, id, scope(p, true), os.now())
}

func (os *Service) detail(ctx context.Context, o Order) (Order, error) {
	if o.InstanceID > 0 {
		inst, err := os.workflows.Instance(ctx, o.InstanceID)
		if err != nil {
			return Order{}, err
		}
		o.Workflow = &inst
	}
	revs, err := os.store.Revisions(ctx, o.ID)
	if err != nil {
		return Order{}, err
	}
	o.Revisions = revs
	return o, nil
}

// List lists the orders in the reader's scope, newest first, and how many
// match.
func (os *Service) List(ctx context.Context, f Filter) ([]Order, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActOrderRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	f.Scope, f.Now = scope(p, true), os.now()
	list, err := os.store.ListOrders(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := os.store.CountOrders(ctx, f)
	return list, total, err
}

// Decide records the signed-in user's decision on the order's open step.
// Only whoever the step names (or their delegate) may decide; anyone else
// gets a forbidden naming the step. An approval of the finance step
// counts only when the funds check confirms the money.
func (os *Service) Decide(ctx context.Context, id int64, decision, comment string) (Order, error) {
	p, err := crm.Authorize(ctx, crm.ActWorkflowDecide)
	if err != nil {
		return Order{}, err
	}
	now := os.now()
	// An approver decides only orders they can read: approvers are
	// resolved within the customer's scope, and a delegate outside it
	// is answered as for any order they cannot see.
	o, err := os.store.Order(ctx, id, scope(p, true), now)
	if err != nil {
		return Order{}, err
	}
	if o.InstanceID == 0 || o.Status != StatusApproving {
		return Order{}, crm.Fail(crm.EConflict, "order.not_approving", o.Code, msg.M("order.status."+o.Status))
	}
	hook := func(ctx context.Context, _ workflow.Instance, step workflow.Step) error {
		if step.Hook == workflow.HookFunds && os.Funds != nil {
			return os.Funds.Confirm(ctx, o)
		}
		return nil
	}
	a, err := os.workflows.Decide(ctx, o.InstanceID, decision, comment, hook)
	if err != nil {
		if crm.ErrorCode(err) == crm.ENotFound {
			return Order{}, crm.Fail(crm.ENotFound, "order.not_found", id)
		}
		return Order{}, err
	}
	at := now.UTC()
	o.UpdatedAt = at
	switch {
	case a.Finished && a.Instance.Status == workflow.InstanceApproved:
		if err := os.approved(ctx, &o, at); err != nil {
			return Order{}, err
		}
	case a.Finished:
		o.Status, o.CurrentStep = StatusRejected, ""
	case a.Next != nil:
		o.CurrentStep = a.Next.StepName
	}
	if err := os.store.DecideOrder(ctx, &o, a); err != nil {
		return Order{}, err
	}
	o, err = os.store.Order(ctx, id, crm.Scope{All: true}, now)
	if err != nil {
		return Order{}, err
	}
	return os.detail(ctx, o)
}

// sameLines reports whether an adjustment's lines are the order's own:
// the same products, quantities and amounts in the same order.
func sameLines(a, b []Line) bool {
	return slices.EqualFunc(a, b, func(x, y Line) bool {
		return x.ProductID == y.ProductID && x.Quantity == y.Quantity && x.Amount == y.Amount
	})
}

// Adjust changes an order's lines for a shortage (订货调整) with the
// dealer's agreement, keeping the lines before as a revision, and tells
// the dealer's accounts and the customer's owner. During approval the
// approval restarts from its first step on the new lines' facts (the
// audit entry records it); lines that change nothing are refused.
func (os *Service) Adjust(ctx context.Context, id int64, in Adjustment) (Order, error) {
	p, err := crm.Authorize(ctx, crm.ActOrderAdjust)
	if err != nil {
		return Order{}, err
	}
	now := os.now()
	o, err := os.store.Order(ctx, id, scope(p, false), now)
	if err != nil {
		return Order{}, err
	}
	if o.Status == StatusRejected || o.Status == StatusCancelled || o.Status == StatusShipped {
		return Order{}, crm.Fail(crm.EConflict, "order.not_adjustable", o.Code, msg.M("order.status."+o.Status))
	}
	if in.Version != 0 && in.Version != o.Version {
		return Order{}, crm.Fail(crm.EVersionConflict, "order.changed_version", o.Code, o.Version, in.Version)
	}
	lines, total, fs, err := os.lines(ctx, in.Lines)
	if err != nil {
		return Order{}, err
	}
	reason := text(&fs, "reason", in.Reason, 500)
	if reason == "" {
		fs = append(fs, crm.Bad("reason", "required", "order.adjust.reason_required"))
	}
	agreed := text(&fs, "agreed_by", in.AgreedBy, 60)
	if agreed == "" {
		fs = append(fs, crm.Bad("agreed_by", "required", "order.adjust.agreed_required"))
	}
	if len(fs) == 0 && sameLines(o.Lines, lines) {
		fs = append(fs, crm.Bad("lines", "unchanged", "order.adjust.nothing_changed", o.Code))
	}
	if len(fs) > 0 {
		return Order{}, crm.Invalid(fs...)
	}
	at := now.UTC()
	before := o.Lines
	version := o.Version
	o.Lines, o.Total, o.Revision, o.UpdatedAt = lines, total, o.Revision+1, at
	// During approval the approvals given so far were for the old lines:
	// the approval starts again, on the new facts, from its first step.
	var cancel *workflow.Advance
	var launch *workflow.Launch
	if o.Status == StatusApproving && o.InstanceID > 0 {
		old, err := os.workflows.Instance(ctx, o.InstanceID)
		if err != nil {
			return Order{}, err
		}
		cancel = os.workflows.Cancel(ctx, old)
		facts, err := os.facts(ctx, o)
		if err != nil {
			return Order{}, err
		}
		if sub := old.Facts[workflow.FactSubmitter]; sub != "" {
			facts[workflow.FactSubmitter] = sub // separation of duties stays with who submitted
		}
		if launch, err = os.workflows.Prepare(ctx, WorkflowCode, strconv.FormatInt(o.ID, 10), o.CustomerID, facts); err != nil {
			return Order{}, err
		}
		if launch.Task == nil {
			if err := os.approved(ctx, &o, at); err != nil {
				return Order{}, err
			}
		}
	}
	r := Revision{Revision: o.Revision, Lines: lines, Total: total, Reason: reason, AgreedBy: agreed, CreatedAt: at, CreatedBy: p.Username}
	users, err := os.store.DealerUsers(ctx, o.CustomerID)
	if err != nil {
		return Order{}, err
	}
	text := msg.M("order.notice.adjusted", o.Code, o.Revision, reason)
	notice := crm.Notice{To: crm.Audience{Users: users}, Kind: "order_adjusted", Entity: "order", EntityID: strconv.FormatInt(o.ID, 10),
		Text: text, Link: "/orders/" + strconv.FormatInt(o.ID, 10), Message: text.In(msg.ZhCN) + " / " + text.In(msg.En)}
	detail := map[string]any{"revision": o.Revision, "lines": crm.Change{Before: before, After: lines}, "reason": reason, "agreed_by": agreed}
	if launch != nil {
		detail["workflow_restarted"] = true
		detail["workflow_instance"] = crm.Change{Before: o.InstanceID}
	}
	e := crm.NewAudit(ctx, "order_adjust", "order", strconv.FormatInt(o.ID, 10), detail)
	if err := os.store.AdjustOrder(ctx, &o, r, version, []crm.Notice{notice}, cancel, launch, &e); err != nil {
		return Order{}, err
	}
	o, err = os.store.Order(ctx, id, crm.Scope{All: true}, now)
	if err != nil {
		return Order{}, err
	}
	return os.detail(ctx, o)
}
