package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/kehucrm/kehu/internal/store"
)

func auditCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError{"kehu audit takes verify"}
	}
	var cfg Config
	fs := flag.NewFlagSet("kehu audit verify", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	if err := parse(fs, args[1:], stderr); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.dsn(), store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	n, problem, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if problem != nil {
		return fmt.Errorf("audit log is NOT intact: entry %d: %s (%d entries before it verified)", problem.ID, problem.Reason, n)
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries verified\n", n)
	return nil
}
