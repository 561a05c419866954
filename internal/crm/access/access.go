package access

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// AccessRequest asks to see a record outside one's scope for a reason. The
// owner's manager or the gm approves or rejects it; an approval lasts a
// limited time (7 days by default) and then expires by itself.
type AccessRequest struct {
	ID           int64      `json:"id"`
	UserID       int64      `json:"user_id"`
	Username     string     `json:"username"`
	Entity       string     `json:"entity"`
	RecordID     int64      `json:"record_id"`
	Reason       string     `json:"reason"`
	Status       Status     `json:"status"`
	DecidedBy    int64      `json:"decided_by,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	DecisionNote string     `json:"decision_note,omitempty"`
	ExpiresAt    *time.Time `json:"expires_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
}

// Status is where an access request stands.
type Status string

// The statuses of a request. Only a pending request is decided; an
// approval grants access until it expires (shown as expired after).
const (
	StatusPending  Status = "pending"
	StatusApproved Status = "approved"
	StatusRejected Status = "rejected"
	StatusExpired  Status = "expired"
)

// EntityCustomer is what requests are about: customers.
const EntityCustomer = "customer"

// AccessStore keeps access requests.
type AccessStore interface {
	CreateAccessRequest(ctx context.Context, r *AccessRequest, e *crm.AuditEntry) error
	AccessRequest(ctx context.Context, id int64) (AccessRequest, error)
	ListAccessRequests(ctx context.Context, userID int64, all bool, status Status, beforeID int64, limit int) ([]AccessRequest, error)
	CountAccessRequests(ctx context.Context, userID int64, all bool, status Status) (crm.ListTotal, error)
	// DecideAccessRequest writes a decision on r if it is still
	// StatusPending (EConflict otherwise), with e.
	DecideAccessRequest(ctx context.Context, r *AccessRequest, e *crm.AuditEntry) error
	CustomerOwner(ctx context.Context, id int64) (owner, manager int64, err error)
}

// Service handles access requests.
type Service struct {
	store AccessStore
	ttl   time.Duration
	now   func() time.Time
}

// DefaultGrantTTL is how long an approval lasts unless configured.
const DefaultGrantTTL = 7 * 24 * time.Hour

// New returns the access-request service; ttl is how long an
// approval lasts (DefaultGrantTTL when zero).
func New(s AccessStore, ttl time.Duration, now func() time.Time) *Service {
	if ttl <= 0 {
		ttl = DefaultGrantTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, ttl: ttl, now: now}
}

// Request asks for access to a customer. The customer must exist; whether
// the caller can already see it is not revealed.
func (a *Service) Request(ctx context.Context, entity string, recordID int64, reason string) (AccessRequest, error) {
	p, err := crm.Authorize(ctx, crm.ActAccessRequest)
	if err != nil {
		return AccessRequest{}, err
	}
	var fs []crm.FieldError
	if entity != EntityCustomer {
		fs = append(fs, crm.Bad("entity", "unknown", "accessreq.entity.unknown"))
	}
	if strings.TrimSpace(reason) == "" {
		fs = append(fs, crm.Bad("reason", "required", "accessreq.reason.required"))
	}
	if len(fs) > 0 {
		return AccessRequest{}, crm.Invalid(fs...)
	}
	if _, _, err := a.store.CustomerOwner(ctx, recordID); err != nil {
		return AccessRequest{}, err
	}
	r := AccessRequest{UserID: p.UserID, Username: p.Username, Entity: entity, RecordID: recordID, Reason: strings.TrimSpace(reason),
		Status: StatusPending, CreatedAt: a.now().UTC()}
	e := crm.NewAudit(ctx, crm.AuditCreate, "access_request", "", map[string]any{"entity": entity, "record_id": recordID, "reason": r.Reason})
	return r, a.store.CreateAccessRequest(ctx, &r, &e)
}

// List returns the caller's own requests and those they may decide.
func (a *Service) List(ctx context.Context, status string, beforeID int64, limit int) ([]AccessRequest, error) {
	p, err := crm.Authorize(ctx, crm.ActAccessRequest)
	if err != nil {
		return nil, err
	}
	rs, err := a.store.ListAccessRequests(ctx, p.UserID, p.Role == crm.RoleGM, Status(status), beforeID, limit)
	for i := range rs {
		a.expire(&rs[i])
	}
	return rs, err
}

// Total counts what List lists, all pages.
func (a *Service) Total(ctx context.Context, status string) (crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActAccessRequest)
	if err != nil {
		return crm.ListTotal{}, err
	}
	return a.store.CountAccessRequests(ctx, p.UserID, p.Role == crm.RoleGM, Status(status))
}

// expire shows an approval past its end as expired.
func (a *Service) expire(r *AccessRequest) {
	if r.Status == StatusApproved && r.ExpiresAt != nil && a.now().After(*r.ExpiresAt) {
		r.Status = StatusExpired
	}
}

// Decide approves or rejects a pending request. Only the gm or the manager
// of the record's owner may, and never for their own request.
func (a *Service) Decide(ctx context.Context, id int64, approve bool, note string) (AccessRequest, error) {
	p, err := crm.Authorize(ctx, crm.ActAccessApprove)
	if err != nil {
		return AccessRequest{}, err
	}
	r, err := a.store.AccessRequest(ctx, id)
	if err != nil {
		return r, err
	}
	if r.UserID == p.UserID {
		return r, crm.Fail(crm.EForbidden, "accessreq.own_request")
	}
	_, manager, err := a.store.CustomerOwner(ctx, r.RecordID)
	if err != nil {
		return r, err
	}
	if p.Role != crm.RoleGM && manager != p.UserID {
		return r, crm.Fail(crm.EForbidden, "accessreq.decide_forbidden")
	}
	now := a.now().UTC()
	r.DecidedBy, r.DecidedAt, r.DecisionNote = p.UserID, &now, strings.TrimSpace(note)
	r.Status = StatusRejected
	if approve {
		exp := now.Add(a.ttl)
		r.Status, r.ExpiresAt = StatusApproved, &exp
	}
	e := crm.NewAudit(ctx, crm.AuditGrant, "access_request", strconv.FormatInt(r.ID, 10),
		map[string]any{"decision": r.Status, "user_id": r.UserID, "record_id": r.RecordID, "expires_at": r.ExpiresAt})
	return r, a.store.DecideAccessRequest(ctx, &r, &e)
}
