package crm

import (
	"context"
	"encoding/json"
	"strconv"
	"time"
)

// RoleSecurityAdmin is the security administrator (安全管理员): grants
// roles, and decides what the system administrator asks for. Separation
// of duties (三员分立): admin runs accounts and settings, security_admin
// grants roles, auditor reads the audit log.
const RoleSecurityAdmin Role = "security_admin"

// Duty request kinds: what a second person must approve.
const (
	DutyUserCreate     = "user_create"     // an account with a guarded role
	DutyUserRole       = "user_role"       // a guarded role given to an account
	DutyUserPassword   = "user_password"   // a guarded account's password reset
	DutyUserEnable     = "user_enable"     // a guarded account enabled again
	DutyCustomerDelete = "customer_delete" // a customer erased for good (the GM approves)
)

// Duty request states.
const (
	DutyPending  = "pending"
	DutyApproved = "approved"
	DutyRejected = "rejected"
)

// AuditDutyRequest and AuditDutyDecision are the audit actions of the
// two-person rule.
const (
	AuditDutyRequest  = "duty_request"
	AuditDutyDecision = "duty_decision"
)

// DutyRequest is a change one administrator asked for that takes effect
// only when a second person approves it (two-person rule).
type DutyRequest struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	TargetID    int64      `json:"target_id"`
	Target      string     `json:"target"`
	Role        Role       `json:"role,omitempty"`
	Payload     string     `json:"-"` // what applying needs (a password hash, the new account); never shown
	Status      string     `json:"status"`
	RequestedBy int64      `json:"requested_by"`
	Requester   string     `json:"requester"`
	RequestedAt time.Time  `json:"requested_at"`
	DecidedBy   int64      `json:"decided_by,omitempty"`
	Decider     string     `json:"decider,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Note        string     `json:"note,omitempty"`
}

// PendingApproval is what a change answers when it became a request: the
// HTTP layer writes 202 Accepted with the request, the pages show the
// message of its *Error.
type PendingApproval struct {
	Request DutyRequest
}

func (p *PendingApproval) Error() string {
	return "awaiting approval: duty request " + strconv.FormatInt(p.Request.ID, 10)
}

// Unwrap gives the message shown where no 202 can be (an HTML form).
func (p *PendingApproval) Unwrap() error {
	if p.Request.Kind == DutyCustomerDelete {
		return Fail(EConflict, "duties.pending_gm", p.Request.ID)
	}
	return Fail(EConflict, "duties.pending", p.Request.ID)
}

// DutyGuarded reports whether giving r to someone needs a second person:
// every role that reads customer data or the audit log, and the two that
// decide requests (else an administrator could make a second administrator
// of their own and approve with it).
func (r Role) DutyGuarded() bool {
	if r == RoleAdmin || r == RoleSecurityAdmin {
		return true
	}
	for _, a := range []Action{ActCustomerRead, ActAuditRead, ActComplaintRead, ActSalesRead, ActServiceOrderRead} {
		if r.Can(a) {
			return true
		}
	}
	return false
}

// NeedsSecondPerson reports whether p may not give a guarded role (or
// reset, or enable, an account holding one) alone: everyone but the
// security administrator and the command line (break glass).
func NeedsSecondPerson(p Principal) bool {
	return p.UserID > 0 && p.Role != RoleSecurityAdmin
}

// BreakGlass reports whether ctx acts for `kehu user` on the server: the
// break-glass path around the two-person rule, audited as such.
func BreakGlass(ctx context.Context) bool {
	p, ok := PrincipalFrom(ctx)
	return ok && p.UserID < 0 && p.Username == "system:cli"
}

// MarkBreakGlass adds "break_glass": true to e's detail when ctx is the
// break-glass path.
func MarkBreakGlass(ctx context.Context, e *AuditEntry) {
	if !BreakGlass(ctx) {
		return
	}
	detail := map[string]any{}
	_ = json.Unmarshal([]byte(e.Detail), &detail)
	detail["break_glass"] = true
	if b, err := json.Marshal(detail); err == nil {
		e.Detail = string(b)
	}
}

// DutyRequester records duty requests (the store).
type DutyRequester interface {
	CreateDutyRequest(ctx context.Context, r *DutyRequest, e *AuditEntry) error
}

// RequestDuty records r, asked for by ctx's principal, in s (which must
// be a DutyRequester), audited, and returns the *PendingApproval the
// change answers.
func RequestDuty(ctx context.Context, s any, r DutyRequest) error {
	ds, ok := s.(DutyRequester)
	if !ok {
		return Fail(EInternal, "crm.internal")
	}
	p, _ := PrincipalFrom(ctx)
	r.RequestedBy, r.Requester = p.UserID, p.Username
	if r.Payload == "" {
		r.Payload = "{}"
	}
	e := NewAudit(ctx, AuditDutyRequest, "duty_request", "", map[string]any{
		"kind": r.Kind, "target": r.Target, "target_id": r.TargetID, "role": r.Role})
	if err := ds.CreateDutyRequest(ctx, &r, &e); err != nil {
		return err
	}
	return &PendingApproval{Request: r}
}

type dutyApprovedKey struct{}

// WithDutyApproved marks ctx as carrying out approved request id, so the
// change it guards runs instead of asking again.
func WithDutyApproved(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, dutyApprovedKey{}, id)
}

// ApprovedDuty is the approved request ctx carries out, or 0.
func ApprovedDuty(ctx context.Context) int64 {
	id, _ := ctx.Value(dutyApprovedKey{}).(int64)
	return id
}
