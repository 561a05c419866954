package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/kehucrm/kehu/internal/store"
)

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("kehu migrate", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	sub := fs.Arg(0)
	if sub != "" && sub != "status" && sub != "up" {
		return usageError{fmt.Sprintf("kehu migrate takes status or nothing, not %q", sub)}
	}
	if err := parse(fs, fs.Args()[min(1, fs.NArg()):], stderr); err != nil { // flags may follow "status"
		return err
	}
	dsn := cfg.dsn()
	if sub == "status" {
		if !store.IsPostgresDSN(dsn) && !exists(dsn) {
			return fmt.Errorf("no database at %s", dsn)
		}
		db, err := store.Open(ctx, dsn, store.Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer db.Close()
		return printStatus(ctx, db, stdout)
	}
	db, err := store.Open(ctx, dsn, store.Options{ApplicationName: "kehu-migrate"})
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, m := range applied {
		fmt.Fprintf(stdout, "applied %04d_%s\n", m.Version, m.Name)
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "the database is up to date")
	}
	return nil
}

func printStatus(ctx context.Context, db *store.DB, stdout io.Writer) error {
	ms, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tNAME\tSTATE\tAPPLIED AT (UTC)")
	pending := 0
	for _, m := range ms {
		state, at := "pending", ""
		if m.AppliedAt != nil {
			state, at = "applied", m.AppliedAt.UTC().Format("2006-01-02 15:04:05")
		} else {
			pending++
		}
		fmt.Fprintf(tw, "%04d\t%s\t%s\t%s\n", m.Version, m.Name, state, at)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d applied, %d pending (%s)\n", len(ms)-pending, pending, db.Engine)
	return nil
}
