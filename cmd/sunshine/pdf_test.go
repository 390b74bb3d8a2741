package main

import (
	"path/filepath"
	"strings"
	"sunshine/ingest/pdfgrid/pdfgridtest"
	"testing"
)

// TestCheckAndImport_PDF: check and import take a disclosure PDF with the
// same flags as a workbook; a scan is refused with one sentence; the real
// 2024 final checks clean; a PDF whose tables the reader cannot all map is
// refused with findings placed on pages.
func TestCheckAndImport_PDF(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	dir := filepath.Join("..", "..", "testdata", "pdf")
	printed := filepath.Join(dir, "printed-income-2024-final.pdf")
	flags := []string{"--region-code", "990102", "--dept-code", "101", "--dept-name", "示例县财政局", "--fiscal-year", "2024", "--phase", "final"}
	noDB := map[string]string{"SUNSHINE_DB": ""}

	code, out, errOut := runCmd(t, noDB, append(append([]string{"check", "--json"}, flags...), printed)...)
	if code != 0 {
		t.Fatalf("check: exit %d %q %q", code, out, errOut)
	}
	if rep := decodeCheck(t, out); len(rep.Filings) != 1 || rep.Filings[0].FiscalYear != 2024 || rep.Stats.Errors != 0 {
		t.Fatalf("check report %+v", rep)
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "s.db")
	code, out, errOut = runCmd(t, nil, append(append([]string{"import", "--db", db, "--json"}, flags...), printed)...)
	if code != 0 || !strings.Contains(out, `"region_code": "990102"`) {
		t.Fatalf("import: exit %d %q %q", code, out, errOut)
	}

	code, out, errOut = runCmd(t, noDB, "check", filepath.Join(dir, "scanned-three-public.pdf"))
	if code != 1 || !strings.Contains(out+errOut, "没有文字层") {
		t.Fatalf("scanned: exit %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCmd(t, noDB, "check", "--region-code", "310107", "--dept-code", "CZJ",
		filepath.Join(dir, "2024-final-shanghai-putuo-finance-bureau.pdf"))
	if code != 0 {
		t.Fatalf("real final: exit %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCmd(t, noDB, "check", "--region-code", "310107", "--dept-code", "CZJ",
		filepath.Join(dir, "2025-budget-shanghai-putuo-finance-bureau.pdf"))
	// Its 一、财政拨款收入 row and 人员经费/公用经费/项目支出 columns are checked against what
	// the model keeps (ingest/layout), so the whole budget reads and checks clean.
	if code != 0 || !strings.Contains(out, "上海市普陀区财政局 2025 年预算") || !strings.Contains(out, "0 个错误") {
		t.Fatalf("real budget: exit %d %q %q", code, out, errOut)
	}
}
