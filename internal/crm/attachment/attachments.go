package attachment

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/msg"
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

// TooLarge is the error for a file over MaxAttachmentBytes, naming the limit.
func TooLarge(name string) *crm.Error {
	if name != "" {
		return crm.FailField(crm.ETooLarge, "file", "too_large", "attachment.file.too_large_named", name, MaxAttachmentBytes>>20)
	}
	return crm.FailField(crm.ETooLarge, "file", "too_large", "attachment.file.too_large", MaxAttachmentBytes>>20)
}

// officeTypes are the Office formats, by the part their package holds.
var officeTypes = []struct{ dir, contentType string }{
	{"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
}

// legacyOffice are the pre-2007 Office formats (OLE compound files, which
// do not say what they hold in their first bytes), by file extension.
var legacyOffice = map[string]string{
	".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
	".wps": "application/msword", ".et": "application/vnd.ms-excel",
}

// programExtensions are the names of scripts and programs, which a
// double click on a downloaded attachment would run, whatever their bytes
// sniff as (a shell script is plain text).
var programExtensions = map[string]bool{
	".sh": true, ".bash": true, ".zsh": true, ".ksh": true, ".csh": true, ".fish": true, ".command": true, ".run": true,
	".bat": true, ".cmd": true, ".ps1": true, ".psm1": true, ".psd1": true, ".vbs": true, ".vbe": true, ".js": true,
	".jse": true, ".mjs": true, ".cjs": true, ".wsf": true, ".wsh": true, ".hta": true, ".scr": true, ".pif": true,
	".com": true, ".cpl": true, ".exe": true, ".msi": true, ".msp": true, ".dll": true, ".jar": true, ".reg": true,
	".lnk": true, ".inf": true, ".py": true, ".pyw": true, ".pl": true, ".rb": true, ".php": true, ".phtml": true,
	".lua": true, ".apk": true, ".app": true, ".deb": true, ".rpm": true, ".dmg": true, ".pkg": true, ".elf": true,
	".so": true, ".dylib": true,
}

// SniffAttachment decides a file's type from its bytes, never from what
// the client claims: images, PDF, plain text and Office documents pass;
// anything else (HTML, SVG, scripts, executables, archives) is refused
// with unsupported_media_type naming the file. A file named as a script
// or program (.sh, .bat, .js, .exe …) and a text starting with #! are
// refused too, whatever their bytes sniff as.
func SniffAttachment(name string, data []byte) (string, error) {
	refuse := func(key string, args ...any) (string, error) {
		return "", crm.FailField(crm.EUnsupportedType, "file", "type", "attachment.file.type", name, msg.M(key, args...))
	}
	if len(data) == 0 {
		return "", crm.Invalid(crm.Bad("file", "empty", "attachment.file.empty", name))
	}
	if ext := strings.ToLower(path.Ext(strings.TrimRight(name, ". "))); programExtensions[ext] {
		return refuse("attachment.type.script_name", ext)
	}
	ct := http.DetectContentType(data)
	switch ct {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf":
		return ct, nil
	case "text/plain; charset=utf-8":
		t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\r\n")
		if len(t) > 0 && t[0] == '<' {
			return refuse("attachment.type.markup")
		}
		if bytes.HasPrefix(t, []byte("#!")) {
			return refuse("attachment.type.shebang")
		}
		if !utf8.Valid(data) {
			return "text/plain", nil // GBK and other legacy encodings are still text
		}
		return ct, nil
	case "application/zip":
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return refuse("attachment.type.damaged")
		}
		var types bool
		for _, f := range zr.File {
			if f.Name == "[Content_Types].xml" {
				types = true
			}
		}
		for _, o := range officeTypes {
			for _, f := range zr.File {
				if types && strings.HasPrefix(f.Name, o.dir) {
					return o.contentType, nil
				}
			}
		}
		return refuse("attachment.type.archive")
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
		if t, ok := legacyOffice[strings.ToLower(path.Ext(name))]; ok {
			return t, nil
		}
		return refuse("attachment.type.ole")
	}
	return refuse("attachment.type.other", strings.Split(ct, ";")[0])
}

// cleanName keeps a file name a label: its last path element, without
// control characters, at most 200 characters; "attachment" if nothing is left.
func cleanName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	if name == "" || name == "." || name == "/" || name == ".." {
		name = "attachment"
	}
	return name
}

// CheckUpload validates an upload without storing it: its size, its name and
// its sniffed type. It returns the attachment as it would be stored.
func CheckUpload(up Upload) (Attachment, error) {
	name := cleanName(up.Name)
	if len(up.Data) > MaxAttachmentBytes {
		return Attachment{}, TooLarge(name)
	}
	ct, err := SniffAttachment(name, up.Data)
	if err != nil {
		return Attachment{}, err
	}
	sum := sha256.Sum256(up.Data)
	return Attachment{Name: name, ContentType: ct, Size: int64(len(up.Data)), SHA256: hex.EncodeToString(sum[:])}, nil
}

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

// CheckPublic validates the files of the public form before anything is
// filed: at most MaxPublicAttachments, each within the limits.
func CheckPublic(ups []Upload) error {
	if len(ups) > MaxPublicAttachments {
		return crm.Invalid(crm.Bad("file", "count", "attachment.attach_most_files", MaxPublicAttachments))
	}
	for _, up := range ups {
		if _, err := CheckUpload(up); err != nil {
			return err
		}
	}
	return nil
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
