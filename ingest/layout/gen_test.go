package layout_test

import (
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sunshine/ingest"
	"sunshine/models"
)

// The workbooks of testdata/workbooks are written from the long-form
// fixtures of testdata/layouts in the official layout, by excelize, then
// saved again by LibreOffice as .xlsx and as .xls (BIFF8):
//
//	go test ./ingest/layout/ -run TestWriteWorkbooks -update
//
// needs soffice (Debian: libreoffice-calc) for the LibreOffice copies.
var (
	update = flag.Bool("update", false, "rewrite testdata/workbooks")
	only   = flag.String("only", "", "with -update: rewrite this fixture's workbooks only")
)

const (
	layoutsDir   = "../../testdata/layouts"
	workbooksDir = "../../testdata/workbooks"
)

// style is how one workbook prints its tables; each fixture uses another, so
// the set covers the variants bureaus print.
type style struct {
	codes     string // "single" 科目编码 | "split" 类/款/项 each with its digits | "split-new" only the new digits | "name" 201 一般公共服务支出
	title     string // "dept-year": 表1 <部门>2025年<表名>; "label": 2025年<表名> + 编制单位 line; "year-cell": 附表1：<表名> + 部门名称 line and 2025年度 cell
	sheets    string // "numbered" 表1…; "titles"; "grouped" several tables on one sheet
	threeDown bool   // the 三公 table printed down (items as rows)
	hidden    bool   // a hidden sheet with a stale table
	reverse   bool   // sheets in reverse order
	nine      bool   // the nine tables only (no 政府采购, 机关运行经费 sheets)
	formulas  bool   // each 合计 row as a formula (LibreOffice stores its result)
}

var styles = map[string]style{
	"budget-yuan-no-carryover":   {codes: "single", title: "dept-year", sheets: "numbered"},
	"budget-yuan-carryover":      {codes: "split", title: "label", sheets: "titles", hidden: true, reverse: true},
	"budget-wanyuan":             {codes: "name", title: "year-cell", sheets: "numbered", threeDown: true},
	"final-wanyuan":              {codes: "single", title: "dept-year", sheets: "titles"},
	"final-yuan":                 {codes: "split-new", title: "label", sheets: "numbered", formulas: true},
	"budget-yuan-whole-rounding": {codes: "name", title: "dept-year", sheets: "grouped"},
}

// fixture is one filing of testdata/layouts, read through the CSV reader.
type fixture struct {
	name   string
	key    models.FilingKey
	dept   string
	items  map[models.Table][]models.LineItem
	notes  map[models.Table][]string
	tp     *models.ThreePublic
	tpNote string
}

func readRecords(t testing.TB, path string, opts ingest.Options) []ingest.Record {
	t.Helper()
	rd, err := ingest.OpenFile(path, opts)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer rd.Close()
	var out []ingest.Record
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, rec)
	}
	if fs := rd.Findings(); len(fs) > 0 {
		var msgs []string
		for _, f := range fs {
			msgs = append(msgs, f.Rule+" "+f.Message)
		}
		t.Fatalf("%s: %d findings:\n%s", path, len(fs), strings.Join(msgs, "\n"))
	}
	return out
}

func loadFixture(t testing.TB, name string) fixture {
	fx := fixture{name: name, items: map[models.Table][]models.LineItem{}, notes: map[models.Table][]string{}}
	for _, file := range []string{"line_items.csv", "three_public.csv"} {
		for _, rec := range readRecords(t, filepath.Join(layoutsDir, name, file), ingest.Options{}) {
			fx.key, fx.dept = rec.Key, rec.DeptName
			switch {
			case rec.ThreePublic != nil:
				fx.tp = rec.ThreePublic
				if rec.Note != nil {
					fx.tpNote = rec.Note.Note
				}
			case rec.LineItem != nil:
				fx.items[rec.LineItem.Table] = append(fx.items[rec.LineItem.Table], *rec.LineItem)
			case rec.Note != nil:
				fx.notes[rec.Note.Table] = append(fx.notes[rec.Note.Table], rec.Note.Note)
			}
		}
	}
	return fx
}

