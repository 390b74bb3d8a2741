package ingest

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"sunshine/models"
)

// Layout of a line-item template sheet. The reader does not depend on these
// positions (it looks for the labels and the 科目编码 row), so a bureau may
// insert rows or move the label block; they only fix what the service writes.
const (
	tplTitleRow  = 1
	tplMetaRow   = 2 // rows 2–5: label | value | label | value
	tplNoteRow   = 6
	tplHeaderRow = 7
	tplBlankRows = 30 // empty rows offered under a classified table
)

// exampleKey is the fictional department of the example rows.
var exampleKey = struct{ regionCode, regionName, deptCode, deptName string }{"990001", "示例市", "001", "示例局（请替换）"}

// WriteTemplateCSV writes the CSV template of kind: the Chinese headers of
// CONTRACT.md §2 and one example row, in UTF-8 with a BOM (without it Excel
// opens UTF-8 as GBK and shows mojibake) and CRLF line ends, as Excel writes.
// Returns EINVALID for an unknown kind.
func WriteTemplateCSV(w io.Writer, kind string) error {
	fields, ok := kindFields[kind]
	if !ok {
		return badKind(kind)
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := make([]string, len(fields))
	for i, f := range fields {
		header[i] = f.chinese
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.Write(exampleRow(kind, fields)); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// exampleRow is a consistent example: totals add up and counts go with the money.
func exampleRow(kind string, fields []field) []string {
	values := map[string]string{
		"region_code": exampleKey.regionCode, "region_name": exampleKey.regionName,
		"dept_code": exampleKey.deptCode, "dept_name": exampleKey.deptName, "fiscal_year": "2025", "phase": "预算",
	}
	if kind == models.KindThreePublic {
		for k, v := range map[string]string{"unit": "万元", "total": "12.5", "outbound_trips": "0", "vehicles": "8.5",
			"vehicle_purchase": "0", "vehicle_operation": "8.5", "reception": "4", "trip_groups": "0", "trip_persons": "0",
			"vehicles_purchased": "0", "vehicles_held": "3", "reception_batches": "20", "reception_persons": "120",
			"foreign_reception_batches": "0", "foreign_reception_persons": "0",
			"change_reason": "严格落实过紧日子要求，公务接待费较上年减少 0.5 万元"} {
			values[k] = v
		}
	} else {
		for k, v := range map[string]string{"unit": "元", "table": "expenditure", "code": "2010601", "name": "行政运行",
			"column": "basic", "amount": "1234567.89"} {
			values[k] = v
		}
	}
	row := make([]string, len(fields))
	for i, f := range fields {
		row[i] = values[f.key]
	}
	return row
}

func badKind(kind string) error {
	return models.Errorf(models.EINVALID, "kind“%s”无效，应为 three_public 或 line_items", kind)
}

// WriteTemplateXLSX writes the workbook template of kind. For line items it is
// one sheet per standard table, laid out as the official table (see
// templateReader); for 三公 it is one flat sheet with the CSV headers and an
// example row. Code cells are formatted as text so leading zeros survive.
// Returns EINVALID for an unknown kind.
func WriteTemplateXLSX(w io.Writer, kind string) error {
	return WriteTemplateXLSXFor(w, kind, nil)
}

// TemplateScope is what the holder of an uploader's token may fill in: its
// region and the departments it may write to.
type TemplateScope struct {
	RegionCode, RegionName string
	Departments            []models.Department // Code and Name
}

// deptListSheet is the hidden sheet that lists a scope's departments for the drop-downs.
const deptListSheet = "部门列表"

// WriteTemplateXLSXFor writes the workbook template of kind for a token's
// scope (nil: for anyone, as WriteTemplateXLSX): the region is filled in and
// the 部门编码 and 部门名称 cells offer the scope's departments in a drop-down
// list, read from a hidden sheet (an inline list holds only 255 characters).
func WriteTemplateXLSXFor(w io.Writer, kind string, scope *TemplateScope) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newTemplateStyles(f)
	if err != nil {
		return err
	}
	switch kind {
	case models.KindLineItems:
		for i, spec := range lineItemTables() {
			if err := writeTableSheet(f, st, spec, i == 0); err != nil {
				return err
			}
		}
	case models.KindThreePublic:
		if err := writeFlatSheet(f, st, "三公经费", kind); err != nil {
			return err
		}
	default:
		return badKind(kind)
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		return err
	}
	if err := addScope(f, kind, scope); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// addScope fills in the scope's region and offers its departments on every
// data sheet of the template, from a hidden last sheet (readers skip it:
// it is neither a standard table nor the first sheet).
func addScope(f *excelize.File, kind string, scope *TemplateScope) error {
	if scope == nil || len(scope.Departments) == 0 {
		return nil
	}
	sheets := f.GetSheetList()
	if _, err := f.NewSheet(deptListSheet); err != nil {
		return err
	}
	rows := [][]any{{"部门编码", "部门名称"}}
	for _, d := range scope.Departments {
		rows = append(rows, []any{d.Code, d.Name})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(deptListSheet, cell, &r); err != nil {
			return err
		}
	}
	if err := f.SetSheetVisible(deptListSheet, false); err != nil {
		return err
	}
	n := len(scope.Departments) + 1
	codes := fmt.Sprintf("'%s'!$A$2:$A$%d", deptListSheet, n)
	names := fmt.Sprintf("'%s'!$B$2:$B$%d", deptListSheet, n)
	drop := func(sheet, sqref, list string) error {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = sqref
		dv.SetSqrefDropList(list)
		dv.SetError(excelize.DataValidationErrorStyleStop, "部门不在令牌的授权范围内", "请从下拉列表中选择本令牌可以上传的部门")
		return f.AddDataValidation(sheet, dv)
	}
	for _, sheet := range sheets {
		if kind == models.KindThreePublic {
			cols := map[string]string{}
			for i, fl := range kindFields[kind] {
				cols[fl.key], _ = excelize.ColumnNumberToName(i + 1)
			}
			if err := drop(sheet, cols["dept_code"]+"2:"+cols["dept_code"]+"20001", codes); err != nil {
				return err
			}
			if err := drop(sheet, cols["dept_name"]+"2:"+cols["dept_name"]+"20001", names); err != nil {
				return err
			}
			// The example row becomes the scope's first department.
			for key, v := range map[string]string{"region_code": scope.RegionCode, "region_name": scope.RegionName,
				"dept_code": scope.Departments[0].Code, "dept_name": scope.Departments[0].Name} {
				if c, ok := cols[key]; ok && v != "" {
					if err := f.SetCellStr(sheet, c+"2", v); err != nil {
						return err
					}
				}
			}
			continue
		}
		// A table sheet: 区划代码 B2, 区划名称 D2, 部门编码 B3, 部门名称 D3.
		for cell, v := range map[string]string{"B2": scope.RegionCode, "D2": scope.RegionName} {
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
		}
		if err := drop(sheet, "B3", codes); err != nil {
			return err
		}
		if err := drop(sheet, "D3", names); err != nil {
			return err
		}
	}
	return nil
}

// lineItemTables are the standard tables uploaded as line items (all but 三公).
func lineItemTables() []models.TableSpec {
	var out []models.TableSpec
	for _, t := range models.Tables {
		if t.Key != models.TableThreePublic {
			out = append(out, t)
		}
	}
	return out
}

type templateStyles struct {
	title, label, header, text int
	// Cells of the table, bordered as the printed table: code and name as
	// text, amounts as numbers in #,##0.00, counts as whole numbers.
	cellText, amount, count int
}

func newTemplateStyles(f *excelize.File) (templateStyles, error) {
	var st templateStyles
	var err error
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	if st.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "center"}}); err != nil {
		return st, err
	}
	if st.label, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return st, err
	}
	if st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}}); err != nil {
		return st, err
	}
	// Number format 49 is "@", text: "001" and "000000" keep their zeros.
	if st.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return st, err
	}
	if st.cellText, err = f.NewStyle(&excelize.Style{NumFmt: 49, Border: border}); err != nil {
		return st, err
	}
	// Number format 4 is "#,##0.00": a figure typed in is a number, shown to the fen.
	if st.amount, err = f.NewStyle(&excelize.Style{NumFmt: 4, Border: border}); err != nil {
		return st, err
	}
	st.count, err = f.NewStyle(&excelize.Style{NumFmt: 1, Border: border})
	return st, err
}

