package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sunshine/checks"
	"sunshine/checks/checkstest"
	"sunshine/demo"
	"sunshine/filings"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// writeFilings writes the 三公 records and the line items of filings as two
// upload files (the demo's CSV writers) and returns their paths.
func writeFilings(t *testing.T, dir, name string, fs ...*checks.Filing) (threePublic, lineItems string) {
	t.Helper()
	var ds []demo.Filing
	for _, f := range fs {
		ds = append(ds, demo.Filing{Key: f.FilingKey, DeptName: checkstest.DeptName, ThreePublic: *f.ThreePublic, Items: f.Items})
	}
	threePublic, lineItems = filepath.Join(dir, name+"三公经费.csv"), filepath.Join(dir, name+"公开表.csv")
	for path, write := range map[string]func(io.Writer, []demo.Filing) error{
		threePublic: demo.WriteThreePublicCSV, lineItems: demo.WriteLineItemsCSV} {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := write(f, ds); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return threePublic, lineItems
}

// checkJSON is what `check --json` prints.
type checkJSON struct {
	models.Report
	Database    string `json:"database"`
	CrossFiling bool   `json:"cross_filing"`
	Filings     []struct {
		ID int64 `json:"filing_id"`
		models.FilingKey
		DeptName string             `json:"dept_name"`
		Files    []string           `json:"files"`
		Stats    models.ReportStats `json:"stats"`
	} `json:"filings"`
}

func decodeCheck(t *testing.T, out string) checkJSON {
	t.Helper()
	var c checkJSON
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("check --json printed %q: %v", out, err)
	}
	return c
}

