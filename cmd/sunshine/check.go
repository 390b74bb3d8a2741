package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
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

	var drafts draftSet
	var parse []models.Finding
	partial := false
	opts := ingest.DefaultOptions()
	opts.Kind, opts.TempDir = *kind, e.getenv("SUNSHINE_TMPDIR")
	for _, path := range files {
		found, p, err := drafts.read(path, opts)
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
			return models.Errorf(models.EUNAVAILABLE, "无法读取数据库 %s 的科目表（数据库是否已用 sunshine migrate 建好？）：%v", s.Config(), err)
		}
		out.Database, out.CrossFiling = s.Config().String(), true
		rules.Published = filings.NewPublishedView(ctx, s)
	}

	var all []models.Finding
	for _, d := range drafts.list {
		found := checks.Run(&d.Filing, rules)
		if p, ok := rules.Published.(*filings.PublishedView); ok && p.Err() != nil {
			return p.Err()
		}
		d.report = models.NewReport(found)
		all = append(all, found...)
		out.Filings = append(out.Filings, checkedFiling{ID: d.ID, FilingKey: d.FilingKey, DeptName: d.deptName,
			Files: d.files, Stats: d.report.Stats})
	}
	out.Report = models.NewReport(all)
	return printCheck(e, out, drafts.list, *asJSON)
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
func printCheck(e env, out checkOutput, drafts []*draft, asJSON bool) error {
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
			fmt.Fprintf(w, "\n申报 %d：区划 %s 部门 %s %s %d 年%s（%s）\n", d.ID, d.RegionCode, d.DeptCode, d.deptName,
				d.FiscalYear, d.Phase.Chinese(), strings.Join(d.files, "、"))
			printReport(w, d.report)
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

// draftSet gathers the records of the checked files into filings the way
// uploads into drafts do: by department × year × phase, a table given again by
// a later file replacing the earlier one, likewise the 三公 record.
type draftSet struct {
	list  []*draft
	byKey map[models.FilingKey]*draft
}

type draft struct {
	checks.Filing
	deptName string
	files    []string
	report   models.Report
}

type draftTable struct {
	d     *draft
	table models.Table
}

// read adds the records of one file and returns its parse findings.
func (s *draftSet) read(path string, opts ingest.Options) ([]models.Finding, bool, error) {
	rd, err := ingest.OpenFile(path, opts)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, false, models.Errorf(models.EINVALID, "文件不存在")
		}
		return nil, false, err
	}
	defer rd.Close()
	name := filepath.Base(path)
	replaced := map[draftTable]bool{}
	// replace empties a table of a draft (its lines and notes) the first time
	// this file gives it, as an upload replaces the table in its draft.
	replace := func(d *draft, t models.Table) {
		if k := (draftTable{d, t}); !replaced[k] {
			d.Items = slices.DeleteFunc(d.Items, func(li models.LineItem) bool { return li.Table == t })
			d.Notes = slices.DeleteFunc(d.Notes, func(n models.TableNote) bool { return n.Table == t })
			replaced[k] = true
		}
	}
	threeRows := map[*draft][]int{}
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false, err
		}
		d := s.draft(rec, name)
		if n := rec.Note; n != nil {
			replace(d, n.Table)
			note := *n
			note.FilingID, note.SourceRow = d.ID, rec.Row
			d.Notes = append(d.Notes, note)
		}
		switch {
		case rec.ThreePublic != nil:
			replace(d, models.TableThreePublic)
			threeRows[d] = append(threeRows[d], rec.Row)
			tp := *rec.ThreePublic
			tp.FilingID, tp.SourceRow = d.ID, rec.Row
			d.ThreePublic = &tp
		case rec.LineItem != nil:
			li := *rec.LineItem
			li.FilingID, li.SourceRow = d.ID, rec.Row
			replace(d, li.Table)
			d.Items = append(d.Items, li)
		}
	}
	findings := rd.Findings()
	// An upload refuses a file giving one filing's 三公 record twice (filings.Service.Upload); so does check.
	for _, d := range s.list {
		rows := threeRows[d]
		for _, r := range rows[min(1, len(rows)):] {
			findings = append(findings, models.Finding{Rule: "row.duplicate", Severity: models.SeverityError,
				Table: string(models.TableThreePublic), Row: r,
				Message: fmt.Sprintf("第 %d 行：部门 %s %d 年%s的三公经费在第 %d 行已经给出，同一文件中只能出现一次",
					r, d.DeptCode, d.FiscalYear, d.Phase.Chinese(), rows[0])})
		}
	}
	return findings, rd.Partial(), nil
}

func (s *draftSet) draft(rec ingest.Record, file string) *draft {
	d, ok := s.byKey[rec.Key]
	if !ok {
		if s.byKey == nil {
			s.byKey = map[models.FilingKey]*draft{}
		}
		d = &draft{Filing: checks.Filing{Filing: models.Filing{ID: int64(len(s.list) + 1), FilingKey: rec.Key,
			Version: 1, Status: models.StatusDraft}}, deptName: rec.DeptName}
		s.byKey[rec.Key] = d
		s.list = append(s.list, d)
	}
	if len(d.files) == 0 || d.files[len(d.files)-1] != file {
		d.files = append(d.files, file)
	}
	return d
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