// displayWidth is the column width a header needs: Chinese characters take
// two character widths, others one, with room for the borders.
func displayWidth(s string) float64 {
	w := 2.0
	for _, r := range s {
		if r > 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return min(max(w, 10), 40)
}

// printLikeThePublishedTable sets a sheet to print as the official tables do:
// landscape, one page wide, the header rows repeated on every page.
func printLikeThePublishedTable(f *excelize.File, sheet string, headerRow int) error {
	landscape, fit, tall := "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &fit, FitToHeight: &tall}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: boolPtr(true)}); err != nil {
		return err
	}
	rows := "$" + itoa(headerRow) + ":$" + itoa(headerRow)
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: "'" + sheet + "'!" + rows})
}

func boolPtr(b bool) *bool { return &b }

// templateRows are the rows printed under a table's header: the named rows of
// a row-keyed table, or the total row and room for codes.
func templateRows(spec models.TableSpec) [][2]string {
	var rows [][2]string
	switch {
	case len(spec.Rows) > 0 && spec.Classification == "":
		for _, r := range spec.Rows {
			rows = append(rows, [2]string{r.Key, r.Chinese})
		}
	case spec.Key == models.TableFiscalSummary:
		for _, key := range []string{"general_budget", "gov_fund", "state_capital", "income_subtotal", "carryover_in",
			"income_total", "expenditure_subtotal", "carryover_out", "expenditure_total"} {
			r, _ := models.LookupTableRow(models.TableSummary, key)
			rows = append(rows, [2]string{r.Key, r.Chinese})
		}
	default:
		rows = append(rows, [2]string{models.RowTotal, "合计"})
	}
	if spec.Classification != "" || spec.Key == models.TableSummary || spec.Key == models.TableFiscalSummary {
		for i := 0; i < tplBlankRows; i++ {
			rows = append(rows, [2]string{"", ""})
		}
	}
	return rows
}

