package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sunshine/checks"
	"sunshine/codes"
	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
)

// cmdCheck runs every rule over files without storing anything (CONTRACT.md §1):
// the files are read as uploads are, their records gathered into filings as
// one draft per department × year × phase would gather them, and the
// cross-filing rules compare them with the PUBLISHED filings of the configured
// database, never its drafts. Exit 1 when there is an error finding or a parse
// finding, 0 with only warnings and infos, 2 on usage errors.
func cmdCheck(ctx context.Context, e env) error {
	fs := newFlags("check", e)
	db := dbFlag(fs, e)
	kind := fs.String("kind", "", "three_public or line_items for every file (default: detected from the headers)")
	asJSON := fs.Bool("json", false, "print the REPORT as JSON instead of a table")
	fields := filingFlags(fs)
	severity := fs.String("severity", e.getenv(severityEnv), "rule severity overrides, e.g. unit.suspect=error,change.reason_missing@final=error (env SUNSHINE_SEVERITY)")
	files, err := parseInterspersed(fs, e.args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageError{errors.New("用法: sunshine check [--json] [--db DSN] [--severity 规则=级别,…] FILE…")}
	}
	if *kind != "" && *kind != models.KindThreePublic && *kind != models.KindLineItems {
		return usageError{fmt.Errorf("--kind“%s”无效，应为 three_public 或 line_items", *kind)}
	}
	overrides, err := parseSeverities(*severity)
	if err != nil {
		return usageError{err}
	}

	var drafts filings.DraftSet
	var parse []models.Finding
	partial := false
	opts := ingest.DefaultOptions()
	opts.Kind, opts.TempDir = *kind, e.getenv("SUNSHINE_TMPDIR")
	if opts, err = opts.WithFilingFields(fields()); err != nil {
		return usageError{err}
	}
	for _, path := range files {
		found, p, err := drafts.Read(path, opts)
		if err != nil {
			return models.Errorf(models.EINVALID, "%s：%s", path, err) // a *models.Error prints its message
		}
		if len(files) > 1 {
			for i := range found {
				found[i].Message = filepath.Base(path) + "：" + found[i].Message
			}
		}
		parse, partial = append(parse, found...), partial || p
	}

	out := checkOutput{Filings: []checkedFiling{}}
	if len(parse) > 0 {
		// As an upload would be: refused whole, with the parse findings alone.
		out.Report = models.NewReport(parse)
		out.Report.Partial = out.Report.Partial || partial
		return printCheck(e, out, nil, *asJSON)
	}
	rules := checks.Env{Severity: overrides}
	if dsn := configuredDB(fs, *db, e); dsn != "" {
		s, err := openReadOnly(ctx, dsn)
		if err != nil {
			return err
		}
		defer s.Close()
		rules.Codes = codes.NewSet()
		if _, err := s.LoadCodes(ctx, rules.Codes); err != nil {
			return models.Wrap(err, models.EUNAVAILABLE, "无法读取数据库 %s 的科目表（数据库是否已用 sunshine migrate 建好？）", s.Config())
		}
		out.Database, out.CrossFiling = s.Config().String(), true
		rules.Published = filings.NewPublishedView(ctx, s)
	}

	var all []models.Finding
	for _, d := range drafts.List {
		found := checks.Run(&d.Filing, rules)
		if p, ok := rules.Published.(*filings.PublishedView); ok && p.Err() != nil {
			return p.Err()
		}
		d.Report = models.NewReport(found)
		all = append(all, found...)
		out.Filings = append(out.Filings, checkedFiling{ID: d.ID, FilingKey: d.FilingKey, DeptName: d.DeptName,
			Files: d.Files, Stats: d.Report.Stats})
	}
	out.Report = models.NewReport(all)
	return printCheck(e, out, drafts.List, *asJSON)
}

// checkOutput is what --json prints: a REPORT (CONTRACT.md §3) over every
// checked filing, plus what was checked. Nothing is stored, so a finding's
// filing_id is the filing's number in filings (1, 2, …), not a database id;
// other_filing_id is the database id of the published filing compared with.
type checkOutput struct {
	models.Report
	// Database is the database whose published filings were the cross-filing
	// context, "" when none is configured (the cross-filing rules did not run).
	Database    string          `json:"database"`
	CrossFiling bool            `json:"cross_filing"`
	Filings     []checkedFiling `json:"filings"`
}

type checkedFiling struct {
	ID int64 `json:"filing_id"`
	models.FilingKey
	DeptName string             `json:"dept_name"`
	Files    []string           `json:"files"`
	Stats    models.ReportStats `json:"stats"`
}

// printCheck writes the result, as JSON or as tables, and exits 1 when it has
// an error. drafts is nil when the files were refused for their parse findings.
func printCheck(e env, out checkOutput, drafts []*filings.Draft, asJSON bool) error {
	w := e.stdout
	switch {
	case asJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	case drafts == nil:
		fmt.Fprintln(w, "文件有问题，上传时会被整个拒收；请先按下列各条修改：")
		printReport(w, out.Report)
	default:
		if out.CrossFiling {
			fmt.Fprintf(w, "与数据库 %s 中已公开的申报比对（不读草稿）\n", out.Database)
		} else {
			fmt.Fprintln(w, "未配置数据库（无 --db、无 SUNSHINE_DB，且 ./data/sunshine.db 不存在）：不与其他申报比对，跨申报规则（14–17、20）未运行")
		}
		for _, d := range drafts {
			fmt.Fprintf(w, "\n申报 %d：区划 %s 部门 %s %s %d 年%s（%s）\n", d.ID, d.RegionCode, d.DeptCode, d.DeptName,
				d.FiscalYear, d.Phase.Chinese(), strings.Join(d.Files, "、"))
			printReport(w, d.Report)
		}
		fmt.Fprintf(w, "\n共 %d 份申报：%d 个错误，%d 个警告，%d 个提示\n", len(drafts),
			out.Report.Stats.Errors, out.Report.Stats.Warnings, out.Report.Stats.Infos)
	}
	if !out.Report.Valid {
		return exitError(exitFailure)
	}
	return nil
}

// configuredDB returns the database check compares with, or "" when none is
// configured: no --db, no SUNSHINE_DB, and no ./data/sunshine.db.
func configuredDB(fs *flag.FlagSet, db string, e env) string {
	given := e.getenv("SUNSHINE_DB") != ""
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "db" })
	if !given {
		if _, err := os.Stat(strings.TrimPrefix(defaultDB, "sqlite:")); err != nil {
			return ""
		}
	}
	return db
}

// openReadOnly opens a database to read, neither creating nor migrating it.
func openReadOnly(ctx context.Context, dsn string) (*store.Store, error) {
	cfg, err := store.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if cfg.Driver == store.SQLite {
		if _, err := os.Stat(cfg.Path); err != nil {
			return nil, models.Errorf(models.EINVALID, "数据库文件 %s 不存在", cfg.Path)
		}
	}
	return store.OpenConfig(ctx, cfg)
}

// parseInterspersed parses flags given before, between or after the
// positional arguments ("codes load FILE --year 2025") and returns the latter.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional, args = append(positional, args[0]), args[1:]
	}
}
