// Package call keeps the service desk's call log (客服沟通流程): inbound and
// outbound calls with the six steps of 第六条 as fields, the call-back list
// (a call outside working hours is called back at the start of the next
// working period, 第七条), the escalation of overdue call-backs, and the
// one-click conversion of a call into a complaint, a service order or an
// interaction.
package call

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/service"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/secure"
)

// Directions of a call.
const (
	Inbound  = "inbound"
	Outbound = "outbound"
)

// Directions lists both.
var Directions = []string{Inbound, Outbound}

// Call is one call. Phone is masked (138****5678); the six steps of
// 第六条 are IdentityConfirmed, Need, Analysis, Handling (or TransferTo a
// department), CallbackResult and Report.
type Call struct {
	ID                int64      `json:"id"`
	Direction         string     `json:"direction"`
	Phone             string     `json:"phone"`
	StartedAt         time.Time  `json:"started_at"`
	DurationSeconds   int        `json:"duration_seconds"`
	CustomerID        *int64     `json:"customer_id"`
	CustomerName      string     `json:"customer_name,omitempty"`
	ContactID         *int64     `json:"contact_id"`
	IdentityConfirmed bool       `json:"identity_confirmed"`
	Need              string     `json:"need"`
	Analysis          string     `json:"analysis"`
	Handling          string     `json:"handling"`
	TransferTo        string     `json:"transfer_to"`
	CallbackResult    string     `json:"callback_result"`
	Report            string     `json:"report"`
	Outcome           string     `json:"outcome"`
	AfterHours        bool       `json:"after_hours"`
	CallbackDueAt     *time.Time `json:"callback_due_at"`
	CallbackDoneAt    *time.Time `json:"callback_done_at"`
	EscalatedAt       *time.Time `json:"escalated_at,omitempty"`
	ComplaintID       *int64     `json:"complaint_id"`
	ServiceOrderID    *int64     `json:"service_order_id"`
	InteractionID     *int64     `json:"interaction_id"`
	TakenBy           int64      `json:"taken_by"`
	Version           int        `json:"version"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`

	PhoneEnc string `json:"-"`
	PhoneIdx string `json:"-"`
}

// Input is a call as the desk's form or the API gives it; nil fields of
// a change are left as they are.
type Input struct {
	Direction         *string
	Phone             *string
	StartedAt         *time.Time
	DurationSeconds   *int
	CustomerID        *int64
	ContactID         *int64
	IdentityConfirmed *bool
	Need              *string
	Analysis          *string
	Handling          *string
	TransferTo        *string
	CallbackResult    *string
	Report            *string
	Outcome           *string
	// NeedsCallback asks for a call-back at CallbackDueAt (nil: the
	// start of the next working period).
	NeedsCallback *bool
	CallbackDueAt *time.Time
	// CallbackDone closes the call-back.
	CallbackDone *bool
}

// Filter chooses the calls of a list, newest first.
type Filter struct {
	Scope      crm.Scope
	Now        time.Time
	Direction  string
	CustomerID int64
	// Callbacks lists only open call-backs, soonest due first.
	Callbacks bool
	// Overdue with Callbacks: only those past due.
	Overdue  bool
	BeforeID int64
	Limit    int
}

