package complaint

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/secure"
)

// Complaint is a customer's complaint (客诉), from intake to closing.
type Complaint struct {
	ID                int64      `json:"id"`
	Number            string     `json:"number"` // YYYYMM-NNNN
	CustomerID        int64      `json:"customer_id,omitempty"`
	CallerName        string     `json:"caller_name,omitempty"`  // an unidentified caller
	CallerPhone       string     `json:"caller_phone,omitempty"` // masked
	ContactName       string     `json:"contact"`
	ReceivedAt        time.Time  `json:"received_at"`
	Channel           string     `json:"channel"`
	Category          string     `json:"category"`
	Quality           bool       `json:"quality"` // 质量异常
	Severity          string     `json:"severity"`
	OrderNo           string     `json:"order_no"`
	PartNo            string     `json:"part_no"`
	Quantity          *int64     `json:"quantity,omitempty"`
	DeliveryDate      string     `json:"delivery_date"`
	DefectiveQuantity *int64     `json:"defective_quantity,omitempty"`
	Demand            string     `json:"demand"`
	Description       string     `json:"description"`
	Status            string     `json:"status"`
	ReplyDueAt        time.Time  `json:"reply_due_at"`
	SolutionDueAt     *time.Time `json:"solution_due_at,omitempty"`
	CreatedBy         int64      `json:"created_by,omitempty"`
	ComplaintWork
	ComplaintSLA
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	CallerPhoneEnc  string `json:"-"`
	ContactEmailEnc string `json:"-"`
}

// ComplaintSLA is a complaint's deadline rule, clocks, escalation, its
// abnormality record and its satisfaction score.
type ComplaintSLA struct {
	ContactEmail            string     `json:"contact_email,omitempty"` // masked; the CSAT survey goes here
	SLARule                 string     `json:"sla_rule,omitempty"`      // the rule that set the deadlines: category/severity/tier, * for any
	ReplyTimeLeftSeconds    int64      `json:"reply_time_left_seconds"` // until reply_due_at; negative when past
	SolutionTimeLeftSeconds *int64     `json:"solution_time_left_seconds,omitempty"`
	EscalateAfterDays       int        `json:"escalate_after_working_days"`
	EscalateAt              *time.Time `json:"escalate_at,omitempty"` // when an overdue complaint goes to the gm
	EscalatedAt             *time.Time `json:"escalated_at,omitempty"`
	EscalationReason        string     `json:"escalation_reason,omitempty"` // major or overdue
	AbnormalityID           int64      `json:"abnormality_id,omitempty"`    // 异常处理单 of a quality complaint
	CSATScore               *int       `json:"csat_score,omitempty"`
	CSATComment             string     `json:"csat_comment,omitempty"`
	CSATAt                  *time.Time `json:"csat_at,omitempty"`
}

// The option lists of a complaint.
var (
	ComplaintChannels   = []string{"phone", "email", "web", "letter", "visit", "other"}
	ComplaintCategories = []string{"product_quality", "service", "logistics", "price", "after_sales", "other"}
	ComplaintSeverities = []string{"normal", "major"}
)

// The default deadlines of the policies: a first reply within 24 hours
// of receipt, a solution within 2 working days for non-quality complaints
// (the rules in DefaultComplaintRule; admins change them as data).
const (
	DefaultReplyWithin        = 24 * time.Hour
	DefaultSolutionWorkingDay = 2
)

// ComplaintStore keeps complaints.
type ComplaintStore interface {
	CreateComplaint(ctx context.Context, c *Complaint, e *crm.AuditEntry) error
	Complaint(ctx context.Context, id int64) (Complaint, error)
	ListComplaints(ctx context.Context, s crm.Scope, beforeID int64, limit int) ([]Complaint, error)
	ComplaintTimes(ctx context.Context, customerID int64) ([]time.Time, error) // received_at, oldest first
}

// Service handles complaint intake and reading.
type Service struct {
	store     Store
	customers *customer.Service
	calendars *crm.Calendars
	sealer    crm.Sealer
	now       func() time.Time
}

// Store is what the complaint service needs from storage.
type Store interface {
	ComplaintStore
	ComplaintFlowStore
	PublicStore
	ComplaintRuleStore
	complaintExtraStore
	CustomerComplaintStore
	LedgerStore
}

// New returns the complaint service.
func New(s Store, customers *customer.Service, calendars *crm.Calendars, sealer crm.Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, calendars: calendars, sealer: sealer, now: now}
}

