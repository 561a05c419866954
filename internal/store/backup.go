package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Backup writes a consistent copy of the database to the file to, while
// the server may be serving and writing. On SQLite it uses VACUUM INTO,
// which reads one snapshot of the database; the copy is written under a
// temporary name and renamed, so a half-written backup never carries the
// final name. On PostgreSQL it runs pg_dump when it is installed, and
// otherwise returns the command to run.
func Backup(ctx context.Context, dsn, to string) (note string, err error) {
	if _, err := os.Stat(to); err == nil {
		return "", fmt.Errorf("backup: %s already exists; choose a new file name", to)
	}
	if IsPostgresDSN(dsn) {
		note, err := runOrPrint("pg_dump", "--format=custom", "--no-owner", "--file="+to, dsn)
		if err == nil && note == "" {
			err = os.Chmod(to, 0o600) // a backup holds every customer's data
		}
		return note, err
	}
	db, err := Open(ctx, dsn, Options{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer db.Close()
	tmp := to + ".partial"
	_ = os.Remove(tmp)
	if _, err := db.W.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("backup: VACUUM INTO %s: %w", tmp, err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, to); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	return "", nil
}

// Restore replaces the database named by dsn with the backup in from. It
// refuses while any kehu process has the database open. On SQLite the file
// it replaces is kept beside it as NAME.before-restore-TIMESTAMP.
func Restore(ctx context.Context, dsn, from string) (note string, err error) {
	if _, err := os.Stat(from); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if IsPostgresDSN(dsn) {
		return restorePostgres(ctx, dsn, from)
	}
	lock, err := LockSQLite(dsn)
	if err != nil {
		return "", fmt.Errorf("restore refused: %w; stop it first", err)
	}
	defer lock.Close()
	if err := checkSQLiteFile(ctx, from); err != nil {
		return "", err
	}
	if _, err := os.Stat(dsn); err == nil {
		keep := dsn + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(dsn, keep); err != nil {
			return "", fmt.Errorf("restore: keep the current database: %w", err)
		}
		note = "the previous database was kept as " + keep
	}
	// The WAL and shared-memory files belong to the old database.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dsn + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("restore: %w", err)
		}
	}
	if err := copyFile(from, dsn); err != nil {
		return "", err
	}
	return note, nil
}

// checkSQLiteFile makes sure path holds an intact Kehu SQLite database.
func checkSQLiteFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("restore: %s: %w", path, err)
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		return fmt.Errorf("restore: %s is not a SQLite database: %w", path, err)
	}
	if result != "ok" {
		return fmt.Errorf("restore: %s fails the integrity check: %s", path, result)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		return fmt.Errorf("restore: %s is not a kehu database (no schema_migrations table)", path)
	}
	return nil
}

func restorePostgres(ctx context.Context, dsn, from string) (string, error) {
	db, err := Open(ctx, dsn, Options{ReadOnly: true, ApplicationName: "kehu-restore"})
	if err != nil {
		return "", err
	}
	defer db.Close()
	var others int
	err = db.R.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'kehu' AND pid <> pg_backend_pid()`).Scan(&others)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if others > 0 {
		return "", fmt.Errorf("restore refused: %d kehu connection(s) are using this database; stop every kehu serve first", others)
	}
	return runOrPrint("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname="+dsn, from)
}

// runOrPrint runs a PostgreSQL client tool when it is installed; when it is
// not, it returns the command line for the operator to run.
func runOrPrint(tool string, args ...string) (string, error) {
	path, err := exec.LookPath(tool)
	if err != nil {
		cmd := tool
		for _, a := range args {
			cmd += " '" + a + "'"
		}
		return tool + " is not installed here; run this where it is:\n  " + cmd, nil
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s: %w: %s", tool, err, out)
	}
	return "", nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(to), filepath.Base(to)+".restoring-*")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return fmt.Errorf("restore: copy: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("restore: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return os.Rename(tmp.Name(), to)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
