package ingest

import (
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"sunshine/ingest/layout"
	"sunshine/models"
)

// templateSheet is a worksheet named after a standard table.
type templateSheet struct {
	name string
	spec models.TableSpec
}

// templateSheets picks the sheets whose name is a standard table's key or
// printed name (budget or final), in workbook order. Other sheets (notes,
// a 填写说明 page) are not data.
func templateSheets(names []string) []templateSheet {
	var out []templateSheet
	for _, n := range names {
		if spec, ok := lookupTableName(n); ok && spec.Key != models.TableThreePublic {
			out = append(out, templateSheet{name: n, spec: spec})
		}
	}
	return out
}

// metaIndex maps the labels of the block above the table (区划代码, 单位, …) to field keys.
var metaIndex = func() map[string]string {
	m := map[string]string{}
	for _, f := range keyFields {
		m[normalizeHeader(f.key)] = f.key
		m[normalizeHeader(f.chinese)] = f.key
	}
	return m
}()

// metaCell is one value of the block above a table, and where it was written.
type metaCell struct {
	value, label, sheet string
	row                 int
	col                 int // the value's column, 0-based
}

// tplColumn is one amount column of a template sheet.
type tplColumn struct {
	idx    int
	header string
	spec   models.ColumnSpec
	final  bool // a column only final accounts have
}

// sheetState is what the reader knows about the sheet it is reading.
type sheetState struct {
	templateSheet
	src       *sheetSource
	meta      map[string]metaCell
	headerRow int // 0 until the 科目编码 row is found
	codeIdx   int
	nameIdx   int // -1 when the sheet has no 科目名称 column
	columns   []tplColumn
	known     map[int]bool // columns with a header, known or not: not "extra"
	content   bool         // the sheet has any non-empty cell
	key       rowKey
	keyOK     bool
	keyDone   bool
}

// templateReader reads a workbook in the service's line-item template
// (WriteTemplateXLSX): one sheet per standard table; above the table, label
// cells (区划代码, 部门编码, 部门名称, 年度, 阶段, 单位) each followed by its value
// (or "单位：万元" in one cell); then a header row 科目编码 | 科目名称 | columns…;
// then one row per code. Each non-empty amount cell is one line item. An empty
// cell is an absent line, as on the printed table (sums count it as 0); the
// template has no way to say "not disclosed", which the long CSV form has.
// A label left empty takes its value from the sheets before it, so a bureau
// fills in the department once.
type templateReader struct {
	base
	f         *excelize.File
	sheets    []templateSheet
	next      int // index of the next sheet to open
	cur       *sheetState
	inherited map[string]metaCell
	reported  map[string]bool // meta cells already reported, for values inherited by several sheets
	queue     []Record
	qi        int
	dataRows  int
	done      bool
}

func newTemplateReader(f *excelize.File, sheets []templateSheet, opts Options) *templateReader {
	t := &templateReader{
		base: base{kind: models.KindLineItems, opts: opts},
		f:    f, sheets: sheets,
		inherited: map[string]metaCell{}, reported: map[string]bool{},
	}
	t.closers = append(t.closers, f.Close, t.closeSheet)
	return t
}

// Next returns the next line item; see Reader.
func (t *templateReader) Next() (Record, error) {
	for {
		if t.qi < len(t.queue) {
			rec := t.queue[t.qi]
			t.qi++
			return rec, nil
		}
		t.queue, t.qi = t.queue[:0], 0
		if t.done {
			return Record{}, io.EOF
		}
		if t.out.full() {
			t.partial, t.done = true, true
			continue
		}
		if err := t.step(); err != nil {
			return Record{}, err
		}
	}
}

// step reads one row, opening the next sheet when the current one ends.
func (t *templateReader) step() error {
	if t.cur == nil {
		if t.next == len(t.sheets) {
			t.done = true
			if t.dataRows == 0 {
				t.fileEmpty()
			}
			return nil
		}
		return t.openSheet(t.sheets[t.next])
	}
	row, err := t.cur.src.next()
	if errors.Is(err, io.EOF) {
		t.endSheet()
		return nil
	}
	if err != nil {
		return err
	}
	if isBlank(row.cells) {
		return nil // gaps in a printed table mean nothing
	}
	t.cur.content = true
	switch {
	case t.cur.headerRow == 0 && isCodeHeader(row.cells):
		t.readHeader(row)
	case t.cur.headerRow == 0:
		t.readMeta(row)
	default:
		t.readData(row)
	}
	return nil
}

