package ingest

import (
	"errors"
	"io"
	"strings"

	"sunshine/models"
)

// flatFormat is where a flat table comes from; the two differ in small ways.
type flatFormat int

const (
	// flatCSV: every record should have a cell per header (a shorter one is
	// row.missing_cells), and bytes may be undecodable.
	flatCSV flatFormat = iota
	// flatXLSX: excelize drops trailing empty cells, so short rows are normal,
	// and numeric cells hold Excel's stored double (see excelNumber).
	flatXLSX
)

// flatReader reads a table with one header row and one record per row: a CSV
// file or the first sheet of a workbook that is not in the line-item template.
type flatReader struct {
	base
	src    rowSource
	sheet  string // the worksheet, for Record.Sheet; "" for CSV
	format flatFormat
	cols   *columnMap
	limit  int
	done   bool

	dataRows   int
	blankFrom  int // first of the blank rows not yet reported
	blankCount int // blank rows are reported only once a data row follows them

	vals []string // the current row's trimmed cells, by column
	skip []bool   // cells already reported as too long
	memo rowMemo  // how the last row's repeated cells parsed
}

// newFlatReader reads the header row (the first non-blank row) and detects the kind.
func newFlatReader(src rowSource, sheet string, opts Options, format flatFormat) (Reader, error) {
	r := &flatReader{base: base{kind: opts.Kind, opts: opts}, src: src, sheet: sheet, format: format}
	for {
		row, err := src.next()
		if errors.Is(err, io.EOF) {
			r.fileEmpty()
			r.done = true
			return r, nil
		}
		if err != nil {
			return nil, err
		}
		if isBlank(row.cells) && len(row.bad) == 0 {
			continue
		}
		r.cols = &columnMap{headers: trimmedAll(row.cells)}
		r.reportEncoding(row)
		if r.kind == "" {
			if r.kind = detectKind(row.cells); r.kind == "" {
				return nil, undetectedKind()
			}
		}
		r.limit = opts.rowLimit(r.kind)
		r.cols = mapHeaders(r.kind, row.cells, row.num, "", &r.out)
		return r, nil
	}
}

// Next returns the next good record; see Reader.
func (r *flatReader) Next() (Record, error) {
	for !r.done {
		if r.out.full() {
			r.partial, r.done = true, true // the file is refused anyway; stop reading
			break
		}
		row, err := r.src.next()
		if errors.Is(err, io.EOF) {
			r.finish()
			break
		}
		if err != nil {
			return Record{}, err
		}
		if isBlank(row.cells) && len(row.bad) == 0 {
			r.noteBlank(row.num)
			continue
		}
		r.flushBlanks()
		if r.dataRows++; r.dataRows > r.limit {
			r.rowLimitReached("", row.num, r.limit)
			r.done = true
			break
		}
		if rec, ok := r.parse(row); ok {
			return rec, nil
		}
	}
	return Record{}, io.EOF
}

// finish runs at the end of the file. Blank rows at the end are not reported:
// Excel and WPS often save a few.
func (r *flatReader) finish() {
	r.done = true
	if r.dataRows == 0 {
		r.fileEmpty()
	}
}

func (r *flatReader) noteBlank(num int) {
	if r.blankCount == 0 {
		r.blankFrom = num
	}
	r.blankCount++
}

func (r *flatReader) flushBlanks() {
	for i := 0; i < r.blankCount && !r.out.full(); i++ {
		num := r.blankFrom + i
		r.out.add(models.Finding{Rule: RuleRowBlank, Row: num, Message: prefixed(where("", num, ""), "空行（数据行之间不能有空行）")})
	}
	r.blankCount = 0
}

// reportEncoding turns the undecodable bytes of a row into one encoding.invalid
// finding per damaged cell, each naming the row, the column and the bytes.
func (r *flatReader) reportEncoding(row rawRow) {
	if len(row.bad) == 0 {
		return
	}
	enc := encUTF8.String()
	if s, ok := r.src.(*csvSource); ok {
		enc = s.dec.enc.String()
	}
	k := 0
	for i, cell := range row.cells {
		if !strings.Contains(cell, "\uFFFD") {
			continue
		}
		b := row.bad[min(k, len(row.bad)-1)]
		k++
		col := r.cols.header(i)
		r.out.add(models.Finding{Rule: RuleEncodingInvalid, Row: row.num, Column: col, Value: shortValue(cell),
			Message: prefixed(where("", row.num, col), "含有无法识别的字节 "+hexBytes(b.raw)+"（文件按 "+enc+" 解码），请检查文件编码，另存为 UTF-8 或 GBK 的 CSV")})
	}
	if k == 0 { // cannot happen: every bad run leaves a U+FFFD in some cell
		r.out.add(models.Finding{Rule: RuleEncodingInvalid, Row: row.num,
			Message: prefixed(where("", row.num, ""), "含有无法识别的字节 "+hexBytes(row.bad[0].raw))})
	}
}

