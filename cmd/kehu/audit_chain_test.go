package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// chainFixture is a migrated database with an audit key file in dir.
type chainFixture struct {
	dsn, dir string
	db       *store.DB
	engine   store.Engine
}

func newChainFixture(t *testing.T, e store.Engine) *chainFixture {
	t.Helper()
	f := &chainFixture{dsn: storetest.DSN(t, e), dir: t.TempDir(), engine: e}
	if out, err := f.cmd("migrate", "--db", f.dsn); err != nil {
		t.Fatalf("migrate: %s %v", out, err)
	}
	db, err := store.Open(context.Background(), f.dsn, store.Options{Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	return f
}

func (f *chainFixture) cmd(args ...string) (string, error) {
	var out, errOut syncBuffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String() + errOut.String(), err
}

func (f *chainFixture) key(t *testing.T) {
	t.Helper()
	k, err := secure.LoadOrCreateAuditKey(filepath.Join(f.dir, secure.AuditKeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	f.db.SetAuditKey(k)
}

func (f *chainFixture) appendN(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		e := crm.AuditEntry{At: time.Now(), Username: "zhang", Action: crm.AuditUpdate, Entity: "customer", EntityID: fmt.Sprint(i), Detail: `{"name":{"before":"甲","after":"乙"}}`}
		if err := f.db.Audit(context.Background(), &e); err != nil {
			t.Fatal(err)
		}
	}
}

func (f *chainFixture) exec(t *testing.T, byEngine map[store.Engine]string, more ...string) {
	t.Helper()
	for _, q := range append([]string{byEngine[f.engine]}, more...) {
		if _, err := f.db.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func eachEngine(t *testing.T, fn func(t *testing.T, e store.Engine)) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

func TestAuditVerifyPassesAnIntactKeyedChainAgainstItsCheckpoint(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Engine) {
		f := newChainFixture(t, e)
		f.appendN(t, 2) // written before the key: plain hashes
		f.key(t)
		f.appendN(t, 3)
		head, err := f.db.ReadAuditHead(context.Background())
		if err != nil || head.KeyedFrom != 3 || head.Seq != 5 {
			t.Fatalf("head %+v %v; want keyed from entry 3, 5 entries", head, err)
		}
		out, err := f.cmd("audit", "checkpoint", "--db", f.dsn, "--data-dir", f.dir)
		if err != nil || !strings.Contains(out, "checkpoint of entry 5") {
			t.Fatalf("checkpoint: %q %v", out, err)
		}
		f.appendN(t, 2)
		out, err = f.cmd("audit", "verify", "--db", f.dsn, "--data-dir", f.dir)
		if err != nil || !strings.Contains(out, "7 entries verified") || !strings.Contains(out, "audit-checkpoint-") {
			t.Fatalf("verify: %q %v; want intact against the checkpoint", out, err)
		}
	})
}

func TestAuditVerifyFindsACutTailWithItsHeadRewritten(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Engine) {
		f := newChainFixture(t, e)
		f.key(t)
		f.appendN(t, 6)
		out, err := f.cmd("audit", "checkpoint", "--db", f.dsn, "--data-dir", f.dir)
		if err != nil {
			t.Fatalf("checkpoint: %q %v", out, err)
		}
		cp := filepath.Join(f.dir, "audit-checkpoints")
		f.exec(t, map[store.Engine]string{
			store.SQLite:   "DROP TRIGGER audit_log_no_delete",
			store.Postgres: "ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard",
		}, "DELETE FROM audit_log WHERE id > 3",
			"UPDATE audit_head SET seq = 3, last_hash = (SELECT hash FROM audit_log WHERE id = 3) WHERE id = 1")
		// The chain alone looks whole now …
		if _, problem, err := f.db.VerifyAudit(context.Background()); err != nil || problem != nil {
			t.Fatalf("chain alone: %+v %v", problem, err)
		}
		// … but not against the checkpoint.
		out, err = f.cmd("audit", "verify", "--db", f.dsn, "--data-dir", f.dir)
		if err == nil || !strings.Contains(err.Error(), cp) || !strings.Contains(err.Error(), "tail was cut") {
			t.Fatalf("verify after cutting the tail: %q %v; want a failure naming the checkpoint", out, err)
		}
		cpFile, _ := filepath.Glob(filepath.Join(cp, "*.json"))
		out, err = f.cmd("audit", "verify", "--db", f.dsn, "--data-dir", f.dir, "--checkpoint", cpFile[0])
		if err == nil || !strings.Contains(err.Error(), cpFile[0]) {
			t.Fatalf("verify --checkpoint: %q %v", out, err)
		}
	})
}

func TestAuditVerifyNamesAnEntryRewrittenWithoutTheKey(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Engine) {
		f := newChainFixture(t, e)
		f.key(t)
		f.appendN(t, 4)
		f.exec(t, map[store.Engine]string{
			store.SQLite:   "DROP TRIGGER audit_log_no_update",
			store.Postgres: "ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard",
		}, `UPDATE audit_log SET detail = '{}' WHERE id = 2`)
		out, err := f.cmd("audit", "verify", "--db", f.dsn, "--data-dir", f.dir)
		if err == nil || !strings.Contains(err.Error(), "entry 2:") {
			t.Fatalf("verify after editing entry 2: %q %v; want a failure naming entry 2", out, err)
		}
	})
}

func TestAuditChainRefusesAppendsWithoutTheKeyOnceKeyed(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Engine) {
		f := newChainFixture(t, e)
		f.key(t)
		f.appendN(t, 1)
		f.db.SetAuditKey(nil)
		ev := crm.AuditEntry{At: time.Now(), Action: crm.AuditUpdate}
		if err := f.db.Audit(context.Background(), &ev); err == nil || !strings.Contains(err.Error(), "no audit key") {
			t.Fatalf("append without the key: %v; want a refusal", err)
		}
	})
}

func TestUserCommandsAreTheBreakGlassPathAndAuditedAsSuch(t *testing.T) {
	f := newChainFixture(t, store.SQLite)
	var out, errOut syncBuffer
	err := run(context.Background(), []string{"user", "add", "--db", f.dsn, "--data-dir", f.dir, "--username", "boss", "--role", "gm", "--password-stdin"},
		strings.NewReader("Kehu-2026-pass\n"), &out, &errOut)
	if err != nil {
		t.Fatalf("kehu user add: %v %s", err, errOut.String())
	}
	var detail string
	if err := f.db.QueryRow(context.Background(), "SELECT detail FROM audit_log WHERE action = 'create' AND entity = 'user'").Scan(&detail); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(detail, `"break_glass":true`) {
		t.Errorf("the CLI's user entry %s is not marked break_glass", detail)
	}
}