func TestCheck_ExitCodesAndJSONWithoutADatabase(t *testing.T) {
	if _, err := os.Stat("data"); err == nil {
		t.Skip("./data exists here, so check might find a database in it")
	}
	noDB := map[string]string{} // no --db, no SUNSHINE_DB, no ./data/sunshine.db
	dir := t.TempDir()
	tp, items := writeFilings(t, dir, "预算", checkstest.Budget())

	// The two files of one department are checked together, as one draft: clean.
	code, out, errOut := runCmd(t, noDB, "check", tp, items)
	if code != 0 || !strings.Contains(out, "未配置数据库") || !strings.Contains(out, "共 1 份申报：0 个错误，0 个警告，0 个提示") {
		t.Fatalf("clean department: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, noDB, "check", "--json", tp, items)
	c := decodeCheck(t, out)
	if code != 0 || !c.Valid || c.Findings == nil || len(c.Findings) != 0 || c.CrossFiling || c.Database != "" || len(c.Filings) != 1 {
		t.Fatalf("--json of a clean department: %d %+v", code, c)
	}
	if f := c.Filings[0]; f.ID != 1 || f.DeptCode != checkstest.DeptCode || f.Phase != models.PhaseBudget || f.FiscalYear != 2024 ||
		f.DeptName != checkstest.DeptName || len(f.Files) != 2 {
		t.Fatalf("--json filing: %+v", f)
	}

	// The 三公 file alone is a complete 三公 statement: clean.
	code, out, _ = runCmd(t, noDB, "check", tp, "--json")
	if c := decodeCheck(t, out); code != 0 || !c.Valid || c.Stats.Warnings != 0 || c.Stats.Errors != 0 {
		t.Fatalf("a 三公-only statement: %d %+v", code, c.Stats)
	}
	// A deployment that requires full sets says so: the eight other tables are missing.
	code, out, _ = runCmd(t, noDB, "check", "--severity", "table.missing=warning", tp, "--json")
	if c := decodeCheck(t, out); code != 0 || !c.Valid || c.Stats.Warnings != 8 || c.Stats.Errors != 0 || c.Findings[0].Rule != "table.missing" {
		t.Fatalf("warnings only: %d %+v", code, c.Stats)
	}
	// … or makes it an error.
	if code, _, _ = runCmd(t, noDB, "check", "--severity", "table.missing=error", tp); code != exitFailure {
		t.Fatalf("table.missing raised to error: exit %d", code)
	}
	if code, _, _ = runCmd(t, map[string]string{"SUNSHINE_SEVERITY": "table.missing=error"}, "check", tp); code != exitFailure {
		t.Fatalf("table.missing raised to error by SUNSHINE_SEVERITY: exit %d", code)
	}

	// An error finding: the 三公 total off by 1 万元, in a later file that replaces the 三公 record.
	bad := checkstest.Budget()
	bad.ThreePublic.Total = checkstest.Amount("17.00", models.WanYuan)
	badTP, _ := writeFilings(t, t.TempDir(), "更正", bad)
	code, out, _ = runCmd(t, noDB, "check", tp, items, badTP, "--json")
	c = decodeCheck(t, out)
	if code != exitFailure || c.Valid || c.Stats.Errors != 1 || len(c.Filings) != 1 {
		t.Fatalf("三公 total off: %d %+v", code, c)
	}
	if f := c.Findings[0]; f.Rule != "three_public.total" || f.Severity != models.SeverityError || f.FilingID != 1 ||
		f.Table != "three_public" || f.Column != "total" || f.Row != 2 {
		t.Fatalf("finding: %+v", f)
	}
	code, out, _ = runCmd(t, noDB, "check", tp, items, badTP)
	if code != exitFailure || !strings.Contains(out, "错误  three_public.total  2") {
		t.Fatalf("table output: %d %q", code, out)
	}

	// A parse finding is reported as an upload's 422 would be: the file alone, exit 1.
	broken := filepath.Join(dir, "坏文件.csv")
	writeTestFile(t, broken, "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n"+
		"439901,001,示例市财政局,2024,预算,万元,abc,0,0,12.00,4.00\n")
	code, out, _ = runCmd(t, noDB, "check", "--json", items, broken)
	c = decodeCheck(t, out)
	if code != exitFailure || c.Valid || len(c.Findings) != 1 || c.Findings[0].Rule != "cell.type" || c.Findings[0].Row != 2 ||
		!strings.HasPrefix(c.Findings[0].Message, "坏文件.csv：") || len(c.Filings) != 0 {
		t.Fatalf("parse finding: %d %+v", code, c)
	}

	// Usage errors.
	for _, args := range [][]string{
		{"check"}, {"check", "--nope", tp}, {"check", "--kind", "budget", tp}, {"check", "--severity", "unit.suspect=fatal", tp},
	} {
		if code, _, errOut := runCmd(t, noDB, args...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d; want %d", args, code, exitUsage)
		}
	}
	if code, _, errOut := runCmd(t, noDB, "check", filepath.Join(dir, "没有这个文件.csv")); code != exitFailure || !strings.Contains(errOut, "文件不存在") {
		t.Errorf("missing file: %d %q", code, errOut)
	}
	if _, err := os.Stat("data"); err == nil {
		t.Errorf("check created ./data")
	}
}

// dbSnapshot is what a check must never change: every row count and the newest audit entry.
func dbSnapshot(t *testing.T, s *store.Store) string {
	t.Helper()
	ctx := context.Background()
	fs, err := s.Filings(ctx, store.FilingFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range fs {
		items, _ := s.LineItems(ctx, f.ID)
		findings, _ := s.Findings(ctx, f.ID)
		tp, _ := s.ThreePublic(ctx, f.ID)
		j, _ := json.Marshal([]any{f, len(items), findings, tp})
		b.Write(j)
	}
	log, _ := s.AuditLog(ctx, "", 10000)
	lists, _ := s.CodeLists(ctx, 0)
	j, _ := json.Marshal([]any{len(log), lists})
	b.Write(j)
	return b.String()
}

// TestCheck_ComparesWithPublishedFilingsOnly publishes department 001's
// budget and leaves department 002's a draft, then checks a final file of both
// departments whose 预算数 differ from their budgets: final.budget_mismatch
// fires for 001 only, and the database is left exactly as it was.
func TestCheck_ComparesWithPublishedFilingsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		dsn := s.Config().String()
		svc := newFilingService(s, env{getenv: func(string) string { return "" }, stderr: io.Discard})
		b1, b2 := checkstest.Budget(), checkstest.Budget()
		b2.DeptCode = "002"
		dir := t.TempDir()
		tp, items := writeFilings(t, dir, "预算", b1, b2)
		var ids []int64
		for _, p := range []string{tp, items} {
			res, err := svc.Upload(ctx, filings.File{Path: p, Name: filepath.Base(p)}, filings.Actor{Name: "test"}, nil)
			if err != nil || res.Rejected || len(res.Report.Findings) != 0 && p == items {
				t.Fatalf("upload %s: %v %+v", p, err, res.Report)
			}
			ids = nil
			for _, f := range res.Filings {
				ids = append(ids, f.ID)
			}
		}
		published, err := svc.Publish(ctx, ids[0], filings.Actor{Name: "test"}, "")
		if err != nil || published.DeptCode != "001" {
			t.Fatalf("publish: %+v %v", published, err)
		}

		f1, f2 := checkstest.Final(), checkstest.Final()
		f2.DeptCode = "002"
		for _, f := range []*checks.Filing{f1, f2} {
			f.ThreePublic.BudgetReception = checkstest.Amount("5.00", models.WanYuan)
			f.ThreePublic.BudgetTotal = checkstest.Amount("17.00", models.WanYuan)
			f.ThreePublic.ChangeReason = "严格落实过紧日子要求，压减公务接待和公务用车运行费。" // no figure to contradict
		}
		ftp, fitems := writeFilings(t, dir, "决算", f1, f2)

		before := dbSnapshot(t, s)
		code, out, errOut := runCmd(t, nil, "check", "--db", dsn, "--json", ftp, fitems)
		c := decodeCheck(t, out)
		if code != exitFailure || !c.CrossFiling || c.Database != dsn || len(c.Filings) != 2 || c.Filings[1].DeptCode != "002" {
			t.Fatalf("check: %d %+v %q", code, c, errOut)
		}
		var got []string
		for _, f := range c.Findings {
			got = append(got, f.Rule+" "+strconv.FormatInt(f.FilingID, 10)+" "+f.Column)
			if f.Rule == "final.budget_mismatch" && f.OtherFilingID != published.ID {
				t.Errorf("compared with filing %d; want the published budget %d", f.OtherFilingID, published.ID)
			}
		}
		want := "final.budget_mismatch 1 budget_total,final.budget_mismatch 1 budget_reception"
		if strings.Join(got, ",") != want {
			t.Fatalf("findings %v; want %s (none for 002, whose budget is a draft)", got, want)
		}
		if c.Filings[1].Stats != (models.ReportStats{}) {
			t.Errorf("department 002: %+v", c.Filings[1].Stats)
		}

		// The same through SUNSHINE_DB, as a table.
		code, out, _ = runCmd(t, map[string]string{"SUNSHINE_DB": dsn}, "check", ftp, fitems)
		if code != exitFailure || !strings.Contains(out, "与数据库 "+dsn+" 中已公开的申报比对") || strings.Count(out, "final.budget_mismatch") != 2 {
			t.Fatalf("table: %d %q", code, out)
		}
		if after := dbSnapshot(t, s); after != before {
			t.Fatalf("check changed the database:\nbefore %s\nafter  %s", before, after)
		}
	})
}

