package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/maphash"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/search"
	"github.com/kehucrm/kehu/internal/secure"
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

// MaxImportBytes bounds an uploaded import file.
const MaxImportBytes = 256 << 20

// ErrImportMoved says a batch was not written because the import's
// progress had moved on: another runner is working on it.
var ErrImportMoved = crm.Fail(crm.EConflict, "importer.moved")

// staleAfter is how long an import may show no progress before a commit
// request runs it again (its process was killed).
const staleAfter = 2 * time.Minute

// AuditImportBatch is the audit action of one committed batch.
const AuditImportBatch = "import_batch"

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
	Progress     int               `json:"progress"` // percent of the current phase
	Message      string            `json:"message,omitempty"`
	PreviousID   int64             `json:"previous_import_id,omitempty"` // an earlier import of the same file
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	FinishedAt   *time.Time        `json:"finished_at,omitempty"`
}

// ImportProblem is one reason a row is bad.
type ImportProblem struct {
	ID      int64  `json:"-"`
	Phase   string `json:"phase"` // check (dry run) or commit
	Row     int    `json:"row"`   // row number in the file; the header is row 1
	Column  string `json:"column"`
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
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
	Tokens   []string // search tokens, the code's filled in by the store
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

// ImportStore keeps imports.
type ImportStore interface {
	CreateImport(ctx context.Context, im *Import, e *crm.AuditEntry) error
	AppendImportChunk(ctx context.Context, id int64, seq int, data []byte) error
	FinishUpload(ctx context.Context, im *Import) error
	DeleteImport(ctx context.Context, id int64, e *crm.AuditEntry) error
	Import(ctx context.Context, id int64) (Import, error)
	ImportsByCreator(ctx context.Context, userID int64, limit int) ([]Import, error)
	ImportFile(ctx context.Context, id int64) (io.ReadCloser, error)
	SaveImportProgress(ctx context.Context, im *Import, problems []ImportProblem) error
	ClearImportProblems(ctx context.Context, id int64, phase string) error
	StartImportPhase(ctx context.Context, im *Import, from []string, e *crm.AuditEntry) error
	ImportProblems(ctx context.Context, id int64, afterID int64, limit int) ([]ImportProblem, error)
	ImportDuplicates(ctx context.Context, s crm.Scope, now time.Time, usccs, names, mobiles []string) (ImportDuplicates, error)
	CommitImportBatch(ctx context.Context, b *ImportBatch, e *crm.AuditEntry) error
	EarlierImport(ctx context.Context, hash string, before int64) (int64, error)
	UnfinishedImport(ctx context.Context, createdBy int64, hash string) (Import, bool, error)
	RemapImport(ctx context.Context, im *Import, e *crm.AuditEntry) error
	UserByID(ctx context.Context, id int64) (identity.User, error)
	UserByUsername(ctx context.Context, username string) (identity.User, error)
}

// ImportQueue starts an import's background job.
type ImportQueue interface {
	EnqueueImport(ctx context.Context, id int64) error
}

// Service is the customer import service.
type Service struct {
	cs    *customer.Service
	store ImportStore
	queue ImportQueue
	// keyring seals contacts' mobiles as their rows are committed.
	keyring crm.Sealer
	now     func() time.Time
	// Progress, when set, is called after each batch (the command line's
	// progress bar).
	Progress func(Import)
	// BatchHook, when set, runs before each batch is committed; an error
	// fails the batch (tests simulate a crash with it).
	BatchHook func(b *ImportBatch) error
}

// New returns the import service over the customer service
// (whose validation, duplicate rules and keyring it shares).
func New(cs *customer.Service, s ImportStore, q ImportQueue, keyring crm.Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{cs: cs, store: s, queue: q, keyring: keyring, now: now}
}

// ImportUpload is a new import as sent.
type ImportUpload struct {
	FileName string
	Mapping  map[string]string
	DryRun   bool   // check only; commit later
	Mode     string // with DryRun false: all or valid_only
	Lang     string
	FilePath string // a local file (command line) instead of Body
	Body     io.Reader
}

// Create stores an uploaded file, checks its header row and starts the
// dry run in the background. The caller needs customer.create.
func (im *Service) Create(ctx context.Context, up ImportUpload) (_ Import, refusal error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerCreate)
	if err != nil {
		return Import{}, err
	}
	mode := up.Mode
	if up.DryRun {
		mode = ""
	} else if mode == "" {
		mode = ImportAll
	}
	if mode != "" && mode != ImportAll && mode != ImportValidOnly {
		return Import{}, crm.Invalid(crm.Bad("mode", "unknown", "importer.mode.unknown"))
	}
	if up.Mapping == nil {
		up.Mapping = map[string]string{}
	}
	if up.Lang == "" {
		up.Lang = "zh-CN"
	}
	name := strings.TrimSpace(up.FileName)
	if name == "" || len(name) > 255 {
		return Import{}, crm.Invalid(crm.BadIn(up.Lang, "file", "required", msg.M("importer.file.required")))
	}
	body := up.Body
	if up.FilePath != "" {
		f, err := openLocal(up.FilePath)
		if err != nil {
			return Import{}, err
		}
		defer f.Close()
		body = f
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(body, head)
	head = head[:n]
	ft, err := DetectFileType(name, head, up.Lang)
	if err != nil {
		return Import{}, err
	}
	now := im.now().UTC()
	x := Import{Kind: "customers", Status: ImportUploading, Mode: mode, FileName: name, FileType: ft, FilePath: up.FilePath,
		Mapping: up.Mapping, Columns: []ImportColumn{}, Lang: up.Lang, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	e := crm.NewAudit(ctx, crm.AuditCreate, "import", "", map[string]any{"file_name": name, "mode": mode})
	if err := im.store.CreateImport(ctx, &x, &e); err != nil {
		return x, err
	}
	ok := false
	defer func() {
		if !ok { // refused: the upload goes, and the audit log says why
			why := "the upload failed"
			if refusal != nil {
				why = refusal.Error()
			}
			e := crm.NewAudit(ctx, crm.AuditDelete, "import", strconv.FormatInt(x.ID, 10), map[string]any{"file_name": name, "refused": why})
			_ = im.store.DeleteImport(context.WithoutCancel(ctx), x.ID, &e)
		}
	}()
	// Keep the file (or, for a local file, only hash it) in 1 MiB chunks.
	h := sha256.New()
	buf := make([]byte, 1<<20)
	r := io.MultiReader(strings.NewReader(string(head)), body)
	seq := 0
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			h.Write(buf[:n])
			x.FileSize += int64(n)
			if up.FilePath == "" {
				if x.FileSize > MaxImportBytes {
					return x, crm.FailIn(up.Lang, crm.ETooLarge, "importer.file.too_large")
				}
				if err := im.store.AppendImportChunk(ctx, x.ID, seq, buf[:n]); err != nil {
					return x, err
				}
				seq++
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			var me *crm.Error
			if errors.As(rerr, &me) {
				return x, me
			}
			return x, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.broke_off", rerr.Error()))
		}
	}
	x.FileHash = hex.EncodeToString(h.Sum(nil))
	// The header row must make sense before any work is queued.
	cols, err := im.readHeader(ctx, &x)
	if err != nil {
		return x, err
	}
	x.Columns, x.Status = cols, ImportChecking
	if x.PreviousID, err = im.store.EarlierImport(ctx, x.FileHash, x.ID); err != nil {
		return x, err
	}
	if err := im.store.FinishUpload(ctx, &x); err != nil {
		return x, err
	}
	ok = true
	if im.queue != nil {
		if err := im.queue.EnqueueImport(ctx, x.ID); err != nil {
			return x, err
		}
	}
	return x, nil
}

// readHeader resolves the columns of x's file.
func (im *Service) readHeader(ctx context.Context, x *Import) ([]ImportColumn, error) {
	rows, err := im.open(ctx, x)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	header, _, err := rows.Next()
	if errors.Is(err, io.EOF) {
		return nil, crm.Invalid(crm.BadIn(x.Lang, "file", "empty", msg.M("importer.file.empty_file")))
	}
	if err != nil {
		return nil, err
	}
	return ResolveColumns(header, x.Mapping, x.Lang)
}

// open streams the rows of x's file.
func (im *Service) open(ctx context.Context, x *Import) (RowReader, error) {
	var rc io.ReadCloser
	var err error
	if x.FilePath != "" {
		rc, err = openLocal(x.FilePath)
	} else {
		rc, err = im.store.ImportFile(ctx, x.ID)
	}
	if err != nil {
		return nil, err
	}
	rows, err := OpenRows(&countingReader{r: rc, n: &x.CheckedBytes}, x.FileType)
	if err != nil {
		rc.Close()
		return nil, err
	}
	return &closeBoth{RowReader: rows, c: rc}, nil
}

type closeBoth struct {
	RowReader
	c io.Closer
}

func (c *closeBoth) Close() error { return errors.Join(c.RowReader.Close(), c.c.Close()) }

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// Get reads an import its creator (or a gm) may see, with its progress.
func (im *Service) Get(ctx context.Context, id int64) (Import, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerCreate)
	if err != nil {
		return Import{}, err
	}
	x, err := im.store.Import(ctx, id)
	if err != nil {
		return x, err
	}
	if x.CreatedBy != p.UserID && p.Role != crm.RoleGM {
		return Import{}, crm.Fail(crm.ENotFound, "importer.no_such_import")
	}
	x.Progress = progressOf(x)
	return x, nil
}

