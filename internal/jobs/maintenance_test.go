package jobs_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/jobs"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// An upload cut off by the server stopping stays "uploading" with part of
// its file; maintenance removes it, with an audit entry, once it is older
// than any upload takes, and leaves uploads in progress and finished
// imports alone.
func TestMaintenanceRemovesUploadsCutOffMidway(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		u := identity.User{Username: "am", Role: crm.RoleAccountManager, PasswordHash: "x", PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
		if err := db.CreateUser(ctx, &u, &crm.AuditEntry{At: time.Now(), Action: crm.AuditCreate}); err != nil {
			t.Fatal(err)
		}
		imp := func(status string, age time.Duration) int64 {
			at := now.Add(-age)
			x := importer.Import{Kind: "customers", Status: status, FileName: "客户.csv", FileType: "csv", Columns: []importer.ImportColumn{},
				CreatedBy: u.ID, CreatedAt: at, UpdatedAt: at}
			if err := db.CreateImport(ctx, &x, &crm.AuditEntry{At: time.Now(), Action: crm.AuditCreate}); err != nil {
				t.Fatal(err)
			}
			if err := db.AppendImportChunk(ctx, x.ID, 0, []byte("客户名称\n")); err != nil {
				t.Fatal(err)
			}
			return x.ID
		}
		cutOff := imp(importer.ImportUploading, store.AbandonedUploadAfter+time.Minute)
		uploading := imp(importer.ImportUploading, time.Minute)
		done := imp(importer.ImportDone, 30*24*time.Hour)
		if err := jobs.Maintain(ctx, db, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Import(ctx, cutOff); crm.ErrorCode(err) != crm.ENotFound {
			t.Errorf("the upload cut off %s ago is still there (%v)", store.AbandonedUploadAfter, err)
		}
		for _, id := range []int64{uploading, done} {
			if _, err := db.Import(ctx, id); err != nil {
				t.Errorf("import %d: %v", id, err)
			}
		}
		count := func(q string, args ...any) (n int) {
			if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("SELECT COUNT(*) FROM import_chunks WHERE import_id = ?", cutOff); n != 0 {
			t.Errorf("%d chunks of the removed upload remain", n)
		}
		if n := count("SELECT COUNT(*) FROM import_chunks WHERE import_id IN (?, ?)", uploading, done); n != 2 {
			t.Errorf("%d chunks of the others remain, want 2", n)
		}
		if n := count("SELECT COUNT(*) FROM audit_log WHERE action = ? AND entity = 'import' AND entity_id = ? AND detail LIKE ?",
			crm.AuditDelete, strconv.FormatInt(cutOff, 10), "%upload interrupted%"); n != 1 {
			t.Errorf("%d audit entries for the removal, want 1", n)
		}
	})
}