func TestWriteWorkbooks(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/workbooks")
	}
	if err := os.MkdirAll(workbooksDir, 0o755); err != nil {
		t.Fatal(err)
	}
	var written []string
	for name, st := range styles {
		if *only != "" && name != *only {
			continue
		}
		fx := loadFixture(t, name)
		path := filepath.Join(workbooksDir, name+".xlsx")
		if err := writeWorkbook(fx, st, "", path); err != nil {
			t.Fatal(err)
		}
		written = append(written, path)
	}
	// One with a header no table has: 专项支出 for 项目支出 on 部门支出总表.
	fx := loadFixture(t, "budget-yuan-no-carryover")
	if err := writeWorkbook(fx, styles["budget-yuan-no-carryover"], "专项支出", filepath.Join(workbooksDir, "unknown-header.xlsx")); err != nil {
		t.Fatal(err)
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Log("soffice not installed: the LibreOffice copies were not rewritten")
		return
	}
	home := t.TempDir()
	for _, path := range written {
		base := strings.TrimSuffix(filepath.Base(path), ".xlsx")
		for _, to := range []struct{ filter, ext string }{{"xls:MS Excel 97", "xls"}, {"xlsx:Calc MS Excel 2007 XML", "xlsx"}} {
			out := t.TempDir()
			cmd := exec.Command(soffice, "--headless", "--convert-to", to.filter, "--outdir", out, path)
			cmd.Env = append(os.Environ(), "HOME="+home)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("soffice: %v\n%s", err, b)
			}
			data, err := os.ReadFile(filepath.Join(out, base+"."+to.ext))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(workbooksDir, base+".libreoffice."+to.ext), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// book writes one workbook with excelize.
type book struct {
	f                                   *excelize.File
	st                                  style
	fx                                  fixture
	title, header, text, amount2, whole int
	amount1                             int
	sheets                              []string
	rename                              string // the header to write instead of 项目支出 on 部门支出总表
}

func writeWorkbook(fx fixture, st style, rename, path string) error {
	b := &book{f: excelize.NewFile(), st: st, fx: fx, rename: rename}
	defer b.f.Close()
	// The new workbook's own sheet goes once the tables have theirs.
	if err := b.f.SetSheetName("Sheet1", "新建"); err != nil {
		return err
	}
	var err error
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	must := func(id int, e error) int {
		if e != nil {
			err = e
		}
		return id
	}
	b.title = must(b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center"}}))
	b.header = must(b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}))
	b.text = must(b.f.NewStyle(&excelize.Style{Border: border}))
	b.amount2 = must(b.f.NewStyle(&excelize.Style{Border: border, NumFmt: 4}))
	b.whole = must(b.f.NewStyle(&excelize.Style{Border: border, NumFmt: 3}))
	fmt1 := "#,##0.0"
	b.amount1 = must(b.f.NewStyle(&excelize.Style{Border: border, CustomNumFmt: &fmt1}))
	if err != nil {
		return err
	}
	order := []models.Table{models.TableSummary, models.TableIncome, models.TableExpenditure, models.TableFiscalSummary,
		models.TableGeneralExpenditure, models.TableBasicExpenditure, models.TableThreePublic, models.TableGovFundExpenditure,
		models.TableStateCapitalExpenditure, models.TableProcurement, models.TableOperatingCost}
	type placed struct {
		sheet string
		table models.Table
		n     int
	}
	var plan []placed
	for i, tbl := range order {
		if st.nine && (tbl == models.TableProcurement || tbl == models.TableOperatingCost) {
			continue
		}
		spec, _ := models.LookupTable(string(tbl))
		sheet := "表" + strconv.Itoa(i+1)
		switch st.sheets {
		case "titles":
			sheet = spec.Name(fx.key.Phase)
			if len([]rune(sheet)) > 31 {
				sheet = string([]rune(sheet)[:31])
			}
		case "grouped":
			switch tbl {
			case models.TableGovFundExpenditure, models.TableStateCapitalExpenditure:
				sheet = "空表"
			case models.TableThreePublic, models.TableProcurement, models.TableOperatingCost:
				sheet = "三公及其他"
			default:
				sheet = "Sheet" + strconv.Itoa(i+1)
			}
		}
		plan = append(plan, placed{sheet, tbl, i + 1})
	}
	if st.reverse {
		for i, j := 0, len(plan)-1; i < j; i, j = i+1, j-1 {
			plan[i], plan[j] = plan[j], plan[i]
		}
	}
	next := map[string]int{}
	for _, p := range plan {
		if _, ok := next[p.sheet]; !ok {
			if _, err := b.f.NewSheet(p.sheet); err != nil {
				return err
			}
			next[p.sheet] = 1
			b.sheets = append(b.sheets, p.sheet)
		}
		row, err := b.writeTable(p.sheet, next[p.sheet], p.table, p.n)
		if err != nil {
			return err
		}
		next[p.sheet] = row + 2
	}
	if st.hidden {
		// A stale copy of a table, hidden as bureaus hide their working sheets.
		if _, err := b.f.NewSheet("底稿"); err != nil {
			return err
		}
		b.f.SetCellValue("底稿", "A1", "部门收支总表（旧）")
		b.f.SetCellValue("底稿", "A2", "单位：元")
		b.f.SetSheetRow("底稿", "A3", &[]any{"项目", "预算数", "项目", "预算数"})
		b.f.SetSheetRow("底稿", "A4", &[]any{"一般公共预算拨款收入", 1, "一般公共服务支出", 1})
		if err := b.f.SetSheetVisible("底稿", false); err != nil {
			return err
		}
	}
	if err := b.f.DeleteSheet("新建"); err != nil {
		return err
	}
	b.f.SetActiveSheet(0)
	return b.f.SaveAs(path)
}

