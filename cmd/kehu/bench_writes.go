package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kehucrm/kehu/internal/bench"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
)

// benchWrites is `kehu bench writes`: creating customers (with a USCC,
// their duplicate checks, search tokens and audit entry), creating a
// customer with its contact, and updating a customer, at each
// concurrency, through the HTTP API of a Kehu in another process: the
// one at --url, or one this command starts on --db (a new SQLite file in
// a temporary directory by default) and stops at the end.
func benchWrites(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg benchWritesConfig
	var conc, target, token string
	var dur time.Duration
	fs := flag.NewFlagSet("kehu bench writes", flag.ContinueOnError)
	dbFlags(fs, &cfg.Config)
	fs.StringVar(&target, "url", "", "load a running kehu at this base URL instead of one started here")
	fs.StringVar(&token, "token", os.Getenv("KEHU_TOKEN"), "with --url: the bearer token of a user who may create customers (KEHU_TOKEN)")
	fs.StringVar(&conc, "concurrency", "1,16", "comma-separated numbers of concurrent connections")
	fs.DurationVar(&dur, "duration", 5*time.Second, "how long to load each operation at each concurrency")
	fs.StringVar(&cfg.profile, "cpuprofile", "", "write the server's CPU profile to this file")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	levels, err := parseLevels(conc)
	if err != nil {
		return err
	}
	if target == "" {
		url, tok, stop, err := startBenchServer(ctx, cfg, stderr)
		if err != nil {
			return err
		}
		defer stop()
		target, token = url, tok
	}
	// Numbers no generated customer and no earlier run has: the USCCs and
	// names are unique.
	var next atomic.Int64
	next.Store(10_000_000_000 + time.Now().Unix()%100_000*100_000)
	create := func(ctx context.Context, c *bench.Client, withContact bool) (map[string]any, error) {
		n := next.Add(1)
		var made map[string]any
		if err := c.Do(ctx, http.MethodPost, "/api/v1/customers", bench.NewCompany(n), &made, http.StatusCreated); err != nil {
			return nil, err
		}
		if withContact {
			id := strconv.FormatInt(int64(made["id"].(float64)), 10)
			if err := c.Do(ctx, http.MethodPost, "/api/v1/customers/"+id+"/contacts", bench.NewContact(n), nil, http.StatusCreated); err != nil {
				return nil, err
			}
		}
		return made, nil
	}
	type updating struct {
		id      string
		version float64
		n       int
	}
	targets := []bench.WriteTarget{
		{Name: "create customer (USCC, tag, checks, search tokens, audit)", Op: func(ctx context.Context, c *bench.Client, _ int, _ any) error {
			_, err := create(ctx, c, false)
			return err
		}},
		{Name: "create customer + its contact (2 requests)", Op: func(ctx context.Context, c *bench.Client, _ int, _ any) error {
			_, err := create(ctx, c, true)
			return err
		}},
		{Name: "update customer (notes and stage)", Setup: func(ctx context.Context, c *bench.Client, _ int) (any, error) {
			made, err := create(ctx, c, false)
			if err != nil {
				return nil, err
			}
			return &updating{id: strconv.FormatInt(int64(made["id"].(float64)), 10), version: made["version"].(float64)}, nil
		}, Op: func(ctx context.Context, c *bench.Client, _ int, state any) error {
			u := state.(*updating)
			u.n++
			stage := []string{"general", "important"}[u.n%2]
			var got map[string]any
			if err := c.Do(ctx, http.MethodPatch, "/api/v1/customers/"+u.id, map[string]any{"version": u.version, "stage": stage,
				"notes": "压测第" + strconv.Itoa(u.n) + "次修改"}, &got, http.StatusOK); err != nil {
				return err
			}
			u.version = got["version"].(float64)
			return nil
		}},
	}
	return printBenchRun(stdout, fmt.Sprintf("kehu bench writes: %s, %s per run", target, dur),
		func() ([]bench.HTTPResult, error) { return bench.Writes(ctx, target, token, targets, levels, dur) })
}

// startBenchServer runs `kehu bench serve` in a child process on the
// database cfg names (a new SQLite file in a temporary directory when
// none) and returns its URL, a GM's token and the function that stops it.
func startBenchServer(ctx context.Context, cfg benchWritesConfig, stderr io.Writer) (url, token string, stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return "", "", nil, err
	}
	var tmp string
	if cfg.DB == "" && cfg.DataDir == "." {
		if tmp, err = os.MkdirTemp("", "kehu-bench-writes-"); err != nil {
			return "", "", nil, err
		}
		cfg.DataDir = tmp
	}
	args := []string{"bench", "serve", "--data-dir", cfg.DataDir}
	if cfg.DB != "" {
		args = append(args, "--db", cfg.DB)
	}
	if cfg.KeyFile != "" {
		args = append(args, "--key-file", cfg.KeyFile)
	}
	if cfg.profile != "" {
		args = append(args, "--cpuprofile", cfg.profile)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return "", "", nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", "", nil, err
	}
	stop = func() {
		in.Close() // the child stops when its input ends
		_ = cmd.Wait()
		if tmp != "" {
			os.RemoveAll(tmp)
		}
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	f := strings.Fields(line)
	if err != nil || len(f) != 2 {
		stop()
		return "", "", nil, fmt.Errorf("kehu bench serve did not start (%q): %v", line, err)
	}
	return f[0], f[1], stop, nil
}

// benchWritesConfig is the database of `kehu bench writes` and where the
// server's CPU profile goes.
type benchWritesConfig struct {
	Config
	profile string
}

// benchServe is `kehu bench serve`, the server half of `kehu bench
// writes`: it serves the database on a loopback port with a GM of its own
// signed in, prints "URL TOKEN" on one line, and serves until its
// standard input ends.
func benchServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var profile string
	fs := flag.NewFlagSet("kehu bench serve", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.StringVar(&profile, "cpuprofile", "", "write the CPU profile to this file")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if cfg.DB == "" {
		cfg.DB = filepath.Join(cfg.DataDir, "kehu.db")
	}
	db, err := store.Open(ctx, cfg.dsn(), store.Options{ApplicationName: "kehu-bench"})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	keys, err := cfg.keyring()
	if err != nil {
		return err
	}
	srv, err := server.New(db, server.Options{Version: versionString(), Sealer: keys})
	if err != nil {
		return err
	}
	id := identity.New(db, identity.DefaultAuthConfig(), nil, nil)
	name, pw := "bench-w-"+strconv.FormatInt(time.Now().UnixNano(), 36), generatePassword()
	if _, err := id.AddUser(cliContext(ctx), identity.NewUser{Username: name, Role: crm.RoleGM, Password: pw}, "en"); err != nil {
		return err
	}
	token, _, err := id.Login(ctx, name, pw, "api")
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	fmt.Fprintf(stdout, "http://%s %s\n", ln.Addr(), token)
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}
