package dealer

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/msg"
)

// NoticeReminder is the kind of a plan reminder in the inbox.
const NoticeReminder crm.NoticeKind = "dealer_plan_reminder"

// SalesPlan is the month's sales plan: the dealers' submitted plans
// merged by sales, submitted to the GM, approved or returned with a
// comment.
type SalesPlan struct {
	Month       string          `json:"month"`
	Status      string          `json:"status"`
	Plans       int             `json:"plans"` // dealer plans merged
	Quantity    int64           `json:"quantity"`
	Amount      sales.Money     `json:"amount"`
	Lines       []SalesPlanLine `json:"lines"`      // per dealer and product
	ByProduct   []ProductTotal  `json:"by_product"` // per product
	ByDealer    []DealerTotal   `json:"by_dealer"`  // per dealer
	MergedBy    int64           `json:"merged_by,omitempty"`
	MergedAt    time.Time       `json:"merged_at"`
	SubmittedBy int64           `json:"submitted_by,omitempty"`
	SubmittedAt *time.Time      `json:"submitted_at,omitempty"`
	DecidedBy   int64           `json:"decided_by,omitempty"`
	DecidedAt   *time.Time      `json:"decided_at,omitempty"`
	Comment     string          `json:"comment"`
	Version     int             `json:"version"`
}

// SalesPlanLine is one dealer's quantity of one product in the month.
type SalesPlanLine struct {
	DealerID    int64       `json:"dealer_id"`
	DealerName  string      `json:"dealer_name"`
	ProductID   int64       `json:"product_id"`
	ProductCode string      `json:"product_code"`
	ProductName string      `json:"product_name"`
	Quantity    int64       `json:"quantity"`
	Amount      sales.Money `json:"amount"`
}

// ProductTotal is the month's quantity of one product over all dealers.
type ProductTotal struct {
	ProductID   int64       `json:"product_id"`
	ProductCode string      `json:"product_code"`
	ProductName string      `json:"product_name"`
	Quantity    int64       `json:"quantity"`
	Amount      sales.Money `json:"amount"`
}

// DealerTotal is one dealer's month over all products.
type DealerTotal struct {
	DealerID   int64       `json:"dealer_id"`
	DealerName string      `json:"dealer_name"`
	Quantity   int64       `json:"quantity"`
	Amount     sales.Money `json:"amount"`
	Late       bool        `json:"late"`
}

// Totals fills the plan's totals per product and dealer from its lines.
func (sp *SalesPlan) Totals() {
	byP := map[int64]*ProductTotal{}
	byD := map[int64]*DealerTotal{}
	sp.Quantity, sp.Amount, sp.ByProduct, sp.ByDealer = 0, 0, []ProductTotal{}, []DealerTotal{}
	late := map[int64]bool{}
	for _, d := range sp.ByDealer {
		late[d.DealerID] = d.Late
	}
	for _, l := range sp.Lines {
		sp.Quantity += l.Quantity
		sp.Amount += l.Amount
		p := byP[l.ProductID]
		if p == nil {
			p = &ProductTotal{ProductID: l.ProductID, ProductCode: l.ProductCode, ProductName: l.ProductName}
			byP[l.ProductID] = p
		}
		p.Quantity += l.Quantity
		p.Amount += l.Amount
		d := byD[l.DealerID]
		if d == nil {
			d = &DealerTotal{DealerID: l.DealerID, DealerName: l.DealerName}
			byD[l.DealerID] = d
		}
		d.Quantity += l.Quantity
		d.Amount += l.Amount
	}
	for _, p := range byP {
		sp.ByProduct = append(sp.ByProduct, *p)
	}
	for _, d := range byD {
		sp.ByDealer = append(sp.ByDealer, *d)
	}
	sort.Slice(sp.ByProduct, func(i, j int) bool { return sp.ByProduct[i].ProductCode < sp.ByProduct[j].ProductCode })
	sort.Slice(sp.ByDealer, func(i, j int) bool { return sp.ByDealer[i].DealerID < sp.ByDealer[j].DealerID })
	if sp.Lines == nil {
		sp.Lines = []SalesPlanLine{}
	}
}

func (ds *Service) checkMonth(month string) error {
	if _, _, ok := ParseMonth(month); !ok {
		return crm.Invalid(crm.Bad("month", "format", "dealer.month.format"))
	}
	return nil
}