// List returns the caller's latest imports.
func (im *Service) List(ctx context.Context, limit int) ([]Import, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerCreate)
	if err != nil {
		return nil, err
	}
	list, err := im.store.ImportsByCreator(ctx, p.UserID, limit)
	for i := range list {
		list[i].Progress = progressOf(list[i])
	}
	return list, err
}

func progressOf(x Import) int {
	switch x.Status {
	case ImportDone, ImportChecked:
		return 100
	case ImportChecking:
		if x.FileSize > 0 {
			return int(min(99, x.CheckedBytes*100/x.FileSize))
		}
	case ImportCommitting:
		if x.TotalRows > 0 && x.RowsDone > 1 {
			return min(99, (x.RowsDone-1)*100/x.TotalRows)
		}
	}
	return 0
}

// Problems returns a page of an import's report.
func (im *Service) Problems(ctx context.Context, id int64, afterID int64, limit int) ([]ImportProblem, error) {
	if _, err := im.Get(ctx, id); err != nil {
		return nil, err
	}
	return im.store.ImportProblems(ctx, id, afterID, limit)
}

// Commit writes a checked import: mode all is refused while any row is
// bad; valid_only skips the bad rows. A failed commit may be sent again:
// it resumes after the last committed batch.
func (im *Service) Commit(ctx context.Context, id int64, mode string) (Import, error) {
	x, err := im.Get(ctx, id)
	if err != nil {
		return x, err
	}
	if mode != ImportAll && mode != ImportValidOnly {
		return x, crm.Invalid(crm.Bad("mode", "unknown", "importer.mode.unknown"))
	}
	switch {
	case x.Status == ImportChecked:
	case x.Status == ImportFailed && x.Mode != "":
		mode = x.Mode // resume as started
	case (x.Status == ImportCommitting || x.Status == ImportChecking) && im.now().Sub(x.UpdatedAt) > staleAfter:
		// No progress for a while: its process died. Run it again; it
		// resumes after the last committed batch (and should the old
		// runner still live, the batch check stops one of the two).
		if im.queue != nil {
			if err := im.queue.EnqueueImport(ctx, x.ID); err != nil {
				return x, err
			}
		}
		return x, nil
	default:
		return x, crm.FailIn(x.Lang, crm.EConflict, "importer.commit.status", x.Status)
	}
	if mode == ImportAll && x.BadRows > 0 {
		e := crm.FailIn(x.Lang, crm.EConflict, "importer.commit.bad_rows", x.BadRows)
		e.Fields = []crm.FieldError{crm.Bad("mode", "bad_rows", "importer.mode.bad_rows", x.BadRows)}
		return x, e
	}
	x.Mode, x.Status, x.Message, x.UpdatedAt = mode, restartStatus(x), "", im.now().UTC()
	e := crm.NewAudit(ctx, crm.AuditUpdate, "import", strconv.FormatInt(id, 10), map[string]any{"commit": mode})
	if err := im.store.StartImportPhase(ctx, &x, []string{ImportChecked, ImportFailed}, &e); err != nil {
		return x, err
	}
	if im.queue != nil {
		if err := im.queue.EnqueueImport(ctx, x.ID); err != nil {
			return x, err
		}
	}
	x.Progress = progressOf(x)
	return x, nil
}

