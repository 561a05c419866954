package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestBackupDuringConcurrentWritesKeepsEveryCommittedRow(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if _, err := db.Exec(ctx, "CREATE TABLE backup_probe (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}

	var lastCommitted atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	stopWriter := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer stopWriter()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for id := int64(1); ; id++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := db.Exec(ctx, "INSERT INTO backup_probe (id, body) VALUES (?, ?)", id, strings.Repeat("x", 200)); err != nil {
				t.Errorf("writer: %v", err)
				return
			}
			lastCommitted.Store(id)
		}
	}()
	for deadline := time.Now().Add(10 * time.Second); lastCommitted.Load() < 500 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond) // let the writer get going
	}

	committedBefore := lastCommitted.Load()
	to := filepath.Join(t.TempDir(), "backup.db")
	if _, err := store.Backup(ctx, db.Path, to); err != nil {
		t.Fatal(err)
	}
	stopWriter()

	restored := filepath.Join(t.TempDir(), "restored.db")
	if _, err := store.Restore(ctx, restored, to); err != nil {
		t.Fatalf("restore: %v", err)
	}
	rdb, err := sql.Open("sqlite", restored)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	var check string
	if err := rdb.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	var n int64
	if err := rdb.QueryRow("SELECT count(*) FROM backup_probe WHERE id <= ?", committedBefore).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != committedBefore {
		t.Errorf("backup holds %d of the %d rows committed before it started", n, committedBefore)
	}
}

func TestRestoreRefusesADatabaseInUse(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	to := filepath.Join(t.TempDir(), "backup.db")
	if _, err := store.Backup(ctx, db.Path, to); err != nil {
		t.Fatal(err)
	}
	_, err := store.Restore(ctx, db.Path, to)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("restore over an open database: got %v, want a refusal", err)
	}
}

func TestBackupRefusesToOverwriteAFile(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	to := filepath.Join(t.TempDir(), "backup.db")
	if _, err := store.Backup(ctx, db.Path, to); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Backup(ctx, db.Path, to); err == nil {
		t.Fatal("second backup to the same file succeeded, want a refusal")
	}
}

func TestRestoreRefusesAFileThatIsNotAKehuDatabase(t *testing.T) {
	ctx := context.Background()
	junk := filepath.Join(t.TempDir(), "junk.db")
	jdb, _ := sql.Open("sqlite", junk)
	if _, err := jdb.Exec("CREATE TABLE x (a)"); err != nil {
		t.Fatal(err)
	}
	jdb.Close()
	target := filepath.Join(t.TempDir(), "kehu.db")
	if _, err := store.Restore(ctx, target, junk); err == nil || !strings.Contains(err.Error(), "not a kehu database") {
		t.Fatalf("got %v, want not-a-kehu-database", err)
	}
}
