package complaint

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/secure"
)

// ComplaintStore keeps complaints.
type ComplaintStore interface {
	// CreateComplaint numbers c from r.Number and inserts it, then writes
	// what r.Then decides comes with it, with e, in one transaction.
	CreateComplaint(ctx context.Context, c *Complaint, r Registration, e *crm.AuditEntry) error
	Complaint(ctx context.Context, id int64) (Complaint, error)
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
	ListStore
	LinkStore
	TierTermStore
}

// New returns the complaint service.
func New(s Store, customers *customer.Service, calendars *crm.Calendars, sealer crm.Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, calendars: calendars, sealer: sealer, now: now}
}

// complaintScope is who sees which complaints: the service desk, the GM
// office, QA, production and the gm see all; others see the complaints of
// the customers in their scope.
func complaintScope(p crm.Principal) crm.Scope {
	switch p.Role {
	case crm.RoleService, crm.RoleGMOffice, crm.RoleQA, crm.RoleProduction, crm.RoleGM:
		return crm.Scope{All: true, UserID: p.UserID}
	}
	return crm.CustomerScope(p)
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
			return Complaint{}, crm.Fail(crm.ENotFound, "complaint_err.no_such_complaint")
		}
		if err := cs.customers.Visible(ctx, c.CustomerID, s); err != nil {
			return Complaint{}, crm.Fail(crm.ENotFound, "complaint_err.no_such_complaint")
		}
	}
	cs.present(&c)
	return c, nil
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
