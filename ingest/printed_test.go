package ingest

import (
	"path/filepath"
	"strings"
	"testing"

	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/models"
)

// PrintedOf gives what a PDF's cover and titles say of its filing, read
// without any filing field (the codes it does not print are then findings);
// a CSV reader has nothing of the kind.
func TestPrintedOf_PDFCoverAndTitles(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	for _, tc := range []struct {
		name  string
		year  int
		phase models.Phase
	}{
		{"2025-budget-shanghai-putuo-finance-bureau", 2025, models.PhaseBudget},
		{"2024-final-shanghai-putuo-finance-bureau", 2024, models.PhaseFinal},
	} {
		rd, err := OpenFile(filepath.Join("..", "testdata", "pdf", tc.name+".pdf"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		p, ok := PrintedOf(rd)
		rd.Close()
		if !ok || p.FiscalYear != tc.year || p.Phase != tc.phase || !strings.Contains(p.DeptName, "财政局") {
			t.Errorf("%s: %+v %v", tc.name, p, ok)
		}
	}
	rd, err := Open(strings.NewReader("region_code,dept_code\n"), "x.csv", Options{})
	if err == nil {
		if _, ok := PrintedOf(rd); ok {
			t.Error("a CSV reader says what its titles printed")
		}
		rd.Close()
	}
}
