// Command sunshine is the whole service in one binary: it serves the HTTP API,
// migrates the database, and (in later subcommands) imports, checks and exports files.
//
//	sunshine serve   [--db DSN] [--addr :8080]
//	sunshine migrate [--db DSN]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"sunshine/models"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stopProfile()
	os.Exit(code)
}

// stopProfile ends a CPU profile that a bench build started (pprof_bench.go); a no-op otherwise.
var stopProfile = func() {}

// Exit codes: 0 success, 1 failure (or, for check, error findings), 2 usage errors.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// env is what every subcommand gets: its arguments and the process's I/O, passed in so tests can run it.
type env struct {
	args   []string
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e env) error
}

var commands = map[string]command{
	"serve":      {"serve the HTTP API (migrates first) [--severity 规则=级别,…]", withSeverity(cmdServe)},
	"migrate":    {"apply pending database migrations", cmdMigrate},
	"token":      {"create|revoke|list API tokens (the secret is printed once)", cmdToken},
	"import":     {"store files as an upload would (FILE…) [--severity 规则=级别,…]", withSeverity(cmdImport)},
	"check":      {"check files against every rule, store nothing (FILE…); exit 1 on errors", cmdCheck},
	"codes":      {"load FILE --year Y | list: the classification code lists", cmdCodes},
	"demo":       {"load the fictional demo city (idempotent)", withSeverity(cmdDemo)},
	"publish":    {"publish drafts in one act (ID… | --region --year --phase) [--note] [--at TIME] | --cancel ID", cmdPublish},
	"scoreboard": {"departments FILE | approve DATE, --region R --year Y [--phase P] [--dept D]: the disclosure scoreboard's department list and approval dates", cmdScoreboard},
	"backup":     {"copy the running SQLite database and its release files into FILE (a tar with SHA-256s)", cmdBackup},
	"restore":    {"check FILE and restore it (refuses a non-empty database without --force)", cmdRestore},
}

var commandOrder = []string{"serve", "migrate", "import", "check", "codes", "token", "publish", "scoreboard", "demo", "backup", "restore"}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "sunshine: 未知的子命令“%s”\n", args[0])
		usage(stderr)
		return exitUsage
	}
	err := cmd.run(ctx, env{args: args[1:], getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr})
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "sunshine %s: %v\n", args[0], ue.err)
		return exitUsage
	case errors.As(err, new(exitError)):
		return int(err.(exitError))
	}
	// One sentence, no stack trace: the domain errors carry a message made for
	// people, and the cause of a failure underneath (the operator at the
	// command line has no other log to read it in).
	var de *models.Error
	if errors.As(err, &de) {
		fmt.Fprintf(stderr, "sunshine %s: %s\n", args[0], de.Error())
	} else {
		fmt.Fprintf(stderr, "sunshine %s: %v\n", args[0], err)
	}
	return exitFailure
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "用法: sunshine <子命令> [选项]")
	for _, name := range commandOrder {
		fmt.Fprintf(w, "  %-8s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "数据库: --db 或 SUNSHINE_DB（默认 sqlite:./data/sunshine.db；或 mysql://user:pass@tcp(host:3306)/dbname）")
}

// usageError marks a mistake in the command line (exit 2).
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

// exitError asks run to exit with a specific code and print nothing more.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// newFlags returns a flag set for a subcommand that reports errors to stderr
// and returns them instead of exiting.
// filingFlags adds the flags that name the filing of a workbook in the
// official layout where its titles do not (--region-code, --dept-code,
// --fiscal-year, --phase, …: the upload form's fields); the returned function
// gives them by field name, after parsing.
func filingFlags(fs *flag.FlagSet) func() map[string]string {
	vals := map[string]*string{}
	for _, f := range []struct{ name, usage string }{
		{"region_code", "区划代码, for a workbook whose titles do not give it"},
		{"region_name", "区划名称"},
		{"dept_code", "部门编码, for a workbook whose titles do not give it"},
		{"dept_name", "部门名称"},
		{"fiscal_year", "年度, for a workbook whose titles do not give it"},
		{"phase", "阶段 (budget, adjusted, final), for a workbook whose titles do not give it"},
	} {
		vals[f.name] = fs.String(strings.ReplaceAll(f.name, "_", "-"), "", f.usage)
	}
	return func() map[string]string {
		out := map[string]string{}
		for k, v := range vals {
			if *v != "" {
				out[k] = *v
			}
		}
		return out
	}
}

func newFlags(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("sunshine "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parseFlags parses and wraps failures as usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}

// defaultDB is the embedded SQLite database under ./data.
const defaultDB = "sqlite:./data/sunshine.db"

// dbFlag adds --db, defaulting to SUNSHINE_DB and then to the embedded SQLite file.
func dbFlag(fs *flag.FlagSet, e env) *string {
	def := e.getenv("SUNSHINE_DB")
	if def == "" {
		def = defaultDB
	}
	return fs.String("db", def, "database: sqlite:PATH or mysql://user:pass@tcp(host:3306)/dbname (env SUNSHINE_DB)")
}
