package attachment

import (
	"context"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// OfInteraction lists an interaction's attachments.
func (as *Service) OfInteraction(ctx context.Context, interactionID int64) ([]Attachment, error) {
	if _, err := as.interaction(ctx, crm.ActCustomerRead, interactionID); err != nil {
		return nil, err
	}
	return as.store.InteractionAttachments(ctx, []int64{interactionID})
}

// OfTimeline lists the attachments of a page of a customer's timeline,
// by interaction; the caller must be able to read the customer. (Reading
// the page itself audited a read under a grant already.)
func (as *Service) OfTimeline(ctx context.Context, customerID int64, page []customer.Interaction) (map[int64][]Attachment, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerRead)
	if err != nil {
		return nil, err
	}
	if err := as.customers.Visible(ctx, customerID, crm.ReadScope(p)); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(page))
	for _, it := range page {
		if it.CustomerID == customerID {
			ids = append(ids, it.ID)
		}
	}
	list, err := as.store.InteractionAttachments(ctx, ids)
	out := map[int64][]Attachment{}
	for _, a := range list {
		out[a.InteractionID] = append(out[a.InteractionID], a)
	}
	return out, err
}

// OfComplaint lists a complaint's attachments.
func (as *Service) OfComplaint(ctx context.Context, complaintID int64) ([]Attachment, error) {
	if _, err := as.complaint(ctx, complaintID, false); err != nil {
		return nil, err
	}
	return as.store.ComplaintAttachments(ctx, complaintID)
}

// find reads an attachment the caller may act on: read (download, list)
// or change (delete) as its parent allows.
func (as *Service) find(ctx context.Context, id int64, change bool) (Attachment, error) {
	// The role decides first, so that a 403 never tells whether an
	// attachment exists; past it, every refusal is not_found.
	act := crm.ActCustomerRead
	if change {
		act = crm.ActCustomerUpdate
	}
	p, err := crm.Authorize(ctx, act)
	if crm.ErrorCode(err) == crm.EForbidden && p.Role.Can(crm.ActComplaintRead) {
		err = nil
	}
	if err != nil {
		return Attachment{}, err
	}
	a, err := as.store.Attachment(ctx, id)
	if err != nil {
		return a, err
	}
	if a.InteractionID != 0 {
		act := crm.ActCustomerRead
		if change {
			act = crm.ActCustomerUpdate
		}
		_, err = as.interaction(ctx, act, a.InteractionID)
	} else {
		_, err = as.complaint(ctx, a.ComplaintID, change)
	}
	if code := crm.ErrorCode(err); code == crm.ENotFound || code == crm.EForbidden {
		return Attachment{}, crm.Fail(crm.ENotFound, "attachment.no_such_attachment")
	}
	return a, err
}

// Open reads an attachment and its bytes for download, and audits it.
func (as *Service) Open(ctx context.Context, id int64) (Attachment, []byte, error) {
	a, err := as.find(ctx, id, false)
	if err != nil {
		return a, nil, err
	}
	data, err := as.store.AttachmentData(ctx, a.SHA256)
	if err != nil {
		return a, nil, err
	}
	e := crm.NewAudit(ctx, AuditDownload, "attachment", strconv.FormatInt(id, 10), map[string]any{"name": a.Name, "sha256": a.SHA256})
	a.Name = DownloadName(a) // a name kept before the name rules cannot open as a page
	return a, data, as.store.Audit(ctx, &e)
}

// Delete removes an attachment the caller may change, audited; the bytes
// go when no other attachment shares them.
func (as *Service) Delete(ctx context.Context, id int64) (Attachment, error) {
	a, err := as.find(ctx, id, true)
	if err != nil {
		return a, err
	}
	e := crm.NewAudit(ctx, crm.AuditDelete, "attachment", strconv.FormatInt(id, 10), map[string]any{
		"name": a.Name, "sha256": a.SHA256, "interaction_id": a.InteractionID, "complaint_id": a.ComplaintID})
	return a, as.store.DeleteAttachment(ctx, a, &e)
}
