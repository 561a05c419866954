package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// importFixture is a database with an account manager and an importer
// acting for them.
type importFixture struct {
	t   *testing.T
	db  *store.DB
	imp *importer.Service
	ctx context.Context
	dir string
}

func newImportFixture(t *testing.T, db *store.DB) *importFixture {
	t.Helper()
	dir := t.TempDir()
	keys, err := secure.LoadOrCreateKeyring(filepath.Join(dir, secure.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	cfg := identity.DefaultAuthConfig()
	cfg.Argon2 = secure.Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	id := identity.New(db, cfg, keys, nil)
	u, err := id.AddUser(crm.WithPrincipal(context.Background(), crm.SystemPrincipal("test")),
		identity.NewUser{Username: "am", Role: crm.RoleAccountManager, Password: "Kehu-2026-pass"}, "en")
	if err != nil {
		t.Fatal(err)
	}
	cs := customer.New(db, keys, nil)
	ctx := crm.WithPrincipal(context.Background(), crm.Principal{UserID: u.ID, Username: u.Username, Role: u.Role})
	return &importFixture{t: t, db: db, imp: importer.New(cs, db, nil, keys, nil), ctx: ctx, dir: dir}
}

func usccOf(n int) string {
	body := fmt.Sprintf("91440300%09d", n)
	check, _ := cn.USCCCheckCharacter(body)
	return body + check
}

// file writes n customers (rows 2 … n+1) with a USCC, a contact and a tag.
func (f *importFixture) file(name string, n, offset int) string {
	var b strings.Builder
	b.WriteString("客户名称,统一社会信用代码,联系人,手机,标签\n")
	for i := range n {
		fmt.Fprintf(&b, "测试客户%d有限公司,%s,联系人%d,139%08d,批量\n", offset+i, usccOf(offset+i), i, offset+i)
	}
	path := filepath.Join(f.dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		f.t.Fatal(err)
	}
	return path
}

func (f *importFixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *importFixture) hash(path string) string {
	r, err := os.Open(path)
	if err != nil {
		f.t.Fatal(err)
	}
	defer r.Close()
	h, err := importer.FileHash(r)
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

func TestAnImportBatchFailingMidTransactionLeavesNothingAndTheImportResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newImportFixture(t, db)
		path := f.file("c.csv", 2500, 0)
		x, err := f.imp.Create(f.ctx, importer.ImportUpload{FileName: "c.csv", FilePath: path, Mode: importer.ImportAll})
		if err != nil {
			t.Fatal(err)
		}
		// While the second batch is prepared, someone adds a customer
		// with the USCC of its file row 1502: the batch's INSERT fails inside
		// its transaction, after the codes and IDs were taken.
		calls := 0
		f.imp.BatchHook = func(b *importer.ImportBatch) error {
			if calls++; calls == 2 {
				c := customer.Customer{Kind: "company", Name: "抢先客户", USCC: usccOf(1500), Source: "other", Stage: "potential",
					OwnerID: x.CreatedBy, NameNorm: "抢先客户", CreatedAt: time.Now(), UpdatedAt: time.Now()}
				e := crm.NewAudit(f.ctx, crm.AuditCreate, "customer", "", nil)
				return db.CreateCustomer(context.Background(), &c, false, &e)
			}
			return nil
		}
		if err := f.imp.Run(f.ctx, x.ID); err == nil {
			t.Fatal("the failing batch did not fail the import")
		}
		x, err = db.Import(context.Background(), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if x.Status != importer.ImportFailed || x.Inserted != 1000 || x.RowsDone != 1001 || x.Batches != 1 || x.Message == "" {
			t.Fatalf("after the failed batch: %+v", x)
		}
		if n := f.count("SELECT COUNT(*) FROM customers WHERE import_id = ?", x.ID); n != 1000 {
			t.Fatalf("%d imported customers, want exactly the first batch", n)
		}
		if n := f.count("SELECT COUNT(*) FROM contacts"); n != 1000 {
			t.Fatalf("%d contacts", n)
		}
		if n := f.count("SELECT COUNT(*) FROM customer_tags"); n != 1000 {
			t.Fatalf("%d tags", n)
		}
		if n := f.count("SELECT value FROM counters WHERE name = 'customer_code'"); n != 1001 {
			t.Fatalf("customer codes allocated: %d, want 1001 (the failed batch's are given back)", n)
		}

		// Running the same file again resumes after row 1001; the clashing
		// row is now a duplicate and skipped.
		f.imp.BatchHook = nil
		y, ok, err := f.imp.Resume(f.ctx, f.hash(path))
		if err != nil || !ok || y.ID != x.ID || y.Status != importer.ImportCommitting {
			t.Fatalf("resume: %+v %v %v", y, ok, err)
		}
		if err := f.imp.Run(f.ctx, x.ID); err != nil {
			t.Fatal(err)
		}
		x, _ = db.Import(context.Background(), x.ID)
		if x.Status != importer.ImportDone || x.Inserted != 2499 || x.Skipped != 1 {
			t.Fatalf("after resuming: %+v", x)
		}
		if n := f.count("SELECT COUNT(*) FROM customers"); n != 2500 {
			t.Fatalf("%d customers, want 2500", n)
		}
		if n := f.count("SELECT COUNT(*) - COUNT(DISTINCT name_norm) FROM customers"); n != 0 {
			t.Fatalf("%d duplicate names", n)
		}
		ps, _ := f.imp.Problems(f.ctx, x.ID, 0, 10)
		if len(ps) != 1 || ps[0].Row != 1502 || ps[0].Phase != "commit" || ps[0].Code != "duplicate" {
			t.Fatalf("report: %+v", ps)
		}
		if n := f.count("SELECT COUNT(*) FROM audit_log WHERE action = ? AND entity_id = ?", importer.AuditImportBatch, fmt.Sprint(x.ID)); n != 3 {
			t.Fatalf("%d batch audit entries, want 3", n)
		}
		// Nothing unfinished remains.
		if _, ok, _ := f.imp.Resume(f.ctx, f.hash(path)); ok {
			t.Fatal("a finished import resumed")
		}
	})
}

func TestAnImportStoppedMidRunGoesOnWhereItStopped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newImportFixture(t, db)
		path := f.file("d.csv", 2200, 5000)
		x, err := f.imp.Create(f.ctx, importer.ImportUpload{FileName: "d.csv", FilePath: path, Mode: importer.ImportValidOnly})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(f.ctx)
		calls := 0
		f.imp.BatchHook = func(*importer.ImportBatch) error {
			if calls++; calls == 2 {
				cancel() // the process is told to stop while a batch is under way
			}
			return nil
		}
		if err := f.imp.Run(ctx, x.ID); !errors.Is(err, context.Canceled) {
			t.Fatalf("run: %v", err)
		}
		x, _ = db.Import(context.Background(), x.ID)
		if x.Status != importer.ImportCommitting || x.Inserted != 1000 {
			t.Fatalf("stopped: %+v", x)
		}
		if n := f.count("SELECT COUNT(*) FROM customers"); n != 1000 {
			t.Fatalf("%d customers after the stop", n)
		}
		f.imp.BatchHook = nil
		if err := f.imp.Run(f.ctx, x.ID); err != nil {
			t.Fatal(err)
		}
		x, _ = db.Import(context.Background(), x.ID)
		if x.Status != importer.ImportDone || x.Inserted != 2200 || x.Skipped != 0 {
			t.Fatalf("done: %+v", x)
		}
		if n := f.count("SELECT COUNT(*) FROM customers"); n != 2200 {
			t.Fatalf("%d customers", n)
		}
		// A customer of the second half is found by the search index.
		list, err := customer.New(db, nil, nil).List(f.ctx, customer.CustomerFilter{Query: "测试客户7199", Limit: 5})
		if err != nil || len(list) != 1 {
			t.Fatalf("search: %v %v", list, err)
		}
	})
}