func (t *templateReader) openSheet(s templateSheet) error {
	t.next++
	src, err := openSheetSource(t.f, s.name)
	if err != nil {
		return err
	}
	t.cur = &sheetState{templateSheet: s, src: src,
		meta: map[string]metaCell{}, codeIdx: -1, nameIdx: -1, known: map[int]bool{}}
	return nil
}

func (t *templateReader) closeSheet() error {
	if t.cur == nil {
		return nil
	}
	err := t.cur.src.Close()
	t.cur = nil
	return err
}

// endSheet finishes a sheet: one with content but no header row cannot be read.
func (t *templateReader) endSheet() {
	s := t.cur
	if s.headerRow == 0 && s.content {
		t.add(s, RuleHeaderMissing, 0, "科目编码", "", "缺少表头行（第一格为“科目编码”的一行）")
	}
	t.closeSheet()
}

func isCodeHeader(cells []string) bool {
	for _, c := range cells {
		if n := normalizeHeader(c); n == "科目编码" || n == "code" {
			return true
		}
	}
	return false
}

// readMeta picks label/value pairs out of a row above the table. Cells that
// are not labels (the title, notes) are ignored.
func (t *templateReader) readMeta(row rawRow) {
	for i := 0; i < len(row.cells); i++ {
		text := trimCell(row.cells[i])
		label, inline, hasColon := cutColon(text)
		key, ok := metaIndex[normalizeHeader(label)]
		if !ok {
			continue
		}
		v := trimCell(inline)
		col := i
		if !hasColon || v == "" {
			if i+1 < len(row.cells) {
				v = trimCell(row.cells[i+1])
			}
			i++ // the value cell is not a label, even when empty
			col = i
		}
		t.cur.meta[key] = metaCell{value: v, label: label, sheet: t.cur.name, row: row.num, col: col}
		if v != "" {
			t.inherited[key] = t.cur.meta[key]
		}
	}
}

// cutColon splits "单位：万元" into label and value.
func cutColon(s string) (label, value string, ok bool) {
	if i := strings.IndexAny(s, "：:"); i >= 0 {
		_, size := utf8.DecodeRuneInString(s[i:])
		return trimCell(s[:i]), s[i+size:], true
	}
	return s, "", false
}

// readHeader maps the 科目编码 row: the code and name columns and the
// table's amount columns, by Chinese name or key.
func (t *templateReader) readHeader(row rawRow) {
	s := t.cur
	s.headerRow = row.num
	byKey := map[string]int{}
	for i, cell := range row.cells {
		text := trimCell(cell)
		if text == "" {
			continue
		}
		s.known[i] = true
		n := normalizeHeader(text)
		key, final := "", false
		var spec models.ColumnSpec
		switch {
		case n == "科目编码" || n == "code":
			key = "code"
		case n == "科目名称" || n == "name":
			key = "name"
		default:
			var ok bool
			if spec, final, ok = lookupColumn(s.spec, text); !ok {
				t.addAt(s, RuleHeaderUnknown, row.num, i, text, text, "表“"+s.spec.BudgetName+"”没有这一栏目（可用："+columnList(s.spec)+"）")
				continue
			}
			key = spec.Key
		}
		if first, dup := byKey[key]; dup {
			t.addAt(s, RuleHeaderDuplicate, row.num, i, text, text, "与第 "+itoa(first+1)+" 列重复")
			continue
		}
		byKey[key] = i
		switch key {
		case "code":
			s.codeIdx = i
		case "name":
			s.nameIdx = i
		default:
			s.columns = append(s.columns, tplColumn{idx: i, header: text, spec: spec, final: final})
		}
	}
	if len(s.columns) == 0 {
		t.add(s, RuleHeaderMissing, row.num, "", "", "缺少金额栏目（如“"+s.spec.Columns[0].Chinese+"”）")
	}
}