// Store keeps calls.
type Store interface {
	CreateCall(ctx context.Context, c *Call, e *crm.AuditEntry) error
	// UpdateCall writes c if its version is still c.Version.
	UpdateCall(ctx context.Context, c *Call, e *crm.AuditEntry) error
	Call(ctx context.Context, id int64) (Call, error)
	// CallInScope reads a call the scope may see (a call with no
	// customer: the taker's, or all for an All scope).
	CallInScope(ctx context.Context, id int64, s crm.Scope, now time.Time) (Call, error)
	ListCalls(ctx context.Context, f Filter) ([]Call, error)
	CountCalls(ctx context.Context, f Filter) (crm.ListTotal, error)
	// EscalateOverdue marks, once, the open call-backs due before now
	// and not yet escalated, sending each notice with its audit entry;
	// it returns how many.
	EscalateOverdue(ctx context.Context, now time.Time, notice func(Call) (crm.Notice, crm.AuditEntry)) (int, error)
	// ClaimConversion claims the one conversion of a call into a kind of
	// record before the record is made (ok false: another request has
	// it); ReleaseConversion gives it back when the record could not be
	// made; LinkConversion writes the record made onto the call.
	ClaimConversion(ctx context.Context, callID int64, kind string, now time.Time, stale time.Duration) (bool, error)
	ReleaseConversion(ctx context.Context, callID int64, kind string) error
	LinkConversion(ctx context.Context, c *Call, kind string, recordID int64, e *crm.AuditEntry) error
	// ContactsByLandline finds contacts whose landline is the normalised
	// number (or it with an extension), at most limit.
	ContactsByLandline(ctx context.Context, landline string, limit int) ([]Match, error)
}

// Service runs the call log.
type Service struct {
	store      Store
	customers  *customer.Service
	complaints *complaint.Service
	orders     *service.Service
	calendars  *crm.Calendars
	sealer     crm.Sealer
	now        func() time.Time
}

// New returns the call service.
func New(s Store, customers *customer.Service, complaints *complaint.Service, orders *service.Service, calendars *crm.Calendars,
	sealer crm.Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, complaints: complaints, orders: orders, calendars: calendars, sealer: sealer, now: now}
}

// PhoneDomain is the blind-index domain of a call's phone: the contacts'
// mobile domain, so that one index finds both.
const PhoneDomain = customer.ContactMobileDomain

const phoneAAD = "phone"

// CallbackDue is when a call at t (or a call-back asked for at t) is to
// be called back: t itself inside the business hours of a working day,
// otherwise the start of the next working period (after lunch, the next
// working morning, the first working day after a holiday). afterHours
// reports whether t lay outside.
func CallbackDue(cal *calendar.Calendar, t time.Time) (due time.Time, afterHours bool) {
	d := cal.NextWorkingTime(t).Time
	return d.UTC(), !d.Equal(t)
}

// MaxText bounds each step's text.
const MaxText = 2000

// Kinds of phone number a call may come from.
const (
	PhoneMobile   = "mobile"   // 11-digit mobile, found through the contacts' blind index
	PhoneLandline = "landline" // with its area code, found on the contacts' landline
	PhoneService  = "service"  // 400/800 numbers, short service numbers (95588) and others
)

// NormalizePhone reads any phone number a caller may have: a mobile, a
// landline with its area code (and extension), a 400/800 number or a
// short service number, as digits with the usual separators. It returns
// the normalised form (mobile: 11 digits; landline: 021-61234567; other:
// the digits) and its kind; ok false when it is no phone number.
func NormalizePhone(raw string) (norm, kind string, ok bool) {
	raw = strings.TrimSpace(raw)
	if n, pr := cn.ValidateMobile(raw); pr == nil || pr.Severity != cn.Error {
		return n, PhoneMobile, true
	}
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case strings.ContainsRune(" -()（）+.－　", r):
			return -1
		}
		return 'x'
	}, raw)
	if strings.HasPrefix(strings.TrimSpace(raw), "+86") || strings.HasPrefix(strings.TrimSpace(raw), "＋86") {
		digits = strings.TrimPrefix(digits, "86")
	}
	if !strings.HasPrefix(digits, "400") && !strings.HasPrefix(digits, "800") {
		if n, pr := cn.ValidateLandline(raw); pr == nil || pr.Severity != cn.Error {
			return n, PhoneLandline, true
		}
	}
	if strings.Contains(digits, "x") || len(digits) < 3 || len(digits) > 20 {
		return "", "", false
	}
	return digits, PhoneService, true
}

