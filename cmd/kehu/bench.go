package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/bench"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
)

func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "import":
			return benchImport(ctx, args[1:], stdout, stderr)
		case "data":
			return benchData(ctx, args[1:], stdout, stderr)
		case "customers":
			return benchCustomers(ctx, args[1:], stdout, stderr)
		case "writes":
			return benchWrites(ctx, args[1:], stdout, stderr)
		case "serve":
			return benchServe(ctx, args[1:], stdout, stderr)
		}
	}
	if len(args) == 0 || args[0] != "http" {
		return usageError{"kehu bench takes a benchmark name: http, data, customers, writes or import"}
	}
	var cfg Config
	var target, conc, token string
	var dur time.Duration
	fs := flag.NewFlagSet("kehu bench http", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", "", "database to serve from (default: a new SQLite file in a temporary directory)")
	fs.StringVar(&target, "url", "", "load a running kehu at this base URL instead of one started here")
	fs.StringVar(&token, "token", os.Getenv("KEHU_TOKEN"), "with --url: an administrator's bearer token for the one-row route (KEHU_TOKEN)")
	fs.StringVar(&conc, "concurrency", "1,16,64", "comma-separated numbers of concurrent connections")
	fs.DurationVar(&dur, "duration", 5*time.Second, "how long to load each route at each concurrency")
	if err := parse(fs, args[1:], stderr); err != nil {
		return err
	}
	levels, err := parseLevels(conc)
	if err != nil {
		return err
	}
	engine := "remote"
	if target == "" {
		url, eng, tok, stop, err := benchServer(ctx, cfg.DB)
		if err != nil {
			return err
		}
		defer stop()
		target, engine, token = url, eng, tok
	}
	targets := []bench.Target{
		{Name: "trivial (GET /api/v1/ping)", Path: "/api/v1/ping"},
		{Name: "one row, signed in (GET /api/v1/system/migrations/1)", Path: "/api/v1/system/migrations/1", Token: token},
	}
	if engine != "remote" {
		targets = append(targets, bench.Target{Name: "one row, no auth (same read, same stack)", Path: "/bench/raw/migrations/1"})
	}
	return printBenchRun(stdout, fmt.Sprintf("kehu bench http: %s, %s per run, engine %s", target, dur, engine),
		func() ([]bench.HTTPResult, error) { return bench.HTTP(ctx, target, targets, levels, dur) })
}

// benchServer serves kehu in this process on a loopback port, with an
// administrator signed in for the authenticated routes.
func benchServer(ctx context.Context, dsn string) (url, engine, token string, stop func(), err error) {
	var tmp string
	if dsn == "" {
		if tmp, err = os.MkdirTemp("", "kehu-bench-"); err != nil {
			return "", "", "", nil, err
		}
		dsn = filepath.Join(tmp, "kehu.db")
	}
	db, err := store.Open(ctx, dsn, store.Options{ApplicationName: "kehu-bench"})
	if err != nil {
		return "", "", "", nil, err
	}
	fail := func(err error) (string, string, string, func(), error) {
		db.Close()
		return "", "", "", nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		return fail(err)
	}
	keys, err := secure.LoadOrCreateKeyring(filepath.Join(filepath.Dir(dsnOrTemp(dsn, tmp)), "bench.keys"))
	if err != nil {
		return fail(err)
	}
	srv, err := server.New(db, server.Options{Version: versionString(), Sealer: keys})
	if err != nil {
		return fail(err)
	}
	id := identity.New(db, identity.DefaultAuthConfig(), nil, nil)
	name, pw := "bench-"+strconv.FormatInt(time.Now().UnixNano(), 36), generatePassword()
	if _, err := id.AddUser(cliContext(ctx), identity.NewUser{Username: name, Role: crm.RoleAdmin, Password: pw}, "en"); err != nil {
		return fail(err)
	}
	if token, _, err = id.Login(ctx, name, pw, "api"); err != nil {
		return fail(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	// The same one-row read without authentication, authorization and
	// audit, for the overhead ratio: registered on the same router, so it
	// passes through exactly the same middleware (the credential-less
	// request goes through Authenticate untouched) and writes the same JSON.
	srv.Router.HandleFunc("GET /bench/raw/migrations/{version}", func(w http.ResponseWriter, r *http.Request) error {
		v, err := strconv.Atoi(r.PathValue("version"))
		if err != nil {
			return err
		}
		m, err := db.AppliedMigration(r.Context(), v)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"version": m.Version, "name": m.Name, "applied": true, "applied_at": m.AppliedAt})
		return nil
	})
	top := srv.Handler
	hs := &http.Server{Handler: top, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), string(db.Engine), token, func() {
		_ = hs.Close()
		db.Close()
		if tmp != "" {
			os.RemoveAll(tmp)
		}
	}, nil
}

// dsnOrTemp names a directory for the benchmark's key file: the temporary
// directory, or the current one for a PostgreSQL run.
func dsnOrTemp(dsn, tmp string) string {
	if tmp != "" {
		return filepath.Join(tmp, "x")
	}
	if store.IsPostgresDSN(dsn) {
		return filepath.Join(os.TempDir(), "x")
	}
	return dsn
}

func parseLevels(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 4096 {
			return nil, usageError{fmt.Sprintf("--concurrency: %q is not a number from 1 to 4096", f)}
		}
		out = append(out, n)
	}
	return out, nil
}
