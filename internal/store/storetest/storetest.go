// Package storetest gives each test a fresh Kehu database with the real
// migrations, on SQLite and on PostgreSQL, so every store test runs on both.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/kehucrm/kehu/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL URL for tests.
const EnvPostgres = "KEHU_TEST_POSTGRES"

// Each runs fn as two subtests, "sqlite" and "postgres", each with its own
// freshly migrated database. Without KEHU_TEST_POSTGRES the PostgreSQL half
// is skipped with a message, except in CI (CI set), where it fails.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Open returns a freshly migrated database on engine e, closed and removed
// when the test ends. On PostgreSQL it is a copy of a template database
// migrated once (CREATE DATABASE … TEMPLATE takes about 0.1 s, running
// every migration in a new schema about 0.6 s, and the suites open a
// few hundred).
func Open(t testing.TB, e store.Engine) *store.DB {
	t.Helper()
	dsn := ""
	if e == store.Postgres {
		dsn = copyOfTemplate(t)
	} else {
		dsn = DSN(t, e)
	}
	db, err := store.Open(context.Background(), dsn, store.Options{ApplicationName: "kehu-test"})
	if err != nil {
		t.Fatalf("storetest: open %s: %v", e, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("storetest: migrate %s: %v", e, err)
	}
	CheckPlans(t, db)
	return db
}

// EnvPlanCheck names the variable that turns the plan check off ("off"):
// it is on in every test that opens a database here.
const EnvPlanCheck = "KEHU_PLAN_CHECK"

// CheckPlans turns on db's plan check (see store.DB.EnablePlanCheck): the
// test fails, when it ends, for every statement that scanned or sorted a
// growing table without a reason listed in the store.
func CheckPlans(t testing.TB, db *store.DB) {
	t.Helper()
	if os.Getenv(EnvPlanCheck) == "off" {
		return
	}
	db.EnablePlanCheck()
	t.Cleanup(func() {
		for _, v := range db.PlanViolations() {
			t.Errorf("storetest: plan check (%s): %s", db.Engine, v)
		}
	})
}

// DSN returns the address of a new, empty database on engine e: a file in
// a temporary directory for SQLite, a new schema for PostgreSQL (dropped
// when the test ends). Tests on PostgreSQL are isolated by schema, so they
// may run in parallel.
func DSN(t testing.TB, e store.Engine) string {
	t.Helper()
	if e == store.SQLite {
		return filepath.Join(t.TempDir(), "kehu.db")
	}
	base := postgresURL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s is not a URL: %v", EnvPostgres, err)
	}
	schema := "t_" + randomHex(8)
	admin, err := store.Open(context.Background(), base, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer admin.Close()
	if _, err := admin.W.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := store.Open(context.Background(), base, store.Options{ReadOnly: true})
		if err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		if _, err := admin.W.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// postgresURL is the PostgreSQL server of the tests; without one the test
// is skipped, except in CI, where it fails.
func postgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("storetest: %s is not set; CI must run every store test on PostgreSQL", EnvPostgres)
		}
		t.Skipf("storetest: PostgreSQL half skipped: set %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run it", EnvPostgres)
	}
	return base
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