// parse turns one data row into a record, or reports why it cannot.
func (r *flatReader) parse(row rawRow) (Record, bool) {
	if len(row.bad) > 0 {
		r.reportEncoding(row)
		return Record{}, false
	}
	c := rowCtx{r: r, num: row.num, row: row}
	if !r.loadCells(&c, row.cells) {
		return Record{}, false
	}
	k := c.parseKey()
	rec := Record{Row: row.num, Sheet: r.sheet, Key: k.key, RegionName: k.regionName, DeptName: k.deptName}
	if r.kind == models.KindThreePublic {
		rec.ThreePublic = c.threePublic(k)
		rec.Note = c.note(models.TableThreePublic)
		if !c.failed && r.cols.usable {
			c.validate(rec.ThreePublic.Validate(k.key.Phase))
		}
	} else if note, ok := c.tableNote(); ok {
		rec.Note = note
	} else {
		rec.LineItem = c.lineItem(k)
		if !c.failed && r.cols.usable {
			c.validate(rec.LineItem.Validate(k.key.Phase))
		}
	}
	return rec, !c.failed && r.cols.usable
}

// loadCells checks the row's shape (cells beyond the header, too few cells,
// cells too long) and keeps the trimmed values. It returns false when the row
// is too broken to read field by field.
func (r *flatReader) loadCells(c *rowCtx, cells []string) bool {
	n := len(r.cols.headers)
	var extra []int
	for i, cell := range cells {
		if (i >= n || r.cols.headers[i] == "") && trimCell(cell) != "" {
			extra = append(extra, i)
		}
	}
	if len(extra) > 0 {
		v := trimCell(cells[extra[0]])
		r.out.add(models.Finding{Rule: RuleRowExtraCells, Row: c.num, Value: shortValue(v),
			Message: prefixed(where("", c.num, ""), "表头之外有 "+itoa(len(extra))+" 个非空单元格（第 "+itoa(extra[0]+1)+" 列：“"+shortValue(v)+"”）")})
		c.failed = true
	}
	if r.format == flatCSV && len(cells) < n {
		col := r.cols.header(len(cells))
		r.out.add(models.Finding{Rule: RuleRowMissingCells, Row: c.num, Column: col,
			Message: prefixed(where("", c.num, ""), "只有 "+itoa(len(cells))+" 个单元格，表头有 "+itoa(n)+" 列（从“"+col+"”列起缺失）")})
		return false
	}
	r.vals, r.skip = r.vals[:0], r.skip[:0]
	for i := 0; i < n; i++ {
		v := ""
		if i < len(cells) {
			v = trimCell(cells[i])
		}
		tooLong := len(v) > r.opts.MaxCellChars && utf8Count(v) > r.opts.MaxCellChars
		if tooLong {
			r.out.add(models.Finding{Rule: RuleCellLength, Row: c.num, Column: r.cols.headers[i], Value: shortValue(v),
				Message: prefixed(where("", c.num, r.cols.headers[i]), "内容过长（"+groupThousands(utf8Count(v))+" 个字符，上限 "+groupThousands(r.opts.MaxCellChars)+" 个）")})
			c.failed = true
		}
		r.vals = append(r.vals, v)
		r.skip = append(r.skip, tooLong)
	}
	return true
}

// rowCtx is one data row being parsed: it looks cells up by field key and
// reports problems against the right column.
type rowCtx struct {
	r           *flatReader
	num         int
	row         rawRow // the row as read, for the cells as an XLSX shows them
	table, code string // for the findings of a line item, once known
	failed      bool
}

// value returns the cell of a field; present is false when the file has no
// such column or the cell was already reported.
func (c *rowCtx) value(key string) (v string, present bool) {
	i, ok := c.r.cols.index[key]
	if !ok || c.r.skip[i] {
		return "", false
	}
	return c.r.vals[i], true
}

// required is value for a cell that must not be empty (cell.required).
func (c *rowCtx) required(key string) (string, bool) {
	v, ok := c.value(key)
	if ok && v == "" {
		c.report(key, &problem{RuleCellRequired, "不能为空"}, "")
		return "", false
	}
	return v, ok
}

