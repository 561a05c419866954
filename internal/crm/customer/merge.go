package customer

import (
	"context"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
)

// Holdings is what hangs off a customer and moves with a merge.
type Holdings struct {
	Contacts      int `json:"contacts"`
	Interactions  int `json:"interactions"`
	Attachments   int `json:"attachments"` // of those interactions
	Complaints    int `json:"complaints"`  // stay with the merged customer's record
	CardRevisions int `json:"card_revisions"`
}

// MergePreview shows, before a merge is confirmed, both customers and
// what would move from the merged one to the survivor.
type MergePreview struct {
	Survivor Customer
	Merged   Customer
	Moves    Holdings
}

// mergePair loads the two customers of a merge as Merge does: both in
// the caller's own scope, with customer.update.
func (cs *Service) mergePair(ctx context.Context, survivorID, fromID int64) (Customer, Customer, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerUpdate)
	if err != nil {
		return Customer{}, Customer{}, err
	}
	survivor, _, err := cs.store.Customer(ctx, survivorID, crm.CustomerScope(p), false, cs.now())
	if err != nil {
		return survivor, Customer{}, err
	}
	if survivorID == fromID {
		return survivor, Customer{}, crm.Invalid(crm.Bad("from_id", "same", "customer.from_id.same"))
	}
	merged, _, err := cs.store.Customer(ctx, fromID, crm.CustomerScope(p), false, cs.now())
	if crm.ErrorCode(err) == crm.ENotFound {
		return survivor, merged, crm.Invalid(crm.Bad("from_id", "unknown", "customer.from_id.unknown"))
	}
	return survivor, merged, err
}

// PreviewMerge says what merging fromID into survivorID would move,
// changing nothing.
func (cs *Service) PreviewMerge(ctx context.Context, survivorID, fromID int64) (MergePreview, error) {
	survivor, merged, err := cs.mergePair(ctx, survivorID, fromID)
	if err != nil {
		return MergePreview{Survivor: survivor}, err
	}
	h, err := cs.store.CustomerHoldings(ctx, fromID)
	return MergePreview{Survivor: survivor, Merged: merged, Moves: h}, err
}

// MergeCandidates are the customers the caller could merge into
// survivorID: those matching q (the list's search), or, without q, those
// whose normalised name is the survivor's — the likely duplicates. Only
// customers in the caller's own scope are offered, at most 20.
func (cs *Service) MergeCandidates(ctx context.Context, survivorID int64, q string) ([]Customer, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerUpdate)
	if err != nil {
		return nil, err
	}
	survivor, _, err := cs.store.Customer(ctx, survivorID, crm.CustomerScope(p), false, cs.now())
	if err != nil {
		return nil, err
	}
	var list []Customer
	if q = strings.TrimSpace(q); q != "" {
		list, _, err = cs.store.SearchCustomers(ctx, crm.CustomerScope(p), q, CustomerFilter{Limit: 21}, cs.now())
	} else {
		var same []Customer
		same, err = cs.dedup.CustomersByNameNorm(ctx, NormalizeName(survivor.Name))
		for _, c := range same {
			if _, _, e := cs.store.Customer(ctx, c.ID, crm.CustomerScope(p), false, cs.now()); e == nil {
				list = append(list, c)
			}
		}
	}
	out := []Customer{}
	for _, c := range list {
		if c.ID != survivorID && len(out) < 20 {
			out = append(out, c)
		}
	}
	return out, err
}
