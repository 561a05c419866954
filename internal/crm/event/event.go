// Package event runs customer events (客户活动): 座谈会, 培训, 年度庆典, 联谊
// and others, their invitation lists (built from a customer segment and
// edited by hand), the tokenised RSVP page, check-in at the door,
// attendance, feedback and the cost per attendee.
package event

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/crm/tier"
	"github.com/kehucrm/kehu/internal/secure"
)

// Kinds of event.
const (
	KindSymposium   = "symposium"   // 座谈会
	KindTraining    = "training"    // 培训
	KindCelebration = "celebration" // 年度庆典
	KindSocial      = "social"      // 联谊
	KindOther       = "other"
)

// Kinds lists every kind in display order.
var Kinds = []string{KindSymposium, KindTraining, KindCelebration, KindSocial, KindOther}

// Invitation statuses.
const (
	StatusInvited  = "invited"
	StatusAccepted = "accepted"
	StatusDeclined = "declined"
)

// Deliveries of an invitation: by e-mail (queued in the mail outbox) or
// by hand (the contact has no address; staff pass the link on).
const (
	DeliveryEmail   = "email"
	DeliverySMS     = "sms"
	DeliveryByHand  = "by_hand"
	DeliveryNotSent = "not_sent"
)

// Reasons an invitation was not sent as it would have been.
const (
	ReasonOptedOut  = "opted_out"  // the contact opted out of care messages (PIPL): nothing sent
	ReasonSMSFailed = "sms_failed" // the SMS gateway refused: to pass on by hand
)

// Event is one customer event. Capacity 0 is no limit; the RSVP cut-off
// defaults to the start.
type Event struct {
	ID         int64       `json:"id"`
	Kind       string      `json:"kind"`
	Title      string      `json:"title"`
	StartsAt   time.Time   `json:"starts_at"`
	Place      string      `json:"place"`
	Capacity   int         `json:"capacity"`
	Budget     sales.Money `json:"budget"`
	Agenda     string      `json:"agenda"`
	RSVPCutoff time.Time   `json:"rsvp_cutoff_at"`
	CreatedBy  int64       `json:"created_by,omitempty"`
	Version    int         `json:"version"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
	Counts
	// CostPerAttendee is the budget over those who came; empty until
	// someone has.
	CostPerAttendee string `json:"cost_per_attendee"`
}

// Counts are an event's invitation figures.
type Counts struct {
	Invited  int `json:"invited"`
	Accepted int `json:"accepted"`
	Declined int `json:"declined"`
	Attended int `json:"attended"`
	// Rating is the mean feedback rating (1–5) times 100, 0 when none.
	Rating    int `json:"rating_x100"`
	Responses int `json:"feedback_count"`
}

func (e *Event) finish() {
	e.CostPerAttendee = ""
	if e.Attended > 0 {
		e.CostPerAttendee = sales.Money(int64(e.Budget) / int64(e.Attended)).Yuan()
	}
}

// Invitation is one contact invited to one event.
type Invitation struct {
	ID           int64      `json:"id"`
	EventID      int64      `json:"event_id"`
	CustomerID   int64      `json:"customer_id"`
	CustomerName string     `json:"customer_name"`
	ContactID    int64      `json:"contact_id"`
	Name         string     `json:"name"`
	Token        string     `json:"token,omitempty"`
	Delivery     string     `json:"delivery"`
	Reason       string     `json:"reason,omitempty"`
	Status       string     `json:"status"`
	RespondedAt  *time.Time `json:"responded_at,omitempty"`
	CheckedInAt  *time.Time `json:"checked_in_at,omitempty"`
	CheckedInBy  int64      `json:"checked_in_by,omitempty"`
	Rating       int        `json:"rating,omitempty"`
	Comment      string     `json:"comment,omitempty"`
	FeedbackAt   *time.Time `json:"feedback_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	// Email is where the invitation is mailed, MobileEnc the sealed
	// mobile it is texted to; never in JSON.
	Email     string `json:"-"`
	MobileEnc string `json:"-"`
}

// Input is an event as a form or the API gives it.
type Input struct {
	Kind       string
	Title      string
	StartsAt   string // RFC 3339 or "2006-01-02 15:04" China time
	Place      string
	Capacity   int
	Budget     string // yuan
	Agenda     string
	RSVPCutoff string
}

