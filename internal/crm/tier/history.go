package tier

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// HistoryEntry is one period of a customer's level in a scheme: from
// when, until when (nil: still), where it came from and the inputs that
// produced it.
type HistoryEntry struct {
	ID            int64      `json:"id"`
	SchemeID      int64      `json:"scheme_id"`
	SchemeVersion int        `json:"scheme_version"`
	CustomerID    int64      `json:"customer_id"`
	Level         string     `json:"level"`
	Previous      string     `json:"previous"`
	Source        string     `json:"source"`
	Reason        string     `json:"reason,omitempty"`
	Inputs        Inputs     `json:"inputs"`
	From          time.Time  `json:"effective_from"`
	To            *time.Time `json:"effective_to,omitempty"`
	RunID         int64      `json:"run_id,omitempty"`
	By            string     `json:"created_by"`
}

// historyOf is the history entry a decision starts.
func historyOf(s Scheme, d Decision, runID int64, reason, by string) *HistoryEntry {
	if reason == "" && d.Next.Source == SourceOverride && d.Next.Override != nil {
		reason = d.Next.Override.Reason
	}
	if reason == "" && d.Next.Source == SourceFlag {
		reason = d.Next.Inputs.FlagReason
	}
	return &HistoryEntry{SchemeID: s.ID, SchemeVersion: s.Version, CustomerID: d.Next.CustomerID, Level: d.Next.Level,
		Previous: d.Previous, Source: d.Next.Source, Reason: reason, Inputs: d.Next.Inputs, From: d.Next.Since, RunID: runID, By: by}
}

// CustomerTierStore keeps customers' standings, history and flags.
type CustomerTierStore interface {
	CustomerTiers(ctx context.Context, customerID int64) ([]Current, error)
	History(ctx context.Context, customerID, schemeID, before int64, limit int) ([]HistoryEntry, error)
	HistoryTotal(ctx context.Context, customerID, schemeID int64) (crm.ListTotal, error)
	Flag(ctx context.Context, customerID int64) (*Flag, error)
	// SaveChanges writes changes made by hand (an override, a flag), the
	// flag (set when f is not nil, cleared when clear), their notices and
	// the audit entry in one transaction.
	SaveChanges(ctx context.Context, changes []Change, f *Flag, clear bool, customerID int64, notices []crm.Notice, e *crm.AuditEntry) error
}