func (b *book) set(sheet string, col, row int, v any, style int) {
	cell, _ := excelize.CoordinatesToCellName(col, row)
	b.f.SetCellValue(sheet, cell, v)
	if style != 0 {
		b.f.SetCellStyle(sheet, cell, cell, style)
	}
}

func (b *book) merge(sheet string, c0, r0, c1, r1 int) {
	if c0 == c1 && r0 == r1 {
		return
	}
	a, _ := excelize.CoordinatesToCellName(c0, r0)
	z, _ := excelize.CoordinatesToCellName(c1, r1)
	b.f.MergeCell(sheet, a, z)
}

// amount writes a figure as a number with the number format of its printed decimals.
func (b *book) amount(sheet string, col, row int, m models.NullMoney, u models.Unit, d models.Decimals) {
	if !m.Valid {
		return
	}
	n, ok := d.N()
	if !ok {
		n = 2
	}
	text := m.Money.FormatRounded(u, n, false)
	v, _ := strconv.ParseFloat(text, 64)
	style := map[int]int{0: b.whole, 1: b.amount1, 2: b.amount2}[n]
	b.set(sheet, col, row, v, style)
}

// total writes a 合计 figure: as a formula when the style says so (a
// constant formula, whose result LibreOffice computes and stores), else as amount does.
func (b *book) total(sheet string, col, row int, m models.NullMoney, u models.Unit, d models.Decimals) {
	b.amount(sheet, col, row, m, u, d)
	if !b.st.formulas || !m.Valid {
		return
	}
	n, _ := d.N()
	cell, _ := excelize.CoordinatesToCellName(col, row)
	b.f.SetCellFormula(sheet, cell, m.Money.FormatRounded(u, n, false)+"*1")
}

// titleBlock writes the title, the label line and the unit line from row r;
// it returns the first row of the header.
func (b *book) titleBlock(sheet string, r, n, width int, spec models.TableSpec, unit models.Unit) int {
	fx := b.fx
	name := spec.Name(fx.key.Phase)
	year := strconv.Itoa(fx.key.FiscalYear) + "年"
	if fx.key.Phase == models.PhaseFinal {
		year += "度"
	}
	var title string
	switch b.st.title {
	case "dept-year":
		title = "表" + strconv.Itoa(n) + " " + fx.dept + year + name
	case "label":
		title = year + name
	case "year-cell":
		title = "附表" + strconv.Itoa(n) + "：" + name
	}
	b.set(sheet, 1, r, title, b.title)
	b.merge(sheet, 1, r, width, r)
	r++
	switch b.st.title {
	case "dept-year":
		b.set(sheet, width, r, "单位："+string(unit), 0)
		if fx.key.Phase == models.PhaseFinal {
			b.set(sheet, 1, r, "公开"+strconv.Itoa(n)+"表", 0)
		}
	case "label":
		b.set(sheet, 1, r, "编制单位："+fx.dept, 0)
		b.set(sheet, width, r, "单位："+string(unit), 0)
	case "year-cell":
		b.set(sheet, 1, r, "部门名称："+fx.dept, 0)
		b.set(sheet, max(2, width-1), r, year+"度", 0)
		b.set(sheet, width, r, "金额单位："+string(unit), 0)
	}
	return r + 1
}