// Segment chooses customers for an invitation list: zero fields do not
// filter. Tier is a level code of any active tier scheme.
type Segment struct {
	Tier     string `json:"tier"`
	Region   string `json:"region"`
	Industry string `json:"industry"`
	Tag      string `json:"tag"`
	OwnerID  int64  `json:"owner_id"`
}

// IsZero reports whether the segment chooses nothing.
func (s Segment) IsZero() bool { return s == Segment{} }

// Filter chooses the events of a list, soonest last: newest start first.
type Filter struct {
	BeforeID int64
	Limit    int
}

// InvitationFilter chooses the invitations of an event's list.
type InvitationFilter struct {
	EventID int64
	Scope   crm.Scope // customers whose invitations may be seen
	Now     time.Time
	Q       string // name or company contains
	// Door lists every guest of the event (name and company only) for
	// the staff checking guests in at the door, whoever's customers
	// they are.
	Door    bool
	AfterID int64
	Limit   int
}

// Store keeps events and invitations.
type Store interface {
	CreateEvent(ctx context.Context, ev *Event, e *crm.AuditEntry) error
	Event(ctx context.Context, id int64) (Event, error)
	ListEvents(ctx context.Context, f Filter) ([]Event, error)
	CountEvents(ctx context.Context) (crm.ListTotal, error)
	// AddInvitations inserts those of invs whose contact is not yet
	// invited, queues the mail of those delivered by e-mail, with e, in
	// one transaction; it returns how many it added.
	AddInvitations(ctx context.Context, eventID int64, invs []Invitation, mail []Mail, e *crm.AuditEntry) (int, error)
	RemoveInvitation(ctx context.Context, eventID, id int64, e *crm.AuditEntry) error
	Invitation(ctx context.Context, id int64) (Invitation, error)
	InvitationByToken(ctx context.Context, token string) (Invitation, error)
	ListInvitations(ctx context.Context, f InvitationFilter) ([]Invitation, error)
	CountInvitations(ctx context.Context, f InvitationFilter) (crm.ListTotal, error)
	// Respond sets an invitation's answer if it still reads from and,
	// for an acceptance, the event still has room (capacity 0: any);
	// ok false when either changed.
	Respond(ctx context.Context, id int64, from, to string, capacity int, at time.Time, e *crm.AuditEntry) (full bool, err error)
	// CheckIn marks an invitation attended once and puts the attendance
	// on the customer's timeline, with e, in one transaction.
	// The timeline entry is dated timelineAt (the event's time).
	CheckIn(ctx context.Context, inv *Invitation, by int64, at, timelineAt time.Time, timeline string, e *crm.AuditEntry) error
	Feedback(ctx context.Context, id int64, rating int, comment string, at time.Time, e *crm.AuditEntry) error
	Audit(ctx context.Context, e *crm.AuditEntry) error
	// CareOptedOut tells which of the contacts opted out of care
	// messages (the care module's opt-out on the contact).
	CareOptedOut(ctx context.Context, contactIDs []int64) (map[int64]bool, error)
	// SetInvitationDelivery records how an invitation went after all
	// (an SMS the gateway refused), with e.
	SetInvitationDelivery(ctx context.Context, id int64, delivery, reason string, e *crm.AuditEntry) error
}

// SMSSender sends one text message (the care module's SMS provider).
type SMSSender interface {
	SendSMS(ctx context.Context, mobile, text string) (id string, err error)
}

// Mail is an invitation's e-mail, for the outbox.
type Mail struct {
	To, Subject, Body string
}

// Service runs events.
type Service struct {
	store     Store
	customers *customer.Service
	tiers     *tier.Service
	now       func() time.Time
	sms       SMSSender
	sealer    crm.Sealer
	// CheckInEarly is how long before the start of the event's day
	// (China time) the door opens for check-in; 0: from the event day.
	CheckInEarly time.Duration
}

// UseSealer lets the service open contacts' sealed mobiles (for SMS).
func (es *Service) UseSealer(s crm.Sealer) { es.sealer = s }

// UseSMS sends invitations by SMS through p to contacts with a mobile
// and no e-mail address (nil: those are passed on by hand).
func (es *Service) UseSMS(p SMSSender) { es.sms = p }

