package crm

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry is one line of the audit log: who did what to which record,
// when, from where. Entries are written in the same transaction as the
// change they record, and chained by hash so an edit made behind Kehu's
// back is found by `kehu audit verify`.
type AuditEntry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	UserID    int64     `json:"user_id,omitempty"` // 0 for the system or an unknown user
	Username  string    `json:"username"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity,omitempty"`
	EntityID  string    `json:"entity_id,omitempty"`
	Detail    string    `json:"detail"` // JSON object
	IP        string    `json:"ip,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
}

// Audit actions.
const (
	AuditCreate        = "create"
	AuditUpdate        = "update"
	AuditDelete        = "delete"
	AuditLogin         = "login"
	AuditLoginFailed   = "login_failed"
	AuditLogout        = "logout"
	AuditLocked        = "account_locked"
	AuditPasswordReset = "password_reset"
	AuditTokenCreate   = "token_create"
	AuditTokenRevoke   = "token_revoke"
	AuditPurge         = "audit_purge"
	AuditReveal        = "reveal"
	AuditExport        = "export"
	AuditGrant         = "access_decision"
	AuditReadGranted   = "read_under_grant"
	AuditMerge         = "merge"
)

// requestMeta carries where a request came from, for audit entries.
type requestMeta struct{ ip, requestID string }

type requestMetaKey struct{}

// RequestIP is the client address WithRequestMeta recorded, or "".
func RequestIP(ctx context.Context) string {
	m, _ := ctx.Value(requestMetaKey{}).(requestMeta)
	return m.ip
}

// WithRequestMeta returns ctx carrying the client address and request ID
// that audit entries record.
func WithRequestMeta(ctx context.Context, ip, requestID string) context.Context {
	return context.WithValue(ctx, requestMetaKey{}, requestMeta{ip, requestID})
}

type clockKey struct{}

// WithClock returns ctx carrying now, the clock the domain reads for the
// times it records in ctx (audit entries): the server puts its injected
// clock into every request, so tests that fix the clock fix these too.
func WithClock(ctx context.Context, now func() time.Time) context.Context {
	return context.WithValue(ctx, clockKey{}, now)
}

// Now is the time of ctx's clock (WithClock), else the wall clock.
func Now(ctx context.Context) time.Time {
	if now, ok := ctx.Value(clockKey{}).(func() time.Time); ok && now != nil {
		return now()
	}
	return time.Now()
}

// NewAudit starts an audit entry for the principal in ctx, dated by ctx's
// clock; the store writes the time it is given.
func NewAudit(ctx context.Context, action, entity, entityID string, detail any) AuditEntry {
	e := AuditEntry{Action: action, Entity: entity, EntityID: entityID, Detail: "{}", At: Now(ctx).UTC()}
	if p, ok := PrincipalFrom(ctx); ok {
		if p.UserID > 0 {
			e.UserID = p.UserID
		}
		e.Username = p.Username
	}
	if m, ok := ctx.Value(requestMetaKey{}).(requestMeta); ok {
		e.IP, e.RequestID = m.ip, m.requestID
	}
	if detail != nil {
		if b, err := json.Marshal(detail); err == nil {
			e.Detail = string(b)
		}
	}
	return e
}

// Change is one field's before and after value in an update's audit entry.
type Change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}
