package ingest

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sunshine/models"
)

// fillTemplate downloads the line-item template, fills it as a bureau would
// (the department once, on the first sheet) and applies edit, if any.
func fillTemplate(t testing.TB, edit func(f *excelize.File)) []byte {
	t.Helper()
	var tpl bytes.Buffer
	if err := WriteTemplateXLSX(&tpl, models.KindLineItems); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&tpl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set := func(sheet, cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	// 部门收支总表: the label block, then the prefilled rows (general_budget is row 8).
	set("部门收支总表", "B2", "431099")
	set("部门收支总表", "D2", "示例县")
	set("部门收支总表", "B3", "001")
	set("部门收支总表", "D3", "县财政局")
	set("部门收支总表", "B4", 2025)
	set("部门收支总表", "D4", "预算")
	set("部门收支总表", "C8", 1000000.5)
	set("部门收支总表", "C20", 0) // income_total (row 8 + 12): a zero is a line
	// 部门支出总表: labels left empty (inherited), unit changed; a total row and a code row.
	set("部门支出总表", "B5", "万元")
	set("部门支出总表", "C8", 100)
	set("部门支出总表", "D8", 60)
	set("部门支出总表", "E8", 40)
	set("部门支出总表", "A9", "2010601")
	set("部门支出总表", "B9", "行政运行")
	set("部门支出总表", "D9", 60)
	// 机关运行经费 in 万元 through the one-cell form of the label.
	set("机关运行经费", "A5", "单位：万元")
	set("机关运行经费", "B5", "")
	set("机关运行经费", "C8", 35.8)
	if edit != nil {
		edit(f)
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func openTemplate(t testing.TB, data []byte) Reader {
	t.Helper()
	rd, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rd.Close() })
	return rd
}

func TestTemplate_RoundTrip(t *testing.T) {
	rd := openTemplate(t, fillTemplate(t, nil))
	if rd.Kind() != models.KindLineItems {
		t.Fatalf("kind = %q", rd.Kind())
	}
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	type line struct {
		sheet  string
		row    int
		table  models.Table
		code   string
		column string
		amount string
		unit   models.Unit
	}
	want := []line{
		{"部门收支总表", 8, models.TableSummary, "general_budget", "amount", "1000000.5", models.Yuan},
		{"部门收支总表", 20, models.TableSummary, "income_total", "amount", "0", models.Yuan},
		{"部门支出总表", 8, models.TableExpenditure, "total", "total", "100", models.WanYuan},
		{"部门支出总表", 8, models.TableExpenditure, "total", "basic", "60", models.WanYuan},
		{"部门支出总表", 8, models.TableExpenditure, "total", "project", "40", models.WanYuan},
		{"部门支出总表", 9, models.TableExpenditure, "2010601", "basic", "60", models.WanYuan},
		{"机关运行经费", 8, models.TableOperatingCost, "total", "amount", "35.8", models.WanYuan},
	}
	if len(recs) != len(want) {
		for _, r := range recs {
			t.Logf("%s row %d %+v", r.Sheet, r.Row, r.LineItem)
		}
		t.Fatalf("records = %d, want %d", len(recs), len(want))
	}
	key := models.FilingKey{RegionCode: "431099", DeptCode: "001", FiscalYear: 2025, Phase: models.PhaseBudget}
	for i, w := range want {
		r := recs[i]
		li := r.LineItem
		if r.Sheet != w.sheet || r.Row != w.row || li.Table != w.table || li.Code != w.code || li.Column != w.column ||
			li.Amount != money(t, w.amount, w.unit) || li.Unit != w.unit || li.SourceRow != w.row {
			t.Errorf("record %d = %s row %d %+v, want %+v", i, r.Sheet, r.Row, li, w)
		}
		if r.Key != key || r.DeptName != "县财政局" || r.RegionName != "示例县" {
			t.Errorf("record %d key = %+v %q %q (later sheets inherit the department)", i, r.Key, r.DeptName, r.RegionName)
		}
	}
	if recs[5].LineItem.Name != "行政运行" || recs[0].LineItem.Name != "一般公共预算拨款" {
		t.Errorf("names = %q, %q", recs[5].LineItem.Name, recs[0].LineItem.Name)
	}
}

func TestTemplate_CommittedFilledWorkbook(t *testing.T) {
	rd := openTestdata(t, "line_items_template_filled.xlsx", Options{})
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	if len(recs) != 7 {
		t.Fatalf("records = %d", len(recs))
	}
}

func TestTemplate_Layout(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplateXLSX(&buf, models.KindLineItems); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != len(models.Tables)-1 || sheets[0] != "部门收支总表" {
		t.Fatalf("sheets = %v", sheets)
	}
	for _, s := range sheets {
		if s == "一般公共预算“三公”经费支出表" {
			t.Fatal("三公 has its own template")
		}
	}
	get := func(sheet, cell string) string {
		v, _ := f.GetCellValue(sheet, cell)
		return v
	}
	if get("部门支出总表", "A7") != "科目编码" || get("部门支出总表", "B7") != "科目名称" ||
		get("部门支出总表", "C7") != "合计" || get("部门支出总表", "D7") != "基本支出" || get("部门支出总表", "F7") != "上缴上级支出" {
		t.Errorf("expenditure header row: %q %q %q %q", get("部门支出总表", "A7"), get("部门支出总表", "C7"), get("部门支出总表", "D7"), get("部门支出总表", "F7"))
	}
	if get("部门收支总表", "A2") != "区划代码" || get("部门收支总表", "C4") != "阶段" || get("部门收支总表", "A5") != "单位" || get("部门收支总表", "B5") != "元" {
		t.Errorf("label block wrong")
	}
	if get("政府采购预算", "A8") != "goods" || get("政府采购预算", "B8") != "货物" {
		t.Errorf("procurement rows: %q %q", get("政府采购预算", "A8"), get("政府采购预算", "B8"))
	}
	// The untouched template is a file without data.
	rd := openTemplate(t, data)
	readAll(t, rd)
	mustFind(t, rd.Findings(), RuleFileEmpty, 0, "")
	if len(rd.Findings()) != 1 {
		t.Errorf("findings:\n%s", dump(rd.Findings()))
	}
}

// TestTemplate_Rules has a failing case for each rule the template reader applies.
func TestTemplate_Rules(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(f *excelize.File)
		rule   string
		sheet  string
		row    int
		column string
	}{
		{"label value empty", func(f *excelize.File) { f.SetCellValue("部门收支总表", "B3", "") },
			RuleCellRequired, "部门收支总表", 3, "部门编码"},
		{"label removed", func(f *excelize.File) {
			f.SetCellValue("部门收支总表", "A5", "")
			f.SetCellValue("部门收支总表", "B5", "")
		},
			RuleHeaderMissing, "部门收支总表", 7, "单位"},
		{"bad phase", func(f *excelize.File) { f.SetCellValue("部门收支总表", "D4", "草稿") },
			RuleCellEnum, "部门收支总表", 4, "阶段"},
		{"bad year", func(f *excelize.File) { f.SetCellValue("部门收支总表", "B4", 1999) },
			RuleCellType, "部门收支总表", 4, "年度"},
		{"bad region code", func(f *excelize.File) { f.SetCellValue("部门收支总表", "B2", "4310") },
			RuleCellType, "部门收支总表", 2, "区划代码"},
		{"unknown column", func(f *excelize.File) { f.SetCellValue("部门支出总表", "I7", "备注") },
			RuleHeaderUnknown, "部门支出总表", 7, "备注"},
		{"duplicate column", func(f *excelize.File) { f.SetCellValue("部门支出总表", "I7", "basic") },
			RuleHeaderDuplicate, "部门支出总表", 7, "basic"},
		{"no header row", func(f *excelize.File) { f.SetCellValue("部门支出总表", "A7", "编码") },
			RuleHeaderMissing, "部门支出总表", 0, "科目编码"},
		{"amount not a number", func(f *excelize.File) { f.SetCellValue("部门支出总表", "E9", "六十") },
			RuleCellType, "部门支出总表", 9, "项目支出"},
		{"amount not a whole fen", func(f *excelize.File) { f.SetCellValue("部门支出总表", "E9", "0.0000001") },
			RuleCellType, "部门支出总表", 9, "项目支出"},
		{"code missing on a row with amounts", func(f *excelize.File) { f.SetCellValue("部门支出总表", "D12", 5) },
			RuleCellRequired, "部门支出总表", 12, "科目编码"},
		{"code not a row of the table", func(f *excelize.File) {
			f.SetCellValue("政府采购预算", "A9", "tools")
			f.SetCellValue("政府采购预算", "C9", 5)
		},
			RuleCellEnum, "政府采购预算", 9, "科目编码"},
		{"final-only column in a budget", func(f *excelize.File) { f.SetCellValue("部门支出总表", "F9", 5) },
			RuleCellEnum, "部门支出总表", 9, "上缴上级支出"},
		{"cell past the header", func(f *excelize.File) { f.SetCellValue("部门支出总表", "K9", "注") },
			RuleRowExtraCells, "部门支出总表", 9, ""},
		{"cell too long", func(f *excelize.File) { f.SetCellValue("部门支出总表", "B9", strings.Repeat("长", 201)) },
			RuleCellLength, "部门支出总表", 9, "科目名称"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rd := openTemplate(t, fillTemplate(t, tc.edit))
			readAll(t, rd)
			f := mustFind(t, rd.Findings(), tc.rule, tc.row, tc.column)
			if !strings.Contains(f.Message, "工作表“"+tc.sheet+"”") {
				t.Errorf("message %q does not name the sheet", f.Message)
			}
		})
	}
}