// tableUnit is the unit a table's figures were printed in.
func (b *book) tableUnit(tbl models.Table) models.Unit {
	if tbl == models.TableThreePublic && b.fx.tp != nil {
		return b.fx.tp.Unit
	}
	for _, li := range b.fx.items[tbl] {
		return li.Unit
	}
	for _, li := range b.fx.items[models.TableSummary] {
		return li.Unit
	}
	return models.Yuan
}

func (b *book) writeTable(sheet string, r int, tbl models.Table, n int) (int, error) {
	spec, _ := models.LookupTable(string(tbl))
	switch {
	case tbl == models.TableThreePublic && b.st.threeDown:
		return b.threePublicDown(sheet, r, n, spec)
	case tbl == models.TableThreePublic:
		return b.threePublicAcross(sheet, r, n, spec)
	case tbl == models.TableSummary || tbl == models.TableFiscalSummary:
		return b.twoSided(sheet, r, n, spec)
	case spec.Classification != "":
		return b.classified(sheet, r, n, spec)
	}
	return b.rowKeyed(sheet, r, n, spec)
}

// notes writes the table's notes under it.
func (b *book) notes(sheet string, r int, tbl models.Table) int {
	for _, note := range b.fx.notes[tbl] {
		b.set(sheet, 1, r, note, 0)
		r++
	}
	return r
}

// rowsOf groups a table's lines by code, in the order the CSV gives them.
func rowsOf(items []models.LineItem) ([]string, map[string]map[string]models.LineItem, map[string]string) {
	var order []string
	cells := map[string]map[string]models.LineItem{}
	names := map[string]string{}
	for _, li := range items {
		if cells[li.Code] == nil {
			order = append(order, li.Code)
			cells[li.Code] = map[string]models.LineItem{}
			names[li.Code] = li.Name
		}
		cells[li.Code][li.Column] = li
	}
	return order, cells, names
}

