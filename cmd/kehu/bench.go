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
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
)

func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "http" {
		return usageError{"kehu bench takes a benchmark name: http"}
	}
	var cfg Config
	var target, conc string
	var dur time.Duration
	fs := flag.NewFlagSet("kehu bench http", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", "", "database to serve from (default: a new SQLite file in a temporary directory)")
	fs.StringVar(&target, "url", "", "load a running kehu at this base URL instead of one started here")
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
		url, eng, stop, err := benchServer(ctx, cfg.DB)
		if err != nil {
			return err
		}
		defer stop()
		target, engine = url, eng
	}
	targets := []bench.Target{
		{Name: "trivial (GET /api/v1/ping)", Path: "/api/v1/ping"},
		{Name: "one row (GET /api/v1/system/migrations/1)", Path: "/api/v1/system/migrations/1"},
	}
	fmt.Fprintf(stdout, "kehu bench http: %s, %s per run, engine %s\n", target, dur, engine)
	results, err := bench.HTTP(ctx, target, targets, levels, dur)
	if err != nil {
		return err
	}
	return bench.PrintHTTP(stdout, results)
}

// benchServer serves kehu in this process on a loopback port.
func benchServer(ctx context.Context, dsn string) (url, engine string, stop func(), err error) {
	var tmp string
	if dsn == "" {
		if tmp, err = os.MkdirTemp("", "kehu-bench-"); err != nil {
			return "", "", nil, err
		}
		dsn = filepath.Join(tmp, "kehu.db")
	}
	db, err := store.Open(ctx, dsn, store.Options{ApplicationName: "kehu-bench"})
	if err != nil {
		return "", "", nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return "", "", nil, err
	}
	srv, err := server.New(db, server.Options{Version: versionString()})
	if err != nil {
		db.Close()
		return "", "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		return "", "", nil, err
	}
	hs := &http.Server{Handler: srv.Handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), string(db.Engine), func() {
		_ = hs.Close()
		db.Close()
		if tmp != "" {
			os.RemoveAll(tmp)
		}
	}, nil
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
