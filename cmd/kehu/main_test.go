package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/store"
)

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServeRefusesToStartWithOneClearLine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	inUse := filepath.Join(t.TempDir(), "kehu.db")
	holder, err := store.Open(context.Background(), inUse, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"when the SQLite file is used by another kehu", []string{"--addr", "127.0.0.1:0", "--db", inUse}, "in use by another kehu process"},
		{"when the port is in use", []string{"--addr", busy.Addr().String(), "--data-dir", t.TempDir()}, "already in use"},
		{"when PostgreSQL is unreachable", []string{"--addr", "127.0.0.1:0", "--db", "postgres://postgres@127.0.0.1:1/test"}, "cannot reach PostgreSQL"},
		{"when an unknown flag is given", []string{"--adr", "x"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut syncBuffer
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, append([]string{"serve"}, tt.args...), strings.NewReader(""), &out, &errOut)
			if err == nil {
				t.Fatal("serve started; want a refusal")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if ctx.Err() != nil {
				t.Error("serve took more than 10 s to refuse")
			}
		})
	}
}

func TestServeFromEnvironmentAndShutDownGracefully(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEHU_DATA_DIR", dir)
	t.Setenv("KEHU_ADDR", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, strings.NewReader(""), &out, &logs) }()

	base := waitForURL(t, &out, done)
	if res, err := http.Get(base + "readyz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /readyz: %v %v", res, err)
	}

	// A request still being sent when the signal comes must be answered.
	host := strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "lang=en&back=/"
	fmt.Fprintf(conn, "POST /lang HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", host, len(body), body[:4])
	time.Sleep(100 * time.Millisecond) // the server has read the headers: the request is in flight
	cancel()
	time.Sleep(100 * time.Millisecond)
	fmt.Fprint(conn, body[4:])
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request got no answer: %v", err)
	}
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("in-flight request answered %d, want 303", res.StatusCode)
	}

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after SIGTERM, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s")
	}
	if !strings.Contains(logs.String(), "msg=stopped") {
		t.Errorf("no clean-stop log line: %s", logs.String())
	}
	// The database was closed cleanly: it opens again at once, lock and all.
	db, err := store.Open(context.Background(), filepath.Join(dir, "kehu.db"), store.Options{})
	if err != nil {
		t.Fatalf("reopen after shutdown: %v", err)
	}
	db.Close()
}

var urlRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)

func waitForURL(t *testing.T, out *syncBuffer, done chan error) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if u := urlRE.FindString(out.String()); u != "" {
			return u
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("serve printed no URL")
	return ""
}

func TestMigrateStatusBackupAndRestoreCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "kehu.db")
	cmd := func(args ...string) (string, error) {
		var out, errOut syncBuffer
		err := run(ctx, args, strings.NewReader(""), &out, &errOut)
		return out.String(), err
	}
	if _, err := cmd("migrate", "status", "--db", db); err == nil {
		t.Error("migrate status on a missing database succeeded")
	}
	if out, err := cmd("migrate", "--db", db); err != nil || !strings.Contains(out, "applied 0001_settings") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	out, err := cmd("migrate", "status", "--db", db)
	if err != nil || !strings.Contains(out, "0001") || !strings.Contains(out, "applied") || !strings.Contains(out, "0 pending") {
		t.Errorf("migrate status: %q %v", out, err)
	}
	backup := filepath.Join(dir, "backup.db")
	if out, err := cmd("backup", "--db", db, "--to", backup); err != nil || !strings.Contains(out, "backup written") {
		t.Fatalf("backup: %q %v", out, err)
	}
	if out, err := cmd("restore", "--db", db, "--from", backup); err != nil || !strings.Contains(out, "before-restore") {
		t.Errorf("restore: %q %v", out, err)
	}
	if _, err := cmd("backup", "--db", db); err == nil || exitCode(err) != 2 {
		t.Errorf("backup without --to: %v (exit %d), want a usage error", err, exitCode(err))
	}
}

func TestVersionAndUnknownCommands(t *testing.T) {
	var out, errOut syncBuffer
	if err := run(context.Background(), []string{"version"}, strings.NewReader(""), &out, &errOut); err != nil || !strings.HasPrefix(out.String(), "kehu ") {
		t.Errorf("version: %q %v", out.String(), err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, strings.NewReader(""), &out, &errOut); err == nil || exitCode(err) != 2 {
		t.Errorf("unknown command: %v, want a usage error", err)
	}
}
