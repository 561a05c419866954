package complaint

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/msg"
)

// Abnormality is the abnormality/recall record (异常处理单) a quality
// complaint opens at once, in the transaction that registers it. QA
// contains it (containment action) and closes it (recall action).
type Abnormality struct {
	ID                int64             `json:"id"`
	Number            string            `json:"number"` // YC + YYYYMM-NNNN
	ComplaintID       int64             `json:"complaint_id"`
	ComplaintNumber   string            `json:"complaint_number"`
	Product           string            `json:"product"`
	PartNo            string            `json:"part_no"`
	BatchNo           string            `json:"batch_no"`
	Quantity          *int64            `json:"quantity,omitempty"`
	Status            AbnormalityStatus `json:"status"` // open → contained → closed
	ContainmentAction string            `json:"containment_action"`
	RecallAction      string            `json:"recall_action"`
	OwnerID           int64             `json:"owner_id,omitempty"` // the QA owner
	Version           int               `json:"version"`
	CreatedAt         time.Time         `json:"created_at"`
	UpdatedAt         time.Time         `json:"updated_at"`
	ContainedAt       *time.Time        `json:"contained_at,omitempty"`
	ClosedAt          *time.Time        `json:"closed_at,omitempty"`
}

// AbnormalityPatch is a change to an abnormality record; nil leaves a
// field as it is.
type AbnormalityPatch struct {
	Version           int                `json:"version"`
	Status            *AbnormalityStatus `json:"status"`
	Product           *string            `json:"product"`
	BatchNo           *string            `json:"batch_no"`
	Quantity          *int64             `json:"quantity"`
	ContainmentAction *string            `json:"containment_action"`
	RecallAction      *string            `json:"recall_action"`
	Owner             *string            `json:"owner"` // a QA user's username
}

// AbnormalityStatus is where an abnormality record stands.
type AbnormalityStatus string

// The statuses of an abnormality record, in order.
const (
	AbnormalityOpen      AbnormalityStatus = "open"      // opened with the quality complaint
	AbnormalityContained AbnormalityStatus = "contained" // QA contained the defect
	AbnormalityClosed    AbnormalityStatus = "closed"    // recalled or disposed of
)

// abnormalityNext is the legal status moves.
var abnormalityNext = map[AbnormalityStatus]AbnormalityStatus{AbnormalityOpen: AbnormalityContained, AbnormalityContained: AbnormalityClosed}

// complaintExtraStore keeps what hangs off a complaint: its abnormality
// record and satisfaction survey.
type complaintExtraStore interface {
	Abnormalities(ctx context.Context, status AbnormalityStatus, beforeID int64, limit int) ([]Abnormality, error)
	Abnormality(ctx context.Context, id int64) (Abnormality, error)
	UpdateAbnormality(ctx context.Context, a *Abnormality, e *crm.AuditEntry) error
	CSATStore
}

// abnormalityRoles may read and change abnormality records.
var abnormalityRoles = []crm.Role{crm.RoleQA, crm.RoleGM}

func authorizeAbnormality(ctx context.Context) (crm.Principal, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return p, err
	}
	if !slices.Contains(abnormalityRoles, p.Role) {
		return p, crm.Fail(crm.EForbidden, "complaint_err.abnormality.forbidden")
	}
	return p, nil
}

// Abnormalities lists abnormality records, newest first (QA, gm).
func (cs *Service) Abnormalities(ctx context.Context, status string, beforeID int64, limit int) ([]Abnormality, error) {
	if _, err := authorizeAbnormality(ctx); err != nil {
		return nil, err
	}
	st := AbnormalityStatus(status)
	if st != "" && st != AbnormalityOpen && st != AbnormalityContained && st != AbnormalityClosed {
		return nil, crm.Invalid(crm.Bad("status", "unknown", "complaint_err.abnormality.status.unknown"))
	}
	return cs.store.Abnormalities(ctx, st, beforeID, limit)
}

// Abnormality reads one record (QA, gm).
func (cs *Service) Abnormality(ctx context.Context, id int64) (Abnormality, error) {
	if _, err := authorizeAbnormality(ctx); err != nil {
		return Abnormality{}, err
	}
	return cs.store.Abnormality(ctx, id)
}

