package filings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sunshine/filings"
	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/store"
	"sunshine/store/storetest"
)

// A PDF's explanations go with its draft; a second PDF of the same filing
// replaces them (never adds to them); a CSV of one table keeps them.
func TestUpload_PDFExplanationsReplacedByAPDFKeptByACSV(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := readingService(s)
		fields := map[string]string{"region_code": "990102", "dept_code": "101"}
		upload := func(path string) filings.Result {
			t.Helper()
			res, err := svc.Upload(ctx, filings.File{Path: path, Name: filepath.Base(path), Fields: fields}, cli, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Rejected || len(res.Filings) != 1 {
				t.Fatalf("%s: %+v", path, res.Report)
			}
			return res
		}
		check := func(id int64, sha string) {
			t.Helper()
			secs, err := s.Explanations(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(secs) != 4 {
				t.Fatalf("%d sections: %+v", len(secs), secs)
			}
			for i, e := range secs {
				if e.Seq != i+1 || e.Page != 2 || e.SHA256 != sha {
					t.Errorf("section %+v, want seq %d on page 2 of %s", e, i+1, sha)
				}
			}
			if secs[2].Heading != "二、“三公”经费情况说明" || !strings.HasPrefix(secs[2].Text, "增减变化原因：2024年度“三公”经费财政拨款支出决算") {
				t.Errorf("the 三公 chapter: %+v", secs[2])
			}
		}
		first := upload(filepath.Join("..", "testdata", "pdf", "printed-final-yuan.pdf"))
		draft := first.Filings[0].ID
		check(draft, first.Upload.SHA256)
		// The original is kept for the sections' links.
		if _, _, err := s.SourceFile(ctx, first.Upload.SHA256); err != nil {
			t.Fatal(err)
		}

		second := upload(filepath.Join("..", "testdata", "pdf", "printed-final-wanyuan.pdf"))
		if second.Filings[0].ID != draft {
			t.Fatalf("the second PDF went to filing %d, not the draft %d", second.Filings[0].ID, draft)
		}
		check(draft, second.Upload.SHA256)

		csv := filepath.Join(t.TempDir(), "三公.csv")
		if err := os.WriteFile(csv, []byte("区划代码,区划名称,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n"+
			"990102,示例县,101,示例县司法局（版式样例）,2024,决算,元,103157.50,0,0,80000.00,23157.50\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if third := upload(csv); third.Filings[0].ID != draft {
			t.Fatalf("the CSV went to filing %d", third.Filings[0].ID)
		}
		check(draft, second.Upload.SHA256)
	})
}
