package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/kehucrm/kehu/internal/store"
)

func TestTheSQLiteDatabaseIsCreatedReadableByItsOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022) // the usual umask, which leaves new files readable by all
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "data", "kehu.db")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(context.Background(), "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if os.IsNotExist(err) && p != path {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s is %v; want no access for group or others (0600)", filepath.Base(p), perm)
		}
	}
}