func (b *book) classified(sheet string, r, n int, spec models.TableSpec) (int, error) {
	fx := b.fx
	final := fx.key.Phase == models.PhaseFinal
	var cols []models.ColumnSpec
	switch {
	case spec.Key == models.TableBasicExpenditure && final:
		cols = []models.ColumnSpec{{Key: "total", Chinese: "决算数"}}
	case spec.Key == models.TableIncome && final:
		for _, c := range spec.Columns {
			if c.Key != "carryover" {
				cols = append(cols, c)
			}
		}
		cols[0].Chinese = "本年收入合计"
	default:
		cols = append(cols, spec.Columns...)
		if final {
			cols = append(cols, spec.FinalColumns...)
		}
		if spec.Key == models.TableExpenditure && final {
			cols[0].Chinese = "本年支出合计"
		}
	}
	for i := range cols {
		if spec.Key == models.TableExpenditure && cols[i].Key == "project" && b.rename != "" {
			cols[i].Chinese = b.rename
		}
	}
	split := strings.HasPrefix(b.st.codes, "split")
	levels := 3
	if spec.Classification == "economic" {
		levels = 2
	}
	lead := 2 // code and name columns
	switch {
	case split:
		lead = levels + 1
	case b.st.codes == "name":
		lead = 1
	}
	// 政府性基金 and 国有资本经营 finals print their carry-over columns around 本年支出.
	fundFinal := final && (spec.Key == models.TableGovFundExpenditure || spec.Key == models.TableStateCapitalExpenditure)
	grouped := final && spec.Classification == "functional" && spec.Key != models.TableIncome
	width := lead + len(cols)
	if fundFinal {
		width += 3
	}
	r = b.titleBlock(sheet, r, n, width, spec, b.tableUnit(spec.Key))
	h0 := r
	hRows := 1
	if split || grouped {
		hRows = 2
	}
	// The code and name headers.
	switch {
	case split:
		b.set(sheet, 1, h0, "科目编码", b.header)
		b.merge(sheet, 1, h0, levels, h0)
		for i, w := range []string{"类", "款", "项"}[:levels] {
			b.set(sheet, 1+i, h0+1, w, b.header)
		}
		b.set(sheet, levels+1, h0, "科目名称", b.header)
		b.merge(sheet, levels+1, h0, levels+1, h0+1)
	case b.st.codes == "name":
		b.set(sheet, 1, h0, map[string]string{"functional": "功能分类科目", "economic": "经济分类科目"}[spec.Classification], b.header)
		b.merge(sheet, 1, h0, 1, h0+hRows-1)
	default:
		b.set(sheet, 1, h0, "科目编码", b.header)
		b.set(sheet, 2, h0, "科目名称", b.header)
		b.merge(sheet, 1, h0, 1, h0+hRows-1)
		b.merge(sheet, 2, h0, 2, h0+hRows-1)
	}
	col := lead + 1
	if fundFinal {
		b.set(sheet, col, h0, "年初结转和结余", b.header)
		b.merge(sheet, col, h0, col, h0+1)
		b.set(sheet, col+1, h0, "本年收入", b.header)
		b.merge(sheet, col+1, h0, col+1, h0+1)
		col += 2
	}
	first := col
	for i, c := range cols {
		if grouped {
			b.set(sheet, col+i, h0+1, c.Chinese, b.header)
		} else {
			b.set(sheet, col+i, h0, c.Chinese, b.header)
			b.merge(sheet, col+i, h0, col+i, h0+hRows-1)
		}
	}
	if grouped {
		b.set(sheet, first, h0, "本年支出", b.header)
		b.merge(sheet, first, h0, first+len(cols)-1, h0)
	}
	if fundFinal {
		last := first + len(cols)
		b.set(sheet, last, h0, "年末结转和结余", b.header)
		b.merge(sheet, last, h0, last, h0+1)
	}
	r = h0 + hRows
	order, cells, names := rowsOf(fx.items[spec.Key])
	if len(order) == 0 {
		// An empty table prints its 合计 row blank.
		b.set(sheet, lead, r, "合计", b.text)
		r++
	}
	unit := b.tableUnit(spec.Key)
	for _, code := range order {
		name := names[code]
		isCode := code != "" && code[0] >= '0' && code[0] <= '9'
		switch {
		case !isCode && b.st.codes == "name":
			b.set(sheet, 1, r, name, b.text)
		case !isCode:
			b.set(sheet, lead, r, name, b.text)
		case b.st.codes == "name":
			indent := strings.Repeat("  ", (len(code)-3)/2)
			b.set(sheet, 1, r, indent+code+" "+name, b.text)
		case split:
			level := (len(code) - 3) / 2
			for i := 0; i <= level; i++ {
				part := code[:3]
				if i > 0 {
					part = code[1+2*i : 3+2*i]
				}
				if b.st.codes == "split-new" && i < level {
					continue
				}
				b.set(sheet, 1+i, r, part, b.text)
			}
			b.set(sheet, lead, r, strings.Repeat("  ", level)+name, b.text)
		default:
			b.set(sheet, 1, r, code, b.text)
			b.set(sheet, 2, r, name, b.text)
		}
		for i, c := range cols {
			if li, ok := cells[code][c.Key]; ok && code == models.RowTotal {
				b.total(sheet, first+i, r, li.Amount, unit, li.Decimals)
			} else if ok {
				b.amount(sheet, first+i, r, li.Amount, unit, li.Decimals)
			}
		}
		r++
	}
	return b.notes(sheet, r, spec.Key), nil
}

// incomeSide reports whether a row key of the two 总表 is on the income side.
func incomeSide(code string) bool {
	switch code {
	case "general_budget", "gov_fund", "state_capital", "special_account", "business", "operations", "superior_subsidy",
		"subordinate_remit", "other", "income_subtotal", "carryover_in", "surplus_used", "income_total":
		return true
	}
	return false
}