func TestCheck_RefusesADatabaseThatDoesNotExist(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	code, _, errOut := runCmd(t, nil, "check", "--db", "sqlite:"+missing, filepath.Join("..", "..", "handlers", "testdata", "three_public_bom.csv"))
	if code != exitFailure || !strings.Contains(errOut, "不存在") {
		t.Fatalf("exit %d %q", code, errOut)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("check created the database file")
	}
}

// TestCheckAndImport_OfficialWorkbookWithFilingFlags: a bureau's workbook
// whose titles do not give the region code is refused naming the field, and
// checked and imported clean with --region-code (the upload form's field).
func TestCheckAndImport_OfficialWorkbookWithFilingFlags(t *testing.T) {
	wb := filepath.Join("..", "..", "testdata", "workbooks", "final-yuan.libreoffice.xlsx")
	noDB := map[string]string{"SUNSHINE_DB": ""}
	code, out, errOut := runCmd(t, noDB, "check", wb)
	if code != 1 || !strings.Contains(out+errOut, "region_code") {
		t.Fatalf("without --region-code: exit %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCmd(t, noDB, "check", "--region-code", "990102", "--dept-code", "101", wb)
	if code != 0 {
		t.Fatalf("check with the flags: exit %d %q %q", code, out, errOut)
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "s.db")
	code, out, errOut = runCmd(t, nil, "import", "--db", db, "--json", "--region-code", "990102", "--dept-code", "101", wb)
	if code != 0 || !strings.Contains(out, `"region_code": "990102"`) {
		t.Fatalf("import with the flags: exit %d %q %q", code, out, errOut)
	}
}