// number prepares a numeric cell: from XLSX, the stored double is written as
// Excel shows it; from CSV, the text is taken as it is.
func (c *rowCtx) number(v string) string {
	if c.r.format == flatXLSX {
		return excelNumber(v)
	}
	return v
}

// report adds a finding for the cell of field key, when p is a problem.
func (c *rowCtx) report(key string, p *problem, value string) {
	if p == nil {
		return
	}
	c.failed = true
	col := ""
	if i, ok := c.r.cols.index[key]; ok {
		col = c.r.cols.headers[i]
	}
	c.r.out.add(models.Finding{Rule: p.rule, Row: c.num, Column: col, Value: shortValue(value),
		Table: c.table, Code: c.code, Message: prefixed(where("", c.num, col), p.msg)})
}

// validate reports what the model's own Validate still refuses. The field
// checks above cover every case it knows, so this is a safety net.
func (c *rowCtx) validate(err error) {
	if err != nil {
		c.failed = true
		c.r.out.add(models.Finding{Rule: RuleCellEnum, Row: c.num, Table: c.table, Code: c.code,
			Message: prefixed(where("", c.num, ""), models.ErrorMessage(err))})
	}
}

// rowKey is what identifies the filing a row belongs to, and the row's unit.
type rowKey struct {
	key                  models.FilingKey
	regionName, deptName string
	unit                 models.Unit
	unitOK, phaseOK      bool
}

func (c *rowCtx) parseKey() rowKey {
	cells, same := c.keyCells()
	if same {
		return c.r.memo.parsed
	}
	failed := c.failed
	c.failed = false
	k := c.parseKeyCells()
	c.rememberKey(cells, k, !c.failed)
	c.failed = c.failed || failed
	return k
}

func (c *rowCtx) parseKeyCells() rowKey {
	var k rowKey
	if v, ok := c.required("region_code"); ok {
		code, p := parseRegionCode(v)
		c.report("region_code", p, v)
		k.key.RegionCode = code
	}
	if v, ok := c.value("region_name"); ok && v != "" {
		c.report("region_name", checkText(v, maxRegionName), v)
		k.regionName = v
	}
	if v, ok := c.required("dept_code"); ok {
		code, p := parseDeptCode(v)
		c.report("dept_code", p, v)
		k.key.DeptCode = code
	}
	if v, ok := c.required("dept_name"); ok {
		c.report("dept_name", checkText(v, maxDeptName), v)
		k.deptName = v
	}
	if v, ok := c.required("fiscal_year"); ok {
		y, p := parseYear(c.number(v))
		c.report("fiscal_year", p, v)
		k.key.FiscalYear = y
	}
	if v, ok := c.required("phase"); ok {
		ph, p := parsePhase(v)
		c.report("phase", p, v)
		k.key.Phase, k.phaseOK = ph, p == nil
	}
	if v, ok := c.required("unit"); ok {
		u, p := parseUnit(v)
		c.report("unit", p, v)
		k.unit, k.unitOK = u, p == nil
	}
	return k
}

// amount parses an amount cell in the row's unit; with no valid unit it only
// checks that the cell is a number.
//
// A column whose header names a unit (total_wanyuan, 合计（万元）) is read in
// that unit: beside an export's source_unit (原表单位) it wins over the row's
// unit; beside an upload's 单位 the two must agree.
func (c *rowCtx) amount(key, v string, k rowKey) models.NullMoney {
	n := c.number(v)
	u, ok := k.unit, k.unitOK
	if hu, named := c.r.cols.units[key]; named {
		if ok && hu != k.unit && !c.r.cols.sourceUnit {
			c.report(key, &problem{RuleCellEnum, "列名的单位（" + string(hu) + "）与本行“单位”（" + string(k.unit) + "）不一致"}, v)
			return models.NotDisclosed
		}
		u, ok = hu, true
	}
	if !ok {
		c.report(key, checkNumber(n), v)
		return models.NotDisclosed
	}
	m, p := parseAmount(n, u)
	c.report(key, p, v)
	return m
}

// sourceDecimals is decimals in the row's unit: a figure printed to 6
// decimals in a 万元 column was printed to 2 in 元.
func (c *rowCtx) sourceDecimals(key, v string, k rowKey) models.Decimals {
	d := c.decimals(key, v)
	hu, named := c.r.cols.units[key]
	n, known := d.N()
	if !named || !known || !k.unitOK || hu == k.unit {
		return d
	}
	return models.PrintedDecimals(n - hu.FenDigits() + k.unit.FenDigits())
}