// New returns the event service; tiers (nil: no tier segments) reads the
// customers' tiers; now is the clock (time.Now when nil).
func New(s Store, customers *customer.Service, tiers *tier.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, tiers: tiers, now: now}
}

// MaxText bounds the title and place; MaxAgenda the agenda.
const (
	MaxText   = 200
	MaxAgenda = 5000
)

// ParseTime reads a time as RFC 3339 or as China time written
// "2006-01-02 15:04" or "2006-01-02T15:04".
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, crm.Shanghai); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// check reads in into an event; every field at fault is named.
func (es *Service) check(in Input) (Event, []crm.FieldError) {
	var fs []crm.FieldError
	bad := func(field, code, key string, args ...any) { fs = append(fs, crm.Bad(field, code, key, args...)) }
	ev := Event{Kind: strings.TrimSpace(in.Kind), Title: strings.TrimSpace(in.Title), Place: strings.TrimSpace(in.Place),
		Capacity: in.Capacity, Agenda: strings.TrimSpace(in.Agenda)}
	if !slices.Contains(Kinds, ev.Kind) {
		bad("kind", "unknown", "event.one_of", strings.Join(Kinds, ", "))
	}
	if ev.Title == "" {
		bad("title", "required", "event.title.required")
	} else if utf8.RuneCountInString(ev.Title) > MaxText {
		bad("title", "length", "event.text.max_length", MaxText)
	}
	if utf8.RuneCountInString(ev.Place) > MaxText {
		bad("place", "length", "event.text.max_length", MaxText)
	}
	if utf8.RuneCountInString(ev.Agenda) > MaxAgenda {
		bad("agenda", "length", "event.text.max_length", MaxAgenda)
	}
	if ev.Capacity < 0 || ev.Capacity > 100000 {
		bad("capacity", "range", "event.capacity.range")
	}
	if b := strings.TrimSpace(in.Budget); b != "" {
		m, ok := sales.ParseYuan(b)
		switch {
		case !ok:
			bad("budget", "format", "event.budget.format")
		case m < 0:
			bad("budget", "negative", "event.budget.negative")
		default:
			ev.Budget = m
		}
	}
	if strings.TrimSpace(in.StartsAt) == "" {
		bad("starts_at", "required", "event.starts_at.required")
	} else if t, ok := ParseTime(in.StartsAt); !ok {
		bad("starts_at", "format", "event.time.format")
	} else {
		ev.StartsAt = t
	}
	if strings.TrimSpace(in.RSVPCutoff) == "" {
		ev.RSVPCutoff = ev.StartsAt
	} else if t, ok := ParseTime(in.RSVPCutoff); !ok {
		bad("rsvp_cutoff_at", "format", "event.time.format")
	} else if !ev.StartsAt.IsZero() && t.After(ev.StartsAt) {
		bad("rsvp_cutoff_at", "after_start", "event.rsvp_cutoff.after_start")
	} else {
		ev.RSVPCutoff = t
	}
	return ev, fs
}

// Create adds an event.
func (es *Service) Create(ctx context.Context, in Input) (Event, error) {
	p, err := crm.Authorize(ctx, crm.ActEventManage)
	if err != nil {
		return Event{}, err
	}
	ev, fs := es.check(in)
	if len(fs) > 0 {
		return Event{}, crm.Invalid(fs...)
	}
	now := es.now().UTC()
	ev.CreatedAt, ev.UpdatedAt, ev.Version, ev.CreatedBy = now, now, 1, p.UserID
	e := crm.NewAudit(ctx, crm.AuditCreate, "event", "", map[string]any{"kind": ev.Kind, "title": ev.Title,
		"starts_at": ev.StartsAt, "capacity": ev.Capacity, "budget_fen": int64(ev.Budget)})
	if err := es.store.CreateEvent(ctx, &ev, &e); err != nil {
		return Event{}, err
	}
	ev.finish()
	return ev, nil
}

// Event reads one event.
func (es *Service) Event(ctx context.Context, id int64) (Event, error) {
	if _, err := crm.Authorize(ctx, crm.ActEventRead); err != nil {
		return Event{}, err
	}
	ev, err := es.store.Event(ctx, id)
	ev.finish()
	return ev, err
}