// Run does an import's pending work: the dry run, then (when a mode is
// set) the commit, resuming after the last committed batch. Background
// jobs and the command line call it; it acts as the import's creator.
func (im *Service) Run(ctx context.Context, id int64) error {
	x, err := im.store.Import(ctx, id)
	if err != nil {
		return err
	}
	u, err := im.store.UserByID(ctx, x.CreatedBy)
	if err != nil {
		return err
	}
	ctx = crm.WithPrincipal(ctx, crm.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, TeamID: u.TeamID})
	fail := func(err error) error {
		if ctx.Err() != nil {
			return err // stopped: the job runs again and resumes
		}
		x.Status, x.Message = ImportFailed, crm.ErrorText(err).In(x.Lang)
		if crm.ErrorCode(err) == crm.EInternal {
			x.Message = "internal error: " + err.Error()
		}
		now := im.now().UTC()
		x.FinishedAt = &now
		_ = im.store.SaveImportProgress(context.WithoutCancel(ctx), &x, nil)
		return err
	}
	if u.Disabled() || !u.Role.Can(crm.ActCustomerCreate) {
		return fail(crm.Fail(crm.EForbidden, "importer.user_may_not_add"))
	}
	if x.Status == ImportChecking {
		if err := im.check(ctx, &x); err != nil {
			return fail(err)
		}
		if x.Status != ImportCommitting {
			return nil
		}
	}
	if x.Status == ImportCommitting {
		if err := im.commit(ctx, &x); errors.Is(err, ErrImportMoved) {
			return nil // another runner has it
		} else if err != nil {
			return fail(err)
		}
		// The import is done; tidy the search index it grew, in small
		// steps, so searches stay fast. Best effort: automerge would get
		// there too, more slowly.
		if c, ok := im.store.(interface{ CompactSearchIndex(context.Context) error }); ok && x.Inserted >= compactAfter {
			_ = c.CompactSearchIndex(ctx)
		}
	}
	return nil
}