func (b *book) twoSided(sheet string, r, n int, spec models.TableSpec) (int, error) {
	fx := b.fx
	final := fx.key.Phase == models.PhaseFinal
	amountWord := "预算数"
	if final {
		amountWord = "金额"
	}
	var spendCols []models.ColumnSpec
	if spec.Key == models.TableFiscalSummary {
		spendCols = spec.Columns
		if final {
			spendCols = []models.ColumnSpec{{Key: "total", Chinese: "合计"}, {Key: "general_budget", Chinese: "一般公共预算财政拨款"},
				{Key: "gov_fund", Chinese: "政府性基金预算财政拨款"}, {Key: "state_capital", Chinese: "国有资本经营预算财政拨款"}}
		}
	} else {
		spendCols = []models.ColumnSpec{{Key: "amount", Chinese: amountWord}}
	}
	lineCol := 0
	if final {
		lineCol = 1 // 行次
	}
	inW := 2 + lineCol
	width := inW + 1 + lineCol + len(spendCols)
	unit := b.tableUnit(spec.Key)
	r = b.titleBlock(sheet, r, n, width, spec, unit)
	b.set(sheet, 1, r, "收入", b.header)
	b.merge(sheet, 1, r, inW, r)
	b.set(sheet, inW+1, r, "支出", b.header)
	b.merge(sheet, inW+1, r, width, r)
	r++
	heads := []string{"项目"}
	if final {
		heads = append(heads, "行次")
	}
	heads = append(heads, amountWord, "项目")
	if final {
		heads = append(heads, "行次")
	}
	for _, c := range spendCols {
		heads = append(heads, c.Chinese)
	}
	for i, h := range heads {
		b.set(sheet, i+1, r, h, b.header)
	}
	r++
	if final {
		b.set(sheet, 1, r, "栏次", b.header)
		b.set(sheet, inW, r, 1, b.header)
		b.set(sheet, inW+1, r, "栏次", b.header)
		for i := range spendCols {
			b.set(sheet, inW+2+lineCol+i, r, 2+i, b.header)
		}
		r++
	}
	// The income lines as printed rows: one per code, and under a fiscal
	// summary's 上年结转 one per fund of the carry-over.
	type printed struct {
		name  string
		cells map[string]models.LineItem
	}
	var income, spend []printed
	for _, li := range fx.items[spec.Key] {
		side := &spend
		if incomeSide(li.Code) {
			side = &income
		}
		key := li.Code
		if spec.Key == models.TableFiscalSummary && li.Code == "carryover_in" && li.Column != "total" {
			key += "/" + li.Column
		}
		found := false
		for i := range *side {
			if (*side)[i].cells["key"].Code == key {
				(*side)[i].cells[li.Column] = li
				found = true
			}
		}
		if !found {
			*side = append(*side, printed{name: li.Name, cells: map[string]models.LineItem{"key": {Code: key}, li.Column: li}})
		}
	}
	for i := 0; i < max(len(income), len(spend)); i++ {
		if i < len(income) {
			p := income[i]
			b.set(sheet, 1, r, p.name, b.text)
			if final {
				b.set(sheet, 2, r, i+1, b.text)
			}
			for k, li := range p.cells {
				if k != "key" {
					b.amount(sheet, inW, r, li.Amount, unit, li.Decimals)
				}
			}
		}
		if i < len(spend) {
			p := spend[i]
			b.set(sheet, inW+1, r, p.name, b.text)
			if final {
				b.set(sheet, inW+2, r, len(income)+i+1, b.text)
			}
			for j, c := range spendCols {
				if li, ok := p.cells[c.Key]; ok {
					b.amount(sheet, inW+2+lineCol+j, r, li.Amount, unit, li.Decimals)
				}
			}
		}
		r++
	}
	return b.notes(sheet, r, spec.Key), nil
}

func (b *book) rowKeyed(sheet string, r, n int, spec models.TableSpec) (int, error) {
	unit := b.tableUnit(spec.Key)
	word := "预算数"
	if b.fx.key.Phase == models.PhaseFinal {
		word = "决算数"
	}
	r = b.titleBlock(sheet, r, n, 2, spec, unit)
	b.set(sheet, 1, r, "项目", b.header)
	b.set(sheet, 2, r, word, b.header)
	r++
	for _, li := range b.fx.items[spec.Key] {
		b.set(sheet, 1, r, li.Name, b.text)
		b.amount(sheet, 2, r, li.Amount, unit, li.Decimals)
		r++
	}
	return b.notes(sheet, r, spec.Key), nil
}

