package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/kehucrm/kehu/internal/store"
)

func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var to string
	fs := flag.NewFlagSet("kehu backup", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.StringVar(&to, "to", "", "file to write the backup to (must not exist)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if to == "" {
		return usageError{"kehu backup needs --to FILE"}
	}
	note, err := store.Backup(ctx, cfg.dsn(), to)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(stdout, note)
		return nil
	}
	fmt.Fprintf(stdout, "backup written to %s\n", to)
	return nil
}

func restore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var from string
	fs := flag.NewFlagSet("kehu restore", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.StringVar(&from, "from", "", "backup file to restore")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if from == "" {
		return usageError{"kehu restore needs --from FILE"}
	}
	note, err := store.Restore(ctx, cfg.dsn(), from)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(stdout, note)
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", describeDB(cfg.dsn()), from)
	return nil
}