// compactAfter is how many imported customers make an import compact the
// search index when it is done.
const compactAfter = 10000

// rowChecker checks rows as the customers API would, and remembers the
// keys of the good rows to find duplicates within the file.
type rowChecker struct {
	im      *Service
	p       crm.Principal
	x       *Import
	cols    []ImportColumn
	colOf   map[string]string // field → header
	seed    maphash.Seed
	seen    map[uint64]int32 // hashed key of a good row → its row number
	owners  map[string]identity.User
	lang    string
	keyring crm.Sealer
}

func (im *Service) newChecker(ctx context.Context, x *Import) (*rowChecker, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerCreate)
	if err != nil {
		return nil, err
	}
	rc := &rowChecker{im: im, p: p, x: x, cols: x.Columns, colOf: map[string]string{}, seed: maphash.MakeSeed(),
		seen: map[uint64]int32{}, owners: map[string]identity.User{}, lang: x.Lang, keyring: im.keyring}
	for _, c := range x.Columns {
		if c.Field != "" {
			rc.colOf[c.Field] = c.Header
		}
	}
	return rc, nil
}

// checked is one row after checking.
type checked struct {
	row      ImportRow
	problems []ImportProblem
	keys     [3]string // uscc, normalised name, mobile blind index
	// contactName is the row's contact name as written, for the report.
	contactName string
}

func (rc *rowChecker) problem(ch *checked, field, code, msg string) {
	ch.problems = append(ch.problems, ImportProblem{Row: ch.row.Row, Column: rc.colOf[field], Field: field, Code: code, Message: msg})
}