// MaskPhone is the form of a number shown in lists and logs: a mobile as
// 138****5678, a landline as 021-****4567; 400/800 and short service
// numbers are public and shown whole; other long numbers keep their ends.
func MaskPhone(norm, kind string) string {
	switch kind {
	case PhoneMobile:
		return secure.MaskMobile(norm)
	case PhoneLandline:
		area, rest, _ := strings.Cut(norm, "-")
		rest, ext, _ := strings.Cut(rest, "-")
		if len(rest) > 4 {
			rest = strings.Repeat("*", len(rest)-4) + rest[len(rest)-4:]
		}
		if ext != "" {
			rest += "-" + ext
		}
		return area + "-" + rest
	}
	if len(norm) <= 6 || strings.HasPrefix(norm, "400") || strings.HasPrefix(norm, "800") {
		return norm
	}
	return norm[:3] + strings.Repeat("*", len(norm)-7) + norm[len(norm)-4:]
}

// normPhone validates any phone number, naming the field at fault.
func normPhone(raw, lang string) (string, string, *crm.FieldError) {
	if norm, kind, ok := NormalizePhone(raw); ok {
		return norm, kind, nil
	}
	f := crm.BadIn(lang, "phone", "invalid", msg.M("call.phone.invalid"))
	return "", "", &f
}

