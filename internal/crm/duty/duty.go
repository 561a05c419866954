// Package duty is the two-person rule of separation of duties (三员分立):
// changes one administrator asked for that give someone a role reading
// customer data or the audit log, and hard deletes of customers, wait as
// requests until a second person approves them: another administrator or
// the security administrator for accounts, the GM for an erasure.
package duty

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
)

// Store keeps the requests.
type Store interface {
	DutyRequest(ctx context.Context, id int64) (crm.DutyRequest, error)
	ListDutyRequests(ctx context.Context, status, kindPrefix string, beforeID int64, limit int) ([]crm.DutyRequest, error)
	DecideDutyRequest(ctx context.Context, r *crm.DutyRequest, e *crm.AuditEntry) error
	CountDutyRequests(ctx context.Context, status, kindPrefix string) (crm.ListTotal, error)
}

// Accounts carries out an approved account request (identity.Service).
type Accounts interface {
	ApplyDutyRequest(ctx context.Context, r crm.DutyRequest) error
}

// Customers erases a customer (customer.Service).
type Customers interface {
	HardDelete(ctx context.Context, id int64) error
}

// Service lists and decides requests.
type Service struct {
	store     Store
	accounts  Accounts
	customers Customers
	now       func() time.Time
}

// New returns the service; now is the clock (time.Now when nil).
func New(s Store, accounts Accounts, customers Customers, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, accounts: accounts, customers: customers, now: now}
}

// kindsFor is the kinds p decides: the GM the erasures, the
// administrators the account requests.
func kindsFor(p crm.Principal) string {
	if p.Role == crm.RoleGM {
		return "customer_"
	}
	return "user_"
}

// List returns the requests p decides, newest first, in status ("" all).
func (s *Service) List(ctx context.Context, status string, beforeID int64, limit int) ([]crm.DutyRequest, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActDutyDecide)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	switch status {
	case "", crm.DutyPending, crm.DutyApproved, crm.DutyRejected:
	default:
		return nil, crm.ListTotal{}, crm.Invalid(crm.Bad("status", "unknown", "duties.status.unknown"))
	}
	list, err := s.store.ListDutyRequests(ctx, status, kindsFor(p), beforeID, limit)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := s.store.CountDutyRequests(ctx, status, kindsFor(p))
	return list, total, err
}

// Get reads one request p decides; any other answers not found.
func (s *Service) Get(ctx context.Context, id int64) (crm.DutyRequest, error) {
	p, err := crm.Authorize(ctx, crm.ActDutyDecide)
	if err != nil {
		return crm.DutyRequest{}, err
	}
	r, err := s.store.DutyRequest(ctx, id)
	if err != nil {
		return r, err
	}
	if !strings.HasPrefix(r.Kind, kindsFor(p)) {
		return crm.DutyRequest{}, crm.Fail(crm.ENotFound, "duties.no_such_request")
	}
	return r, nil
}

// mayDecide refuses the requester deciding their own request, and anyone
// deciding a request about their own account.
func mayDecide(p crm.Principal, r crm.DutyRequest) error {
	switch {
	case r.Status != crm.DutyPending:
		return crm.Fail(crm.EConflict, "duties.already_decided", r.ID)
	case r.RequestedBy == p.UserID:
		return crm.Fail(crm.EForbidden, "duties.own_request")
	case strings.HasPrefix(r.Kind, "user_") && r.TargetID == p.UserID && r.TargetID != 0:
		return crm.Fail(crm.EForbidden, "duties.own_account")
	}
	return nil
}

// Approve carries out the request and records the decision.
func (s *Service) Approve(ctx context.Context, id int64) (crm.DutyRequest, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return r, err
	}
	p, _ := crm.PrincipalFrom(ctx)
	if err := mayDecide(p, r); err != nil {
		return r, err
	}
	if r.Kind == crm.DutyCustomerDelete {
		// The erasure runs as the administrator who asked for it, marked
		// approved; the decision entry names the GM.
		asker := crm.Principal{UserID: r.RequestedBy, Username: r.Requester, Role: crm.RoleAdmin}
		err = s.customers.HardDelete(crm.WithDutyApproved(crm.WithPrincipal(ctx, asker), r.ID), r.TargetID)
	} else {
		err = s.accounts.ApplyDutyRequest(crm.WithDutyApproved(ctx, r.ID), r)
	}
	if err != nil {
		return r, err
	}
	return r, s.decide(ctx, p, &r, crm.DutyApproved, "")
}

// Reject records a refusal, with an optional note.
func (s *Service) Reject(ctx context.Context, id int64, note string) (crm.DutyRequest, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return r, err
	}
	p, _ := crm.PrincipalFrom(ctx)
	if r.Status != crm.DutyPending {
		return r, crm.Fail(crm.EConflict, "duties.already_decided", r.ID)
	}
	if r.RequestedBy == p.UserID {
		return r, crm.Fail(crm.EForbidden, "duties.own_request")
	}
	if utf8.RuneCountInString(note) > 500 {
		return r, crm.Invalid(crm.Bad("note", "too_long", "duties.note.too_long", 500))
	}
	return r, s.decide(ctx, p, &r, crm.DutyRejected, note)
}

func (s *Service) decide(ctx context.Context, p crm.Principal, r *crm.DutyRequest, status, note string) error {
	now := s.now().UTC()
	r.Status, r.DecidedBy, r.Decider, r.DecidedAt, r.Note = status, p.UserID, p.Username, &now, note
	e := crm.NewAudit(ctx, crm.AuditDutyDecision, "duty_request", "", map[string]any{
		"kind": r.Kind, "target": r.Target, "target_id": r.TargetID, "role": r.Role, "status": status, "requested_by": r.Requester})
	e.EntityID = itoa(r.ID)
	return s.store.DecideDutyRequest(ctx, r, &e)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