// parse builds and validates the customer and contact of one row.
func (rc *rowChecker) parse(ctx context.Context, rec []string, rowNo int) checked {
	ch := checked{row: ImportRow{Row: rowNo}}
	v := map[string]string{}
	for _, c := range rc.cols {
		if c.Field != "" && c.Index < len(rec) {
			v[c.Field] = strings.TrimSpace(rec[c.Index])
		}
	}
	c := customer.Customer{Kind: optionValue(importKinds, v[FieldKind]), Name: v[FieldName], ShortName: v[FieldShortName], USCC: v[FieldUSCC],
		LegalRep: v[FieldLegalRep], IndustryCode: firstWord(v[FieldIndustry]), RegionCode: firstWord(v[FieldRegion]), Address: v[FieldAddress],
		Source: optionValue(importSources, v[FieldSource]), Stage: optionValue(importStages, v[FieldStage]), Notes: v[FieldNotes],
		EmployeeBand: v[FieldEmployeeBand], RevenueBand: v[FieldRevenueBand], Tags: splitTags(v[FieldTags]), OwnerID: rc.p.UserID}
	c.Normalize()
	if err := c.Validate(rc.lang); err != nil {
		rc.fieldProblems(&ch, err, "")
	}
	if utf8Len(c.Address) > 500 {
		rc.problem(&ch, FieldAddress, "length", msg.Text(rc.lang, "importer.row.max_len", 500))
	}
	if utf8Len(c.Notes) > 2000 {
		rc.problem(&ch, FieldNotes, "length", msg.Text(rc.lang, "importer.row.max_len", 2000))
	}
	c.TeamID = rc.p.TeamID
	if name := v[FieldOwner]; name != "" {
		rc.owner(ctx, &ch, &c, name)
	}
	c.NameNorm = customer.NormalizeName(c.Name)
	ch.row.Customer = c
	if v[FieldContactName] != "" || v[FieldContactTitle] != "" || v[FieldContactMobile] != "" || v[FieldContactLandline] != "" ||
		v[FieldContactEmail] != "" || v[FieldContactWeChat] != "" {
		k := &customer.Contact{Name: v[FieldContactName], Title: v[FieldContactTitle], Landline: v[FieldContactLandline], Email: v[FieldContactEmail],
			WeChatID: v[FieldContactWeChat], IsPrimary: true, Version: 1}
		ch.contactName = k.Name
		if err := k.Validate(rc.lang); err != nil {
			rc.fieldProblems(&ch, err, "contact_")
		}
		if m := v[FieldContactMobile]; m != "" {
			norm, pr := cn.ValidateMobile(m)
			switch {
			case pr != nil && pr.Severity == cn.Error:
				rc.problem(&ch, FieldContactMobile, pr.Code, pr.Message(rc.lang))
			case rc.keyring == nil:
				rc.problem(&ch, FieldContactMobile, "no_keyring", msg.Text(rc.lang, "crm.no_keyring"))
			default:
				k.MobileIdx, k.MobileLast4, k.Mobile = rc.keyring.BlindIndex(customer.ContactMobileDomain, []byte(norm)), norm[len(norm)-4:], norm
				ch.keys[2] = k.MobileIdx
			}
		}
		ch.row.Contact = k
	}
	ch.keys[0], ch.keys[1] = c.USCC, c.NameNorm
	return ch
}

func utf8Len(s string) int { return len([]rune(s)) }

// fieldProblems turns a validation error into row problems.
func (rc *rowChecker) fieldProblems(ch *checked, err error, prefix string) {
	var e *crm.Error
	if !errors.As(err, &e) {
		rc.problem(ch, "", "invalid", err.Error())
		return
	}
	for _, f := range e.Fields {
		field := prefix + f.Field
		switch field {
		case "contact_wechat_id":
			field = FieldContactWeChat
		case "legal_rep":
			field = FieldLegalRep
		}
		text := f.Message
		if !f.Text.IsZero() {
			text = f.Text.In(rc.lang)
		}
		switch {
		case field == FieldContactName && rc.colOf[field] == "":
			text = msg.Text(rc.lang, "importer.row.contact_needs_column")
		case field == FieldContactName && f.Code == "length" && strings.TrimSpace(ch.contactName) == "":
			text = msg.Text(rc.lang, "importer.row.contact_needs_name")
		case msg.Lang(rc.lang) != msg.En:
			if key, ok := reportChecks[f.Field+"/"+f.Code]; ok {
				text = msg.Text(rc.lang, key)
			} else if key, ok := reportChecks["/"+f.Code]; ok {
				text = msg.Text(rc.lang, key)
			}
		}
		rc.problem(ch, field, f.Code, text)
	}
}