// apply reads in into c, naming every field at fault.
func (cs *Service) apply(ctx context.Context, p crm.Principal, c *Call, in Input, lang string, creating bool) ([]crm.FieldError, error) {
	var fs []crm.FieldError
	bad := func(field, code, key string, args ...any) { fs = append(fs, crm.Bad(field, code, key, args...)) }
	now := cs.now().UTC()
	if in.Direction != nil {
		c.Direction = strings.TrimSpace(*in.Direction)
	}
	if !slices.Contains(Directions, c.Direction) {
		bad("direction", "unknown", "call.one_of", strings.Join(Directions, ", "))
	}
	if in.Phone != nil {
		raw := strings.TrimSpace(*in.Phone)
		if raw == "" {
			bad("phone", "required", "call.phone.required")
		} else if norm, kind, f := normPhone(raw, lang); f != nil {
			fs = append(fs, *f)
		} else {
			enc, err := cs.sealer.Encrypt([]byte(norm), secure.AAD("calls", phoneAAD))
			if err != nil {
				return nil, err
			}
			c.PhoneEnc, c.PhoneIdx, c.Phone = enc, cs.sealer.BlindIndex(PhoneDomain, []byte(norm)), MaskPhone(norm, kind)
		}
	} else if creating {
		bad("phone", "required", "call.phone.required")
	}
	if in.StartedAt != nil {
		c.StartedAt = in.StartedAt.UTC()
	} else if creating {
		c.StartedAt = now
	}
	if c.StartedAt.After(now.Add(5 * time.Minute)) {
		bad("started_at", "future", "call.started_at.future")
	} else if c.StartedAt.Year() < 2000 {
		bad("started_at", "range", "call.started_at.range")
	}
	if in.DurationSeconds != nil {
		if *in.DurationSeconds < 0 || *in.DurationSeconds > 86400 {
			bad("duration_seconds", "range", "call.duration.range")
		} else {
			c.DurationSeconds = *in.DurationSeconds
		}
	}
	if in.CustomerID != nil {
		if *in.CustomerID == 0 {
			c.CustomerID, c.CustomerName = nil, ""
		} else if cu, err := cs.customers.Get(ctx, *in.CustomerID); crm.ErrorCode(err) == crm.ENotFound {
			bad("customer_id", "unknown", "call.customer_id.unknown", *in.CustomerID)
		} else if err != nil {
			return nil, err
		} else {
			id := cu.ID
			c.CustomerID, c.CustomerName = &id, cu.Name
		}
	}
	if in.ContactID != nil {
		if *in.ContactID == 0 {
			c.ContactID = nil
		} else if k, err := cs.customers.Contact(ctx, *in.ContactID); crm.ErrorCode(err) == crm.ENotFound {
			bad("contact_id", "unknown", "call.contact_id.unknown", *in.ContactID)
		} else if err != nil {
			return nil, err
		} else if c.CustomerID != nil && k.CustomerID != *c.CustomerID {
			bad("contact_id", "other_customer", "call.contact_id.other_customer")
		} else {
			id, cid := k.ID, k.CustomerID
			c.ContactID = &id
			if c.CustomerID == nil {
				c.CustomerID = &cid
			}
		}
	}
	if in.IdentityConfirmed != nil {
		c.IdentityConfirmed = *in.IdentityConfirmed
	}
	for _, t := range []struct {
		field string
		in    *string
		out   *string
		max   int
	}{{"need", in.Need, &c.Need, MaxText}, {"analysis", in.Analysis, &c.Analysis, MaxText}, {"handling", in.Handling, &c.Handling, MaxText},
		{"transfer_to", in.TransferTo, &c.TransferTo, 100}, {"callback_result", in.CallbackResult, &c.CallbackResult, MaxText},
		{"report", in.Report, &c.Report, MaxText}, {"outcome", in.Outcome, &c.Outcome, 200}} {
		if t.in == nil {
			continue
		}
		v := strings.TrimSpace(*t.in)
		if utf8.RuneCountInString(v) > t.max {
			bad(t.field, "length", "call.text.max_length", t.max)
			continue
		}
		*t.out = v
	}
	if len(fs) > 0 {
		return fs, nil
	}
	cal, err := cs.calendars.Current(ctx)
	if err != nil {
		return nil, err
	}
	if in.CallbackDueAt != nil && in.CallbackDueAt.Before(c.StartedAt) {
		bad("callback_due_at", "before_call", "call.callback_due_at.before_call", c.StartedAt.In(crm.Shanghai).Format("2006-01-02 15:04"))
		return fs, nil
	}
	explicit := in.NeedsCallback != nil || in.CallbackDueAt != nil
	if creating && c.Direction == Inbound {
		if due, after := CallbackDue(cal, c.StartedAt); after {
			c.AfterHours, c.CallbackDueAt = true, &due
		}
	} else if !creating && (in.StartedAt != nil || in.Direction != nil) {
		// the time (or direction) changed: after hours is recomputed, and
		// the call-back it put on the list moves (or goes) with it
		due, after := CallbackDue(cal, c.StartedAt)
		after = after && c.Direction == Inbound
		if !explicit && c.CallbackDoneAt == nil {
			switch {
			case after && (c.AfterHours || c.CallbackDueAt == nil):
				c.CallbackDueAt, c.EscalatedAt = &due, nil
			case !after && c.AfterHours:
				c.CallbackDueAt, c.EscalatedAt = nil, nil
			}
		}
		c.AfterHours = after
	}
	if in.NeedsCallback != nil && *in.NeedsCallback || in.CallbackDueAt != nil {
		at := now
		if in.CallbackDueAt != nil {
			at = in.CallbackDueAt.UTC()
		} else if c.CallbackDueAt != nil {
			at = *c.CallbackDueAt
		}
		due, _ := CallbackDue(cal, at) // a call-back on a holiday moves to the next working time
		c.CallbackDueAt, c.CallbackDoneAt, c.EscalatedAt = &due, nil, nil
	} else if in.NeedsCallback != nil && !*in.NeedsCallback {
		c.CallbackDueAt, c.EscalatedAt = nil, nil
	}
	if in.CallbackDone != nil {
		if *in.CallbackDone {
			if c.CallbackDueAt == nil {
				bad("callback_done", "no_callback", "call.callback.none")
			} else if c.CallbackDoneAt == nil {
				c.CallbackDoneAt = &now
			}
		} else {
			c.CallbackDoneAt = nil
		}
	}
	_ = p
	return fs, nil
}

