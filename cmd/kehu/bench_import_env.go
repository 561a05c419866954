package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
)

// benchImportDSN is the database the benchmark works in: a new SQLite file
// in tmp by default, or a scratch schema in the PostgreSQL database named
// by dsn, with how to drop it.
func benchImportDSN(ctx context.Context, dsn, tmp string) (string, func(), error) {
	if dsn == "" {
		dsn = filepath.Join(tmp, "kehu.db")
	}
	if !store.IsPostgresDSN(dsn) {
		return dsn, func() {}, nil
	}
	return scratchSchema(ctx, dsn)
}

// prepareBenchImportDB migrates the benchmark's database and adds the
// account manager the import runs as.
func prepareBenchImportDB(ctx context.Context, db *store.DB, tmp string) (*secure.Keyring, error) {
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	keys, err := secure.LoadOrCreateKeyring(filepath.Join(tmp, secure.KeyFileName))
	if err != nil {
		return nil, err
	}
	id := identity.New(db, identity.DefaultAuthConfig(), keys, nil)
	if _, err := id.AddUser(cliContext(ctx), identity.NewUser{Username: "bench", Role: crm.RoleAccountManager, Password: "Import-2026-pass"}, "en"); err != nil {
		return nil, err
	}
	return keys, nil
}

// scratchSchema makes a new schema in the PostgreSQL database at dsn and
// returns a DSN that works in it, and how to drop it.
func scratchSchema(ctx context.Context, dsn string) (string, func(), error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, usageError{"--db: " + err.Error()}
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "bench_import_" + hex.EncodeToString(b)
	admin, err := store.Open(ctx, dsn, store.Options{ReadOnly: true})
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.W.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		_, _ = admin.W.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}, nil
}

// startCPUProfile writes a CPU profile to path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func peakRSS() int64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		return ru.Maxrss << 10
	}
	return 0
}
