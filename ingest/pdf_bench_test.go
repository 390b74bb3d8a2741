package ingest

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"

	"sunshine/ingest/pdfgrid/pdfgridtest"
)

// fortyPages joins two real disclosures of one department into a 40-page
// PDF with qpdf: the 2024 final of 上海市普陀区财政局 (25 pages, ONLYOFFICE,
// 3.7 MB of fonts) and the first 15 pages of its 2025 budget (cover,
// explanation and tables 1–7). docs/benchmarks.md keeps the numbers.
func fortyPages(tb testing.TB) string {
	tb.Helper()
	pdfgridtest.NeedPoppler(tb)
	if _, err := exec.LookPath("qpdf"); err != nil {
		tb.Skip("qpdf is not installed (apt-get install qpdf)")
	}
	dir := filepath.Join("..", "testdata", "pdf")
	out := filepath.Join(tb.TempDir(), "forty-pages.pdf")
	cmd := exec.Command("qpdf", "--empty", "--pages", filepath.Join(dir, "2024-final-shanghai-putuo-finance-bureau.pdf"),
		filepath.Join(dir, "2025-budget-shanghai-putuo-finance-bureau.pdf"), "1-15", "--", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("qpdf: %v %s", err, b)
	}
	return out
}

// TestReadPDF_FortyPages: the benchmark's document reads with no finding.
func TestReadPDF_FortyPages(t *testing.T) {
	path := fortyPages(t)
	opts, _ := Options{}.WithFilingFields(map[string]string{"region_code": "310107", "dept_code": "CZJ"})
	rd, err := OpenFile(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	recs := readAll(t, rd)
	for _, f := range rd.Findings() {
		t.Errorf("%s", f.Message)
	}
	keys := map[string]int{}
	for _, r := range recs {
		keys[fmt.Sprint(r.Key)]++
	}
	t.Logf("%d records: %v", len(recs), keys)
	if len(keys) != 2 || len(recs) < 300 {
		t.Errorf("records by filing %v", keys)
	}
}

// BenchmarkReadPDF_FortyPages is one import's reading per iteration: the
// pdftotext run, the grids, the layout reader, the records with their sources.
func BenchmarkReadPDF_FortyPages(b *testing.B) {
	path := fortyPages(b)
	opts, _ := Options{}.WithFilingFields(map[string]string{"region_code": "310107", "dept_code": "CZJ"})
	for b.Loop() {
		rd, err := OpenFile(path, opts)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := rd.Next()
			if err != nil {
				break
			}
			n++
		}
		rd.Close()
		if n < 300 || len(rd.Findings()) > 0 {
			b.Fatalf("%d records, %d findings", n, len(rd.Findings()))
		}
	}
}