// decimals is the precision a figure was printed with: from CSV, the text as
// written; from XLSX, the digits the cell's number format shows.
func (c *rowCtx) decimals(key, v string) models.Decimals {
	if i, ok := c.r.cols.index[key]; ok && c.r.format == flatXLSX {
		return printedDecimals(c.row, i, v)
	}
	return models.DecimalsOf(v)
}

// note reads the row's 说明 cell as a note of the table, nil when blank.
func (c *rowCtx) note(table models.Table) *models.TableNote {
	v, ok := c.value("note")
	if !ok || v == "" {
		return nil
	}
	c.report("note", checkText(v, maxChangeReason), v)
	return &models.TableNote{Table: table, Note: v, SourceRow: c.num}
}

// tableNote reads a line-item row that is a table's note (本部门无…，此表为空表):
// a table and a 说明, with no code, column or amount. ok is false for any other row.
func (c *rowCtx) tableNote() (*models.TableNote, bool) {
	for _, key := range []string{"code", "column", "amount"} {
		if v, _ := c.value(key); v != "" {
			return nil, false
		}
	}
	if v, _ := c.value("note"); v == "" {
		return nil, false
	}
	v, ok := c.required("table")
	if !ok {
		return nil, true
	}
	spec, p := parseTable(v)
	c.report("table", p, v)
	if p != nil {
		return nil, true
	}
	c.table = string(spec.Key)
	return c.note(spec.Key), true
}

func (c *rowCtx) threePublic(k rowKey) *models.ThreePublic {
	tp := &models.ThreePublic{Unit: k.unit, SourceRow: c.num}
	for _, a := range models.ThreePublicAmounts {
		v, ok := c.value(a.Key)
		if !ok || v == "" {
			continue
		}
		if strings.HasPrefix(a.Key, "budget_") && k.phaseOK && k.key.Phase != models.PhaseFinal {
			c.report(a.Key, &problem{RuleCellEnum, "预算数列只用于决算，" + k.key.Phase.Chinese() + "行应留空"}, v)
			continue
		}
		m := c.amount(a.Key, v, k)
		*a.Get(tp) = m
		if m.Valid && m.Money != 0 {
			// A printed zero is exact; the others say how finely the table was printed.
			tp.Decimals = tp.Decimals.Coarser(c.sourceDecimals(a.Key, v, k))
		}
	}
	for _, cnt := range models.ThreePublicCounts {
		v, ok := c.value(cnt.Key)
		if !ok {
			continue
		}
		n, p := parseCount(c.number(v))
		c.report(cnt.Key, p, v)
		*cnt.Get(tp) = n
	}
	if v, ok := c.value("change_reason"); ok {
		c.report("change_reason", checkText(v, maxChangeReason), v)
		tp.ChangeReason = v
	}
	return tp
}

func (c *rowCtx) lineItem(k rowKey) *models.LineItem {
	li := &models.LineItem{Unit: k.unit, SourceRow: c.num}
	var spec models.TableSpec
	specOK := false
	if v, ok := c.required("table"); ok {
		s, p := c.tableSpec(v)
		c.report("table", p, v)
		if p == nil {
			spec, specOK, li.Table, c.table = s, true, s.Key, string(s.Key)
		}
	}
	if v, ok := c.required("code"); ok {
		c.code, li.Code = v, v
		if specOK {
			code, p := parseRowCode(spec, v)
			c.report("code", p, v)
			c.code, li.Code = code, code
		}
	}
	if v, ok := c.value("name"); ok {
		c.report("name", c.itemName(v), v)
		li.Name = v
	}
	if v, ok := c.required("column"); ok && specOK {
		col, p := c.column(spec, v, k.key.Phase, k.phaseOK)
		c.report("column", p, v)
		li.Column = col
	}
	if v, ok := c.value("amount"); ok {
		li.Amount = c.amount("amount", v, k)
		li.Decimals = c.sourceDecimals("amount", v, k)
	}
	return li
}

func (m *columnMap) header(i int) string {
	if i < len(m.headers) {
		return m.headers[i]
	}
	return ""
}

func isBlank(cells []string) bool {
	for _, c := range cells {
		if trimCell(c) != "" {
			return false
		}
	}
	return true
}

func trimmedAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = trimCell(c)
	}
	return out
}
