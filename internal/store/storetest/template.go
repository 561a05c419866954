package storetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/store"
)

// templates are the template databases this process made or found, by
// server address.
var templates sync.Map // base URL → template name

// copyOfTemplate returns the address of a new PostgreSQL database copied
// from the migrated template, dropped when the test ends.
func copyOfTemplate(t testing.TB) string {
	t.Helper()
	base := postgresURL(t)
	tpl, err := template(base)
	if err != nil {
		t.Fatalf("storetest: template database: %v", err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer admin.Close()
	name := "t_" + randomHex(8)
	// A template may not be copied while anyone is connected to it; a
	// process that is publishing or checking it holds it for a moment.
	for i := 0; ; i++ {
		_, err = admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + tpl)
		if err == nil || i == 50 || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})
	return withDatabase(base, name)
}

// template returns the name of the template database for the current
// migrations on the server at base, making it the first time: migrated
// under another name, then renamed, under an advisory lock, so that test
// processes running side by side make it once.
func template(base string) (string, error) {
	if name, ok := templates.Load(base); ok {
		return name.(string), nil
	}
	ms, err := store.Migrations(store.Postgres)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		h.Write([]byte(m.Name + "\x00" + m.SQL + "\x00"))
	}
	name := "kehu_tpl_" + hex.EncodeToString(h.Sum(nil))[:16]
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(hashtext('kehu-storetest-template'))"); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock(hashtext('kehu-storetest-template'))")
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		building := name + "_new"
		if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
			return "", err
		}
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
			return "", err
		}
		db, err := store.Open(ctx, withDatabase(base, building), store.Options{ApplicationName: "kehu-test-template"})
		if err != nil {
			return "", err
		}
		_, err = db.Migrate(ctx)
		db.Close()
		if err != nil {
			return "", err
		}
		if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
			return "", err
		}
	}
	templates.Store(base, name)
	return name, nil
}

// withDatabase is base with its database replaced by name.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}
