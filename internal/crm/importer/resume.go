package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

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
		x.Status, x.UpdatedAt = restartStatus(x), im.now().UTC()
		x.SetText(msg.Message{})
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
	// The reading options stay as uploaded unless the new mapping sets them.
	m := make(map[string]string, len(mapping)+3)
	for _, k := range []string{OptSheet, OptHeaderRow, OptFormulas} {
		if v, ok := x.Mapping[k]; ok {
			m[k] = v
		}
	}
	for k, v := range mapping {
		m[k] = v
	}
	x.Mapping = m
	cols, err := im.readHeader(ctx, &x)
	if err != nil {
		return x, err
	}
	x.Columns, x.Status, x.Mode, x.UpdatedAt = cols, ImportChecking, "", im.now().UTC()
	x.SetText(msg.Message{})
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