// readData turns one row of the table into a line item per non-empty amount cell.
func (t *templateReader) readData(row rawRow) {
	s := t.cur
	cell := func(i int) string {
		if i >= 0 && i < len(row.cells) {
			return trimCell(row.cells[i])
		}
		return ""
	}
	var filled []tplColumn
	for _, c := range s.columns {
		if cell(c.idx) != "" {
			filled = append(filled, c)
		}
	}
	failed := false
	for i := range row.cells {
		if !s.known[i] && cell(i) != "" {
			v := cell(i)
			t.addAt(s, RuleRowExtraCells, row.num, i, "", v, "表头之外的单元格（第 "+itoa(i+1)+" 列）有内容：“"+shortValue(v)+"”")
			failed = true
			break
		}
	}
	if len(filled) == 0 {
		// A printed row left empty has no lines; a note under the table
		// (注：本部门无…，此表为空表) is kept as the table's note.
		if note := tableNoteText(cell(s.codeIdx), cell(s.nameIdx)); note != "" && !failed {
			if p := checkText(note, maxChangeReason); p != nil {
				t.addAt(s, p.rule, row.num, max(s.codeIdx, 0), "", note, p.msg)
				return
			}
			if k, keyOK := t.sheetKey(); keyOK {
				t.queue = append(t.queue, Record{Row: row.num, Sheet: s.name, Key: k.key, RegionName: k.regionName, DeptName: k.deptName,
					Note: &models.TableNote{Table: s.spec.Key, Note: note, SourceRow: row.num}})
			}
		}
		return
	}
	if t.dataRows++; t.dataRows > t.opts.MaxRows {
		t.rowLimitReached(s.name, row.num, t.opts.MaxRows)
		t.done = true
		return
	}
	k, keyOK := t.sheetKey()
	at := -1 // the column of the cell rowFail reports, -1 for the whole row
	rowFail := func(rule, column, value, code, msg string) {
		failed = true
		f := models.Finding{Rule: rule, Row: row.num, Column: column, Value: shortValue(value), Table: string(s.spec.Key), Code: code,
			Message: prefixed(where(s.name, row.num, column), msg), Sheet: s.name}
		if at >= 0 {
			f.Cell = cellName(row.num, at)
		}
		t.out.add(f)
	}
	codeHeader := "科目编码"
	code := cell(s.codeIdx)
	at = s.codeIdx
	switch {
	case t.tooLong(code):
		rowFail(RuleCellLength, codeHeader, code, "", t.tooLongMsg(code))
	case code == "":
		rowFail(RuleCellRequired, codeHeader, "", "", "有金额的行必须填写科目编码")
	default:
		c, p := parseRowCode(s.spec, code)
		if p != nil {
			rowFail(p.rule, codeHeader, code, code, p.msg)
		}
		code = c
	}
	name := cell(s.nameIdx)
	at = s.nameIdx
	if p := checkText(name, maxItemName); p != nil {
		rowFail(p.rule, "科目名称", name, code, p.msg)
	}
	items := make([]models.LineItem, 0, len(filled))
	for _, c := range filled {
		v := cell(c.idx)
		at = c.idx
		if t.tooLong(v) {
			rowFail(RuleCellLength, c.header, v, code, t.tooLongMsg(v))
			continue
		}
		if c.final && k.phaseOK && k.key.Phase != models.PhaseFinal {
			rowFail(RuleCellEnum, c.header, v, code, "栏目“"+c.spec.Chinese+"”只用于决算，"+k.key.Phase.Chinese()+"不能填写")
			continue
		}
		var amount models.NullMoney
		var p *problem
		if k.unitOK {
			amount, p = parseAmount(excelNumber(v), k.unit)
		} else {
			p = checkNumber(excelNumber(v))
		}
		if p != nil {
			rowFail(p.rule, c.header, v, code, p.msg)
			continue
		}
		items = append(items, models.LineItem{Table: s.spec.Key, Code: code, Name: name, Column: c.spec.Key,
			Amount: amount, Unit: k.unit, SourceRow: row.num, Decimals: printedDecimals(row, c.idx, v)})
	}
	if failed || !keyOK {
		return
	}
	at = -1
	for i := range items {
		li := &items[i]
		if err := li.Validate(k.key.Phase); err != nil { // a safety net: the checks above cover it
			rowFail(RuleCellEnum, "", "", code, models.ErrorMessage(err))
			return
		}
	}
	for i := range items {
		t.queue = append(t.queue, Record{Row: row.num, Sheet: s.name, Key: k.key, RegionName: k.regionName,
			DeptName: k.deptName, LineItem: &items[i]})
	}
}

