package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver (pure Go)
)

// sqlitePragmas are set on every connection. synchronous=FULL makes every
// commit durable (money and orders live here); busy_timeout lets the read
// pool wait out a checkpoint instead of failing. The one writer gets a
// larger page cache than each reader: an import's inserts land all over
// the customers' secondary indexes and the search index's segments, and
// with a million customers a small cache rereads their pages from the file
// on almost every row. It also checkpoints every 10,000 pages (40 MB of
// WAL) rather than 1,000: the index pages a bulk insert keeps rewriting
// are then copied into the database once per checkpoint, not every few
// commits.
const (
	sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)"
	sqliteReaderCache = "&_pragma=cache_size(-32000)"
	sqliteWriterCache = "&_pragma=cache_size(-65536)&_pragma=wal_autocheckpoint(10000)"
)

func openSQLite(ctx context.Context, path string, opts Options) (*DB, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	if path == "" {
		return nil, errors.New("store: empty SQLite path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store: SQLite path %q must not contain '?' or '#'", path)
	}
	db := &DB{Engine: SQLite, Path: path}
	db.searcher = sqliteSearch{db}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("store: no database at %s: %w", path, err)
		}
	} else {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
			}
		}
		if err := createPrivateFile(path); err != nil {
			return nil, err
		}
		if !opts.Shared {
			lock, err := LockSQLite(path)
			if err != nil {
				return nil, err
			}
			db.lock = lock
		}
	}

	w, err := sql.Open("sqlite", path+"?"+sqlitePragmas+sqliteWriterCache+"&_txlock=immediate")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db.W = w

	r, err := sql.Open("sqlite", path+"?"+sqlitePragmas+sqliteReaderCache+"&_pragma=query_only(1)")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.R = r

	// Touch the write connection now so that a bad file or a locked database
	// fails here with one clear message, not on the first request.
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("store: %s: journal_mode is %q, want wal (is the file on a filesystem that supports shared memory?)", path, mode)
	}
	return db, nil
}

// LockSQLite takes the lock that lets one kehu process at a time own the
// SQLite file at path. A lock file beside the database is used rather than
// the database file itself: closing any descriptor of the database file
// would drop SQLite's own POSIX locks.
func LockSQLite(path string) (*os.File, error) {
	lockPath := path + ".lock"
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: open lock file %s: %w", lockPath, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid, _ := os.ReadFile(lockPath)
		f.Close()
		holder := ""
		if p := strings.TrimSpace(string(pid)); p != "" {
			holder = " (pid " + p + ")"
		}
		return nil, fmt.Errorf("database %s is in use by another kehu process%s", path, holder)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return f, nil
}
