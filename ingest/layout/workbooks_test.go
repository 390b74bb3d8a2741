package layout_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sunshine/checks"
	"sunshine/ingest"
	"sunshine/models"
)

// savedAs are the copies of each official-layout workbook in testdata/workbooks.
var savedAs = []string{".xlsx", ".libreoffice.xlsx", ".libreoffice.xls"}

// uploadOptions is what the upload form says of the fixtures' department:
// an official workbook prints no region or department code.
func uploadOptions() ingest.Options {
	return ingest.Options{RegionCode: "990102", RegionName: "示例县", DeptCode: "101"}
}

// canonical writes a record without where it came from (row, sheet, cell),
// so that a workbook and its long form compare equal.
func canonical(rec ingest.Record) string {
	head := fmt.Sprintf("%+v|%s|%s|", rec.Key, rec.RegionName, rec.DeptName)
	var s []string
	if li := rec.LineItem; li != nil {
		s = append(s, fmt.Sprintf("line %s|%s|%s|%s|%v|%s|%s|%d", li.Table, li.Code, li.Name, li.Column, li.Amount.Valid,
			li.Amount.Money.Format(models.Yuan), li.Unit, li.Decimals))
	}
	if tp := rec.ThreePublic; tp != nil {
		c := *tp
		c.SourceRow = 0
		s = append(s, fmt.Sprintf("三公 %+v", c))
	}
	if n := rec.Note; n != nil {
		s = append(s, fmt.Sprintf("note %s|%s", n.Table, n.Note))
	}
	return head + strings.Join(s, " ")
}

func canonicalAll(recs []ingest.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, canonical(r))
	}
	sort.Strings(out)
	return out
}

func longForm(t *testing.T, name string) []ingest.Record {
	var out []ingest.Record
	for _, file := range []string{"line_items.csv", "three_public.csv"} {
		out = append(out, readRecords(t, filepath.Join(layoutsDir, name, file), ingest.Options{})...)
	}
	return out
}

// TestWorkbooks_ReadToTheSameRecordsAsTheirLongForm: each official-layout
// workbook, as excelize wrote it and as LibreOffice saved it (.xlsx and
// BIFF8 .xls), yields exactly the records of its long-form CSV: the same
// figures with the same printed decimals, the same names and notes.
func TestWorkbooks_ReadToTheSameRecordsAsTheirLongForm(t *testing.T) {
	for name := range styles {
		want := canonicalAll(longForm(t, name))
		for _, ext := range savedAs {
			t.Run(name+ext, func(t *testing.T) {
				path := filepath.Join(workbooksDir, name+ext)
				recs := readRecords(t, path, uploadOptions())
				for _, r := range recs {
					if r.Sheet == "" || r.Cell == "" || r.Row == 0 {
						t.Fatalf("record without its place: %+v", r)
					}
				}
				got := canonicalAll(recs)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					missing, extra := diff(want, got)
					t.Errorf("%d records, want %d\nmissing:\n%s\nextra:\n%s", len(got), len(want),
						strings.Join(missing, "\n"), strings.Join(extra, "\n"))
				}
			})
		}
	}
}

