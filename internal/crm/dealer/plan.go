package dealer

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/sales"
)

// Plan is a dealer's monthly plan (月计划): what it expects to order of
// each product in the month, at list price.
type Plan struct {
	ID          int64       `json:"id"`
	DealerID    int64       `json:"dealer_id"`
	DealerName  string      `json:"dealer_name"`
	Month       string      `json:"month"`
	Status      string      `json:"status"`
	Lines       []Line      `json:"lines"`
	Quantity    int64       `json:"quantity"`
	Amount      sales.Money `json:"amount"`
	DueAt       time.Time   `json:"due_at"`
	Late        bool        `json:"late"`
	Notes       string      `json:"notes"`
	CreatedBy   int64       `json:"created_by,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	SubmittedBy int64       `json:"submitted_by,omitempty"`
	SubmittedAt *time.Time  `json:"submitted_at,omitempty"`
	Version     int         `json:"version"`
}

// Line is a plan's quantity of one product and its amount at list price.
type Line struct {
	ProductID   int64       `json:"product_id"`
	ProductCode string      `json:"product_code"`
	ProductName string      `json:"product_name"`
	Unit        string      `json:"unit"`
	Quantity    int64       `json:"quantity"`
	ListPrice   sales.Money `json:"list_price"`
	Amount      sales.Money `json:"amount"`
}

// SetLate sets Late: submitted after the due time, or not submitted and
// the due time has passed.
func (p *Plan) SetLate(now time.Time) {
	if p.SubmittedAt != nil {
		p.Late = !p.SubmittedAt.Before(p.DueAt)
	} else {
		p.Late = !now.Before(p.DueAt)
	}
}

// LineInput is a line as a form or the API gives it: quantity as text so
// that a bad one is named.
type LineInput struct {
	ProductID int64
	Quantity  string
}

// PlanInput is a plan as a form or the API gives it. A dealer account's
// plan is its own dealer's whatever DealerID says; nil Lines or Notes keep
// them on a change.
type PlanInput struct {
	DealerID int64
	Month    string
	Lines    []LineInput
	Notes    *string
	Submit   bool // submit at once
}

// PlanFilter chooses the plans of a list, newest month first.
type PlanFilter struct {
	Scope    crm.Scope
	Now      time.Time
	DealerID int64
	Month    string
	Status   string
	After    PlanCursor
	Limit    int
}

// PlanCursor is where a page of plans ends.
type PlanCursor struct {
	Month string `json:"m"`
	ID    int64  `json:"id"`
}

// lines checks in's lines against the active products: every bad row is
// named ("lines[2].quantity").
func (ds *Service) lines(ctx context.Context, in []LineInput) ([]Line, []crm.FieldError, error) {
	var fs []crm.FieldError
	if len(in) == 0 {
		return nil, []crm.FieldError{crm.Bad("lines", "required", "dealer.lines.required")}, nil
	}
	if len(in) > MaxLines {
		return nil, []crm.FieldError{crm.Bad("lines", "length", "dealer.lines.too_many", MaxLines)}, nil
	}
	out := make([]Line, 0, len(in))
	seen := map[int64]int{}
	for i, l := range in {
		field := func(f string) string { return "lines[" + strconv.Itoa(i) + "]." + f }
		row := i + 1
		var line Line
		if l.ProductID <= 0 {
			fs = append(fs, crm.Bad(field("product_id"), "required", "dealer.line.product_required", row))
		} else if first, dup := seen[l.ProductID]; dup {
			fs = append(fs, crm.Bad(field("product_id"), "duplicate", "dealer.line.product_twice", row, first))
		} else {
			seen[l.ProductID] = row
			p, err := ds.sales.Product(ctx, l.ProductID)
			switch {
			case crm.ErrorCode(err) == crm.ENotFound:
				fs = append(fs, crm.Bad(field("product_id"), "unknown", "dealer.line.product_unknown", row, l.ProductID))
			case err != nil:
				return nil, nil, err
			case !p.Active:
				fs = append(fs, crm.Bad(field("product_id"), "inactive", "dealer.line.product_inactive", row, p.Code))
			default:
				line = Line{ProductID: p.ID, ProductCode: p.Code, ProductName: p.Name, Unit: p.Unit, ListPrice: p.ListPrice}
			}
		}
		q := strings.TrimSpace(l.Quantity)
		n, err := strconv.ParseInt(q, 10, 64)
		switch {
		case q == "":
			fs = append(fs, crm.Bad(field("quantity"), "required", "dealer.line.quantity_required", row))
		case err != nil:
			fs = append(fs, crm.Bad(field("quantity"), "format", "dealer.line.quantity_format", row))
		case n <= 0:
			fs = append(fs, crm.Bad(field("quantity"), "negative", "dealer.line.quantity_positive", row))
		case n > sales.MaxQuantity || line.ListPrice > 0 && n > sales.MaxFen/int64(line.ListPrice):
			fs = append(fs, crm.Bad(field("quantity"), "range", "dealer.line.quantity_range", row))
		default:
			line.Quantity = n
			line.Amount = line.ListPrice * sales.Money(n)
		}
		out = append(out, line)
	}
	return out, fs, nil
}

// totals sums p's lines.
func (p *Plan) totals() {
	p.Quantity, p.Amount = 0, 0
	for _, l := range p.Lines {
		p.Quantity += l.Quantity
		p.Amount += l.Amount
	}
}

// dealerFor is the dealer a plan of p's is for: a dealer account's own,
// else the one named, which must be a live dealer the caller may change.
func (ds *Service) dealerFor(ctx context.Context, p crm.Principal, named int64) (int64, string, *crm.FieldError, error) {
	id := named
	if p.Role == crm.RoleDealer {
		id = p.DealerID
	}
	bad := func(code, key string, args ...any) (int64, string, *crm.FieldError, error) {
		f := crm.Bad("dealer_id", code, key, args...)
		return 0, "", &f, nil
	}
	if id <= 0 {
		return bad("required", "dealer.dealer_id.required")
	}
	c, err := ds.customers.Get(ctx, id)
	if crm.ErrorCode(err) == crm.ENotFound {
		return bad("unknown", "dealer.dealer_id.unknown", id)
	} else if err != nil {
		return 0, "", nil, err
	}
	if c.Kind != Kind {
		return bad("not_dealer", "dealer.dealer_id.not_dealer", c.Name)
	}
	if err := ds.customers.Visible(ctx, id, crm.CustomerScope(p)); crm.ErrorCode(err) == crm.ENotFound {
		return bad("unknown", "dealer.dealer_id.unknown", id)
	} else if err != nil {
		return 0, "", nil, err
	}
	return id, c.Name, nil, nil
}

func planDetail(p Plan) map[string]any {
	lines := make([]map[string]any, len(p.Lines))
	for i, l := range p.Lines {
		lines[i] = map[string]any{"product_id": l.ProductID, "quantity": l.Quantity, "amount_fen": int64(l.Amount)}
	}
	return map[string]any{"dealer_id": p.DealerID, "month": p.Month, "status": p.Status, "lines": lines,
		"amount_fen": int64(p.Amount), "late": p.Late}
}

// CreatePlan starts a dealer's plan for a month (submitted at once when
// in.Submit). One plan per dealer and month: a second is a conflict.
func (ds *Service) CreatePlan(ctx context.Context, in PlanInput) (Plan, error) {
	p, err := crm.Authorize(ctx, crm.ActDealerPlanWrite)
	if err != nil {
		return Plan{}, err
	}
	var fs []crm.FieldError
	dealerID, name, fe, err := ds.dealerFor(ctx, p, in.DealerID)
	if err != nil {
		return Plan{}, err
	}
	if fe != nil {
		fs = append(fs, *fe)
	}
	month := strings.TrimSpace(in.Month)
	if month == "" {
		month = ds.Month()
	}
	if _, _, ok := ParseMonth(month); !ok {
		fs = append(fs, crm.Bad("month", "format", "dealer.month.format"))
	}
	lines, lfs, err := ds.lines(ctx, in.Lines)
	if err != nil {
		return Plan{}, err
	}
	fs = append(fs, lfs...)
	plan := Plan{DealerID: dealerID, DealerName: name, Month: month, Status: PlanDraft, Lines: lines}
	if in.Notes != nil {
		plan.Notes = strings.TrimSpace(*in.Notes)
		if utf8.RuneCountInString(plan.Notes) > 1000 {
			fs = append(fs, crm.Bad("notes", "length", "dealer.notes.length", 1000))
		}
	}
	if len(fs) > 0 {
		return Plan{}, crm.Invalid(fs...)
	}
	plan.totals()
	if plan.DueAt, err = ds.dueAt(ctx, month); err != nil {
		return Plan{}, err
	}
	now := ds.now().UTC()
	plan.CreatedAt, plan.UpdatedAt, plan.Version = now, now, 1
	if p.UserID > 0 {
		plan.CreatedBy = p.UserID
	}
	if in.Submit {
		plan.Status, plan.SubmittedAt, plan.SubmittedBy = PlanSubmitted, &now, plan.CreatedBy
	}
	plan.SetLate(now)
	e := crm.NewAudit(ctx, crm.AuditCreate, "dealer_plan", "", planDetail(plan))
	if err := ds.store.CreatePlan(ctx, &plan, &e); err != nil {
		return Plan{}, err
	}
	return plan, nil
}

// dueAt is the due time of month's plans under today's settings.
func (ds *Service) dueAt(ctx context.Context, month string) (time.Time, error) {
	day, _, err := ds.dueDay(ctx)
	if err != nil {
		return time.Time{}, err
	}
	cal, err := ds.calendars.Current(ctx)
	if err != nil {
		return time.Time{}, err
	}
	t, err := DueAt(cal, month, day, crm.Shanghai)
	return t.UTC(), err
}

// Plan reads one plan of a dealer the caller may see; any other is not
// found.
func (ds *Service) Plan(ctx context.Context, id int64) (Plan, error) {
	p, err := crm.Authorize(ctx, crm.ActDealerPlanRead)
	if err != nil {
		return Plan{}, err
	}
	now := ds.now()
	plan, err := ds.store.Plan(ctx, id, crm.ReadScope(p), now)
	if err != nil {
		return Plan{}, err
	}
	plan.SetLate(now)
	return plan, nil
}

// UpdatePlan changes a draft plan read at version: its lines and notes,
// and submits it when in.Submit. A dealer changes its own plans only;
// sales staff those of dealers in their scope.
func (ds *Service) UpdatePlan(ctx context.Context, id int64, version int, in PlanInput) (Plan, error) {
	p, err := crm.Authorize(ctx, crm.ActDealerPlanWrite)
	if err != nil {
		return Plan{}, err
	}
	now := ds.now()
	plan, err := ds.store.Plan(ctx, id, crm.CustomerScope(p), now)
	if err != nil {
		return Plan{}, err
	}
	if version != plan.Version {
		return Plan{}, crm.Fail(crm.EVersionConflict, "dealer.plan.changed", plan.Version, version)
	}
	if plan.Status != PlanDraft {
		return Plan{}, crm.Fail(crm.EConflict, "dealer.plan.submitted")
	}
	var fs []crm.FieldError
	if in.Lines != nil {
		lines, lfs, err := ds.lines(ctx, in.Lines)
		if err != nil {
			return Plan{}, err
		}
		plan.Lines, fs = lines, lfs
	}
	if in.Notes != nil {
		plan.Notes = strings.TrimSpace(*in.Notes)
		if utf8.RuneCountInString(plan.Notes) > 1000 {
			fs = append(fs, crm.Bad("notes", "length", "dealer.notes.length", 1000))
		}
	}
	if len(fs) > 0 {
		return Plan{}, crm.Invalid(fs...)
	}
	plan.totals()
	at := now.UTC()
	plan.UpdatedAt = at
	action := crm.AuditUpdate
	if in.Submit {
		plan.Status, plan.SubmittedAt = PlanSubmitted, &at
		if p.UserID > 0 {
			plan.SubmittedBy = p.UserID
		}
		action = "dealer_plan_submit"
	}
	plan.SetLate(at)
	e := crm.NewAudit(ctx, action, "dealer_plan", strconv.FormatInt(plan.ID, 10), planDetail(plan))
	if err := ds.store.UpdatePlan(ctx, &plan, &e); err != nil {
		return Plan{}, err
	}
	return plan, nil
}

// SubmitPlan submits a draft plan read at version.
func (ds *Service) SubmitPlan(ctx context.Context, id int64, version int) (Plan, error) {
	return ds.UpdatePlan(ctx, id, version, PlanInput{Submit: true})
}

// Plans lists the plans of the dealers the caller may see that match f,
// newest month first, and how many match.
func (ds *Service) Plans(ctx context.Context, f PlanFilter) ([]Plan, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActDealerPlanRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	var fs []crm.FieldError
	if f.Month != "" {
		if _, _, ok := ParseMonth(f.Month); !ok {
			fs = append(fs, crm.Bad("month", "format", "dealer.month.format"))
		}
	}
	if f.Status != "" && !slices.Contains(PlanStatuses, f.Status) {
		fs = append(fs, crm.Bad("status", "unknown", "dealer.one_of", strings.Join(PlanStatuses, ", ")))
	}
	if f.After != (PlanCursor{}) {
		if _, _, ok := ParseMonth(f.After.Month); !ok || f.After.ID < 1 {
			fs = append(fs, crm.Bad("cursor", "invalid", "dealer.cursor"))
		}
	}
	if len(fs) > 0 {
		e := crm.Invalid(fs...)
		e.Code = crm.EBadRequest
		return nil, crm.ListTotal{}, e
	}
	f.Scope, f.Now = crm.ReadScope(p), ds.now()
	list, err := ds.store.ListPlans(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	for i := range list {
		list[i].SetLate(f.Now)
	}
	total, err := ds.store.CountPlans(ctx, f)
	return list, total, err
}
