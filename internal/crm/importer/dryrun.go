package importer

import (
	"context"
	"io"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// DryRun checks a local file (up.FilePath) as an import's dry run does and
// writes nothing: no import is stored, nothing is audited. Each report
// line goes to report as it is found; the returned Import (with no ID)
// holds the counts. The command line's --dry-run uses it.
func (im *Service) DryRun(ctx context.Context, up ImportUpload, report func(ImportProblem)) (Import, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerCreate)
	if err != nil {
		return Import{}, err
	}
	if up.Lang == "" {
		up.Lang = "zh-CN"
	}
	if up.FilePath == "" {
		return Import{}, crm.Invalid(crm.BadIn(up.Lang, "file", "required", msg.M("importer.file.required")))
	}
	mapping := up.withOptions()
	if _, _, err := splitMapping(mapping, up.Lang); err != nil {
		return Import{}, err
	}
	f, err := openLocal(up.FilePath)
	if err != nil {
		return Import{}, err
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	st, _ := f.Stat()
	f.Close()
	name := strings.TrimSpace(up.FileName)
	if name == "" {
		name = up.FilePath
	}
	ft, err := DetectFileType(name, head[:n], up.Lang)
	if err != nil {
		return Import{}, err
	}
	now := im.now().UTC()
	x := Import{Kind: "customers", Status: ImportChecking, FileName: name, FileType: ft, FilePath: up.FilePath, Mapping: mapping,
		Lang: up.Lang, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	if st != nil {
		x.FileSize = st.Size()
	}
	if x.Columns, err = im.readHeader(ctx, &x); err != nil {
		return x, err
	}
	rc, err := im.newChecker(ctx, &x)
	if err != nil {
		return x, err
	}
	err = im.eachBatch(ctx, &x, rc, 0, func(batch []checked, _ int, eof bool) error {
		for _, ch := range batch {
			if !ch.skip {
				x.TotalRows++
			}
			if len(ch.problems) > 0 {
				x.BadRows++
			}
			for _, p := range ch.report() {
				p.Phase = "check"
				report(p)
			}
		}
		x.CheckedRows = x.TotalRows
		if eof {
			x.Status = ImportChecked
		}
		if im.Progress != nil {
			im.Progress(x)
		}
		return nil
	})
	return x, err
}