// threeItems are the 三公 amounts as the tables print them across.
var threeItems = []struct{ key, head, sub string }{
	{"total", "合计", ""}, {"outbound_trips", "因公出国（境）费", ""}, {"vehicles", "公务用车购置及运行费", "小计"},
	{"vehicle_purchase", "公务用车购置及运行费", "公务用车购置费"}, {"vehicle_operation", "公务用车购置及运行费", "公务用车运行维护费"},
	{"reception", "公务接待费", ""},
}

func (b *book) threeCounts() []models.ThreePublicCount {
	var out []models.ThreePublicCount
	for _, c := range models.ThreePublicCounts {
		if c.Get(b.fx.tp).Valid {
			out = append(out, c)
		}
	}
	return out
}

func (b *book) threePublicAcross(sheet string, r, n int, spec models.TableSpec) (int, error) {
	tp := b.fx.tp
	final := b.fx.key.Phase == models.PhaseFinal
	groups := 1
	if final {
		groups = 2
	}
	counts := b.threeCounts()
	width := groups*len(threeItems) + len(counts)
	r = b.titleBlock(sheet, r, n, width, spec, tp.Unit)
	h0 := r
	top := h0
	if final {
		top = h0 + 1
		b.set(sheet, 1, h0, "预算数", b.header)
		b.merge(sheet, 1, h0, len(threeItems), h0)
		b.set(sheet, len(threeItems)+1, h0, "决算数", b.header)
		b.merge(sheet, len(threeItems)+1, h0, 2*len(threeItems), h0)
	}
	last := top + 1
	for g := 0; g < groups; g++ {
		base := g*len(threeItems) + 1
		for i, it := range threeItems {
			c := base + i
			if it.sub == "" {
				b.set(sheet, c, top, it.head, b.header)
				b.merge(sheet, c, top, c, last)
				continue
			}
			if it.sub == "小计" {
				b.set(sheet, c, top, it.head, b.header)
				b.merge(sheet, c, top, c+2, top)
			}
			b.set(sheet, c, last, it.sub, b.header)
		}
	}
	for i, c := range counts {
		col := groups*len(threeItems) + 1 + i
		b.set(sheet, col, h0, c.Chinese, b.header)
		b.merge(sheet, col, h0, col, last)
	}
	r = last + 1
	for g := 0; g < groups; g++ {
		for i, it := range threeItems {
			key := it.key
			if final && g == 0 {
				key = "budget_" + key
			}
			for _, a := range models.ThreePublicAmounts {
				if a.Key == key {
					b.amount(sheet, g*len(threeItems)+1+i, r, *a.Get(tp), tp.Unit, tp.Decimals)
				}
			}
		}
	}
	for i, c := range counts {
		b.set(sheet, groups*len(threeItems)+1+i, r, c.Get(tp).Count, 0)
	}
	r++
	if b.fx.tpNote != "" {
		b.set(sheet, 1, r, b.fx.tpNote, 0)
		r++
	}
	if tp.ChangeReason != "" {
		b.set(sheet, 1, r, "增减变化原因："+tp.ChangeReason, 0)
		r++
	}
	return r, nil
}

func (b *book) threePublicDown(sheet string, r, n int, spec models.TableSpec) (int, error) {
	tp := b.fx.tp
	r = b.titleBlock(sheet, r, n, 2, spec, tp.Unit)
	b.set(sheet, 1, r, "项目", b.header)
	b.set(sheet, 2, r, "预算数", b.header)
	r++
	names := map[string]string{"total": "合计", "outbound_trips": "1.因公出国（境）费", "vehicles": "2.公务用车购置及运行费",
		"vehicle_purchase": "其中：公务用车购置费", "vehicle_operation": "公务用车运行费", "reception": "3.公务接待费"}
	for _, it := range threeItems {
		b.set(sheet, 1, r, names[it.key], b.text)
		for _, a := range models.ThreePublicAmounts {
			if a.Key == it.key {
				b.amount(sheet, 2, r, *a.Get(tp), tp.Unit, tp.Decimals)
			}
		}
		r++
	}
	for _, c := range b.threeCounts() {
		b.set(sheet, 1, r, c.Chinese, b.text)
		b.set(sheet, 2, r, c.Get(tp).Count, 0)
		r++
	}
	if tp.ChangeReason != "" {
		b.set(sheet, 1, r, "增减变化原因："+tp.ChangeReason, 0)
		r++
	}
	return r, nil
}
