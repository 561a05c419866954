package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// MaxImportBytes bounds an uploaded import file.
const MaxImportBytes = 256 << 20

// ImportUpload is a new import as sent.
type ImportUpload struct {
	FileName string
	Mapping  map[string]string
	DryRun   bool   // check only; commit later
	Mode     string // with DryRun false: all or valid_only
	Lang     string
	FilePath string // a local file (command line) instead of Body
	Body     io.Reader
	// Sheet, HeaderRow and FormulaValues say how to read the file; they
	// are kept in the mapping (OptSheet, OptHeaderRow, OptFormulas).
	Sheet         string
	HeaderRow     int
	FormulaValues bool
}

// withOptions returns the upload's mapping with its reading options.
func (up ImportUpload) withOptions() map[string]string {
	m := make(map[string]string, len(up.Mapping)+3)
	for k, v := range up.Mapping {
		m[k] = v
	}
	if up.Sheet != "" {
		m[OptSheet] = up.Sheet
	}
	if up.HeaderRow != 0 {
		m[OptHeaderRow] = strconv.Itoa(up.HeaderRow)
	}
	if up.FormulaValues {
		m[OptFormulas] = FormulaValues
	}
	return m
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
	if up.Lang == "" {
		up.Lang = "zh-CN"
	}
	up.Mapping = up.withOptions()
	if _, _, err := splitMapping(up.Mapping, up.Lang); err != nil {
		return Import{}, err
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
	var lines lineGuard // a CSV line past MaxCSVLineBytes is refused as it arrives
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			h.Write(buf[:n])
			if ft == "csv" {
				if err := lines.feed(buf[:n]); err != nil {
					return x, err
				}
			}
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
	cols, _, err := locateHeader(rows, x.Mapping, x.Lang)
	return cols, err
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
	rows, err := OpenSheet(&countingReader{r: rc, n: &x.CheckedBytes}, x.FileType, x.Mapping[OptSheet])
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

// Formulas and HiddenColumns pass on the workbook reader's (nil for CSV).
func (c *closeBoth) Formulas() map[int]string {
	if fr, ok := c.RowReader.(formulaReader); ok {
		return fr.Formulas()
	}
	return nil
}

func (c *closeBoth) HiddenColumns() map[int]bool {
	if fr, ok := c.RowReader.(formulaReader); ok {
		return fr.HiddenColumns()
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}
