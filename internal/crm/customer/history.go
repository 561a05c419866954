package customer

import (
	"context"
	"encoding/json"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// HistoryEntry is one change in a customer's history (变更历史): who did
// what and when, and the change itself as the audit log keeps it (for an
// update, each field's before and after; for a handover, the reason too).
type HistoryEntry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	Username   string          `json:"username"`
	Action     string          `json:"action"`
	Entity     string          `json:"entity"` // customer or customer_card
	CustomerID int64           `json:"customer_id"`
	Detail     json.RawMessage `json:"detail"`
}

// HistorySource is a customer whose audit entries make up a history: up
// to entry UpTo (a merged customer's, up to its merge), or all (0).
type HistorySource struct {
	ID   int64
	UpTo int64
}

// HistoryStore reads customers' histories from the audit log.
type HistoryStore interface {
	// MergedInto lists the customers merged into id, directly or through
	// an earlier merge, each up to its merge.
	MergedInto(ctx context.Context, id int64) ([]HistorySource, error)
	// CustomerHistory lists the entries about the customers from (their
	// records and cards) older than beforeID (0: the newest), newest first.
	CustomerHistory(ctx context.Context, from []HistorySource, beforeID int64, limit int) ([]HistoryEntry, error)
	// CountCustomerHistory counts what CustomerHistory lists, all pages.
	CountCustomerHistory(ctx context.Context, from []HistorySource) (crm.ListTotal, error)
}

// History returns a customer's history, newest first, a page of at most
// limit entries older than beforeID (0 for the first page): its creation,
// every change (owner changes and handovers with their reasons), trash and
// restore, card revisions and merges, including the history of every
// customer merged into it. Whoever may read the customer may read its
// history; reads and reveals stay in the audit log for auditors.
func (cs *Service) History(ctx context.Context, id, beforeID int64, limit int) ([]HistoryEntry, error) {
	if _, err := cs.Get(ctx, id); err != nil {
		return nil, err
	}
	merged, err := cs.history.MergedInto(ctx, id)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1001) // a page of up to 1,000 and one more, to know of the next
	return cs.history.CustomerHistory(ctx, append([]HistorySource{{ID: id}}, merged...), beforeID, limit)
}

// HistoryTotal counts a customer's history entries, all pages.
func (cs *Service) HistoryTotal(ctx context.Context, id int64) (crm.ListTotal, error) {
	if _, err := cs.Get(ctx, id); err != nil {
		return crm.ListTotal{}, err
	}
	merged, err := cs.history.MergedInto(ctx, id)
	if err != nil {
		return crm.ListTotal{}, err
	}
	return cs.history.CountCustomerHistory(ctx, append([]HistorySource{{ID: id}}, merged...))
}
