// Package care is customer care (客户关怀, issue #19 points 1-3): the care
// calendar that reminds a contact's owner of birthdays (Gregorian or
// lunar), the traditional festivals and admin-defined dates N working
// days ahead; greetings from templates with merge fields, sent by e-mail
// or SMS (or queued to send by hand) with a send log that honours the
// contact's opt-out (PIPL); and gifts against a budget per tier and year.
//
// Company founding anniversaries are not generated: customers carry no
// founding date yet (see docs in the package README of issue #19).
package care

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/mail"
)

// Occasions of the care calendar. A custom date is "custom:<id>".
const (
	OccBirthday       = "birthday"
	OccSpringFestival = "spring_festival" // 春节
	OccLantern        = "lantern"         // 元宵
	OccDragonBoat     = "dragon_boat"     // 端午
	OccMidAutumn      = "mid_autumn"      // 中秋
	OccDoubleNinth    = "double_ninth"    // 重阳
	OccCustomPrefix   = "custom:"
	OccOther          = "other" // a greeting or gift outside the calendar
)

// DefaultLeadDays is how many working days ahead a reminder comes when no
// rule says otherwise.
const DefaultLeadDays = 3

// Reminder is one occasion of one contact, due on RemindOn.
type Reminder struct {
	ID           int64      `json:"id"`
	ContactID    int64      `json:"contact_id"`
	ContactName  string     `json:"contact_name"`
	CustomerID   int64      `json:"customer_id"`
	CustomerName string     `json:"customer_name"`
	OwnerID      int64      `json:"owner_id"`
	Occasion     string     `json:"occasion"`
	OccasionName string     `json:"occasion_name"`
	Year         int        `json:"occasion_year"`
	Date         string     `json:"occasion_date"`
	RemindOn     string     `json:"remind_on"`
	Note         string     `json:"note"`
	Status       string     `json:"status"`
	NotifiedAt   *time.Time `json:"notified_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
}

// LeadRule sets the working days ahead for a tier and occasion ("" any).
type LeadRule struct {
	ID        int64     `json:"id"`
	Tier      string    `json:"tier"`
	Occasion  string    `json:"occasion"`
	Days      int       `json:"days"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CareDate is an admin-defined date (e.g. 公司周年庆, 客户答谢日), every year
// on month/day (lunar when Lunar), for the primary contacts of customers
// of Tier ("" all).
type CareDate struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Month     int       `json:"month"`
	Day       int       `json:"day"`
	Lunar     bool      `json:"lunar"`
	Tier      string    `json:"tier"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// Template is a greeting text for an occasion in a language.
type Template struct {
	ID        int64     `json:"id"`
	Occasion  string    `json:"occasion"`
	Lang      string    `json:"lang"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// Greeting statuses.
const (
	StatusSent     = "sent"
	StatusFailed   = "failed"
	StatusManual   = "manual"    // no provider: to send by hand, never reported as sent
	StatusOptedOut = "opted_out" // the contact opted out: nothing was sent
)

// Greeting is one entry of the send log.
type Greeting struct {
	ID         int64     `json:"id"`
	ContactID  int64     `json:"contact_id"`
	CustomerID int64     `json:"customer_id"`
	Occasion   string    `json:"occasion"`
	Channel    string    `json:"channel"`
	Recipient  string    `json:"recipient"` // masked
	Subject    string    `json:"subject"`
	Body       string    `json:"body"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason"`
	ProviderID string    `json:"provider_id"`
	SentBy     int64     `json:"sent_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Gift statuses.
const (
	GiftApproved = "approved"
	GiftPending  = "pending"
	GiftRejected = "rejected"
)

// Gift is a care gift to a contact.
type Gift struct {
	ID         int64       `json:"id"`
	ContactID  int64       `json:"contact_id"`
	CustomerID int64       `json:"customer_id"`
	OwnerID    int64       `json:"owner_id"`
	Tier       string      `json:"tier"`
	Year       int         `json:"year"`
	Item       string      `json:"item"`
	Cost       sales.Money `json:"cost"`
	Occasion   string      `json:"occasion"`
	Status     string      `json:"status"`
	ApprovedBy string      `json:"approved_by"`
	DecidedAt  *time.Time  `json:"decided_at,omitempty"`
	Note       string      `json:"note"`
	Version    int         `json:"version"`
	CreatedBy  string      `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`

	TeamID int64 `json:"-"`
}

// Budget is the gift budget per account manager for a tier ("" any) and year.
type Budget struct {
	ID        int64       `json:"id"`
	Tier      string      `json:"tier"`
	Year      int         `json:"year"`
	Amount    sales.Money `json:"amount"`
	Version   int         `json:"version"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// Spend is what a manager (or a team) spent against the budget in a year.
type Spend struct {
	OwnerID  int64       `json:"owner_id"`
	Owner    string      `json:"owner"`
	TeamID   int64       `json:"team_id"`
	TeamName string      `json:"-"` // for the pages
	Tier     string      `json:"tier"`
	Year     int         `json:"year"`
	Budget   sales.Money `json:"budget"`
	Spent    sales.Money `json:"spent"`   // approved gifts
	Pending  sales.Money `json:"pending"` // waiting for approval
	HasLimit bool        `json:"has_budget"`
}

// Target is a contact as care sees it: the customer, its owner and tier,
// the contact's channels (mobile sealed) and opt-out.
type Target struct {
	ContactID    int64
	ContactName  string
	Gender       string
	Email        string
	MobileEnc    string
	OptOut       bool
	CustomerID   int64
	CustomerName string
	OwnerID      int64
	OwnerName    string
	TeamID       int64
	Tier         string
}

// Candidate is one contact the generator reads in a batch.
type Candidate struct {
	ContactID     int64
	CustomerID    int64
	OwnerID       int64
	Tier          string
	Primary       bool
	Birthday      string
	BirthdayLunar bool
	BirthdayLeap  bool
}

// NewReminder is a reminder the generator writes.
type NewReminder struct {
	ContactID, CustomerID, OwnerID int64
	Occasion                       string
	Year                           int
	Date, RemindOn, Note           string
}

// Sweep is the part of a generation run whose stale reminders go: the
// contacts FirstID..LastID, occasions From..To, reminders due from Today.
type Sweep struct {
	FirstID, LastID int64
	From, To, Today string
	Run             string // this run's mark
}

// ReminderFilter selects reminders.
type ReminderFilter struct {
	// AfterDate and AfterID: the page after the reminder (remind_on, id).
	AfterDate string
	Scope     crm.Scope
	From, To  string // remind_on range, YYYY-MM-DD
	// OccasionFrom keeps reminders whose occasion falls on or after it.
	OccasionFrom string
	CustomerID   int64
	Status       string
	AfterID      int64
	Limit        int
}

// Store is what care needs from storage.
type Store interface {
	CareTarget(ctx context.Context, contactID int64, scope crm.Scope) (Target, error)
	SetCareOptOut(ctx context.Context, contactID int64, optOut bool, at time.Time, e *crm.AuditEntry) error

	LeadRules(ctx context.Context) ([]LeadRule, error)
	PutLeadRule(ctx context.Context, r *LeadRule, e *crm.AuditEntry) error
	CareDates(ctx context.Context) ([]CareDate, error)
	CreateCareDate(ctx context.Context, d *CareDate, e *crm.AuditEntry) error

	CareCandidates(ctx context.Context, afterID int64, n int) ([]Candidate, error)
	// InsertReminders writes rs (one per contact, occasion and occasion
	// year), moving the dates of open reminders not yet posted; with
	// sweep set it then removes the open, unposted reminders of the
	// contacts from sweep.FirstID to sweep.LastID whose occasion falls in
	// the window and whose reminder is not yet due, and which this run
	// did not produce (their source changed).
	InsertReminders(ctx context.Context, rs []NewReminder, at time.Time, sweep *Sweep) (int, error)
	NotifyDueReminders(ctx context.Context, today string, at time.Time, limit int) (int, error)
	Reminders(ctx context.Context, f ReminderFilter) ([]Reminder, error)
	Reminder(ctx context.Context, id int64, scope crm.Scope) (Reminder, error)
	SetReminderStatus(ctx context.Context, id int64, status string, e *crm.AuditEntry) error

	Templates(ctx context.Context) ([]Template, error)
	Template(ctx context.Context, id int64) (Template, error)
	TemplateFor(ctx context.Context, occasion, lang string) (Template, error)
	CreateTemplate(ctx context.Context, t *Template, e *crm.AuditEntry) error
	UpdateTemplate(ctx context.Context, t *Template, version int, e *crm.AuditEntry) error

	InsertGreeting(ctx context.Context, g *Greeting, e *crm.AuditEntry) error
	Greetings(ctx context.Context, contactID int64, scope crm.Scope, afterID int64, limit int) ([]Greeting, error)
	Greeting(ctx context.Context, id int64, scope crm.Scope) (Greeting, error)

	Budgets(ctx context.Context, year int) ([]Budget, error)
	PutBudget(ctx context.Context, b *Budget, e *crm.AuditEntry) error
	BudgetFor(ctx context.Context, tier string, year int) (Budget, bool, error)
	// OwnerSpend sums a manager's approved and pending gifts of a tier in a year.
	OwnerSpend(ctx context.Context, ownerID int64, tier string, year int) (approved, pending sales.Money, err error)
	// InsertGift records g; in the same writing transaction, with the
	// manager's spend locked, it reads that spend and lets status set
	// g.Status from it, so concurrent gifts cannot both pass the budget.
	DeleteLeadRule(ctx context.Context, id int64, e *crm.AuditEntry) error
	UpdateCareDate(ctx context.Context, d *CareDate, e *crm.AuditEntry) error
	DeleteCareDate(ctx context.Context, id int64, e *crm.AuditEntry) error
	// TierLevels lists the level codes of every tier scheme.
	TierLevels(ctx context.Context) ([]string, error)
	InsertGift(ctx context.Context, g *Gift, e *crm.AuditEntry, status func(approved, pending sales.Money) string) error
	Gift(ctx context.Context, id int64, scope crm.Scope) (Gift, error)
	Gifts(ctx context.Context, scope crm.Scope, status string, contactID int64, afterID int64, limit int) ([]Gift, error)
	DecideGift(ctx context.Context, id int64, version int, status, by string, at time.Time, e *crm.AuditEntry) error
	Spends(ctx context.Context, scope crm.Scope, year int) ([]Spend, error)
}

// Sealer opens a sealed mobile.
type Sealer interface {
	Decrypt(ciphertext string, aad []byte) ([]byte, error)
}

// Service is the care service.
type Service struct {
	store     Store
	calendars *crm.Calendars
	sealer    Sealer
	now       func() time.Time
	mailer    mail.Mailer
	sms       SMSProvider
}

// New returns the care service; it sends nothing until UseMailer or UseSMS
// gives it a way (a greeting is then queued to send by hand).
func New(s Store, calendars *crm.Calendars, sealer Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, calendars: calendars, sealer: sealer, now: now}
}

// UseMailer sends e-mail greetings through m (nil: to send by hand).
func (s *Service) UseMailer(m mail.Mailer) { s.mailer = m }

// UseSMS sends SMS greetings through p (nil: to send by hand).
func (s *Service) UseSMS(p SMSProvider) { s.sms = p }

// scope is the scope in which p sees care: its own customers (no grants).
func scope(p crm.Principal) crm.Scope { return crm.CustomerScope(p) }