// writeTableSheet writes one standard table's sheet, laid out and styled to
// print as the published table.
func writeTableSheet(f *excelize.File, st templateStyles, spec models.TableSpec, first bool) error {
	name := spec.BudgetName
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	sw := sheetWriter{f, name}
	columns := append(append([]models.ColumnSpec(nil), spec.Columns...), spec.FinalColumns...)
	lastCol, _ := excelize.ColumnNumberToName(2 + len(columns))
	if err := sw.SetColWidth(1, 1, 22); err != nil { // fits the longest row key, expenditure_subtotal
		return err
	}
	if err := sw.SetColWidth(2, 2, 30); err != nil {
		return err
	}
	for i, c := range columns {
		if err := sw.SetColWidth(3+i, 3+i, max(displayWidth(c.Chinese), 16)); err != nil {
			return err
		}
	}
	if err := sw.SetColStyle(1, 2, st.text); err != nil {
		return err
	}
	// Amounts typed under the header are numbers shown to the fen.
	if err := sw.SetColStyle(3, 2+len(columns), st.amount); err != nil {
		return err
	}
	// The header row stays in view while scrolling the codes.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: tplHeaderRow, TopLeftCell: "A8", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	title := spec.BudgetName
	if spec.FinalName != spec.BudgetName {
		title += "（决算：" + spec.FinalName + "）"
	}
	set := func(row int, values ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, values)
	}
	label := func(s string) excelize.Cell { return excelize.Cell{StyleID: st.label, Value: s} }
	text := func(s string) excelize.Cell { return excelize.Cell{StyleID: st.text, Value: s} }
	note := "填写说明：金额按“单位”填写；空白单元格表示没有该项（按 0 计），为 0 请填 0。表下的说明（如“注：本部门无…，此表为空表”）写在科目编码列，不填金额。"
	if !first {
		note += "区划、部门、年度、阶段留空时沿用前一张表。"
	}
	if spec.FinalColumns != nil {
		note += "“" + spec.FinalColumns[0].Chinese + "”等栏目只用于决算。"
	}
	rows := [][]any{
		{excelize.Cell{StyleID: st.title, Value: title}},
		{label("区划代码"), text(""), label("区划名称"), text("")},
		{label("部门编码"), text(""), label("部门名称"), text("")},
		{label("年度"), text(""), label("阶段"), text("")},
		{label("单位"), text("元")},
		{note},
	}
	for i, values := range rows {
		if err := set(tplTitleRow+i, values...); err != nil {
			return err
		}
	}
	header := []any{excelize.Cell{StyleID: st.header, Value: "科目编码"}, excelize.Cell{StyleID: st.header, Value: "科目名称"}}
	for _, c := range columns {
		header = append(header, excelize.Cell{StyleID: st.header, Value: c.Chinese})
	}
	if err := set(tplHeaderRow, header...); err != nil {
		return err
	}
	for i, r := range templateRows(spec) {
		row := []any{excelize.Cell{StyleID: st.cellText, Value: r[0]}, excelize.Cell{StyleID: st.cellText, Value: r[1]}}
		for range columns {
			row = append(row, excelize.Cell{StyleID: st.amount})
		}
		if err := set(tplHeaderRow+1+i, row...); err != nil {
			return err
		}
	}
	if err := sw.MergeCell("A1", lastCol+"1"); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := printLikeThePublishedTable(f, name, tplHeaderRow); err != nil {
		return err
	}
	return addChoices(f, name, "D4", "B5")
}

