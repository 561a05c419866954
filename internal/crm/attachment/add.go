package attachment

import (
	"context"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// interaction finds an interaction whose customer the caller may act on
// with action a; otherwise not_found.
func (as *Service) interaction(ctx context.Context, a crm.Action, id int64) (customer.Interaction, error) {
	if _, err := crm.Authorize(ctx, a); err != nil {
		return customer.Interaction{}, err
	}
	it, err := as.store.Interaction(ctx, id)
	if err == nil {
		_, _, err = as.customers.InScope(ctx, a, it.CustomerID)
	}
	if crm.ErrorCode(err) == crm.ENotFound {
		return it, crm.Fail(crm.ENotFound, "attachment.no_such_interaction")
	}
	return it, err
}

// complaint finds a complaint the caller may see; change also requires it
// to be open, as a closed complaint's file is the record.
func (as *Service) complaint(ctx context.Context, id int64, change bool) (complaint.Complaint, error) {
	c, err := as.complaints.Get(ctx, id)
	if err != nil {
		return c, err
	}
	if change && c.Status == "closed" {
		return c, crm.Fail(crm.EConflict, "attachment.complaint_closed", c.Number)
	}
	return c, nil
}

// AddToInteraction attaches a file to an interaction of a customer the
// caller may change.
func (as *Service) AddToInteraction(ctx context.Context, interactionID int64, up Upload) (Attachment, error) {
	it, err := as.interaction(ctx, crm.ActCustomerUpdate, interactionID)
	if err != nil {
		return Attachment{}, err
	}
	a, err := CheckUpload(up)
	if err != nil {
		return a, err
	}
	a.InteractionID = it.ID
	return a, as.create(ctx, &a, up.Data, map[string]any{"customer_id": it.CustomerID})
}

// AddToComplaint attaches a file to an open complaint the caller may see.
func (as *Service) AddToComplaint(ctx context.Context, complaintID int64, up Upload) (Attachment, error) {
	c, err := as.complaint(ctx, complaintID, true)
	if err != nil {
		return Attachment{}, err
	}
	a, err := CheckUpload(up)
	if err != nil {
		return a, err
	}
	a.ComplaintID = c.ID
	return a, as.create(ctx, &a, up.Data, map[string]any{"complaint": c.Number})
}

// AddPublic attaches the files of the public complaint form to the
// complaint it just filed. Check them first: this stores them as they are.
func (as *Service) AddPublic(ctx context.Context, complaintID int64, ups []Upload) ([]Attachment, error) {
	out := make([]Attachment, 0, len(ups))
	for _, up := range ups {
		a, err := CheckUpload(up)
		if err != nil {
			return out, err
		}
		a.ComplaintID = complaintID
		if err := as.create(ctx, &a, up.Data, map[string]any{"public": true}); err != nil {
			return out, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (as *Service) create(ctx context.Context, a *Attachment, data []byte, detail map[string]any) error {
	if p, ok := crm.PrincipalFrom(ctx); ok && p.UserID > 0 {
		a.CreatedBy = p.UserID
	}
	a.CreatedAt = as.now().UTC()
	detail["name"], detail["size"], detail["sha256"], detail["content_type"] = a.Name, a.Size, a.SHA256, a.ContentType
	if a.InteractionID != 0 {
		detail["interaction_id"] = a.InteractionID
	} else {
		detail["complaint_id"] = a.ComplaintID
	}
	e := crm.NewAudit(ctx, crm.AuditCreate, "attachment", "", detail)
	return as.store.CreateAttachment(ctx, a, data, &e)
}