// complaintScope is who sees which complaints: the service desk, QA,
// production and the gm see all; others see the complaints of the
// customers in their scope.
func complaintScope(p crm.Principal) crm.Scope {
	switch p.Role {
	case crm.RoleService, crm.RoleQA, crm.RoleProduction, crm.RoleGM:
		return crm.Scope{All: true, UserID: p.UserID}
	}
	return crm.CustomerScope(p)
}

// Create registers a complaint: it validates the intake, derives the
// quality flag from the category unless given, allocates the number and
// sets the deadlines on the working-day calendar.
func (cs *Service) Create(ctx context.Context, c Complaint, callerPhone string, quality *bool, lang string) (Complaint, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintCreate)
	if err != nil {
		return c, err
	}
	var fs []crm.FieldError
	bad := func(field, code, msg string) { fs = append(fs, crm.FieldError{Field: field, Code: code, Message: msg}) }
	now := cs.now().UTC()
	if c.ReceivedAt.IsZero() {
		c.ReceivedAt = now
	} else if c.ReceivedAt.After(now.Add(time.Hour)) {
		bad("received_at", "future", "cannot lie in the future")
	}
	if c.CustomerID == 0 && (strings.TrimSpace(c.CallerName) == "" || callerPhone == "") {
		bad("customer_id", "required", "give the customer, or the caller's name and phone for an unidentified caller")
	}
	tier := ""
	if c.CustomerID != 0 {
		if cu, err := cs.customers.Get(ctx, c.CustomerID); crm.ErrorCode(err) == crm.ENotFound {
			bad("customer_id", "unknown", "no such customer")
		} else if err != nil {
			return c, err
		} else {
			tier = cu.Stage
		}
	}
	if email := strings.TrimSpace(c.ContactEmail); email != "" {
		if !crm.ValidEmail(email) {
			bad("contact_email", "format", "must be an e-mail address such as name@example.com")
		} else if enc, err := cs.sealer.Encrypt([]byte(email), secure.AAD("complaints", "contact_email")); err == nil {
			c.ContactEmailEnc, c.ContactEmail = enc, crm.MaskEmail(email)
		} else {
			return c, err
		}
	}
	if callerPhone != "" {
		norm, pr := cn.ValidateMobile(callerPhone)
		if pr != nil && pr.Severity == cn.Error {
			if norm2, pr2 := cn.ValidateLandline(callerPhone); pr2 == nil || pr2.Severity != cn.Error {
				norm = norm2
			} else {
				bad("caller_phone", pr.Code, pr.Message(lang))
			}
		}
		if enc, err := cs.sealer.Encrypt([]byte(norm), secure.AAD("complaints", "caller_phone")); err == nil {
			c.CallerPhoneEnc, c.CallerPhone = enc, secure.MaskMobile(norm)
		} else {
			return c, err
		}
	}
	if !slices.Contains(ComplaintChannels, c.Channel) {
		bad("channel", "unknown", "must be one of "+strings.Join(ComplaintChannels, ", "))
	}
	if !slices.Contains(ComplaintCategories, c.Category) {
		bad("category", "unknown", "must be one of "+strings.Join(ComplaintCategories, ", "))
	}
	if c.Severity == "" {
		c.Severity = "normal"
	}
	if !slices.Contains(ComplaintSeverities, c.Severity) {
		bad("severity", "unknown", "must be normal or major")
	}
	if c.DeliveryDate != "" {
		if _, err := calendar.ParseDate(c.DeliveryDate); err != nil {
			bad("delivery_date", "format", "must be a date written YYYY-MM-DD")
		}
	}
	for name, q := range map[string]*int64{"quantity": c.Quantity, "defective_quantity": c.DefectiveQuantity} {
		if q != nil && *q < 0 {
			bad(name, "range", "must not be negative")
		}
	}
	if c.Quantity != nil && c.DefectiveQuantity != nil && *c.DefectiveQuantity > *c.Quantity {
		bad("defective_quantity", "range", "cannot exceed the quantity")
	}
	c.Description = strings.TrimSpace(c.Description)
	if c.Description == "" || utf8.RuneCountInString(c.Description) > 5000 {
		bad("description", "length", "must be 1 to 5000 characters")
	}
	if len(fs) > 0 {
		return c, crm.Invalid(fs...)
	}
	c.Quality = c.Category == "product_quality"
	if quality != nil {
		c.Quality = *quality
	}
	if err := cs.deadlines(ctx, &c, tier); err != nil {
		return c, err
	}
	c.ReceivedAt, c.Status, c.CreatedAt, c.UpdatedAt, c.Version = c.ReceivedAt.UTC(), "registered", now, now, 1
	if p.UserID > 0 {
		c.CreatedBy = p.UserID
	}
	detail := map[string]any{"category": c.Category, "severity": c.Severity, "customer_id": c.CustomerID, "sla_rule": c.SLARule}
	if c.Severity == "major" {
		// 重大问题应立即向上级报告: the gm hears of it at once.
		c.EscalatedAt, c.EscalationReason = &now, "major"
		detail["escalated"] = "major"
	}
	if c.Quality {
		detail["abnormality"] = "opened"
	}
	e := crm.NewAudit(ctx, crm.AuditCreate, "complaint", "", detail)
	if err := cs.store.CreateComplaint(ctx, &c, &e); err != nil {
		return c, err
	}
	cs.present(&c)
	return c, nil
}

