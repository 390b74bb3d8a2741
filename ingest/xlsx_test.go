package ingest

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sunshine/models"
)

var update = flag.Bool("update", false, "rewrite the generated files under testdata/")

// writeFlatThreePublicXLSX builds the flat 三公 workbook of testdata/: numbers
// stored as numbers (one with a double's noise, as a formula leaves it), codes
// as text, an alias header, and a styled empty row at the end as Excel leaves.
func writeFlatThreePublicXLSX(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	header := []any{"区划代码", "区划名称", "部门编码", "部门名称", "年度", "阶段", "单位", "合计", "因公出国（境）费",
		"公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费", "公务接待费", "公务用车保有量", "增减变化原因"}
	rows := [][]any{
		header,
		{431099, "示例县", "001", "县财政局", 2025, "预算", "万元", 0.1 + 0.2, 0, 0.1, 0, 0.1, 0.2, 2, "压减接待"},
		{431099, "示例县", "002", "县教育局", 2025, "预算", "元", 1234567.89, 0, 1000000, 500000, 500000, 234567.89, 5, ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetRowHeight(sh, 9, 30); err != nil { // an empty row with a format only
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGenerateTestdata(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/*.xlsx")
	}
	if err := os.WriteFile(filepath.Join("testdata", "three_public_excelize.xlsx"), writeFlatThreePublicXLSX(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "line_items_template_filled.xlsx"), fillTemplate(t, nil), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenXLSX_FlatSheetWrittenByExcelize(t *testing.T) {
	rd := openTestdata(t, "three_public_excelize.xlsx", Options{})
	if rd.Kind() != models.KindThreePublic {
		t.Fatalf("kind = %q", rd.Kind())
	}
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	if len(recs) != 2 {
		t.Fatalf("records = %d", len(recs))
	}
	a, b := recs[0], recs[1]
	if a.Row != 2 || a.Sheet != "Sheet1" || a.Key.RegionCode != "431099" || a.Key.DeptCode != "001" || a.Key.FiscalYear != 2025 {
		t.Errorf("first = %+v", a)
	}
	// 0.1+0.2 is stored as 0.30000000000000004; Excel shows 0.3.
	if a.ThreePublic.Total != money(t, "0.3", models.WanYuan) || a.ThreePublic.VehicleOperation != money(t, "0.1", models.WanYuan) {
		t.Errorf("first amounts = %+v", a.ThreePublic)
	}
	if a.ThreePublic.VehiclesHeld != models.CountOf(2) || a.ThreePublic.ChangeReason != "压减接待" {
		t.Errorf("first = %+v", a.ThreePublic)
	}
	if b.ThreePublic.Total != money(t, "1234567.89", models.Yuan) || b.ThreePublic.Reception != money(t, "234567.89", models.Yuan) {
		t.Errorf("second amounts = %+v", b.ThreePublic)
	}
}

func TestOpenXLSX_ReaderAtAndSniffedFromOpen(t *testing.T) {
	data := writeFlatThreePublicXLSX(t)
	rd, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if n := len(readAll(t, rd)); n != 2 {
		t.Fatalf("OpenXLSX records = %d", n)
	}
	// Open sniffs the zip signature whatever the name says.
	rd2, err := Open(bytes.NewReader(data), "upload.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd2.Close()
	if n := len(readAll(t, rd2)); n != 2 {
		t.Fatalf("Open records = %d", n)
	}
}

func TestOpenXLSX_SpooledCopyIsRemoved(t *testing.T) {
	dir := t.TempDir()
	data := writeFlatThreePublicXLSX(t)
	rd, err := Open(bytes.NewReader(data), "x.xlsx", Options{TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, rd)
	if err := rd.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestOpenXLSX_FlatRules(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := map[int][]any{
		1: {"区划代码", "部门编码", "部门名称", "年度", "阶段", "单位", "合计", "因公出国(境)费", "公务用车购置费", "公务用车运行费", "公务接待费", "备注"},
		2: {"431099", "001", "县财政局", 2025, "预算", "元", 10, 0, 0, 6, 4},          // short: trailing cells omitted, fine in XLSX
		4: {"431099", "002", "县教育局", 2025, "预算", "元", "1.234", 0, 0, 0, 0},     // after a blank row 3
		5: {"431099", "003", "县卫生局", 2025, "预算", "元", 1, 0, 0, 0, 1, "", "多余"}, // a cell past the headers
	}
	for r, vals := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rd, err := OpenXLSX(bytes.NewReader(buf.Bytes()), int64(buf.Len()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	recs := readAll(t, rd)
	fs := rd.Findings()
	mustFind(t, fs, RuleHeaderUnknown, 1, "备注")
	mustFind(t, fs, RuleRowBlank, 3, "")
	mustFind(t, fs, RuleCellType, 4, "合计")
	mustFind(t, fs, RuleRowExtraCells, 5, "")
	if len(fs) != 4 {
		t.Errorf("findings:\n%s", dump(fs))
	}
	if len(recs) != 1 || recs[0].Row != 2 {
		t.Fatalf("records = %+v", recs)
	}
}

func TestOpenXLSX_NotAWorkbook(t *testing.T) {
	// A zip that is not a workbook, and a broken zip.
	var buf bytes.Buffer
	buf.Write(zipMagic)
	buf.WriteString("garbage")
	if _, err := Open(bytes.NewReader(buf.Bytes()), "x.xlsx", Options{}); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("broken zip: err = %v", err)
	}
}

func TestExcelNumber(t *testing.T) {
	cases := map[string]string{
		"1234.56":             "1234.56",
		"0.30000000000000004": "0.3",
		"1234.5600000000002":  "1234.56",
		"12345.670000000002":  "12345.67",
		"1.5E+7":              "15000000",
		"1E-3":                "0.001",
		"-2.5e2":              "-250",
		"9.9999999999999995":  "10",
		"12345678901234567":   "12345678901234600",
		"001":                 "001", // text stays as written
		"1,234.50":            "1,234.50",
		"abc":                 "abc",
		"":                    "",
		"0":                   "0",
		"1E+400":              "1E+400",
	}
	for in, want := range cases {
		if got := excelNumber(in); got != want {
			t.Errorf("excelNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOpenXLSX_SavedByLibreOffice reads a workbook LibreOffice Calc wrote
// (converted from testdata/three_public_tab.tsv's content by soffice).
func TestOpenXLSX_SavedByLibreOffice(t *testing.T) {
	p := filepath.Join("testdata", "line_items_libreoffice.xlsx")
	if _, err := os.Stat(p); err != nil {
		t.Skip("no LibreOffice workbook in testdata")
	}
	rd := openTestdata(t, "line_items_libreoffice.xlsx", Options{})
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	if rd.Kind() != models.KindLineItems || len(recs) != 6 {
		t.Fatalf("kind %q records %d", rd.Kind(), len(recs))
	}
	if li := recs[0].LineItem; li.Amount != money(t, "3456789.01", models.Yuan) || recs[0].Key.DeptCode != "001" {
		t.Errorf("first = %+v %+v", recs[0].Key, li)
	}
}

// TestLibreOfficeConversion regenerates the LibreOffice workbook when soffice
// is installed and -update is given.
func TestLibreOfficeConversion(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed")
	}
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "line_items_bom.csv"))
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "line_items_libreoffice.csv")
	if err := os.WriteFile(in, src, 0o644); err != nil {
		t.Fatal(err)
	}
	// Filter options: comma, UTF-8 (76), first line 1, and columns 1–3 and 10 as text so codes keep their zeros.
	cmd := exec.Command(soffice, "--headless", "--infilter=CSV:44,34,76,1,1/1/2/2/3/2/10/2/12/2", "--convert-to", "xlsx", "--outdir", dir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	// The filled template, opened and saved again by LibreOffice.
	filled, err := os.ReadFile(filepath.Join("testdata", "line_items_template_filled.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	in2 := filepath.Join(dir, "in", "line_items_template_libreoffice.xlsx")
	os.MkdirAll(filepath.Dir(in2), 0o755)
	if err := os.WriteFile(in2, filled, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(soffice, "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", dir, in2)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for _, name := range []string{"line_items_libreoffice.xlsx", "line_items_template_libreoffice.xlsx"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTemplate_SavedByLibreOffice reads the filled template after LibreOffice
// opened and saved it: its own XML, shared strings and styles, same records.
func TestTemplate_SavedByLibreOffice(t *testing.T) {
	if _, err := os.Stat(filepath.Join("testdata", "line_items_template_libreoffice.xlsx")); err != nil {
		t.Skip("no LibreOffice workbook in testdata")
	}
	rd := openTestdata(t, "line_items_template_libreoffice.xlsx", Options{})
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	if len(recs) != 7 || recs[6].LineItem.Amount != money(t, "35.8", models.WanYuan) || recs[0].Key.DeptCode != "001" {
		t.Fatalf("records = %d", len(recs))
	}
}

func TestOpenXLSX_ZipBombIsTooLarge(t *testing.T) {
	data := writeFlatThreePublicXLSX(t)
	_, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Options{MaxUnzippedBytes: 1000})
	if models.ErrorCode(err) != models.ETOOLARGE || !strings.Contains(models.ErrorMessage(err), "上限") {
		t.Fatalf("err = %v", err)
	}
}
