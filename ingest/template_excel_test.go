package ingest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sunshine/models"
)

func openWritten(t *testing.T, kind string) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTemplateXLSX(&buf, kind); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// numFmt is the number format id of a cell's style.
func numFmt(t *testing.T, f *excelize.File, sheet, cell string) int {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.NumFmt
}

func dropdowns(t *testing.T, f *excelize.File, sheet string) map[string]string {
	t.Helper()
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, dv := range dvs {
		out[dv.Sqref] = dv.Formula1
	}
	return out
}

// TestTemplate_LineItemsFillableInExcel: the line-item template is one a
// clerk fills in Excel: amount cells are formatted #,##0.00 (a typed figure is a
// number), 阶段 and 单位 are drop-downs, the header row stays in view, the
// columns are as wide as their Chinese names, and each sheet prints landscape
// on one page width with its header repeated.
func TestTemplate_LineItemsFillableInExcel(t *testing.T) {
	f := openWritten(t, models.KindLineItems)
	const sheet = "部门支出总表"
	if n := numFmt(t, f, sheet, "C8"); n != 4 {
		t.Errorf("amount cell C8 number format %d, want 4 (#,##0.00)", n)
	}
	if n := numFmt(t, f, sheet, "A9"); n != 49 {
		t.Errorf("code cell A9 number format %d, want 49 (text)", n)
	}
	dv := dropdowns(t, f, sheet)
	if !strings.Contains(dv["D4"], "决算") || !strings.Contains(dv["B5"], "万元") {
		t.Errorf("drop-downs = %v", dv)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != tplHeaderRow {
		t.Errorf("panes = %+v, %v", panes, err)
	}
	// 对附属单位补助支出, nine Chinese characters, is column H.
	if w, _ := f.GetColWidth(sheet, "H"); w < displayWidth("对附属单位补助支出") {
		t.Errorf("column H width %.1f narrower than its header", w)
	}
	layout, err := f.GetPageLayout(sheet)
	if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" {
		t.Errorf("page layout = %+v, %v", layout, err)
	}
	found := false
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && dn.Scope == sheet && strings.Contains(dn.RefersTo, "$7:$7") {
			found = true
		}
	}
	if !found {
		t.Errorf("no print titles on %s: %+v", sheet, f.GetDefinedName())
	}
}

// TestTemplate_ThreePublicFillableInExcel: the 三公 template's example figures
// are numbers, the amount columns are formatted #,##0.00, and 阶段 and 单位
// are drop-downs for every row.
func TestTemplate_ThreePublicFillableInExcel(t *testing.T) {
	f := openWritten(t, models.KindThreePublic)
	const sheet = "三公经费"
	header, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) string {
		for i, h := range header[0] {
			if h == name {
				c, _ := excelize.ColumnNumberToName(i + 1)
				return c
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	total := col("合计") + "2"
	if typ, _ := f.GetCellType(sheet, total); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("合计 cell type %v, want a number", typ)
	}
	if v, _ := f.GetCellValue(sheet, total, excelize.Options{RawCellValue: true}); v != "12.5" {
		t.Errorf("合计 stored as %q", v)
	}
	if n := numFmt(t, f, sheet, total); n != 4 {
		t.Errorf("合计 number format %d", n)
	}
	if n := numFmt(t, f, sheet, col("公务用车保有量")+"2"); n != 1 {
		t.Errorf("count number format %d, want 1 (0)", n)
	}
	dv := dropdowns(t, f, sheet)
	phase, unit := col("阶段"), col("单位")
	if !strings.Contains(dv[phase+"2:"+phase+"20001"], "调整预算") || !strings.Contains(dv[unit+"2:"+unit+"20001"], "亿元") {
		t.Errorf("drop-downs = %v", dv)
	}
	if w, _ := f.GetColWidth(sheet, col("公务用车购置及运行费")); w < displayWidth("公务用车购置及运行费") {
		t.Errorf("width %.1f", w)
	}
}

// TestTemplate_FindingsNameSheetAndCell: the template's findings carry the
// sheet and the cell as Excel names them, besides the row and the header.
func TestTemplate_FindingsNameSheetAndCell(t *testing.T) {
	cases := []struct {
		name        string
		edit        func(f *excelize.File)
		rule, sheet string
		row         int
		column      string
		cell        string
	}{
		{"amount not a number", func(f *excelize.File) { f.SetCellValue("部门支出总表", "E9", "六十") },
			RuleCellType, "部门支出总表", 9, "项目支出", "E9"},
		{"bad region code", func(f *excelize.File) { f.SetCellValue("部门收支总表", "B2", "4310") },
			RuleCellType, "部门收支总表", 2, "区划代码", "B2"},
		{"unknown column", func(f *excelize.File) { f.SetCellValue("部门支出总表", "I7", "备注") },
			RuleHeaderUnknown, "部门支出总表", 7, "备注", "I7"},
		{"code missing on a row with amounts", func(f *excelize.File) { f.SetCellValue("部门支出总表", "D12", 5) },
			RuleCellRequired, "部门支出总表", 12, "科目编码", "A12"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rd := openTemplate(t, fillTemplate(t, tc.edit))
			readAll(t, rd)
			f := mustFind(t, rd.Findings(), tc.rule, tc.row, tc.column)
			if f.Sheet != tc.sheet || f.Cell != tc.cell {
				t.Errorf("sheet %q cell %q, want %q %q", f.Sheet, f.Cell, tc.sheet, tc.cell)
			}
		})
	}
}
