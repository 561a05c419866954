package importer

import (
	"context"

	"github.com/kehucrm/kehu/internal/crm"
)

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
		if x.TotalRows > 0 {
			return min(99, RecordsDone(x)*100/x.TotalRows)
		}
	}
	return 0
}

// Problems returns a page of an import's report: each problem once, as
// the latest phase found it (the commit reports the rows it skipped again,
// so once it has begun its lines replace the dry run's).
func (im *Service) Problems(ctx context.Context, id int64, afterID int64, limit int) ([]ImportProblem, error) {
	x, err := im.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	phase := ReportPhase(x)
	var out []ImportProblem
	for len(out) < limit {
		page, err := im.store.ImportProblems(ctx, id, afterID, limit)
		if err != nil || len(page) == 0 {
			return out, err
		}
		for _, p := range page {
			if p.Phase == phase && len(out) < limit {
				out = append(out, p)
			}
		}
		afterID = page[len(page)-1].ID
		if len(page) < limit {
			break
		}
	}
	return out, nil
}

// ReportPhase is the phase whose report lines stand for x: commit once a
// batch is committed, else check.
func ReportPhase(x Import) string {
	if x.Mode != "" && x.Batches > 0 {
		return "commit"
	}
	return "check"
}

// RecordsDone is how many of an import's customers (TotalRows) its commit
// has passed: imported or skipped. It counts records, not file rows: a
// quoted cell with a line break, a title above the header, a summary row
// or a customer's further contact rows do not move it.
func RecordsDone(x Import) int { return x.Inserted + x.Skipped }
