package complaint

import (
	"context"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/secure"
)

// PublicComplaint is what a customer files on the public form.
type PublicComplaint struct {
	Name        string `json:"name"`
	Phone       string `json:"phone"`
	Email       string `json:"email"` // optional: the satisfaction survey goes here when the complaint closes
	Company     string `json:"company"`
	Category    string `json:"category"`
	OrderNo     string `json:"order_no"`
	Description string `json:"description"`
	Website     string `json:"website"` // a field people never see: filled in only by bots
}

// PublicStatus is what the private status link shows: no personal data,
// no staff, no internal notes, causes or responsibility. The reply and the
// solution are shown, on the status page and in the API, once given.
type PublicStatus struct {
	Number     string     `json:"number"`
	Status     Status     `json:"status"`
	ReceivedAt time.Time  `json:"received_at"`
	ReplyDueAt time.Time  `json:"reply_due_at"`
	RepliedAt  *time.Time `json:"replied_at,omitempty"` // the first step out of registered (受理)
	Reply      string     `json:"reply,omitempty"`      // the latest reply written for the customer, if any
	Solution   string     `json:"solution,omitempty"`   // the handling (处理方式) once approved, while it stands
}

// solutionGiven are the statuses in which the approved handling stands: a
// dispute sends the complaint back to investigating, and the page then
// waits for the new one.
var solutionGiven = []Status{StatusApproved, StatusCustomerInformed, StatusCustomerConfirmed, StatusVerified, StatusReturnVisited, StatusClosed}

// publicPerHour bounds how many complaints one address files per hour.
const publicPerHour = 5

// PublicStore finds a complaint by its status link.
type PublicStore interface {
	ComplaintByStatusToken(ctx context.Context, hash string) (Complaint, error)
	SetStatusToken(ctx context.Context, id int64, hash string) error
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error)
	// Unhit takes back one event Hit counted.
	Unhit(ctx context.Context, key string, window time.Duration, now time.Time) error
}

// SubmitPublic files a complaint from the public form, without signing
// in. It is rate-limited per address and refuses the bots that fill in
// the hidden field; the caller gets the number and a private status token
// (shown once, stored hashed).
func (cs *Service) SubmitPublic(ctx context.Context, in PublicComplaint, ip, lang string) (Complaint, string, error) {
	now := cs.now().UTC()
	key := "public-complaint:" + ip
	hits, end, err := cs.store.Hit(ctx, key, time.Hour, now)
	if err != nil {
		return Complaint{}, "", err
	}
	crm.NoteRateLimit(ctx, key, publicPerHour, hits, end)
	if hits > publicPerHour {
		e := crm.Fail(crm.ERateLimited, "complaint_err.public.rate_limited")
		e.RetryAfter = end.Sub(now)
		return Complaint{}, "", e
	}
	if strings.TrimSpace(in.Website) != "" {
		return Complaint{}, "", crm.Fail(crm.EBadRequest, "complaint_err.public.not_a_person")
	}
	desc := in.Description
	if c := strings.TrimSpace(in.Company); c != "" {
		desc = "【" + c + "】" + desc
	}
	sys := crm.WithPrincipal(ctx, crm.Principal{UserID: -1, Username: "public:" + ip, Role: crm.RoleService})
	c, err := cs.Create(sys, Complaint{CallerName: strings.TrimSpace(in.Name), Channel: "web", Category: in.Category,
		OrderNo: strings.TrimSpace(in.OrderNo), Description: desc, ComplaintSLA: ComplaintSLA{ContactEmail: in.Email}}, in.Phone, nil, lang)
	if err != nil {
		if crm.ErrorCode(err) == crm.EInvalid {
			// Refused for what was filled in: the sender corrects it and
			// sends again, which must not use up their quota.
			if uerr := cs.store.Unhit(ctx, key, time.Hour, now); uerr != nil {
				return c, "", uerr
			}
			crm.NoteRateLimit(ctx, key, publicPerHour, hits-1, end)
		}
		return c, "", publicProblem(err)
	}
	token, hash := secure.NewToken("kst_")
	if err := cs.store.SetStatusToken(ctx, c.ID, hex.EncodeToString(hash)); err != nil {
		return c, "", err
	}
	return c, token, nil
}

// PublicStatusOf answers the private status link.
func (cs *Service) PublicStatusOf(ctx context.Context, token string) (PublicStatus, error) {
	if !strings.HasPrefix(token, "kst_") {
		return PublicStatus{}, crm.Fail(crm.ENotFound, "complaint_err.no_such_complaint")
	}
	c, err := cs.store.ComplaintByStatusToken(ctx, hex.EncodeToString(secure.HashToken(token)))
	if err != nil {
		return PublicStatus{}, crm.Fail(crm.ENotFound, "complaint_err.no_such_complaint")
	}
	st := PublicStatus{Number: c.Number, Status: c.Status, ReceivedAt: c.ReceivedAt, ReplyDueAt: c.ReplyDueAt}
	events, err := cs.store.ComplaintEvents(ctx, c.ID)
	if err != nil {
		return st, err
	}
	for _, ev := range events {
		at := ev.At
		if ev.From == RepliedFrom && st.RepliedAt == nil {
			st.RepliedAt = &at
		}
		if r := ev.Fields[FieldReply]; r != "" {
			st.Reply = r
		}
	}
	if slices.Contains(solutionGiven, c.Status) {
		st.Solution = c.Handling
	}
	return st, nil
}

// publicFields are the staff intake's fields as the public form names
// them, so a refusal points at what the caller filled in.
var publicFields = map[string]string{"customer_id": "name", "caller_name": "name", "caller_phone": "phone", "contact_email": "email"}

// publicProblem renames the fields of a refused intake for the public
// form; the staff's "give the customer" becomes "give your name".
func publicProblem(err error) error {
	var e *crm.Error
	if !errors.As(err, &e) || e.Code != crm.EInvalid {
		return err
	}
	fields := make([]crm.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if name, ok := publicFields[f.Field]; ok {
			f.Field = name
			if name == "name" && f.Code == "required" {
				f = crm.Bad("name", "required", "complaint_err.public.name_required")
			}
		}
		fields[i] = f
	}
	return crm.Invalid(fields...)
}