// Events lists events, the latest start first, and how many there are.
func (es *Service) Events(ctx context.Context, f Filter) ([]Event, crm.ListTotal, error) {
	if _, err := crm.Authorize(ctx, crm.ActEventRead); err != nil {
		return nil, crm.ListTotal{}, err
	}
	list, err := es.store.ListEvents(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	for i := range list {
		list[i].finish()
	}
	total, err := es.store.CountEvents(ctx)
	return list, total, err
}

// invitationScope is whose invitations p sees: all for those who run
// events, their customers' for the others.
func invitationScope(p crm.Principal) crm.Scope {
	if p.Role.Can(crm.ActEventManage) && p.Role != crm.RoleSalesManager {
		return crm.Scope{All: true, UserID: p.UserID}
	}
	return crm.ReadScope(p)
}

// Invitations lists an event's invitations of the customers the caller
// sees, in the order they were added.
func (es *Service) Invitations(ctx context.Context, f InvitationFilter) ([]Invitation, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActEventRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	if _, err := es.store.Event(ctx, f.EventID); err != nil {
		return nil, crm.ListTotal{}, err
	}
	f.Scope, f.Now = invitationScope(p), es.now()
	if f.Door && p.Role.Can(crm.ActEventCheckIn) {
		f.Scope = crm.Scope{All: true, UserID: p.UserID}
	}
	list, err := es.store.ListInvitations(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := es.store.CountInvitations(ctx, f)
	return list, total, err
}

// newToken is an unguessable RSVP token: 160 random bits in base32.
func newToken() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// MaxSegment bounds the customers one segment invites.
const MaxSegment = 500

// InviteInput adds to an event's invitation list the contacts of the
// customers of a segment (every contact, or the primary one when
// PrimaryOnly) and the contacts named by hand.
type InviteInput struct {
	Segment     *Segment
	PrimaryOnly bool
	ContactIDs  []int64
	// Link is the public RSVP address with "{token}" in it, for the mail.
	Link string
}

// InviteResult says how many contacts were added.
type InviteResult struct {
	Added   int `json:"added"`
	Matched int `json:"matched"`
}

// Invite adds contacts to an event's invitation list and sends (queues)
// their invitations: by e-mail when the contact has an address, by hand
// otherwise. Contacts already invited are skipped.
func (es *Service) Invite(ctx context.Context, eventID int64, in InviteInput) (InviteResult, error) {
	p, err := crm.Authorize(ctx, crm.ActEventManage)
	if err != nil {
		return InviteResult{}, err
	}
	ev, err := es.store.Event(ctx, eventID)
	if err != nil {
		return InviteResult{}, err
	}
	if (in.Segment == nil || in.Segment.IsZero()) && len(in.ContactIDs) == 0 {
		return InviteResult{}, crm.Invalid(crm.Bad("segment", "required", "event.invite.empty"))
	}
	var contacts []customer.Contact
	names := map[int64]string{}
	if in.Segment != nil && !in.Segment.IsZero() {
		if fs, err := es.checkSegment(ctx, in.Segment); err != nil {
			return InviteResult{}, err
		} else if len(fs) > 0 {
			return InviteResult{}, crm.Invalid(fs...)
		}
		cs, err := es.segment(ctx, *in.Segment)
		if err != nil {
			return InviteResult{}, err
		}
		for _, c := range cs {
			names[c.ID] = c.Name
			list, err := es.customers.Contacts(ctx, c.ID)
			if err != nil {
				return InviteResult{}, err
			}
			for i, k := range list {
				if in.PrimaryOnly && i > 0 {
					break
				}
				contacts = append(contacts, k)
			}
		}
	}
	var fs []crm.FieldError
	for i, id := range in.ContactIDs {
		k, err := es.customers.Contact(ctx, id)
		if crm.ErrorCode(err) == crm.ENotFound {
			fs = append(fs, crm.Bad("contact_ids["+itoa(i)+"]", "unknown", "event.contact.unknown", id))
			continue
		} else if err != nil {
			return InviteResult{}, err
		}
		if _, ok := names[k.CustomerID]; !ok {
			c, err := es.customers.Get(ctx, k.CustomerID)
			if err != nil {
				return InviteResult{}, err
			}
			names[k.CustomerID] = c.Name
		}
		contacts = append(contacts, k)
	}
	if len(fs) > 0 {
		return InviteResult{}, crm.Invalid(fs...)
	}
	now := es.now().UTC()
	seen := map[int64]bool{}
	var ids []int64
	for _, k := range contacts {
		ids = append(ids, k.ID)
	}
	optedOut, err := es.store.CareOptedOut(ctx, ids)
	if err != nil {
		return InviteResult{}, err
	}
	var invs []Invitation
	for _, k := range contacts {
		if seen[k.ID] {
			continue
		}
		seen[k.ID] = true
		inv := Invitation{EventID: ev.ID, CustomerID: k.CustomerID, CustomerName: names[k.CustomerID], ContactID: k.ID, Name: k.Name,
			Token: newToken(), Status: StatusInvited, CreatedAt: now, Email: strings.TrimSpace(k.Email), MobileEnc: k.MobileEnc}
		inv.Delivery, inv.Reason = es.delivery(inv, optedOut[k.ID])
		invs = append(invs, inv)
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "event", itoa64(ev.ID), map[string]any{"invite": len(invs), "segment": in.Segment,
		"contact_ids": in.ContactIDs, "by": p.UserID})
	added, err := es.store.AddInvitations(ctx, ev.ID, invs, es.mails(ev, invs, in.Link), &e)
	if err != nil {
		return InviteResult{}, err
	}
	es.texts(ctx, ev, invs, in.Link)
	return InviteResult{Added: added, Matched: len(invs)}, nil
}

// delivery is how an invitation goes: nothing to a contact who opted
// out of care messages (PIPL; the reason is kept), by e-mail to an
// address, by SMS to a mobile when a gateway is configured, otherwise by
// hand.
func (es *Service) delivery(inv Invitation, optedOut bool) (string, string) {
	switch {
	case optedOut:
		return DeliveryNotSent, ReasonOptedOut
	case inv.Email != "":
		return DeliveryEmail, ""
	case inv.MobileEnc != "" && es.sms != nil && es.sealer != nil:
		return DeliverySMS, ""
	}
	return DeliveryByHand, ""
}

// texts sends the SMS invitations just added (those the store gave an
// ID); one the gateway refuses is marked to pass on by hand. The
// message carries the minimum: the name, the event and the link.
func (es *Service) texts(ctx context.Context, ev Event, invs []Invitation, link string) {
	when := ev.StartsAt.In(crm.Shanghai).Format("2006-01-02 15:04")
	for _, inv := range invs {
		if inv.ID == 0 || inv.Delivery != DeliverySMS {
			continue
		}
		b, err := es.sealer.Decrypt(inv.MobileEnc, secure.AAD("contacts", "mobile"))
		id := ""
		if err == nil {
			id, err = es.sms.SendSMS(ctx, string(b), inv.Name+"，您好：诚邀您参加「"+ev.Title+"」（"+when+"，"+ev.Place+"）。请回复是否出席："+
				strings.ReplaceAll(link, "{token}", inv.Token))
		}
		detail := map[string]any{"event_id": ev.ID, "sms": err == nil, "provider_id": id}
		delivery, reason := DeliverySMS, ""
		if err != nil {
			delivery, reason = DeliveryByHand, ReasonSMSFailed
			detail["error"] = err.Error()
		}
		e := crm.NewAudit(ctx, crm.AuditUpdate, "event_invitation", itoa64(inv.ID), detail)
		_ = es.store.SetInvitationDelivery(context.WithoutCancel(ctx), inv.ID, delivery, reason, &e)
	}
}

// segmentField names a field of the invitation's segment.
func segmentField(name string) string { return "segment." + name }

// checkSegment names the fields of a segment that choose nothing that
// exists: a region not in GB/T 2260, a tier level of no active scheme.
func (es *Service) checkSegment(ctx context.Context, s *Segment) ([]crm.FieldError, error) {
	var fs []crm.FieldError
	s.Region, s.Industry, s.Tag, s.Tier = strings.TrimSpace(s.Region), strings.TrimSpace(s.Industry), strings.TrimSpace(s.Tag), strings.TrimSpace(s.Tier)
	if s.Region != "" {
		if pr := cn.ValidRegionCode(s.Region); pr != nil && pr.Severity == cn.Error {
			fs = append(fs, crm.Bad(segmentField("region"), pr.Code, "event.segment.region", s.Region))
		}
	}
	if s.OwnerID < 0 {
		fs = append(fs, crm.Bad(segmentField("owner_id"), "range", "event.segment.owner"))
	}
	if s.Tier != "" {
		known := false
		if es.tiers != nil {
			schemes, err := es.tiers.ActiveSchemes(ctx)
			if err != nil {
				return nil, err
			}
			for _, sc := range schemes {
				for _, l := range sc.Levels {
					known = known || l.Code == s.Tier
				}
			}
		}
		if !known {
			fs = append(fs, crm.Bad(segmentField("tier"), "unknown", "event.segment.tier", s.Tier))
		}
	}
	return fs, nil
}

// mails are the invitations' e-mails, in Chinese then English.
func (es *Service) mails(ev Event, invs []Invitation, link string) []Mail {
	var out []Mail
	when := ev.StartsAt.In(crm.Shanghai).Format("2006-01-02 15:04")
	for _, inv := range invs {
		if inv.Delivery != DeliveryEmail {
			continue
		}
		l := strings.ReplaceAll(link, "{token}", inv.Token)
		out = append(out, Mail{To: inv.Email, Subject: "邀请函 / Invitation: " + ev.Title,
			Body: inv.Name + "，您好：\n\n诚邀您参加「" + ev.Title + "」\n时间：" + when + "\n地点：" + ev.Place +
				"\n\n请点击以下链接回复是否出席：\n" + l + "\n\nYou are invited to " + ev.Title + " (" + when + ", " + ev.Place +
				"). Please reply at the link above.\n"})
	}
	return out
}

// segment lists the customers (at most MaxSegment) of s in the caller's
// scope, reusing the customer list's filter.
func (es *Service) segment(ctx context.Context, s Segment) ([]customer.Customer, error) {
	f := customer.CustomerFilter{Region: s.Region, Industry: s.Industry, Tag: s.Tag, OwnerID: s.OwnerID}
	var out []customer.Customer
	for len(out) < MaxSegment {
		f.Limit = 200
		page, err := es.customers.List(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, c := range page {
			if s.Tier != "" {
				if ok, err := es.hasTier(ctx, c.ID, s.Tier); err != nil {
					return nil, err
				} else if !ok {
					continue
				}
			}
			out = append(out, c)
		}
		if len(page) < f.Limit {
			break
		}
		f.BeforeID = page[len(page)-1].ID
	}
	return out[:min(len(out), MaxSegment)], nil
}

func (es *Service) hasTier(ctx context.Context, customerID int64, level string) (bool, error) {
	if es.tiers == nil {
		return false, nil
	}
	ts, _, err := es.tiers.CustomerTiers(ctx, customerID)
	if crm.ErrorCode(err) == crm.EForbidden || crm.ErrorCode(err) == crm.ENotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	for _, t := range ts {
		if t.Level == level {
			return true, nil
		}
	}
	return false, nil
}

// Uninvite takes an invitation off the list by hand; one already checked
// in stays.
func (es *Service) Uninvite(ctx context.Context, eventID, id int64) error {
	p, err := crm.Authorize(ctx, crm.ActEventManage)
	if err != nil {
		return err
	}
	inv, err := es.store.Invitation(ctx, id)
	if err != nil || inv.EventID != eventID {
		return crm.Fail(crm.ENotFound, "event.no_such_invitation")
	}
	if !es.visible(ctx, p, inv) {
		return crm.Fail(crm.ENotFound, "event.no_such_invitation")
	}
	if inv.CheckedInAt != nil {
		return crm.Fail(crm.EConflict, "event.invitation.attended")
	}
	e := crm.NewAudit(ctx, crm.AuditDelete, "event_invitation", itoa64(id), map[string]any{"event_id": eventID, "contact_id": inv.ContactID})
	return es.store.RemoveInvitation(ctx, eventID, id, &e)
}

// visible reports whether p sees inv: every invitation for those who run
// events, those of their customers' for the others.
func (es *Service) visible(ctx context.Context, p crm.Principal, inv Invitation) bool {
	sc := invitationScope(p)
	if sc.All && sc.CustomerID == 0 {
		return true
	}
	return es.customers.Visible(ctx, inv.CustomerID, sc) == nil
}
