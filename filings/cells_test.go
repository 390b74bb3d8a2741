package filings_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

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