// tableNoteText returns the text of a row that is a note printed under a
// table — in the code or the name column, starting 注 / 说明 / 备注 or
// declaring the table empty — and "" for any other row.
func tableNoteText(code, name string) string {
	for _, v := range []string{code, name} {
		for _, p := range []string{"注：", "注:", "说明：", "说明:", "备注：", "备注:"} {
			if strings.HasPrefix(v, p) {
				return v
			}
		}
		if strings.Contains(v, "空表") || strings.HasPrefix(v, "本部门无") || strings.HasPrefix(v, "本单位无") {
			return v
		}
	}
	return ""
}

func (t *templateReader) tooLong(v string) bool {
	return len(v) > t.opts.MaxCellChars && utf8Count(v) > t.opts.MaxCellChars
}

func (t *templateReader) tooLongMsg(v string) string {
	return "内容过长（" + groupThousands(utf8Count(v)) + " 个字符，上限 " + groupThousands(t.opts.MaxCellChars) + " 个）"
}

// sheetKey parses the label block of the current sheet once, on its first
// data row (a sheet left empty is not checked), reporting each bad value at
// the cell it was written in.
func (t *templateReader) sheetKey() (rowKey, bool) {
	s := t.cur
	if s.keyDone {
		return s.key, s.keyOK
	}
	s.keyDone, s.keyOK = true, true
	var k rowKey
	for _, f := range keyFields {
		m, own := s.meta[f.key]
		if !own || m.value == "" {
			if inh, ok := t.inherited[f.key]; ok {
				m, own = inh, true
			}
		}
		if !own {
			if f.required {
				s.keyOK = false
				t.add(s, RuleHeaderMissing, s.headerRow, f.chinese, "", "表头上方缺少“"+f.chinese+"”（标签后一格填写其值）")
			}
			continue
		}
		if p := t.metaValue(&k, f.key, m); p != nil {
			s.keyOK = false
			t.reportMeta(s, m, p)
		}
	}
	s.key = k
	return k, s.keyOK
}

// metaValue parses one label's value into k.
func (t *templateReader) metaValue(k *rowKey, key string, m metaCell) *problem {
	v := m.value
	if v == "" {
		if key == "region_name" {
			return nil
		}
		return &problem{RuleCellRequired, "不能为空"}
	}
	if t.tooLong(v) {
		return &problem{RuleCellLength, t.tooLongMsg(v)}
	}
	var p *problem
	switch key {
	case "region_code":
		k.key.RegionCode, p = parseRegionCode(v)
	case "region_name":
		k.regionName, p = v, checkText(v, maxRegionName)
	case "dept_code":
		k.key.DeptCode, p = parseDeptCode(v)
	case "dept_name":
		k.deptName, p = v, checkText(v, maxDeptName)
	case "fiscal_year":
		k.key.FiscalYear, p = parseYear(excelNumber(v))
	case "phase":
		k.key.Phase, p = parsePhase(v)
		k.phaseOK = p == nil
	case "unit":
		k.unit, p = parseUnit(v)
		k.unitOK = p == nil
	}
	return p
}

// reportMeta reports a bad label value once, even when later sheets inherit it.
func (t *templateReader) reportMeta(s *sheetState, m metaCell, p *problem) {
	id := m.sheet + "\x00" + itoa(m.row) + "\x00" + m.label
	if t.reported[id] {
		return
	}
	t.reported[id] = true
	t.out.add(models.Finding{Rule: p.rule, Row: m.row, Column: m.label, Value: shortValue(m.value), Table: string(s.spec.Key),
		Sheet: m.sheet, Cell: cellName(m.row, m.col),
		Message: prefixed(where(m.sheet, m.row, m.label), p.msg)})
}

// add reports a finding on the current sheet.
func (t *templateReader) add(s *sheetState, rule string, row int, column, value, msg string) {
	t.out.add(models.Finding{Rule: rule, Row: row, Column: column, Value: shortValue(value), Table: string(s.spec.Key), Sheet: s.name,
		Message: prefixed(where(s.name, row, column), msg)})
}

// addAt reports a finding at a cell of the current sheet (col 0-based).
func (t *templateReader) addAt(s *sheetState, rule string, row, col int, column, value, msg string) {
	t.out.add(models.Finding{Rule: rule, Row: row, Column: column, Value: shortValue(value), Table: string(s.spec.Key),
		Sheet: s.name, Cell: cellName(row, col), Message: prefixed(where(s.name, row, column), msg)})
}

// cellName names a cell as Excel does: row 1-based, col 0-based; "" when unknown.
func cellName(row, col int) string {
	if row < 1 || col < 0 {
		return ""
	}
	return layout.CellName(row-1, col)
}
