package filings_test

import (
	"os"
	"path/filepath"
	"testing"

	"sunshine/filings"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// TestUpload_TableNotesAndPrintedPrecisionAreKeptAndReplacedWithTheirTable:
// an empty-table note is stored with the draft, copied into its next version,
// and replaced when the table is uploaded again; each figure keeps the
// decimals it was printed with.
func TestUpload_TableNotesAndPrintedPrecisionAreKeptAndReplacedWithTheirTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := service(s)
		lines := func(body string) filings.File {
			p := filepath.Join(t.TempDir(), "公开表.csv")
			head := "region_code,dept_code,dept_name,fiscal_year,phase,unit,table,code,name,column,amount,note\n"
			if err := os.WriteFile(p, []byte(head+body), 0o644); err != nil {
				t.Fatal(err)
			}
			return filings.File{Path: p, Name: "公开表.csv"}
		}
		res, err := svc.Upload(ctx, lines(
			"431081,001,财政局,2025,budget,元,expenditure,201,一般公共服务支出,total,\"1,234\",\n"+
				"431081,001,财政局,2025,budget,万元,operating_cost,total,机关运行经费,amount,12.3,\n"+
				"431081,001,财政局,2025,budget,元,gov_fund_expenditure,,,,,本部门无政府性基金预算财政拨款支出，此表为空表。\n"), cli, nil)
		if err != nil || res.Rejected {
			t.Fatalf("upload: %v %+v", err, res.Report)
		}
		id := res.Filings[0].ID
		notes, err := s.TableNotes(ctx, id)
		if err != nil || len(notes) != 1 || notes[0].Table != models.TableGovFundExpenditure || notes[0].SourceRow != 4 {
			t.Fatalf("notes: %+v %v", notes, err)
		}
		items, _ := s.LineItems(ctx, id)
		want := map[models.Table]int{models.TableExpenditure: 0, models.TableOperatingCost: 1}
		for _, li := range items {
			if n, _ := li.Decimals.N(); n != want[li.Table] {
				t.Errorf("%s printed with %d decimals; want %d", li.Table, n, want[li.Table])
			}
		}
		// The fund table uploaded again with money replaces its note.
		res, err = svc.Upload(ctx, lines("431081,001,财政局,2025,budget,元,gov_fund_expenditure,total,合计,total,100.00,\n"), cli, nil)
		if err != nil || res.Rejected {
			t.Fatalf("second upload: %v %+v", err, res.Report)
		}
		if notes, _ := s.TableNotes(ctx, id); len(notes) != 0 {
			t.Fatalf("the note outlived its table: %+v", notes)
		}
	})
}
