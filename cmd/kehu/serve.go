package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/jobs"
	"github.com/kehucrm/kehu/internal/mail"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
)

// shutdownGrace is how long in-flight requests and running jobs get to
// finish after SIGTERM or SIGINT.
const shutdownGrace = 30 * time.Second

// serve is `kehu serve`: it listens, brings the database up to date,
// starts the background jobs and serves the web UI and API until ctx is
// done, then gives requests and jobs shutdownGrace to finish.
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
	ln, err := listen(cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()

	dsn := cfg.dsn()
	db, err := store.Open(ctx, dsn, store.Options{ApplicationName: "kehu"})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := migrateLogged(ctx, db, log); err != nil {
		return err
	}
	keys, err := cfg.keyring()
	if err != nil {
		return err
	}
	go reloadKeys(ctx, keys, log)
	if _, err := cfg.auditKey(db); err != nil {
		return err
	}

	srv, queue, err := startServer(ctx, db, keys, cfg, ln, mailer, log)
	if err != nil {
		return err
	}
	httpSrv := newHTTPServer(srv.Handler)
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()
	announce(ctx, stdout, cfg, db, ln)
	log.Info("serving", "addr", ln.Addr().String(), "engine", string(db.Engine))

	select {
	case err := <-serveErr:
		_ = queue.Stop(context.Background())
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	return shutdown(httpSrv, queue, db, log)
}

// migrateLogged brings the schema up to date and logs each migration
// applied.
func migrateLogged(ctx context.Context, db *store.DB, log *slog.Logger) error {
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, m := range applied {
		log.Info("migration applied", "version", m.Version, "name", m.Name)
	}
	return nil
}

// startServer builds the domain services once, for the HTTP handler and
// the background jobs alike, and starts the jobs.
func startServer(ctx context.Context, db *store.DB, keys *secure.Keyring, cfg Config, ln net.Listener, mailer *mail.SMTP, log *slog.Logger) (*server.Server, *jobs.Queue, error) {
	jobCfg := jobs.Config{Logger: log, PublicURL: cfg.publicURL(strings.TrimSuffix(urlOf(ln.Addr()), "/"))}
	applyPublicURL(cfg)
	if mailer != nil { // a nil *mail.SMTP in the interface would not read as "no mail"
		jobCfg.Mailer = mailer
		log.Info("e-mail on", "smtp", mailer.Redacted())
	}
	srv, err := server.New(db, server.Options{Version: versionString(), Logger: log, Sealer: keys})
	if err != nil {
		return nil, nil, err
	}
	jobCfg.Services = srv.Services
	queue, err := jobs.New(db, jobCfg, jobs.RegisterImports(srv.Services.Imports), jobs.RegisterAuditCheckpoint(checkpointJob(db, cfg)))
	if err != nil {
		return nil, nil, err
	}
	queue.AddAuditCheckpoints(checkpointEvery())
	if err := queue.Start(ctx); err != nil {
		return nil, nil, err
	}
	return srv, queue, nil
}

// announce tells the operator where Kehu is and, on a new database, how to
// create the first administrator.
func announce(ctx context.Context, stdout io.Writer, cfg Config, db *store.DB, ln net.Listener) {
	fmt.Fprintf(stdout, "Kehu %s is serving at %s\n", versionString(), urlOf(ln.Addr()))
	fmt.Fprintf(stdout, "Database: %s (%s). Stop with Ctrl-C.\n", describeDB(cfg.dsn()), db.Engine)
	if n, err := db.CountUsers(ctx); err == nil && n == 0 {
		fmt.Fprintf(stdout, "No users yet. Create the first administrator, then sign in at %slogin:\n  kehu user add --username admin --role admin --password-stdin%s\n",
			urlOf(ln.Addr()), dbFlagHint(cfg))
	}
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
