package main

import (
	"context"
	"strings"

	"sunshine/checks"
	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
)

// newFilingService is the one place the upload path is assembled, so that
// serve, import and demo store files the same way: with the deployment's code
// lists and severity overrides (validated by withSeverity before the command ran).
func newFilingService(s *store.Store, e env) *filings.Service {
	opts := ingest.DefaultOptions()
	opts.TempDir = e.getenv("SUNSHINE_TMPDIR")
	severity, _ := severityOverrides(e) // validated at start-up by withSeverity
	lists, err := filings.NewCodeLists(context.Background(), s)
	if err != nil {
		// Not fatal here: every upload retries, and fails while the lists cannot be read.
		newLogger(e).Warn("code lists not loaded", "err", err)
	}
	rules := &filings.Rules{Codes: lists.Set(), Severity: severity}
	return &filings.Service{Store: s, Checker: filings.LiveRules{Rules: rules, Lists: lists}, Options: opts}
}

// severityEnv names the deployment's severity overrides, e.g.
// SUNSHINE_SEVERITY="change.reason_missing@final=error,unit.suspect=error".
const severityEnv = "SUNSHINE_SEVERITY"

// severityOverrides reads SUNSHINE_SEVERITY (which --severity overrides) and
// validates it against the catalogue. Returns EINVALID in one sentence.
func severityOverrides(e env) (map[string]models.Severity, error) {
	return parseSeverities(e.getenv(severityEnv))
}

// parseSeverities reads "rule[@phase]=severity" entries separated by commas.
func parseSeverities(s string) (map[string]models.Severity, error) {
	m := map[string]models.Severity{}
	for _, entry := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' }) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		key, sev, ok := strings.Cut(entry, "=")
		if !ok {
			return nil, models.Errorf(models.EINVALID, "规则级别设置“%s”无效：应写成 规则=级别，例如 unit.suspect=error", entry)
		}
		m[strings.TrimSpace(key)] = models.Severity(strings.TrimSpace(sev))
	}
	if err := checks.ValidateSeverities(m); err != nil {
		return nil, models.Errorf(models.EINVALID, "规则级别设置无效：%s", models.ErrorMessage(err))
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// withSeverity gives a command that builds the upload path (serve, import,
// demo) the --severity flag, which stands in for SUNSHINE_SEVERITY, and
// refuses a bad setting before the command starts (exit 2, one sentence).
// The flag is taken out of the arguments here so that each command's own
// flags stay as they are.
func withSeverity(run func(context.Context, env) error) func(context.Context, env) error {
	return func(ctx context.Context, e env) error {
		value, rest, given, err := takeFlag(e.args, "severity")
		if err != nil {
			return usageError{err}
		}
		if given {
			getenv := e.getenv
			e.getenv = func(k string) string {
				if k == severityEnv {
					return value
				}
				return getenv(k)
			}
		}
		e.args = rest
		if _, err := severityOverrides(e); err != nil {
			return usageError{err}
		}
		return run(ctx, e)
	}
}

// takeFlag removes -name V, --name V, -name=V or --name=V from args (before a "--").
func takeFlag(args []string, name string) (value string, rest []string, given bool, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return value, append(rest, args[i:]...), given, nil
		}
		flag := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		switch {
		case flag == name && a != flag:
			if i+1 == len(args) {
				return "", nil, false, models.Errorf(models.EINVALID, "--%s 需要一个值，例如 --%s unit.suspect=error", name, name)
			}
			value, given = args[i+1], true
			i++
		case strings.HasPrefix(flag, name+"=") && a != flag:
			value, given = strings.TrimPrefix(flag, name+"="), true
		default:
			rest = append(rest, a)
		}
	}
	return value, rest, given, nil
}
