package filings_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sunshine/checks"
	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// defectiveWorkbook copies testdata/workbooks/budget-yuan-no-carryover.xlsx
// (a consistent official-layout budget) with 表3!D5, the 201 row's 基本支出,
// changed so that the row no longer adds up.
func defectiveWorkbook(t *testing.T) filings.File {
	t.Helper()
	wb, err := excelize.OpenFile(filepath.Join("..", "testdata", "workbooks", "budget-yuan-no-carryover.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if err := wb.SetCellValue("表3", "D5", 700000); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "部门预算.xlsx")
	if err := wb.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return filings.File{Path: p, Name: "部门预算.xlsx",
		Fields: map[string]string{"region_code": "990102", "region_name": "示例县", "dept_code": "101"}}
}

// located returns the findings placed at 表3!D5.
func located(fs []models.Finding) []models.Finding {
	var out []models.Finding
	for _, f := range fs {
		if f.Sheet == "表3" && f.Cell == "D5" {
			out = append(out, f)
		}
	}
	return out
}

// TestUpload_WorkbookFindingsAreStoredWithTheirSheetAndCell: the checks'
// findings on an uploaded workbook are stored with the sheet and cell of the
// figure they name, read back as they were answered, in the JSON as sheet and
// cell, and kept when the draft is checked again without the workbook.
func TestUpload_WorkbookFindingsAreStoredWithTheirSheetAndCell(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := &filings.Service{Store: s, Checker: &filings.Rules{}, Options: ingest.DefaultOptions()}
		res, err := svc.Upload(ctx, defectiveWorkbook(t), cli, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rejected || len(res.Filings) != 1 {
			t.Fatalf("rejected or not one filing: %+v", res.Report)
		}
		answered := located(res.Report.Findings)
		if len(answered) == 0 {
			t.Fatalf("no finding answered at 表3!D5: %+v", res.Report.Findings)
		}
		id := res.Filings[0].ID
		stored, err := s.Findings(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		at := located(stored)
		if len(at) != len(answered) {
			t.Fatalf("stored at 表3!D5: %d, answered: %d; stored %+v", len(at), len(answered), stored)
		}
		for i, f := range at {
			if f.Message != answered[i].Message || !strings.HasPrefix(f.Message, "表3!D5：") || f.Code != "201" {
				t.Errorf("stored %+v, answered %+v", f, answered[i])
			}
			t.Logf("%s %s", f.Rule, f.Message)
		}
		b, err := json.Marshal(at[0])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"sheet":"表3","cell":"D5"`) {
			t.Errorf("JSON %s", b)
		}
		// A finding about no workbook figure has no place (NULL read as "").
		for _, f := range stored {
			if (f.Sheet == "") != (f.Cell == "") {
				t.Errorf("half a place: %+v", f)
			}
		}

		// Checked again (as after a code list is loaded), the findings keep their places.
		again, err := svc.Recheck(ctx, []int64{id})
		if err != nil {
			t.Fatal(err)
		}
		if got := located(again); len(got) != len(at) || got[0].Message != at[0].Message {
			t.Errorf("after recheck at 表3!D5: %+v, before %+v", got, at)
		}
		if stored, err = s.Findings(ctx, id); err != nil {
			t.Fatal(err)
		}
		if got := located(stored); len(got) != len(at) {
			t.Errorf("stored after recheck at 表3!D5: %d, before %d", len(got), len(at))
		}
	})
}

// A finding first made when a draft is checked again later (a code list
// loaded, a peer published, a scheduled act) names the cell its workbook
// printed the figure in, kept with the draft (figure_cells) — also for the
// 三公 table; a table replaced by an upload without cells (a CSV) loses them.
func TestRecheck_NewFindingsNameTheirWorkbookCell(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		quiet := filings.CheckerFunc(func(context.Context, *store.Tx, *checks.Filing) ([]models.Finding, error) { return nil, nil })
		svc := &filings.Service{Store: s, Checker: quiet, Options: ingest.DefaultOptions()}
		f := filings.File{Path: filepath.Join("..", "testdata", "workbooks", "budget-yuan-no-carryover.xlsx"), Name: "部门预算.xlsx",
			Fields: map[string]string{"region_code": "990102", "region_name": "示例县", "dept_code": "101"}}
		res, err := svc.Upload(ctx, f, cli, nil)
		if err != nil || res.Rejected || len(res.Filings) != 1 || len(res.Report.Findings) != 0 {
			t.Fatalf("upload: %v %+v", err, res.Report)
		}
		draft := res.Filings[0]
		var cells []store.FigureCell
		if err := s.Write(ctx, func(tx *store.Tx) error {
			var err error
			cells, err = tx.FigureCells(ctx, draft.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var d5, reception store.FigureCell
		for _, c := range cells {
			if c.Sheet == "表3" && c.Cell == "D5" {
				d5 = c
			}
			if c.Table == models.TableThreePublic {
				reception = c
			}
		}
		if len(cells) < 100 || d5.Code == "" || reception.Cell == "" {
			t.Fatalf("%d cells kept; 表3!D5 %+v; 三公 %+v", len(cells), d5, reception)
		}
		svc.Checker = filings.CheckerFunc(func(context.Context, *store.Tx, *checks.Filing) ([]models.Finding, error) {
			return []models.Finding{
				{Rule: "test.new", Severity: models.SeverityWarning, Table: string(d5.Table), Code: d5.Code, Column: d5.Column, Message: "新的问题"},
				{Rule: "test.new", Severity: models.SeverityWarning, Table: string(models.TableThreePublic), Column: "reception", Message: "三公的新问题"},
			}, nil
		})
		again, err := svc.Recheck(ctx, []int64{draft.ID})
		if err != nil || len(again) != 2 {
			t.Fatalf("recheck: %v %+v", err, again)
		}
		if again[0].Sheet != "表3" || again[0].Cell != "D5" || again[0].Message != "表3!D5：新的问题" {
			t.Errorf("the new finding on 表3!D5: %+v", again[0])
		}
		if again[1].Sheet != reception.Sheet || again[1].Cell != reception.Cell || !strings.HasSuffix(again[1].Message, "!"+reception.Cell+"：三公的新问题") {
			t.Errorf("the new 三公 finding: %+v (the record was at %s!%s)", again[1], reception.Sheet, reception.Cell)
		}
		// The table is replaced by a CSV line: its cells go with it.
		csvPath := filepath.Join(t.TempDir(), "更正.csv")
		body := "region_code,region_name,dept_code,dept_name,fiscal_year,phase,unit,table,code,name,column,amount\n" +
			strings.Join([]string{draft.RegionCode, "示例县", draft.DeptCode, draft.DeptName, strconv.Itoa(draft.FiscalYear), string(draft.Phase),
				"元", string(d5.Table), d5.Code, "一般公共服务支出", d5.Column, "1.00"}, ",") + "\n"
		if err := os.WriteFile(csvPath, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if up, err := svc.Upload(ctx, filings.File{Path: csvPath, Name: "更正.csv"}, cli, nil); err != nil || up.Rejected {
			t.Fatalf("the CSV: %v %+v", err, up.Report)
		}
		again, err = svc.Recheck(ctx, []int64{draft.ID})
		if err != nil || len(again) != 2 || again[0].Cell != "" || again[0].Message != "新的问题" || again[1].Cell != reception.Cell {
			t.Fatalf("after the table was replaced: %v %+v", err, again)
		}
	})
}
