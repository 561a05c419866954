package importer

import (
	"context"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/search"
	"github.com/kehucrm/kehu/internal/secure"
)

// staleAfter is how long an import may show no progress before a commit
// request runs it again (its process was killed).
const staleAfter = 2 * time.Minute

// AuditImportBatch is the audit action of one committed batch.
const AuditImportBatch = "import_batch"

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
		return x, crm.FailIn(x.Lang, crm.EConflict, "importer.commit.status", msg.Coded{Code: x.Status, Key: "import.status." + x.Status})
	}
	if mode == ImportAll && x.BadRows > 0 {
		e := crm.FailIn(x.Lang, crm.EConflict, "importer.commit.bad_rows", x.BadRows)
		e.Fields = []crm.FieldError{crm.Bad("mode", "bad_rows", "importer.mode.bad_rows", x.BadRows)}
		return x, e
	}
	x.Mode, x.Status, x.UpdatedAt = mode, restartStatus(x), im.now().UTC()
	x.SetText(msg.Message{})
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
		reported := problemCap{n: x.Skipped} // a resumed commit stored about this many lines already
		readErr <- im.eachBatch(rctx, &xp, rc, x.RowsDone, func(batch []checked, lastRow int, eof bool) error {
			b, err := im.prepareBatch(x.ID, from, lastRow, eof, batch)
			if err != nil {
				return err
			}
			b.Problems = reported.keep(b.Problems)
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
		for _, p := range ch.report() {
			p.Phase = "commit"
			b.Problems = append(b.Problems, p)
		}
		if ch.skip {
			continue
		}
		if len(ch.problems) > 0 {
			b.Skipped++
			continue
		}
		row := ch.row
		row.Customer.CreatedAt, row.Customer.UpdatedAt = now, now
		d := search.Doc{Texts: []string{row.Customer.Name, row.Customer.ShortName}, Codes: []string{row.Customer.USCC}}
		for _, k := range row.contacts() {
			k.CreatedAt, k.UpdatedAt = now, now
			if k.Mobile != "" {
				enc, err := im.keyring.Encrypt([]byte(k.Mobile), secure.AAD("contacts", "mobile"))
				if err != nil {
					return nil, err
				}
				k.MobileEnc, k.Mobile = enc, ""
			}
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

// contacts are the row's contacts, its first one first.
func (r ImportRow) contacts() []*customer.Contact {
	if r.Contact == nil {
		return r.MoreContacts
	}
	return append([]*customer.Contact{r.Contact}, r.MoreContacts...)
}