// reportChecks are the keys of the Chinese report's own words for the
// domain's checks (field/code, or /code for any field): they name the
// options as the importer reads them (潜在、一般 …) where the domain's
// text names the codes.
var reportChecks = map[string]string{
	"/required":             "importer.check.required",
	"name/length":           "importer.check.name_length",
	"short_name/length":     "importer.check.short_name_length",
	"kind/unknown":          "importer.check.kind",
	"source/unknown":        "importer.check.source",
	"stage/unknown":         "importer.check.stage",
	"employee_band/unknown": "importer.check.employee_band",
	"revenue_band/unknown":  "importer.check.revenue_band",
	"tags/count":            "importer.check.tags_count",
	"tags/length":           "importer.check.tags_length",
	"name/required":         "importer.check.required",
	"gender/unknown":        "importer.check.gender",
	"birthday_leap/invalid": "importer.check.birthday_leap",
}

// owner checks the owner named in a row as Create would.
func (rc *rowChecker) owner(ctx context.Context, ch *checked, c *customer.Customer, name string) {
	u, ok := rc.owners[name]
	if !ok {
		var err error
		u, err = rc.im.store.UserByUsername(ctx, name)
		if err != nil && crm.ErrorCode(err) != crm.ENotFound {
			rc.problem(ch, FieldOwner, "lookup", err.Error())
			return
		}
		rc.owners[name] = u // the zero User when there is none
	}
	switch {
	case u.ID == 0:
		rc.problem(ch, FieldOwner, "unknown", msg.Text(rc.lang, "importer.owner.unknown"))
	case u.Disabled():
		rc.problem(ch, FieldOwner, "disabled", msg.Text(rc.lang, "importer.owner.disabled"))
	case u.ID != rc.p.UserID && !rc.p.Role.Can(crm.ActCustomerAssign):
		rc.problem(ch, FieldOwner, "forbidden", msg.Text(rc.lang, "importer.owner.forbidden"))
	case rc.p.Role == crm.RoleSalesManager && u.ID != rc.p.UserID && (u.TeamID == 0 || u.TeamID != rc.p.TeamID):
		rc.problem(ch, FieldOwner, "forbidden", msg.Text(rc.lang, "importer.owner.team"))
	default:
		c.OwnerID, c.TeamID = u.ID, u.TeamID
	}
}

var keyFields = [3]string{FieldUSCC, FieldName, FieldContactMobile}

// dedup finds duplicates of a batch's good rows in the database and
// earlier in the file, then remembers the keys of the rows still good.
func (rc *rowChecker) dedup(ctx context.Context, batch []checked) error {
	var lists [3][]string
	for i := range batch {
		if len(batch[i].problems) > 0 {
			continue
		}
		for k, key := range batch[i].keys {
			if key != "" {
				lists[k] = append(lists[k], key)
			}
		}
	}
	dups, err := rc.im.store.ImportDuplicates(ctx, crm.CustomerScope(rc.p), rc.im.now(), lists[0], lists[1], lists[2])
	if err != nil {
		return err
	}
	inDB := [3]map[string]string{dups.USCC, dups.Name, dups.Mobile}
	what := [3]msg.Message{msg.M("importer.key.uscc"), msg.M("importer.key.name"), msg.M("importer.key.mobile")}
	for i := range batch {
		ch := &batch[i]
		if len(ch.problems) > 0 {
			continue
		}
		var hashes [3]uint64
		for k, key := range ch.keys {
			if key == "" {
				continue
			}
			if who, ok := inDB[k][key]; ok {
				if who == "" { // someone else's customer: not named
					rc.problem(ch, keyFields[k], "duplicate", msg.M("importer.row.duplicate_hidden", what[k]).In(rc.lang))
					continue
				}
				rc.problem(ch, keyFields[k], "duplicate", msg.M("importer.row.duplicate", what[k], who).In(rc.lang))
				continue
			}
			hashes[k] = maphash.String(rc.seed, strconv.Itoa(k)+key)
			if first, ok := rc.seen[hashes[k]]; ok {
				rc.problem(ch, keyFields[k], "duplicate_in_file", msg.M("importer.row.duplicate_in_file", what[k], int(first)).In(rc.lang))
			}
		}
		if len(ch.problems) > 0 {
			continue
		}
		for k, h := range hashes {
			if ch.keys[k] != "" {
				rc.seen[h] = int32(ch.row.Row)
			}
		}
	}
	return nil
}