// sheetWriter writes a template sheet through excelize's normal API, in the
// shape of its StreamWriter. A streamed sheet is written out whole at Flush
// and drops what is added to it afterwards (the drop-downs, the page setup);
// the templates are a few hundred cells, so nothing is gained by streaming.
type sheetWriter struct {
	f     *excelize.File
	sheet string
}

func (w sheetWriter) columns(a, b int) (string, string) {
	ca, _ := excelize.ColumnNumberToName(a)
	cb, _ := excelize.ColumnNumberToName(b)
	return ca, cb
}

func (w sheetWriter) SetColWidth(a, b int, width float64) error {
	ca, cb := w.columns(a, b)
	return w.f.SetColWidth(w.sheet, ca, cb, width)
}

func (w sheetWriter) SetColStyle(a, b, style int) error {
	ca, cb := w.columns(a, b)
	return w.f.SetColStyle(w.sheet, ca+":"+cb, style)
}

func (w sheetWriter) SetPanes(p *excelize.Panes) error { return w.f.SetPanes(w.sheet, p) }

func (w sheetWriter) MergeCell(a, b string) error { return w.f.MergeCell(w.sheet, a, b) }

func (w sheetWriter) Flush() error { return nil }

// SetRow writes values from cell rightwards; an excelize.Cell gives a style too.
func (w sheetWriter) SetRow(cell string, values []any) error {
	col, row, err := excelize.CellNameToCoordinates(cell)
	if err != nil {
		return err
	}
	for i, v := range values {
		name, _ := excelize.CoordinatesToCellName(col+i, row)
		style := 0
		if c, ok := v.(excelize.Cell); ok {
			v, style = c.Value, c.StyleID
		}
		if v != nil {
			if err := w.f.SetCellValue(w.sheet, name, v); err != nil {
				return err
			}
		}
		if style != 0 {
			if err := w.f.SetCellStyle(w.sheet, name, name, style); err != nil {
				return err
			}
		}
	}
	return nil
}

// addChoices offers drop-down lists for the phase and unit cells. The
// worksheet is complete after Flush, so the normal API can add them.
func addChoices(f *excelize.File, sheet, phaseCell, unitCell string) error {
	for cell, choices := range map[string][]string{phaseCell: {"预算", "调整预算", "决算"}, unitCell: {"元", "万元", "亿元"}} {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = cell
		if err := dv.SetDropList(choices); err != nil {
			return err
		}
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	return nil
}

// writeFlatSheet writes a sheet with the CSV headers and the example row.
func writeFlatSheet(f *excelize.File, st templateStyles, name, kind string) error {
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	sw := sheetWriter{f, name}
	fields := kindFields[kind]
	amounts, counts := map[string]bool{}, map[string]bool{}
	for _, a := range models.ThreePublicAmounts {
		amounts[a.Key] = true
	}
	for _, c := range models.ThreePublicCounts {
		counts[c.Key] = true
	}
	for i, fl := range fields {
		width := displayWidth(fl.chinese)
		style := 0
		switch {
		case fl.key == "region_code" || fl.key == "dept_code":
			style = st.text
		case amounts[fl.key]:
			style, width = st.amount, max(width, 14)
		case counts[fl.key]:
			style = st.count
		case fl.key == "dept_name" || fl.key == "change_reason" || fl.key == "note":
			width = 30
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
		if style != 0 {
			if err := sw.SetColStyle(i+1, i+1, style); err != nil {
				return err
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(fields))
	for i, fl := range fields {
		header[i] = excelize.Cell{StyleID: st.header, Value: fl.chinese}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	example := exampleRow(kind, fields)
	values := make([]any, len(example))
	var phaseCol, unitCol string
	for i, v := range example {
		col, _ := excelize.ColumnNumberToName(i + 1)
		switch key := fields[i].key; {
		case key == "region_code" || key == "dept_code":
			values[i] = excelize.Cell{StyleID: st.text, Value: v}
		case (amounts[key] || counts[key]) && v != "":
			// A number, not text: Excel sums it and shows it in the column's format.
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return err
			}
			style := st.amount
			if counts[key] {
				style = st.count
			}
			values[i] = excelize.Cell{StyleID: style, Value: n}
		default:
			values[i] = v
		}
		switch fields[i].key {
		case "phase":
			phaseCol = col
		case "unit":
			unitCol = col
		}
	}
	if err := sw.SetRow("A2", values); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := printLikeThePublishedTable(f, name, 1); err != nil {
		return err
	}
	return addChoices(f, name, phaseCol+"2:"+phaseCol+"20001", unitCol+"2:"+unitCol+"20001")
}
