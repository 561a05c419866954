package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kehucrm/kehu/internal/crm/identity"
)

// rotateSettle is how long `kehu keys rotate` keeps re-encrypting after the
// rotation: a serving kehu re-reads its key file every 30 seconds, and
// until then it may still seal new values under the old key.
const rotateSettle = keyReloadEvery + 5*time.Second

func keysCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rotate" {
		return usageError{"kehu keys takes rotate"}
	}
	var cfg Config
	var settle time.Duration
	fs := flag.NewFlagSet("kehu keys rotate", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.DurationVar(&settle, "settle", rotateSettle, "keep re-encrypting this long after the rotation, for values a running server seals meanwhile")
	if err := parse(fs, args[1:], stderr); err != nil {
		return err
	}
	keys, err := cfg.keyring()
	if err != nil {
		return err
	}
	db, err := openShared(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := keys.Rotate(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "new data key %s is current; re-encrypting sealed fields\n", keys.CurrentVersion())
	deadline := time.Now().Add(settle)
	total := 0
	for {
		n, err := identity.Reseal(ctx, db, keys)
		if err != nil {
			return fmt.Errorf("re-encrypt: %w (run kehu keys rotate again to finish)", err)
		}
		total += n
		if time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(5*time.Second, time.Until(deadline)+time.Millisecond)):
		}
	}
	fmt.Fprintf(stdout, "%d values re-encrypted under %s\n", total, keys.CurrentVersion())
	return nil
}
