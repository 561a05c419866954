package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/kehucrm/kehu/internal/jobs"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
)

// shutdownGrace is how long in-flight requests and running jobs get to
// finish after SIGTERM or SIGINT.
const shutdownGrace = 30 * time.Second

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("kehu serve", flag.ContinueOnError)
	serveFlags(fs, &cfg)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	mailer, err := cfg.mailer()
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("cannot listen on %s: the port is already in use (is another kehu running? choose another with --addr)", cfg.Addr)
		}
		return fmt.Errorf("cannot listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()

	dsn := cfg.dsn()
	db, err := store.Open(ctx, dsn, store.Options{ApplicationName: "kehu"})
	if err != nil {
		return err
	}
	defer db.Close()

	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, m := range applied {
		log.Info("migration applied", "version", m.Version, "name", m.Name)
	}

	keys, err := cfg.keyring()
	if err != nil {
		return err
	}
	go reloadKeys(ctx, keys, log)

	jobCfg := jobs.Config{Logger: log, PublicURL: cfg.publicURL(strings.TrimSuffix(urlOf(ln.Addr()), "/"))}
	if mailer != nil {
		jobCfg.Mailer = mailer
		log.Info("e-mail on", "smtp", mailer.Redacted())
	}
	srv, err := server.New(db, server.Options{Version: versionString(), Logger: log, Sealer: keys})
	if err != nil {
		return err
	}
	jobCfg.Services = srv.Services
	queue, err := jobs.New(db, jobCfg, jobs.RegisterImports(srv.Services.Imports))
	if err != nil {
		return err
	}
	if err := queue.Start(ctx); err != nil {
		return err
	}
	httpSrv := &http.Server{
		Handler:           srv.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()

	fmt.Fprintf(stdout, "Kehu %s is serving at %s\n", versionString(), urlOf(ln.Addr()))
	fmt.Fprintf(stdout, "Database: %s (%s). Stop with Ctrl-C.\n", describeDB(dsn), db.Engine)
	if n, err := db.CountUsers(ctx); err == nil && n == 0 {
		fmt.Fprintf(stdout, "No users yet. Create the first administrator, then sign in at %slogin:\n  kehu user add --username admin --role admin --password-stdin%s\n",
			urlOf(ln.Addr()), dbFlagHint(cfg))
	}
	log.Info("serving", "addr", ln.Addr().String(), "engine", string(db.Engine))

	select {
	case err := <-serveErr:
		_ = queue.Stop(context.Background())
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}

	log.Info("shutting down: finishing in-flight requests and jobs")
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	httpErr := httpSrv.Shutdown(grace)
	jobsErr := queue.Stop(grace)
	if err := errors.Join(httpErr, jobsErr); err != nil {
		log.Error("unclean shutdown", "error", err.Error())
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	log.Info("stopped")
	return nil
}

// urlOf turns a listener address into the URL to open in a browser.
func urlOf(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "127.0.0.1"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return "http://" + host + ":" + port + "/"
}

// exists reports whether a file exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// dbFlagHint repeats the database flags the operator used, so the command
// printed for them works as it is.
func dbFlagHint(cfg Config) string {
	switch {
	case cfg.DB != "":
		return " --db '" + describeDB(cfg.DB) + "'" // no password on the screen: fill it in
	case cfg.DataDir != ".":
		return " --data-dir '" + cfg.DataDir + "'"
	}
	return ""
}

// reloadKeys picks up a key rotated by `kehu keys rotate` in another
// process, so new values are sealed under the new key within half a minute.
func reloadKeys(ctx context.Context, k *secure.Keyring, log *slog.Logger) {
	t := time.NewTicker(keyReloadEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := k.Reload(); err != nil {
				log.Error("reload key file", "error", err.Error())
			}
		}
	}
}

// keyReloadEvery is how often a serving kehu re-reads its key file.
const keyReloadEvery = 30 * time.Second