// UpdateAbnormality changes a record (QA, gm): its particulars, actions,
// QA owner, and status one step on — contained needs the containment
// action, closed the recall action. Bad input changes nothing.
func (cs *Service) UpdateAbnormality(ctx context.Context, id int64, in AbnormalityPatch) (Abnormality, error) {
	if _, err := authorizeAbnormality(ctx); err != nil {
		return Abnormality{}, err
	}
	a, err := cs.store.Abnormality(ctx, id)
	if err != nil {
		return a, err
	}
	if in.Version != a.Version {
		return a, crm.Fail(crm.EVersionConflict, "complaint_err.abnormality.changed_version", a.Version, in.Version)
	}
	if a.Status == AbnormalityClosed {
		return a, crm.Fail(crm.EConflict, "complaint_err.abnormality.closed", a.Number)
	}
	var fs []crm.FieldError
	changes := map[string]any{}
	text := func(field string, v *string, dst *string) {
		if v == nil {
			return
		}
		s := strings.TrimSpace(*v)
		if utf8.RuneCountInString(s) > 2000 {
			fs = append(fs, crm.Bad(field, "length", "complaint_err.abnormality.text.length"))
			return
		}
		if s != *dst {
			changes[field] = crm.Change{Before: *dst, After: s}
			*dst = s
		}
	}
	text("product", in.Product, &a.Product)
	text("batch_no", in.BatchNo, &a.BatchNo)
	text("containment_action", in.ContainmentAction, &a.ContainmentAction)
	text("recall_action", in.RecallAction, &a.RecallAction)
	if in.Quantity != nil {
		if *in.Quantity < 0 {
			fs = append(fs, crm.Bad("quantity", "range", "complaint_err.quantity.negative"))
		} else {
			changes["quantity"] = crm.Change{Before: a.Quantity, After: *in.Quantity}
			a.Quantity = in.Quantity
		}
	}
	if in.Owner != nil {
		u, err := cs.store.UserByUsername(ctx, identity.NormalizeUsername(*in.Owner))
		switch {
		case err != nil || u.Disabled():
			fs = append(fs, crm.Bad("owner", "unknown", "complaint_err.user.inactive", *in.Owner))
		case u.Role != crm.RoleQA:
			fs = append(fs, crm.Bad("owner", "role", "complaint_err.abnormality.owner.role"))
		default:
			changes["owner_id"] = crm.Change{Before: a.OwnerID, After: u.ID}
			a.OwnerID = u.ID
		}
	}
	now := cs.now().UTC()
	if in.Status != nil && *in.Status != a.Status {
		to := *in.Status
		switch {
		case abnormalityNext[a.Status] != to:
			fs = append(fs, crm.Bad("status", "illegal", "complaint_err.abnormality.status.illegal", abnormalityWord(a.Status), abnormalityWord(abnormalityNext[a.Status])))
		case to == AbnormalityContained && a.ContainmentAction == "":
			fs = append(fs, crm.Bad("containment_action", "required", "complaint_err.abnormality.containment_action.required"))
		case to == AbnormalityClosed && a.RecallAction == "":
			fs = append(fs, crm.Bad("recall_action", "required", "complaint_err.abnormality.recall_action.required"))
		default:
			changes["status"] = crm.Change{Before: a.Status, After: to}
			a.Status = to
			if to == AbnormalityContained {
				a.ContainedAt = &now
			} else {
				a.ClosedAt = &now
			}
		}
	}
	if len(fs) > 0 {
		return a, crm.Invalid(fs...)
	}
	a.UpdatedAt = now
	e := crm.NewAudit(ctx, crm.AuditUpdate, "abnormality", strconv.FormatInt(a.ID, 10), changes)
	if err := cs.store.UpdateAbnormality(ctx, &a, &e); err != nil {
		return a, err
	}
	return a, nil
}

// abnormalityWord names a record's status in a message: its code in
// English, its name with the code in Chinese.
func abnormalityWord(s AbnormalityStatus) msg.Coded {
	return msg.Coded{Code: string(s), Key: "complaint_err.abnormality.state." + string(s)}
}