func TestTemplate_FinalColumnsInAFinal(t *testing.T) {
	rd := openTemplate(t, fillTemplate(t, func(f *excelize.File) {
		f.SetCellValue("部门收支总表", "D4", "决算")
		f.SetCellValue("部门支出总表", "F9", 5)
	}))
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	found := false
	for _, r := range recs {
		if r.LineItem.Column == "remit_superior" && r.Key.Phase == models.PhaseFinal {
			found = true
		}
	}
	if !found {
		t.Fatal("no remit_superior line")
	}
}

func TestTemplate_BadInheritedValueReportedOnce(t *testing.T) {
	rd := openTemplate(t, fillTemplate(t, func(f *excelize.File) { f.SetCellValue("部门收支总表", "B3", "0 01") }))
	readAll(t, rd)
	n := 0
	for _, f := range rd.Findings() {
		if f.Rule == RuleCellType && f.Column == "部门编码" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("部门编码 reported %d times:\n%s", n, dump(rd.Findings()))
	}
}

func TestTemplate_ThreePublicXLSXAndCSV(t *testing.T) {
	for _, kind := range []string{models.KindThreePublic, models.KindLineItems} {
		var csvBuf bytes.Buffer
		if err := WriteTemplateCSV(&csvBuf, kind); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(csvBuf.Bytes(), []byte("\xEF\xBB\xBF区划代码,")) || !bytes.Contains(csvBuf.Bytes(), []byte("\r\n")) {
			t.Errorf("%s CSV template must start with a BOM and Chinese headers: %q", kind, csvBuf.String()[:20])
		}
		rd, err := Open(&csvBuf, "t.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs := readAll(t, rd)
		noFindings(t, rd.Findings())
		if rd.Kind() != kind || len(recs) != 1 {
			t.Errorf("%s CSV template read back as %q with %d records", kind, rd.Kind(), len(recs))
		}
		rd.Close()
	}
	var x bytes.Buffer
	if err := WriteTemplateXLSX(&x, models.KindThreePublic); err != nil {
		t.Fatal(err)
	}
	rd := openTemplate(t, x.Bytes())
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	if rd.Kind() != models.KindThreePublic || len(recs) != 1 || recs[0].Key.DeptCode != "001" || recs[0].Sheet != "三公经费" {
		t.Fatalf("三公 XLSX template: kind %q records %+v", rd.Kind(), recs)
	}
	if recs[0].ThreePublic.Total != money(t, "12.5", models.WanYuan) {
		t.Errorf("example = %+v", recs[0].ThreePublic)
	}
}

func TestTemplate_UnknownKind(t *testing.T) {
	if err := WriteTemplateXLSX(io.Discard, "x"); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("xlsx: %v", err)
	}
	if err := WriteTemplateCSV(io.Discard, "x"); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("csv: %v", err)
	}
}

func TestTemplate_ANoteUnderATableIsItsNote(t *testing.T) {
	const note = "注：本部门无政府性基金预算财政拨款支出，此表为空表。"
	rd := openTemplate(t, fillTemplate(t, func(f *excelize.File) {
		if err := f.SetCellValue("政府性基金预算支出表", "A9", note); err != nil {
			t.Fatal(err)
		}
	}))
	recs := readAll(t, rd)
	noFindings(t, rd.Findings())
	var notes []Record
	for _, r := range recs {
		if r.Note != nil {
			notes = append(notes, r)
		}
	}
	if len(notes) != 1 || notes[0].Note.Table != models.TableGovFundExpenditure || notes[0].Note.Note != note ||
		notes[0].Row != 9 || notes[0].LineItem != nil || notes[0].Key.DeptCode != "001" {
		t.Fatalf("notes: %+v", notes)
	}
}
