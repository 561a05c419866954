package importer

import (
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/msg"
)

// Import statuses.
const (
	ImportUploading  = "uploading"  // the file is being received
	ImportChecking   = "checking"   // the dry run reads and checks every row
	ImportChecked    = "checked"    // the report is ready; waiting for a commit
	ImportCommitting = "committing" // rows are being written, batch by batch
	ImportDone       = "done"
	ImportFailed     = "failed"
)

// Commit modes.
const (
	ImportAll       = "all"        // every row, refused while any row is bad
	ImportValidOnly = "valid_only" // the good rows; bad ones are skipped
)

// ImportBatchSize is how many rows one transaction commits.
const ImportBatchSize = 1000

// ErrImportMoved says a batch was not written because the import's
// progress had moved on: another runner is working on it.
var ErrImportMoved = crm.Fail(crm.EConflict, "importer.moved")

// Import is one import job: its file, its report counts and its progress.
type Import struct {
	ID           int64             `json:"id"`
	Kind         string            `json:"kind"`
	Status       string            `json:"status"`
	Mode         string            `json:"mode,omitempty"`
	FileName     string            `json:"file_name"`
	FileType     string            `json:"file_type"`
	FileSize     int64             `json:"file_size"`
	FileHash     string            `json:"file_hash"`
	FilePath     string            `json:"-"`
	Mapping      map[string]string `json:"mapping"`
	Columns      []ImportColumn    `json:"columns"`
	Lang         string            `json:"-"`
	CreatedBy    int64             `json:"created_by"`
	TotalRows    int               `json:"total_rows"`
	BadRows      int               `json:"bad_rows"`
	CheckedRows  int               `json:"checked_rows"`
	CheckedBytes int64             `json:"-"`
	RowsDone     int               `json:"rows_done"` // the last file row whose batch is committed
	Inserted     int               `json:"inserted"`
	Skipped      int               `json:"skipped"`
	Batches      int               `json:"batches"`
	Progress     int               `json:"progress"`                     // percent of the current phase
	Message      string            `json:"message,omitempty"`            // Text rendered in Lang, or in the reader's by In
	Text         msg.Message       `json:"-"`                            // the message as a key and arguments; zero when there is none
	PreviousID   int64             `json:"previous_import_id,omitempty"` // an earlier import of the same file
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	FinishedAt   *time.Time        `json:"finished_at,omitempty"`
}

// SetText sets the import's message (the zero Message for none), rendered
// in the import's language for the Message stored beside it.
func (x *Import) SetText(text msg.Message) {
	x.Text, x.Message = text, ""
	if !text.IsZero() {
		x.Message = text.In(x.Lang)
	}
}

// In returns x with its message in lang.
func (x Import) In(lang string) Import {
	if !x.Text.IsZero() {
		x.Message = x.Text.In(lang)
	}
	return x
}

// Levels of a report line.
const (
	LevelError  = "error"  // the row is bad: it is not imported
	LevelNotice = "notice" // said for the reader's information; the row is imported, or skipped as no customer (a summary row)
)

// noticeCodes are the codes of report lines that are notices.
var noticeCodes = map[string]bool{CodeSummaryRow: true, CodeExampleRow: true, CodeMasked: true, CodeRegionMapped: true}

// Codes of the notices.
const (
	CodeSummaryRow   = "summary_row"   // a 合计/小计 row: skipped
	CodeExampleRow   = "example_row"   // the template's example row: skipped
	CodeMasked       = "masked"        // a masked value (138****5678) from an export: left out
	CodeRegionMapped = "region_mapped" // a development zone's code, recorded as the region it lies in
)

// LevelOf returns the level of a report line with this code.
func LevelOf(code string) string {
	if noticeCodes[code] {
		return LevelNotice
	}
	return LevelError
}

// ImportProblem is one reason a row is bad, or a notice about a row.
type ImportProblem struct {
	ID      int64  `json:"-"`
	Phase   string `json:"phase"` // check (dry run) or commit
	Level   string `json:"level"` // error or notice (LevelOf the code)
	Row     int    `json:"row"`   // row number in the file; the header is row 1
	Column  string `json:"column"`
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"` // Text rendered in the import's language, or in the reader's by In
	// Text is the message as a key and arguments; zero for report lines
	// stored before texts were kept so (Message stands then).
	Text msg.Message `json:"-"`
}

// In returns p with its message in lang. A problem of a field that has
// no column in the file (a contact's name where only mobiles are given)
// names the field as the reader knows it (联系人), not its key.
func (p ImportProblem) In(lang string) ImportProblem {
	p.Level = LevelOf(p.Code)
	if p.Column == "" && p.Field != "" {
		if c, err := msg.Load(); err == nil {
			if text, ok := c.Lookup(lang, "import.field."+p.Field); ok {
				p.Column = text
			}
		}
	}
	if !p.Text.IsZero() {
		p.Message = p.Text.In(lang)
	}
	return p
}

// ImportDuplicates are the keys of a batch already taken in the database,
// each with the code and name of the customer holding it, or "" when that
// customer is outside the importing user's scope (it is not named).
type ImportDuplicates struct {
	USCC, Name, Mobile map[string]string
}

// ImportRow is a checked row ready to be written.
type ImportRow struct {
	Row      int
	Customer customer.Customer
	Contact  *customer.Contact
	// MoreContacts are the customer's other contacts, from the rows that
	// continue its first (one row per contact).
	MoreContacts []*customer.Contact
	Tokens       []string // search tokens, the code's filled in by the store
}

// ImportBatch is what one transaction commits.
type ImportBatch struct {
	ImportID   int64
	FromDone   int // rows_done before the batch: the batch is refused if another runner moved it
	RowsDone   int // the last file row the batch covers
	Rows       []ImportRow
	Problems   []ImportProblem // rows skipped while committing
	Skipped    int
	Finished   bool
	FinishedAt time.Time
}