// SalesPlan reads the month's sales plan (sales managers and the GM).
func (ds *Service) SalesPlan(ctx context.Context, month string) (SalesPlan, error) {
	if _, err := authorizeAny(ctx, crm.ActSalesPlanManage, crm.ActSalesPlanApprove); err != nil {
		return SalesPlan{}, err
	}
	if err := ds.checkMonth(month); err != nil {
		return SalesPlan{}, err
	}
	sp, err := ds.store.SalesPlan(ctx, month)
	if err != nil {
		return SalesPlan{}, err
	}
	sp.Totals()
	return sp, nil
}

// Merge merges the month's submitted dealer plans into the month's sales
// plan (sales), replacing an earlier merge that is still a draft or was
// returned. created is true when the month had no sales plan.
func (ds *Service) Merge(ctx context.Context, month string) (SalesPlan, bool, error) {
	p, err := crm.Authorize(ctx, crm.ActSalesPlanManage)
	if err != nil {
		return SalesPlan{}, false, err
	}
	if err := ds.checkMonth(month); err != nil {
		return SalesPlan{}, false, err
	}
	sp, err := ds.store.SalesPlan(ctx, month)
	created := crm.ErrorCode(err) == crm.ENotFound
	if err != nil && !created {
		return SalesPlan{}, false, err
	}
	if !created && sp.Status != SalesPlanDraft && sp.Status != SalesPlanReturned {
		return SalesPlan{}, false, crm.Fail(crm.EConflict, "dealer.sales_plan.not_open", month, sp.Status)
	}
	plans, err := ds.store.SubmittedPlans(ctx, month)
	if err != nil {
		return SalesPlan{}, false, err
	}
	now := ds.now()
	if created {
		sp = SalesPlan{Month: month}
	}
	sp.Status, sp.Plans, sp.Lines, sp.ByDealer = SalesPlanDraft, len(plans), nil, nil
	for _, pl := range plans {
		pl.SetLate(now)
		sp.ByDealer = append(sp.ByDealer, DealerTotal{DealerID: pl.DealerID, Late: pl.Late})
		for _, l := range pl.Lines {
			sp.Lines = append(sp.Lines, SalesPlanLine{DealerID: pl.DealerID, DealerName: pl.DealerName, ProductID: l.ProductID,
				ProductCode: l.ProductCode, ProductName: l.ProductName, Quantity: l.Quantity, Amount: l.Amount})
		}
	}
	sp.Totals()
	sp.MergedAt = now.UTC()
	if p.UserID > 0 {
		sp.MergedBy = p.UserID
	}
	e := crm.NewAudit(ctx, "sales_plan_merge", "sales_plan", month, map[string]any{"plans": sp.Plans, "quantity": sp.Quantity,
		"amount_fen": int64(sp.Amount)})
	if err := ds.store.SaveSalesPlan(ctx, &sp, true, &e); err != nil {
		return SalesPlan{}, false, err
	}
	return sp, created, nil
}

// SubmitSalesPlan submits the month's merged sales plan to the GM.
func (ds *Service) SubmitSalesPlan(ctx context.Context, month string, version int) (SalesPlan, error) {
	p, err := crm.Authorize(ctx, crm.ActSalesPlanManage)
	if err != nil {
		return SalesPlan{}, err
	}
	sp, err := ds.salesPlanAt(ctx, month, version)
	if err != nil {
		return SalesPlan{}, err
	}
	if sp.Status != SalesPlanDraft && sp.Status != SalesPlanReturned {
		return SalesPlan{}, crm.Fail(crm.EConflict, "dealer.sales_plan.not_open", month, sp.Status)
	}
	now := ds.now().UTC()
	sp.Status, sp.SubmittedAt, sp.SubmittedBy = SalesPlanSubmitted, &now, max(p.UserID, 0)
	e := crm.NewAudit(ctx, "sales_plan_submit", "sales_plan", month, map[string]any{"quantity": sp.Quantity, "amount_fen": int64(sp.Amount)})
	if err := ds.store.SaveSalesPlan(ctx, &sp, false, &e); err != nil {
		return SalesPlan{}, err
	}
	return sp, nil
}

// Decisions on a sales plan.
const (
	DecisionApprove = "approve"
	DecisionReturn  = "return"
)