// eachBatch reads x's file after row `after` and calls fn with each batch
// of checked rows; lastRow is the last file row read.
func (im *Service) eachBatch(ctx context.Context, x *Import, rc *rowChecker, after int, fn func(batch []checked, lastRow int, eof bool) error) error {
	rows, err := im.open(ctx, x)
	if err != nil {
		return err
	}
	defer rows.Close()
	if _, _, err := rows.Next(); err != nil { // the header
		return err
	}
	batch := make([]checked, 0, ImportBatchSize)
	last := 1
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, rowNo, err := rows.Next()
		eof := errors.Is(err, io.EOF)
		if err != nil && !eof {
			return err
		}
		if !eof {
			last = rowNo
			if rowNo > after && !blankRow(rec) {
				batch = append(batch, rc.parse(ctx, rec, rowNo))
			}
		}
		if len(batch) == ImportBatchSize || eof {
			if err := rc.dedup(ctx, batch); err != nil {
				return err
			}
			if err := fn(batch, last, eof); err != nil {
				return err
			}
			batch = batch[:0]
		}
		if eof {
			return nil
		}
	}
}

func blankRow(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// check is the dry run: every row is read and checked; the report keeps
// every problem.
func (im *Service) check(ctx context.Context, x *Import) error {
	rc, err := im.newChecker(ctx, x)
	if err != nil {
		return err
	}
	x.TotalRows, x.BadRows, x.CheckedRows, x.CheckedBytes = 0, 0, 0, 0
	if err := im.store.ClearImportProblems(ctx, x.ID, "check"); err != nil { // an interrupted run's report
		return err
	}
	return im.eachBatch(ctx, x, rc, 0, func(batch []checked, _ int, eof bool) error {
		var problems []ImportProblem
		for _, ch := range batch {
			x.TotalRows++
			if len(ch.problems) > 0 {
				x.BadRows++
				for _, p := range ch.problems {
					p.Phase = "check"
					problems = append(problems, p)
				}
			}
		}
		x.CheckedRows = x.TotalRows
		if eof {
			// Checked; an import sent with a mode goes straight on to
			// committing (in the same write, so nobody sees it pause).
			x.Status = ImportChecked
			if x.Mode == ImportAll && x.BadRows > 0 {
				x.Message = msg.Text(x.Lang, "importer.result.not_committed", x.BadRows)
			} else if x.Mode != "" {
				x.Status = ImportCommitting
			}
		}
		x.UpdatedAt = im.now().UTC()
		if err := im.store.SaveImportProgress(ctx, x, problems); err != nil {
			return err
		}
		if im.Progress != nil {
			im.Progress(*x)
		}
		return nil
	})
}

// commit writes the good rows in batches after x.RowsDone, each batch in
// one transaction with the progress and an audit entry.
func (im *Service) commit(ctx context.Context, x *Import) error {
	// Reading, checking and preparing the next batch (search tokens, the
	// sealed mobile) runs beside the writing of the current one. A row
	// that repeats one of the batch being written is still caught: the
	// checker remembers the keys of every good row it passed on.
	xp := *x // the reader's copy: it counts bytes into it
	rc, err := im.newChecker(ctx, &xp)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *ImportBatch, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		from := x.RowsDone
		readErr <- im.eachBatch(rctx, &xp, rc, x.RowsDone, func(batch []checked, lastRow int, eof bool) error {
			b, err := im.prepareBatch(x.ID, from, lastRow, eof, batch)
			if err != nil {
				return err
			}
			from = lastRow
			select {
			case batches <- b:
				return nil
			case <-rctx.Done():
				return rctx.Err()
			}
		})
	}()
	for b := range batches {
		if err := im.commitBatch(ctx, x, b); err != nil {
			cancel()
			for range batches {
			}
			<-readErr
			return err
		}
	}
	return <-readErr
}