// Create logs a call. A phone number that finds exactly one contact (by
// the blind index) fills the customer and contact when not given. An
// inbound call outside working hours goes on the call-back list, due at
// the start of the next working period.
func (cs *Service) Create(ctx context.Context, in Input, lang string) (Call, error) {
	p, err := crm.Authorize(ctx, crm.ActCallCreate)
	if err != nil {
		return Call{}, err
	}
	c := Call{TakenBy: p.UserID}
	if in.Direction == nil {
		d := Inbound
		in.Direction = &d
	}
	fs, err := cs.apply(ctx, p, &c, in, lang, true)
	if err != nil {
		return Call{}, err
	}
	if len(fs) > 0 {
		return Call{}, crm.Invalid(fs...)
	}
	if c.CustomerID == nil && in.Phone != nil {
		cs.resolve(ctx, &c, *in.Phone, lang)
	}
	if c.CustomerID != nil {
		if err := cs.customers.Visible(ctx, *c.CustomerID, crm.CustomerScope(p)); crm.ErrorCode(err) == crm.ENotFound {
			return Call{}, crm.Invalid(crm.Bad("customer_id", "unknown", "call.customer_id.unknown", *c.CustomerID))
		} else if err != nil {
			return Call{}, err
		}
	}
	now := cs.now().UTC()
	c.CreatedAt, c.UpdatedAt, c.Version = now, now, 1
	e := crm.NewAudit(ctx, crm.AuditCreate, "call", "", map[string]any{"direction": c.Direction, "phone": c.Phone,
		"customer_id": c.CustomerID, "after_hours": c.AfterHours, "callback_due_at": c.CallbackDueAt})
	if err := cs.store.CreateCall(ctx, &c, &e); err != nil {
		return Call{}, err
	}
	return c, nil
}

// Update records more of a call's steps, its call-back and its result.
func (cs *Service) Update(ctx context.Context, id int64, version int, in Input, lang string) (Call, error) {
	p, err := crm.Authorize(ctx, crm.ActCallCreate)
	if err != nil {
		return Call{}, err
	}
	c, err := cs.store.CallInScope(ctx, id, crm.CustomerScope(p), cs.now())
	if err != nil {
		return Call{}, err
	}
	if version != 0 && version != c.Version {
		return Call{}, crm.Fail(crm.EVersionConflict, "call.version", c.Version)
	}
	before := c
	fs, err := cs.apply(ctx, p, &c, in, lang, false)
	if err != nil {
		return Call{}, err
	}
	if len(fs) > 0 {
		return Call{}, crm.Invalid(fs...)
	}
	if in.Phone != nil && in.CustomerID == nil && in.ContactID == nil && c.PhoneIdx != before.PhoneIdx {
		// another number: the contact (and a customer it gave) is found again
		if before.ContactID != nil {
			c.ContactID = nil
			if in.CustomerID == nil {
				c.CustomerID, c.CustomerName = nil, ""
			}
		}
		if c.CustomerID == nil {
			cs.resolve(ctx, &c, *in.Phone, lang)
		}
		if c.CustomerID != nil {
			if err := cs.customers.Visible(ctx, *c.CustomerID, crm.CustomerScope(p)); err != nil {
				c.CustomerID, c.ContactID, c.CustomerName = nil, nil, ""
			}
		}
	}
	c.UpdatedAt = cs.now().UTC()
	e := crm.NewAudit(ctx, crm.AuditUpdate, "call", strconv.FormatInt(id, 10), map[string]any{"phone": c.Phone,
		"callback_due_at": c.CallbackDueAt, "callback_done": c.CallbackDoneAt != nil, "was_done": before.CallbackDoneAt != nil})
	if err := cs.store.UpdateCall(ctx, &c, &e); err != nil {
		return Call{}, err
	}
	return c, nil
}

// Call reads one call in the caller's scope.
func (cs *Service) Call(ctx context.Context, id int64) (Call, error) {
	p, err := crm.Authorize(ctx, crm.ActCallRead)
	if err != nil {
		return Call{}, err
	}
	return cs.store.CallInScope(ctx, id, crm.ReadScope(p), cs.now())
}

