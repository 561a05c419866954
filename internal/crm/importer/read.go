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
