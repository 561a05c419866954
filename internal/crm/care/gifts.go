package care

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/sales"
)

// GiftInput is a gift to record.
type GiftInput struct {
	ContactID int64  `json:"contact_id"`
	Item      string `json:"item"`
	Cost      string `json:"cost"` // yuan, "299.00"
	Occasion  string `json:"occasion"`
	Note      string `json:"note"`
}

// parseCost reads a positive yuan amount.
func parseCost(field, s string) (sales.Money, *crm.FieldError) {
	m, ok := sales.ParseYuan(s)
	if !ok || m <= 0 {
		f := crm.Bad(field, "format", "care.money.format")
		return 0, &f
	}
	return m, nil
}

// OverBudget reports whether a gift of cost takes a manager who has spent
// approved and has pending waiting over budget (limited: a budget is set).
func OverBudget(limited bool, budget, approved, pending, cost sales.Money) bool {
	return limited && approved+pending+cost > budget
}

// CreateGift records a gift to a contact in scope. Within the budget of
// the customer's tier and this year (or with no budget set) it is
// approved at once; a gift that takes the customer's manager over budget
// is pending until a sales manager approves or rejects it.
func (s *Service) CreateGift(ctx context.Context, in GiftInput) (Gift, error) {
	p, err := crm.Authorize(ctx, crm.ActCareSend)
	if err != nil {
		return Gift{}, err
	}
	in.Item, in.Note = strings.TrimSpace(in.Item), strings.TrimSpace(in.Note)
	var bad []crm.FieldError
	if in.ContactID <= 0 {
		bad = append(bad, crm.Bad("contact_id", "required", "care.contact.required"))
	}
	if in.Item == "" {
		bad = append(bad, crm.Bad("item", "required", "care.item.required"))
	} else if utf8.RuneCountInString(in.Item) > 100 {
		bad = append(bad, crm.Bad("item", "length", "care.max_100"))
	}
	cost, fe := parseCost("cost", in.Cost)
	if fe != nil {
		bad = append(bad, *fe)
	}
	if in.Occasion == "" {
		in.Occasion = OccOther
	}
	if !ValidOccasion(in.Occasion) {
		bad = append(bad, crm.Bad("occasion", "enum", "care.occasion.invalid", in.Occasion))
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		bad = append(bad, crm.Bad("note", "length", "care.max_500"))
	}
	if len(bad) > 0 {
		return Gift{}, crm.Invalid(bad...)
	}
	t, err := s.store.CareTarget(ctx, in.ContactID, scope(p))
	if err != nil {
		return Gift{}, err
	}
	cal, err := s.calendars.Current(ctx)
	if err != nil {
		return Gift{}, err
	}
	year := cal.DateOf(s.now()).Year()
	g := Gift{ContactID: t.ContactID, CustomerID: t.CustomerID, OwnerID: t.OwnerID, TeamID: t.TeamID, Tier: t.Tier, Year: year,
		Item: in.Item, Cost: cost, Occasion: in.Occasion, Note: in.Note, Version: 1, CreatedBy: p.Username, CreatedAt: s.now().UTC()}
	b, limited, err := s.budgetFor(ctx, t.Tier, year)
	if err != nil {
		return Gift{}, err
	}
	g.Status = GiftApproved
	e := crm.NewAudit(ctx, crm.AuditCreate, "gift", "", map[string]any{"contact_id": g.ContactID, "customer_id": g.CustomerID,
		"item": g.Item, "cost": g.Cost.Yuan(), "status": g.Status})
	err = s.store.InsertGift(ctx, &g, &e, func(approved, pending sales.Money) string {
		if OverBudget(limited, b.Amount, approved, pending, cost) {
			return GiftPending
		}
		return GiftApproved
	})
	return g, err
}

// budgetFor is the budget of a tier in a year, else the budget for any tier.
func (s *Service) budgetFor(ctx context.Context, tier string, year int) (Budget, bool, error) {
	b, ok, err := s.store.BudgetFor(ctx, tier, year)
	if err != nil || ok || tier == "" {
		return b, ok, err
	}
	return s.store.BudgetFor(ctx, "", year)
}

// Gift reads one gift in scope.
func (s *Service) Gift(ctx context.Context, id int64) (Gift, error) {
	p, err := crm.Authorize(ctx, crm.ActCareRead)
	if err != nil {
		return Gift{}, err
	}
	return s.store.Gift(ctx, id, scope(p))
}

// Gifts lists gifts in scope, newest first.
func (s *Service) Gifts(ctx context.Context, status string, contactID, afterID int64, limit int) ([]Gift, error) {
	p, err := crm.Authorize(ctx, crm.ActCareRead)
	if err != nil {
		return nil, err
	}
	if status != "" && status != GiftApproved && status != GiftPending && status != GiftRejected {
		return nil, crm.Invalid(crm.Bad("status", "enum", "care.gift.status"))
	}
	return s.store.Gifts(ctx, scope(p), status, contactID, afterID, limit)
}

