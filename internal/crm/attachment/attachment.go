package attachment

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// MaxAttachmentBytes is the largest file one attachment may hold (10 MiB).
const MaxAttachmentBytes = 10 << 20

// MaxPublicAttachments is how many files the public complaint form takes.
const MaxPublicAttachments = 3

// AuditDownload records that someone downloaded an attachment.
const AuditDownload = "download"

// Attachment is a file kept with an interaction or a complaint: a photo
// of a damaged delivery, a signed letter, a spreadsheet of defects. Its
// type is what its bytes are, sniffed on upload; its name is only a label.
type Attachment struct {
	ID            int64     `json:"id"`
	InteractionID int64     `json:"interaction_id,omitempty"`
	ComplaintID   int64     `json:"complaint_id,omitempty"`
	Name          string    `json:"name"`
	ContentType   string    `json:"content_type"`
	Size          int64     `json:"size"`
	SHA256        string    `json:"sha256"`
	CreatedBy     int64     `json:"created_by,omitempty"` // absent: filed on the public complaint form
	CreatedAt     time.Time `json:"created_at"`
}

// Upload is one file as received: the name the client gave and the bytes.
type Upload struct {
	Name string
	Data []byte
}

// AttachmentStore keeps attachments and finds their parents.
type AttachmentStore interface {
	Interaction(ctx context.Context, id int64) (customer.Interaction, error)
	CreateAttachment(ctx context.Context, a *Attachment, data []byte, e *crm.AuditEntry) error
	Attachment(ctx context.Context, id int64) (Attachment, error)
	AttachmentData(ctx context.Context, sha string) ([]byte, error)
	InteractionAttachments(ctx context.Context, interactionIDs []int64) ([]Attachment, error)
	ComplaintAttachments(ctx context.Context, complaintID int64) ([]Attachment, error)
	DeleteAttachment(ctx context.Context, a Attachment, e *crm.AuditEntry) error
	Audit(ctx context.Context, e *crm.AuditEntry) error
}

// Service is the attachment service. Who may see or change an
// attachment is decided by its parent: an interaction's by the customer's
// scope, a complaint's by the complaint's; anything out of scope answers
// not_found, exactly like a missing one.
type Service struct {
	store      AttachmentStore
	customers  *customer.Service
	complaints *complaint.Service
	now        func() time.Time
}

// New returns the attachment service.
func New(s AttachmentStore, customers *customer.Service, complaints *complaint.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, complaints: complaints, now: now}
}
