package importer

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

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
	ctx = crm.WithPrincipal(ctx, crm.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, TeamID: u.TeamID, DealerID: u.DealerID})
	fail := func(err error) error {
		if ctx.Err() != nil {
			return err // stopped: the job runs again and resumes
		}
		x.Status = ImportFailed
		x.SetText(crm.ErrorText(err))
		if crm.ErrorCode(err) == crm.EInternal {
			x.SetText(msg.Plain("internal error: " + err.Error()))
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

// eachBatch reads x's file after row `after` and calls fn with each batch
// of checked rows; lastRow is the last file row read. Rows above the
// header, blank rows and the export's stamp line are passed over; a
// summary row (合计 …) comes as a skipped row with its notice.
func (im *Service) eachBatch(ctx context.Context, x *Import, rc *rowChecker, after int, fn func(batch []checked, lastRow int, eof bool) error) error {
	rows, err := im.open(ctx, x)
	if err != nil {
		return err
	}
	defer rows.Close()
	_, last, err := locateHeader(rows, x.Mapping, x.Lang)
	if err != nil {
		return err
	}
	var formulas func() map[int]string
	if fr, ok := rows.(formulaReader); ok {
		formulas = fr.Formulas
	}
	batch := make([]checked, 0, ImportBatchSize)
	// A customer is read to its last row before it joins the batch (its
	// further contacts may follow on the rows below it); done is the last
	// file row that the batch covers entirely, where a resume starts after.
	var open *checked
	done := last
	closeOpen := func(before int) {
		if open != nil {
			batch = append(batch, *open)
			open, done = nil, before
		}
	}
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
			var f map[int]string
			if formulas != nil {
				f = formulas()
			}
			switch {
			case rowNo <= after || blankRow(rec) || isStampRow(rec):
				if open == nil {
					done = rowNo
				}
			case rc.continues(open, rec):
				rc.fold(open, rec, rowNo, f)
			case isSummaryRow(rec):
				closeOpen(rowNo - 1)
				ch := checked{row: ImportRow{Row: rowNo}, skip: true}
				rc.problem(&ch, "", CodeSummaryRow, msg.M("importer.row.summary", firstCell(rec)))
				batch, done = append(batch, ch), rowNo
			case isExampleRow(rec):
				closeOpen(rowNo - 1)
				ch := checked{row: ImportRow{Row: rowNo}, skip: true}
				rc.problem(&ch, "", CodeExampleRow, msg.M("importer.row.example"))
				batch, done = append(batch, ch), rowNo
			default:
				closeOpen(rowNo - 1)
				ch := rc.parse(ctx, rec, rowNo, f)
				open = &ch
			}
		} else {
			closeOpen(last)
			done = last
		}
		if len(batch) >= ImportBatchSize || eof {
			if err := rc.dedup(ctx, batch); err != nil {
				return err
			}
			if err := fn(batch, done, eof); err != nil {
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

// firstCell is a row's first non-empty cell, trimmed.
func firstCell(rec []string) string {
	for _, s := range rec {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
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
	var reported problemCap // the report keeps the first lines; the counts count all
	return im.eachBatch(ctx, x, rc, 0, func(batch []checked, _ int, eof bool) error {
		var problems []ImportProblem
		for _, ch := range batch {
			if !ch.skip {
				x.TotalRows++
			}
			if len(ch.problems) > 0 {
				x.BadRows++
			}
			for _, p := range ch.report() {
				p.Phase = "check"
				problems = append(problems, p)
			}
		}
		x.CheckedRows = x.TotalRows
		if eof {
			// Checked; an import sent with a mode goes straight on to
			// committing (in the same write, so nobody sees it pause).
			x.Status = ImportChecked
			if x.Mode == ImportAll && x.BadRows > 0 {
				x.SetText(msg.M("importer.result.not_committed", x.BadRows))
			} else if x.Mode != "" {
				x.Status = ImportCommitting
			}
		}
		x.UpdatedAt = im.now().UTC()
		if err := im.store.SaveImportProgress(ctx, x, reported.keep(problems)); err != nil {
			return err
		}
		if im.Progress != nil {
			im.Progress(*x)
		}
		return nil
	})
}