func diff(want, got []string) (missing, extra []string) {
	count := map[string]int{}
	for _, w := range want {
		count[w]++
	}
	for _, g := range got {
		count[g]--
	}
	for k, n := range count {
		for ; n > 0; n-- {
			missing = append(missing, k)
		}
		for ; n < 0; n++ {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

// TestWorkbooks_CheckWithNoError gathers each workbook's records into a draft
// as an upload does and runs the checks: a consistent filing in the official
// layout has no error and no warning.
func TestWorkbooks_CheckWithNoError(t *testing.T) {
	for name := range styles {
		for _, ext := range savedAs {
			path := filepath.Join(workbooksDir, name+ext)
			f := &checks.Filing{Filing: models.Filing{ID: 1, Version: 1, Status: models.StatusDraft}}
			for _, rec := range readRecords(t, path, uploadOptions()) {
				f.FilingKey = rec.Key
				if rec.Note != nil {
					f.Notes = append(f.Notes, *rec.Note)
				}
				if rec.ThreePublic != nil {
					f.ThreePublic = rec.ThreePublic
				}
				if rec.LineItem != nil {
					f.Items = append(f.Items, *rec.LineItem)
				}
			}
			for _, x := range checks.Run(f, checks.Env{}) {
				if x.Severity != models.SeverityInfo {
					t.Errorf("%s%s: %s %s %s", name, ext, x.Severity, x.Rule, x.Message)
				}
			}
		}
	}
}

func findings(t *testing.T, path string, opts ingest.Options) []models.Finding {
	t.Helper()
	rd, err := ingest.OpenFile(path, opts)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer rd.Close()
	for {
		if _, err := rd.Next(); err != nil {
			break
		}
	}
	return rd.Findings()
}

// TestWorkbooks_UnknownHeaderNamesSheetCellAndNearestNames: a header the
// reader cannot place is refused at its cell, with the closest known names.
func TestWorkbooks_UnknownHeaderNamesSheetCellAndNearestNames(t *testing.T) {
	fs := findings(t, filepath.Join(workbooksDir, "unknown-header.xlsx"), uploadOptions())
	if len(fs) != 1 {
		t.Fatalf("%d findings, want 1: %+v", len(fs), fs)
	}
	f := fs[0]
	if f.Rule != "header.unknown" || f.Sheet != "表3" || f.Cell != "E3" || f.Value != "专项支出" || f.Table != "expenditure" {
		t.Errorf("finding = %+v", f)
	}
	if !strings.HasPrefix(f.Message, "表3!E3：") || !strings.Contains(f.Message, "项目支出") {
		t.Errorf("message %q names no cell or no nearest name", f.Message)
	}
}

// TestWorkbooks_OptionsAndTitles: the codes an official workbook cannot carry
// must come with the upload; a year or phase that contradicts the titles is
// refused at the title's cell.
func TestWorkbooks_OptionsAndTitles(t *testing.T) {
	path := filepath.Join(workbooksDir, "budget-yuan-no-carryover.xlsx")
	fs := findings(t, path, ingest.Options{})
	if len(fs) != 2 || fs[0].Rule != "header.missing" || !strings.Contains(fs[0].Message, "region_code") ||
		!strings.Contains(fs[1].Message, "dept_code") {
		t.Errorf("no codes: %+v", fs)
	}
	opts := uploadOptions()
	opts.FiscalYear = 2024
	fs = findings(t, path, opts)
	if len(fs) == 0 || fs[0].Rule != "cell.enum" || fs[0].Sheet != "表1" || fs[0].Cell != "A1" ||
		!strings.Contains(fs[0].Message, "2025") || !strings.Contains(fs[0].Message, "2024") {
		t.Errorf("year contradicted: %+v", fs)
	}
	opts = uploadOptions()
	opts.Phase = models.PhaseFinal
	if fs = findings(t, path, opts); len(fs) == 0 || !strings.Contains(fs[0].Message, "阶段") {
		t.Errorf("phase contradicted: %+v", fs)
	}
	opts = uploadOptions()
	opts.FiscalYear, opts.Phase = 2025, models.PhaseBudget
	if fs = findings(t, path, opts); len(fs) != 0 {
		t.Errorf("agreeing options: %+v", fs)
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

// edited copies a workbook of testdata/workbooks with one cell changed.
func edited(t *testing.T, name, sheet, cell string, value any) string {
	t.Helper()
	f, err := excelize.OpenFile(filepath.Join(workbooksDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.SetCellValue(sheet, cell, value); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWorkbooks_ParseFindingsNameSheetAndCell: a figure that is not a number
// is refused at its cell, in the message and in Sheet/Cell.
func TestWorkbooks_ParseFindingsNameSheetAndCell(t *testing.T) {
	path := edited(t, "budget-yuan-no-carryover.xlsx", "表3", "C5", "六十")
	fs := findings(t, path, uploadOptions())
	if len(fs) != 1 {
		t.Fatalf("findings: %+v", fs)
	}
	if f := fs[0]; f.Rule != "cell.type" || f.Sheet != "表3" || f.Cell != "C5" || f.Row != 5 || f.Column != "合计" ||
		f.Code != "201" || !strings.HasPrefix(f.Message, "表3!C5：") {
		t.Errorf("finding = %+v", f)
	}
}

// TestWorkbooks_CheckFindingsAreLocated: a figure changed in a workbook makes
// the checks fail, and the Locator names the sheet and cell of the figures
// the findings are about.
func TestWorkbooks_CheckFindingsAreLocated(t *testing.T) {
	path := edited(t, "budget-yuan-no-carryover.xlsx", "表3", "D5", 700000)
	f := &checks.Filing{Filing: models.Filing{ID: 1, Version: 1, Status: models.StatusDraft}}
	loc := ingest.NewLocator()
	for _, rec := range readRecords(t, path, uploadOptions()) {
		loc.Add(rec)
		f.FilingKey = rec.Key
		if rec.Note != nil {
			f.Notes = append(f.Notes, *rec.Note)
		}
		if rec.ThreePublic != nil {
			f.ThreePublic = rec.ThreePublic
		}
		if rec.LineItem != nil {
			f.Items = append(f.Items, *rec.LineItem)
		}
	}
	located := 0
	for _, x := range checks.Run(f, checks.Env{}) {
		if x.Severity != models.SeverityError {
			continue
		}
		if loc.Locate(f.FilingKey, &x) {
			located++
			t.Log(x.Message)
			if x.Sheet == "" || x.Cell == "" || !strings.HasPrefix(x.Message, x.Sheet+"!"+x.Cell+"：") {
				t.Errorf("located finding = %+v", x)
			}
			if x.Code == "201" && x.Column == "basic" && x.Cell != "D5" {
				t.Errorf("201 basic located at %s", x.Cell)
			}
		}
	}
	if located == 0 {
		t.Error("no error finding was located")
	}
}