// Get reads one complaint the caller may see.
func (cs *Service) Get(ctx context.Context, id int64) (Complaint, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return Complaint{}, err
	}
	c, err := cs.store.Complaint(ctx, id)
	if err != nil {
		return c, err
	}
	if s := complaintScope(p); !s.All {
		if c.CustomerID == 0 {
			return Complaint{}, crm.Errorf(crm.ENotFound, "no such complaint")
		}
		if _, _, err := cs.customers.Store.Customer(ctx, c.CustomerID, s, false, cs.now()); err != nil {
			return Complaint{}, crm.Errorf(crm.ENotFound, "no such complaint")
		}
	}
	cs.present(&c)
	return c, nil
}

// List returns the complaints the caller may see, newest first.
func (cs *Service) List(ctx context.Context, beforeID int64, limit int) ([]Complaint, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return nil, err
	}
	list, err := cs.store.ListComplaints(ctx, complaintScope(p), beforeID, limit)
	for i := range list {
		cs.present(&list[i])
	}
	return list, err
}

// present masks a complaint's personal data and sets its clocks.
func (cs *Service) present(c *Complaint) {
	if c.CallerPhoneEnc != "" {
		if b, err := cs.sealer.Decrypt(c.CallerPhoneEnc, secure.AAD("complaints", "caller_phone")); err == nil {
			c.CallerPhone = secure.MaskMobile(string(b))
		}
	}
	if c.ContactEmailEnc != "" {
		if b, err := cs.sealer.Decrypt(c.ContactEmailEnc, secure.AAD("complaints", "contact_email")); err == nil {
			c.ContactEmail = crm.MaskEmail(string(b))
		}
	}
	now := cs.now()
	c.ReplyTimeLeftSeconds = int64(c.ReplyDueAt.Sub(now) / time.Second)
	c.SolutionTimeLeftSeconds = nil
	if c.SolutionDueAt != nil {
		left := int64(c.SolutionDueAt.Sub(now) / time.Second)
		c.SolutionTimeLeftSeconds = &left
	}
}

// contactEmail is a complaint's contact e-mail in full, or "".
func (cs *Service) contactEmail(c Complaint) string {
	if c.ContactEmailEnc == "" {
		return ""
	}
	b, err := cs.sealer.Decrypt(c.ContactEmailEnc, secure.AAD("complaints", "contact_email"))
	if err != nil {
		return ""
	}
	return string(b)
}

// PeriodCount is how many complaints a customer made in one period.
type PeriodCount struct {
	Period string `json:"period"` // 2026, 2026-Q4 or 2026-11
	Count  int    `json:"count"`
}

// CountsByPeriod counts a customer's complaints by month, quarter or year
// of receipt in China time, oldest first (for tiering and risk).
func (cs *Service) CountsByPeriod(ctx context.Context, customerID int64, period string) ([]PeriodCount, error) {
	if _, err := crm.Authorize(ctx, crm.ActComplaintRead); err != nil {
		return nil, err
	}
	if _, err := cs.customers.Get(ctx, customerID); err != nil {
		return nil, err
	}
	key := map[string]func(time.Time) string{
		"month":   func(t time.Time) string { return t.Format("2006-01") },
		"quarter": func(t time.Time) string { return t.Format("2006") + "-Q" + string(rune('1'+(int(t.Month())-1)/3)) },
		"year":    func(t time.Time) string { return t.Format("2006") },
	}[period]
	if key == nil {
		return nil, crm.Invalid(crm.FieldError{Field: "period", Code: "unknown", Message: "must be month, quarter or year"})
	}
	times, err := cs.store.ComplaintTimes(ctx, customerID)
	if err != nil {
		return nil, err
	}
	out := []PeriodCount{}
	for _, t := range times {
		k := key(t.In(crm.Shanghai))
		if n := len(out); n > 0 && out[n-1].Period == k {
			out[n-1].Count++
		} else {
			out = append(out, PeriodCount{Period: k, Count: 1})
		}
	}
	return out, nil
}