// Decision approves or rejects a pending gift.
type Decision struct {
	Decision string `json:"decision"` // approve or reject
	Version  int    `json:"version"`
}

// DecideGift is the manager's approval of a gift over budget: a sales
// manager decides for the customers of the team, the gm for all.
func (s *Service) DecideGift(ctx context.Context, id int64, d Decision) (Gift, error) {
	p, err := crm.Authorize(ctx, crm.ActGiftApprove)
	if err != nil {
		return Gift{}, err
	}
	status := map[string]string{"approve": GiftApproved, "reject": GiftRejected}[d.Decision]
	if status == "" {
		return Gift{}, crm.Invalid(crm.Bad("decision", "enum", "care.gift.decision"))
	}
	g, err := s.store.Gift(ctx, id, scope(p))
	if err != nil {
		return g, err
	}
	if g.Status != GiftPending {
		return g, crm.Fail(crm.EConflict, "care.gift.not_pending")
	}
	if d.Version == 0 {
		d.Version = g.Version
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "gift", strconv.FormatInt(id, 10), map[string]string{"decision": status})
	if err := s.store.DecideGift(ctx, id, d.Version, status, p.Username, s.now().UTC(), &e); err != nil {
		return g, err
	}
	return s.store.Gift(ctx, id, scope(p))
}

// BudgetInput sets a budget.
type BudgetInput struct {
	Tier    string `json:"tier"`
	Year    int    `json:"year"`
	Amount  string `json:"amount"`
	Version int    `json:"version"`
}

// Budgets lists the gift budgets of a year (0: every year).
func (s *Service) Budgets(ctx context.Context, year int) ([]Budget, error) {
	if _, err := crm.Authorize(ctx, crm.ActCareRead); err != nil {
		return nil, err
	}
	return s.store.Budgets(ctx, year)
}

// PutBudget sets the budget per manager of a tier ("" any) and year.
func (s *Service) PutBudget(ctx context.Context, in BudgetInput) (Budget, error) {
	if _, err := crm.Authorize(ctx, crm.ActCareManage); err != nil {
		return Budget{}, err
	}
	in.Tier = strings.TrimSpace(in.Tier)
	var bad []crm.FieldError
	if in.Year < 2000 || in.Year > 2100 {
		bad = append(bad, crm.Bad("year", "range", "care.year.range"))
	}
	if utf8.RuneCountInString(in.Tier) > 40 {
		bad = append(bad, crm.Bad("tier", "length", "care.max_40"))
	} else {
		fe, err := s.checkTier(ctx, "tier", in.Tier)
		if err != nil {
			return Budget{}, err
		}
		bad = appendChecked(bad, fe)
	}
	amount, ok := sales.ParseYuan(in.Amount)
	if !ok || amount < 0 {
		bad = append(bad, crm.Bad("amount", "format", "care.money.format"))
	}
	if len(bad) > 0 {
		return Budget{}, crm.Invalid(bad...)
	}
	b := Budget{Tier: in.Tier, Year: in.Year, Amount: amount, Version: in.Version, UpdatedAt: s.now().UTC()}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "gift_budget", in.Tier+"|"+strconv.Itoa(in.Year), map[string]string{"amount": amount.Yuan()})
	return b, s.store.PutBudget(ctx, &b, &e)
}

// SpendReport is spend against budget per manager and per team.
type SpendReport struct {
	Year     int     `json:"year"`
	Managers []Spend `json:"managers"`
	Teams    []Spend `json:"teams"`
}

// Spending reports the year's gift spend against budget, per manager (and
// tier) and per team, for the customers in the caller's scope.
func (s *Service) Spending(ctx context.Context, year int) (SpendReport, error) {
	p, err := crm.Authorize(ctx, crm.ActCareRead)
	if err != nil {
		return SpendReport{}, err
	}
	if year == 0 {
		cal, err := s.calendars.Current(ctx)
		if err != nil {
			return SpendReport{}, err
		}
		year = cal.DateOf(s.now()).Year()
	}
	rows, err := s.store.Spends(ctx, scope(p), year)
	if err != nil {
		return SpendReport{}, err
	}
	rep := SpendReport{Year: year, Managers: []Spend{}, Teams: []Spend{}}
	teams := map[int64]int{}
	for _, r := range rows {
		b, ok, err := s.budgetFor(ctx, r.Tier, year)
		if err != nil {
			return rep, err
		}
		r.Budget, r.HasLimit, r.Year = b.Amount, ok, year
		rep.Managers = append(rep.Managers, r)
		if r.TeamID == 0 {
			continue
		}
		i, seen := teams[r.TeamID]
		if !seen {
			i = len(rep.Teams)
			teams[r.TeamID] = i
			rep.Teams = append(rep.Teams, Spend{TeamID: r.TeamID, TeamName: r.TeamName, Year: year})
		}
		t := &rep.Teams[i]
		t.Budget += r.Budget
		t.Spent += r.Spent
		t.Pending += r.Pending
		t.HasLimit = t.HasLimit || ok
	}
	return rep, nil
}