// DecideSalesPlan approves a submitted sales plan or returns it to sales
// with a comment (the GM), audited.
func (ds *Service) DecideSalesPlan(ctx context.Context, month string, version int, decision, comment string) (SalesPlan, error) {
	p, err := crm.Authorize(ctx, crm.ActSalesPlanApprove)
	if err != nil {
		return SalesPlan{}, err
	}
	comment = strings.TrimSpace(comment)
	var fs []crm.FieldError
	if decision != DecisionApprove && decision != DecisionReturn {
		fs = append(fs, crm.Bad("decision", "unknown", "dealer.one_of", DecisionApprove+", "+DecisionReturn))
	}
	if decision == DecisionReturn && comment == "" {
		fs = append(fs, crm.Bad("comment", "required", "dealer.comment.required"))
	}
	if utf8.RuneCountInString(comment) > 1000 {
		fs = append(fs, crm.Bad("comment", "length", "dealer.notes.length", 1000))
	}
	if len(fs) > 0 {
		return SalesPlan{}, crm.Invalid(fs...)
	}
	sp, err := ds.salesPlanAt(ctx, month, version)
	if err != nil {
		return SalesPlan{}, err
	}
	if sp.Status != SalesPlanSubmitted {
		return SalesPlan{}, crm.Fail(crm.EConflict, "dealer.sales_plan.not_submitted", month)
	}
	now := ds.now().UTC()
	sp.Status = SalesPlanApproved
	if decision == DecisionReturn {
		sp.Status = SalesPlanReturned
	}
	sp.DecidedAt, sp.DecidedBy, sp.Comment = &now, max(p.UserID, 0), comment
	e := crm.NewAudit(ctx, "sales_plan_"+decision, "sales_plan", month, map[string]any{"decision": decision, "comment": comment})
	if err := ds.store.SaveSalesPlan(ctx, &sp, false, &e); err != nil {
		return SalesPlan{}, err
	}
	return sp, nil
}

// salesPlanAt reads the month's sales plan, checking it is still at
// version (0: any).
func (ds *Service) salesPlanAt(ctx context.Context, month string, version int) (SalesPlan, error) {
	if err := ds.checkMonth(month); err != nil {
		return SalesPlan{}, err
	}
	sp, err := ds.store.SalesPlan(ctx, month)
	if err != nil {
		return SalesPlan{}, err
	}
	if version != 0 && version != sp.Version {
		return SalesPlan{}, crm.Fail(crm.EVersionConflict, "dealer.sales_plan.changed", month)
	}
	sp.Totals()
	return sp, nil
}

// RemindPlans sends the reminder due today (China time) — on the 1st and
// 3rd working days of the month, to the accounts of every dealer with no
// submitted plan for the month — once per dealer and round however often
// it runs. It returns how many dealers it reminded.
func (ds *Service) RemindPlans(ctx context.Context) (int, error) {
	if _, err := crm.Authorize(ctx, crm.ActSettingsManage); err != nil {
		return 0, err
	}
	cal, err := ds.calendars.Current(ctx)
	if err != nil {
		return 0, err
	}
	now := ds.now()
	today := cal.DateOf(now)
	round := ReminderRound(cal, today)
	if round == 0 {
		return 0, nil
	}
	month := fmt.Sprintf("%04d-%02d", today.Year(), int(today.Month()))
	due, err := ds.dueAt(ctx, month)
	if err != nil {
		return 0, err
	}
	if !now.Before(due) {
		return 0, nil
	}
	dealers, err := ds.store.DealersWithoutPlan(ctx, month, round)
	if err != nil || len(dealers) == 0 {
		return 0, err
	}
	dueDay := due.In(crm.Shanghai).AddDate(0, 0, -1).Format(time.DateOnly)
	ids := make([]int64, 0, len(dealers))
	var notices []crm.Notice
	for _, d := range dealers {
		ids = append(ids, d.DealerID)
		if len(d.Users) == 0 {
			continue
		}
		text := msg.M("dealer.notice.reminder", month, dueDay)
		zh, en := text.In(msg.ZhCN), text.In(msg.En)
		notices = append(notices, crm.Notice{To: crm.Audience{Users: d.Users}, Kind: NoticeReminder, Entity: "customer",
			EntityID: strconv.FormatInt(d.DealerID, 10), Text: text, Link: "/portal", Message: zh + " / " + en,
			MailBody: zh + "\n" + en + "\n\n/portal\n"})
	}
	return ds.store.MarkReminded(ctx, month, round, ids, notices, now.UTC())
}