// prepareBatch turns checked rows into a batch to write.
func (im *Service) prepareBatch(id int64, from, lastRow int, eof bool, batch []checked) (*ImportBatch, error) {
	b := &ImportBatch{ImportID: id, FromDone: from, RowsDone: lastRow, Finished: eof}
	now := im.now().UTC()
	for _, ch := range batch {
		if len(ch.problems) > 0 {
			b.Skipped++
			for _, p := range ch.problems {
				p.Phase = "commit"
				b.Problems = append(b.Problems, p)
			}
			continue
		}
		row := ch.row
		row.Customer.CreatedAt, row.Customer.UpdatedAt = now, now
		if k := row.Contact; k != nil {
			k.CreatedAt, k.UpdatedAt = now, now
			if k.Mobile != "" {
				enc, err := im.keyring.Encrypt([]byte(k.Mobile), secure.AAD("contacts", "mobile"))
				if err != nil {
					return nil, err
				}
				k.MobileEnc, k.Mobile = enc, ""
			}
		}
		d := search.Doc{Texts: []string{row.Customer.Name, row.Customer.ShortName}, Codes: []string{row.Customer.USCC}}
		if k := row.Contact; k != nil {
			d.Texts = append(d.Texts, k.Name)
			if k.MobileLast4 != "" {
				d.Numbers = append(d.Numbers, k.MobileLast4)
			}
		}
		row.Tokens = search.Tokens(d)
		b.Rows = append(b.Rows, row)
	}
	b.FinishedAt = now
	return b, nil
}

// commitBatch writes one batch and moves x's progress on.
func (im *Service) commitBatch(ctx context.Context, x *Import, b *ImportBatch) error {
	if im.BatchHook != nil {
		if err := im.BatchHook(b); err != nil {
			return err
		}
	}
	e := crm.NewAudit(ctx, AuditImportBatch, "import", strconv.FormatInt(x.ID, 10), nil)
	if err := im.store.CommitImportBatch(ctx, b, &e); err != nil {
		return err
	}
	now := b.FinishedAt
	x.RowsDone, x.Inserted, x.Skipped, x.Batches, x.UpdatedAt = b.RowsDone, x.Inserted+len(b.Rows), x.Skipped+b.Skipped, x.Batches+1, now
	if b.Finished {
		x.Status, x.FinishedAt = ImportDone, &now
	}
	if im.Progress != nil {
		im.Progress(*x)
	}
	return nil
}

// Resume finds the caller's unfinished import of a file with this hash
// (killed while checking or committing, or failed while committing) and
// makes it ready to Run again: it goes on after its last committed batch.
func (im *Service) Resume(ctx context.Context, hash string) (Import, bool, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerCreate)
	if err != nil {
		return Import{}, false, err
	}
	x, ok, err := im.store.UnfinishedImport(ctx, p.UserID, hash)
	if err != nil || !ok {
		return x, ok, err
	}
	if x.Status == ImportFailed {
		x.Status, x.Message, x.UpdatedAt = restartStatus(x), "", im.now().UTC()
		e := crm.NewAudit(ctx, crm.AuditUpdate, "import", strconv.FormatInt(x.ID, 10), map[string]any{"resume": x.Mode})
		if err := im.store.StartImportPhase(ctx, &x, []string{ImportFailed}, &e); err != nil {
			return x, false, err
		}
	}
	return x, true, nil
}

// FileHash is the hash imports record of a file's content.
func FileHash(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// restartStatus is where a checked or failed import goes on: committing,
// unless it failed before its first batch (perhaps while checking), when
// it is checked again first.
func restartStatus(x Import) string {
	if x.Status == ImportFailed && x.Batches == 0 {
		return ImportChecking
	}
	return ImportCommitting
}

// Remap changes the column mapping of a checked import that has not been
// committed and checks it again.
func (im *Service) Remap(ctx context.Context, id int64, mapping map[string]string) (Import, error) {
	x, err := im.Get(ctx, id)
	if err != nil {
		return x, err
	}
	if x.Status != ImportChecked || x.Batches > 0 {
		return x, crm.FailIn(x.Lang, crm.EConflict, "importer.remap.refused")
	}
	x.Mapping = mapping
	cols, err := im.readHeader(ctx, &x)
	if err != nil {
		return x, err
	}
	x.Columns, x.Status, x.Mode, x.Message, x.UpdatedAt = cols, ImportChecking, "", "", im.now().UTC()
	e := crm.NewAudit(ctx, crm.AuditUpdate, "import", strconv.FormatInt(id, 10), map[string]any{"mapping": mapping})
	if err := im.store.RemapImport(ctx, &x, &e); err != nil {
		return x, err
	}
	if im.queue != nil {
		if err := im.queue.EnqueueImport(ctx, x.ID); err != nil {
			return x, err
		}
	}
	x.Progress = progressOf(x)
	return x, nil
}
