// Command kehu is the Kehu customer management system: one binary that
// serves the web UI and the API and carries the operator's tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `kehu — customer management for Chinese companies

Usage:
  kehu serve    [--addr 127.0.0.1:8080] [--data-dir .] [--db FILE|postgres://…]
  kehu migrate  [status] [--db …]
  kehu backup   --to FILE [--db …]
  kehu restore  --from FILE [--db …]
  kehu user     add --username U --role R [--team T] [--manager M] [--display-name N] --password-stdin
  kehu user     list | disable U | reset-password U [--password-stdin]
  kehu token    create --user U --name N [--expires 90d] | list --user U | revoke --user U --name N
  kehu keys     rotate [--settle 35s]
  kehu audit    verify | purge --before YYYY-MM-DD
  kehu demo     [--customers 120] [--db …]   (sample company into an empty database)
  kehu import   customers FILE --as USER [--dry-run] [--valid-only] [--mapping JSON] [--db …]
                (CSV in UTF-8 or GBK, or XLSX, Chinese headers; a progress bar; resumes)
  kehu bench    http [--db …] [--duration 5s] [--concurrency 1,16,64] [--url http://…]
  kehu bench    data --customers N | customers | import --rows N   (the archive's benchmarks)
  kehu version

Every flag has an environment twin: --addr is KEHU_ADDR, --data-dir KEHU_DATA_DIR,
--db KEHU_DB, --log-format KEHU_LOG_FORMAT. Flags win over the environment.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "kehu:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError marks a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "backup":
		return backup(ctx, rest, stdout, stderr)
	case "restore":
		return restore(ctx, rest, stdout, stderr)
	case "user":
		return userCmd(ctx, rest, stdin, stdout, stderr)
	case "token":
		return tokenCmd(ctx, rest, stdout, stderr)
	case "demo":
		return demo(ctx, rest, stdout, stderr)
	case "keys":
		return keysCmd(ctx, rest, stdout, stderr)
	case "audit":
		return auditCmd(ctx, rest, stdout, stderr)
	case "bench":
		return benchCmd(ctx, rest, stdout, stderr)
	case "import":
		return importCmd(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "kehu %s (%s, %s/%s)\n", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}

// versionString is the build's version, with the VCS revision when the
// build recorded one.
func versionString() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return version
}