// Calls lists the calls the caller may see, and how many match.
func (cs *Service) Calls(ctx context.Context, f Filter) ([]Call, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActCallRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	f.Scope, f.Now = crm.ReadScope(p), cs.now().UTC()
	list, err := cs.store.ListCalls(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := cs.store.CountCalls(ctx, f)
	return list, total, err
}

// Match is a customer and contact a phone number finds.
type Match struct {
	CustomerID   int64  `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	ContactID    int64  `json:"contact_id"`
	ContactName  string `json:"contact_name"`
	Mobile       string `json:"mobile"` // masked
}

// Lookup finds the customers and contacts of a phone number in the
// caller's scope: a mobile through the contacts' blind index, a landline
// on the contacts' landline (exact, normalised, no extension); 400/800 and service
// numbers belong to no contact.
func (cs *Service) Lookup(ctx context.Context, phone, lang string) ([]Match, error) {
	p, err := crm.Authorize(ctx, crm.ActCallRead)
	if err != nil {
		return nil, err
	}
	norm, kind, f := normPhone(phone, lang)
	if f != nil {
		return nil, crm.Invalid(*f)
	}
	out := []Match{}
	switch kind {
	case PhoneMobile:
		ks, err := cs.customers.FindContactsByMobile(ctx, norm, lang)
		if err != nil {
			return nil, err
		}
		for _, k := range ks {
			name := ""
			if c, err := cs.customers.Get(ctx, k.CustomerID); err == nil {
				name = c.Name
			}
			out = append(out, Match{CustomerID: k.CustomerID, CustomerName: name, ContactID: k.ID, ContactName: k.Name, Mobile: k.Mobile})
		}
	case PhoneLandline:
		ms, err := cs.store.ContactsByLandline(ctx, norm, 20)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if cs.customers.Visible(ctx, m.CustomerID, crm.ReadScope(p)) == nil {
				m.Mobile = MaskPhone(norm, PhoneLandline)
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// resolve fills the customer and contact of a number that finds exactly
// one contact.
func (cs *Service) resolve(ctx context.Context, c *Call, phone, lang string) {
	if ms, err := cs.Lookup(ctx, phone, lang); err == nil && len(ms) == 1 {
		cid, kid := ms[0].CustomerID, ms[0].ContactID
		c.CustomerID, c.ContactID, c.CustomerName = &cid, &kid, ms[0].CustomerName
	}
}

// phone is the call's number in full, for carrying it into a complaint
// or an order (both seal it again).
func (cs *Service) phone(c Call) string {
	if c.PhoneEnc == "" {
		return ""
	}
	b, err := cs.sealer.Decrypt(c.PhoneEnc, secure.AAD("calls", phoneAAD))
	if err != nil {
		return ""
	}
	return string(b)
}

// EscalateOverdue escalates, once each, the call-backs past due to the
// service manager (the taker's manager) by an inbox notice. Run by the
// background job.
func (cs *Service) EscalateOverdue(ctx context.Context) (int, error) {
	return cs.store.EscalateOverdue(ctx, cs.now().UTC(), func(c Call) (crm.Notice, crm.AuditEntry) {
		id := strconv.FormatInt(c.ID, 10)
		due := c.CallbackDueAt.In(crm.Shanghai).Format("2006-01-02 15:04")
		text := msg.M("call.notice.escalated", c.Phone, due)
		link := complaint.PublicURLPlaceholder + "/calls/callbacks"
		zh, en := text.In(msg.ZhCN), text.In(msg.En)
		n := crm.Notice{To: crm.Audience{ManagerOf: c.TakenBy}, Kind: "call_callback_overdue", Entity: "call", EntityID: id,
			Text: text, Link: link, Message: zh + " / " + en, MailBody: zh + "\n" + en + "\n\n" + link + "\n"}
		e := crm.NewAudit(crm.WithClock(ctx, cs.now), crm.AuditUpdate, "call", id, map[string]any{"escalated": true, "callback_due_at": c.CallbackDueAt})
		return n, e
	})
}
