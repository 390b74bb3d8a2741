package ingest

import (
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"sunshine/ingest/layout"
	"sunshine/models"
)

// layoutReader yields the records of a workbook in the official layout: the
// published 部门预算 / 部门决算 tables as a bureau's budgeting system exports
// them (ingest/layout finds them). The tables are small, so the whole
// workbook is read when it is opened and the records are queued.
type layoutReader struct {
	base
	queue []Record
	next  int
	// printed is what the titles (and a PDF's cover) say of the filing, for PrintedOf.
	printed titles
}

func (l *layoutReader) Next() (Record, error) {
	if l.next >= len(l.queue) {
		return Record{}, io.EOF
	}
	l.next++
	return l.queue[l.next-1], nil
}

// xlsxSheets reads the visible sheets of a workbook for the layout reader:
// each cell's stored value and, for a number, the decimals its cell's number
// format shows; and the merged ranges. The rows come from excelize's row
// iterator (the stored values); the merged ranges and the cells' styles from
// the parsed worksheet, so each sheet's XML is read twice, not three times
// as a second, formatted pass over the rows would make it.
func xlsxSheets(f *excelize.File, opts Options) ([]layout.Sheet, error) {
	var out []layout.Sheet
	decimals := map[int]models.Decimals{} // by style index
	for _, name := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(name); err == nil && !visible {
			continue
		}
		raw, err := f.GetRows(name, rawValues)
		if err != nil {
			return nil, sheetError(err)
		}
		if len(raw) > opts.MaxRows+1000 {
			return nil, models.Errorf(models.EINVALID, "工作表“%s”超过 %s 行的上限", name, groupThousands(opts.MaxRows))
		}
		merged, err := f.GetMergeCells(name)
		if err != nil {
			return nil, sheetError(err)
		}
		s := layout.Sheet{Name: name, Rows: make([][]layout.Cell, len(raw))}
		for _, m := range merged {
			c0, r0, err0 := excelize.CellNameToCoordinates(m.GetStartAxis())
			c1, r1, err1 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if err0 == nil && err1 == nil {
				s.Merged = append(s.Merged, layout.Range{Row0: r0 - 1, Col0: c0 - 1, Row1: r1 - 1, Col1: c1 - 1})
			}
		}
		for r, cells := range raw {
			row := make([]layout.Cell, len(cells))
			for c, v := range cells {
				if v == "" {
					continue
				}
				row[c].Text = excelNumber(v)
				if _, _, _, ok := splitNumber(v); ok {
					row[c].Decimals = cellDecimals(f, name, r, c, decimals)
					if row[c].Decimals == models.DecimalsUnknown {
						row[c].Decimals = models.DecimalsOf(row[c].Text)
					}
				}
			}
			s.Rows[r] = row
		}
		out = append(out, s)
	}
	return out, nil
}

// cellDecimals is the number of decimals a cell's number format shows,
// DecimalsUnknown for General; cached by style.
func cellDecimals(f *excelize.File, sheet string, r, c int, cache map[int]models.Decimals) models.Decimals {
	cell, err := excelize.CoordinatesToCellName(c+1, r+1)
	if err != nil {
		return models.DecimalsUnknown
	}
	idx, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		return models.DecimalsUnknown
	}
	if d, ok := cache[idx]; ok {
		return d
	}
	d := models.DecimalsUnknown
	if st, err := f.GetStyle(idx); err == nil && st != nil {
		code := builtinFormats[st.NumFmt]
		if st.CustomNumFmt != nil {
			code = *st.CustomNumFmt
		}
		d = formatDecimals(code)
	}
	cache[idx] = d
	return d
}

// findTables runs the layout reader over every sheet.
func findTables(sheets []layout.Sheet) []layout.Table {
	var out []layout.Table
	for i := range sheets {
		out = append(out, layout.Read(&sheets[i])...)
	}
	return out
}

// newLayoutReader turns the tables of a workbook into records. The filing
// key of each table comes from its title block, else from the other tables'
// titles, else from opts; a title that contradicts opts is a finding, as is
// a workbook whose region or department code opts do not give.
func newLayoutReader(tables []layout.Table, opts Options) *layoutReader {
	l := &layoutReader{base: base{kind: opts.Kind, opts: opts}}
	if l.kind == "" {
		l.kind = models.KindThreePublic
		for _, t := range tables {
			if t.Spec.Key != models.TableThreePublic {
				l.kind = models.KindLineItems
			}
		}
	}
	wb := workbookTitles(tables)
	l.printed = wb
	region, regionOK := l.optionCode("region_code", "区划代码", opts.RegionCode, parseRegionCode)
	dept, deptOK := l.optionCode("dept_code", "部门编码", opts.DeptCode, parseDeptCode)
	lines := 0
	for i := range tables {
		t := &tables[i]
		if (l.kind == models.KindThreePublic) != (t.Spec.Key == models.TableThreePublic) && opts.Kind != "" {
			continue // the upload asked for the other kind
		}
		for _, f := range t.Findings {
			l.addLayout(t, f)
		}
		k, ok := l.tableKey(t, wb)
		k.key.RegionCode, k.key.DeptCode = region, dept
		ok = ok && regionOK && deptOK
		k.regionName = opts.RegionName
		if t.Spec.Key == models.TableThreePublic {
			l.threePublic(t, k, ok)
		} else {
			l.lineItems(t, k, ok)
		}
		if lines += len(t.Lines) + len(t.ThreePublic); lines > opts.rowLimit(l.kind) {
			l.rowLimitReached(t.Sheet, 0, opts.rowLimit(l.kind))
			break
		}
		if l.out.full() {
			l.partial = true
			break
		}
	}
	if len(l.queue) == 0 && len(l.out.list) == 0 {
		l.fileEmpty()
	}
	return l
}

// titles is what the titles of a workbook agree on.
type titles struct {
	year       int
	phase      models.Phase
	dept, ref  string
	yearRef    string
	phaseRef   string
	yearMixed  bool
	phaseMixed bool
}

func workbookTitles(tables []layout.Table) titles {
	var w titles
	depts := map[string]bool{}
	for _, t := range tables {
		if t.Year != 0 {
			if w.year != 0 && w.year != t.Year {
				w.yearMixed = true
			}
			if w.year == 0 {
				w.year, w.yearRef = t.Year, t.TitleRef
			}
		}
		if t.Phase != "" {
			if w.phase != "" && w.phase != t.Phase {
				w.phaseMixed = true
			}
			if w.phase == "" {
				w.phase, w.phaseRef = t.Phase, t.TitleRef
			}
		}
		if t.Dept != "" && !depts[t.Dept] {
			depts[t.Dept] = true
			if w.dept == "" {
				w.dept, w.ref = t.Dept, t.DeptRef
			}
		}
	}
	if len(depts) > 1 {
		w.dept = ""
	}
	return w
}

// optionCode checks a code the workbook cannot carry and opts must give.
func (l *layoutReader) optionCode(key, label, v string, parse func(string) (string, *problem)) (string, bool) {
	if v == "" {
		l.out.add(models.Finding{Rule: RuleHeaderMissing, Column: label,
			Message: "文件（公开表格式的工作簿或 PDF）没有印出" + label + "，请在上传时填写" + label + "（" + key + "）"})
		return "", false
	}
	code, p := parse(v)
	if p != nil {
		l.out.add(models.Finding{Rule: p.rule, Column: label, Value: shortValue(v), Message: label + "（" + key + "）" + "：" + p.msg})
		return "", false
	}
	return code, true
}

// tableKey settles a table's year, phase, department and unit.
func (l *layoutReader) tableKey(t *layout.Table, wb titles) (rowKey, bool) {
	var k rowKey
	ok := true
	fail := func(rule, ref, column, value, msg string) {
		ok = false
		l.addAt(t, models.Finding{Rule: rule, Column: column, Value: shortValue(value)}, ref, msg)
	}
	year, yearRef := t.Year, t.TitleRef
	if year == 0 && !wb.yearMixed {
		year, yearRef = wb.year, wb.yearRef
	}
	switch {
	case year != 0 && l.opts.FiscalYear != 0 && year != l.opts.FiscalYear:
		fail(RuleCellEnum, yearRef, "年度", itoa(year), "标题中的年度 "+itoa(year)+" 与上传时填写的年度 "+itoa(l.opts.FiscalYear)+" 不一致")
	case year == 0 && l.opts.FiscalYear == 0:
		fail(RuleHeaderMissing, t.TitleRef, "年度", "", "标题中没有年度（如“2025年”），请在上传时填写年度（fiscal_year）")
	case year == 0:
		year = l.opts.FiscalYear
	}
	if year != 0 {
		if y, p := parseYear(itoa(year)); p != nil {
			fail(p.rule, yearRef, "年度", itoa(year), p.msg)
		} else {
			k.key.FiscalYear = y
		}
	}
	phase, phaseRef := t.Phase, t.TitleRef
	if phase == "" && !wb.phaseMixed {
		phase, phaseRef = wb.phase, wb.phaseRef
	}
	switch {
	case phase != "" && l.opts.Phase != "" && phase != l.opts.Phase:
		fail(RuleCellEnum, phaseRef, "阶段", phase.Chinese(), "标题中的阶段“"+phase.Chinese()+"”与上传时填写的阶段“"+l.opts.Phase.Chinese()+"”不一致")
	case phase == "" && l.opts.Phase == "":
		fail(RuleHeaderMissing, t.TitleRef, "阶段", "", "标题看不出是预算还是决算，请在上传时填写阶段（phase）")
	case phase == "":
		phase = l.opts.Phase
	}
	k.key.Phase, k.phaseOK = phase, phase != ""
	dept, deptRef := t.Dept, t.DeptRef
	if dept == "" {
		dept, deptRef = wb.dept, wb.ref
	}
	switch {
	case dept != "" && l.opts.DeptName != "" && normalizeHeader(dept) != normalizeHeader(l.opts.DeptName):
		fail(RuleCellEnum, deptRef, "部门名称", dept, "部门名称“"+dept+"”与上传时填写的部门名称“"+l.opts.DeptName+"”不一致")
	case dept == "" && l.opts.DeptName == "":
		fail(RuleHeaderMissing, t.TitleRef, "部门名称", "", "标题和表头上方都没有部门名称（如“部门：××局”），请在上传时填写部门名称（dept_name）")
	case dept == "":
		dept = l.opts.DeptName
	}
	if p := checkText(dept, maxDeptName); p != nil {
		fail(p.rule, deptRef, "部门名称", dept, p.msg)
	}
	k.deptName = dept
	if t.Unit == "" {
		fail(RuleHeaderMissing, t.TitleRef, "单位", "", "表“"+t.Title+"”的表头上方没有金额单位（如“单位：元”或“单位：万元”）")
	}
	k.unit, k.unitOK = t.Unit, t.Unit != ""
	return k, ok
}

// lineItems turns a table's printed cells into line items, and its notes into notes.
func (l *layoutReader) lineItems(t *layout.Table, k rowKey, keyOK bool) {
	for _, ln := range t.Lines {
		bad := func(p *problem) {
			l.addAt(t, models.Finding{Rule: p.rule, Row: ln.Row, Column: ln.Header, Value: shortValue(ln.Text), Code: ln.Code}, ln.Ref, p.msg)
		}
		amount, p := models.NullMoney{}, checkNumber(ln.Text)
		if k.unitOK {
			amount, p = parseAmount(ln.Text, k.unit)
		}
		if p != nil {
			bad(p)
			continue
		}
		if p := checkText(ln.Name, maxItemName); p != nil {
			bad(p)
			continue
		}
		li := models.LineItem{Table: t.Spec.Key, Code: ln.Code, Name: ln.Name, Column: ln.Column, Amount: amount,
			Unit: k.unit, SourceRow: ln.Row, Decimals: ln.Decimals}
		if li.Decimals == models.DecimalsUnknown {
			li.Decimals = models.DecimalsOf(ln.Text)
		}
		if !keyOK {
			continue
		}
		if err := li.Validate(k.key.Phase); err != nil {
			bad(enumProblem(err))
			continue
		}
		l.queue = append(l.queue, l.record(t, k, ln.Row, ln.Ref, &li, nil, nil))
	}
	l.notes(t, k, keyOK, 0)
}

// notes queues a table's notes; the first skip of them went with a record.
func (l *layoutReader) notes(t *layout.Table, k rowKey, keyOK bool, skip int) {
	for _, n := range t.Notes[min(skip, len(t.Notes)):] {
		if p := checkText(n.Text, maxChangeReason); p != nil {
			l.addAt(t, models.Finding{Rule: p.rule, Row: n.Row, Value: shortValue(n.Text)}, n.Ref, p.msg)
			continue
		}
		if keyOK {
			l.queue = append(l.queue, l.record(t, k, n.Row, n.Ref, nil, nil,
				&models.TableNote{Table: t.Spec.Key, Note: n.Text, SourceRow: n.Row}))
		}
	}
}

// threePublic turns the 三公 table into its record: one, whatever way it is printed.
func (l *layoutReader) threePublic(t *layout.Table, k rowKey, keyOK bool) {
	if len(t.ThreePublic) > 1 {
		second := t.ThreePublic[1][0]
		l.addAt(t, models.Finding{Rule: RuleRowExtraCells, Row: second.Row, Value: shortValue(second.Text)}, second.Ref,
			"“三公”经费表只能有一行数据")
		return
	}
	if len(t.ThreePublic) == 0 {
		l.notes(t, k, keyOK, 0) // an empty table with its note
		return
	}
	cells := t.ThreePublic[0]
	tp := &models.ThreePublic{Unit: k.unit, SourceRow: cells[0].Row}
	failed := false
	bad := func(ln layout.Line, p *problem) {
		failed = true
		l.addAt(t, models.Finding{Rule: p.rule, Row: ln.Row, Column: ln.Header, Value: shortValue(ln.Text)}, ln.Ref, p.msg)
	}
	seen := map[string]layout.Line{}
	for _, ln := range cells {
		if first, dup := seen[ln.Column]; dup {
			bad(ln, &problem{RuleHeaderDuplicate, "与 " + first.Ref + " 是同一项（" + ln.Column + "）"})
			continue
		}
		seen[ln.Column] = ln
		if a, ok := threePublicAmount(ln.Column); ok {
			if strings.HasPrefix(a.Key, "budget_") && k.phaseOK && k.key.Phase != models.PhaseFinal {
				bad(ln, &problem{RuleCellEnum, "预算数只用于决算，" + k.key.Phase.Chinese() + "不能填写"})
				continue
			}
			m, p := models.NullMoney{}, checkNumber(ln.Text)
			if k.unitOK {
				m, p = parseAmount(ln.Text, k.unit)
			}
			if p != nil {
				bad(ln, p)
				continue
			}
			*a.Get(tp) = m
			if m.Valid && m.Money != 0 {
				d := ln.Decimals
				if d == models.DecimalsUnknown {
					d = models.DecimalsOf(ln.Text)
				}
				tp.Decimals = tp.Decimals.Coarser(d)
			}
			continue
		}
		for _, c := range models.ThreePublicCounts {
			if c.Key == ln.Column {
				n, p := parseCount(ln.Text)
				if p != nil {
					bad(ln, p)
					break
				}
				*c.Get(tp) = n
			}
		}
	}
	if r := t.ChangeReason; r != nil {
		if p := checkText(r.Text, maxChangeReason); p != nil {
			bad(layout.Line{Row: r.Row, Ref: r.Ref, Text: r.Text}, p)
		}
		tp.ChangeReason = r.Text
	}
	if failed || !keyOK {
		return
	}
	if err := tp.Validate(k.key.Phase); err != nil {
		bad(cells[0], enumProblem(err))
		return
	}
	var note *models.TableNote
	if len(t.Notes) > 0 {
		note = &models.TableNote{Table: models.TableThreePublic, Note: t.Notes[0].Text, SourceRow: tp.SourceRow}
	}
	l.queue = append(l.queue, l.record(t, k, tp.SourceRow, cells[0].Ref, nil, tp, note))
	l.notes(t, k, keyOK, 1)
}

func threePublicAmount(key string) (models.ThreePublicAmount, bool) {
	for _, a := range models.ThreePublicAmounts {
		if a.Key == key {
			return a, true
		}
	}
	return models.ThreePublicAmount{}, false
}

func (l *layoutReader) record(t *layout.Table, k rowKey, row int, ref string, li *models.LineItem, tp *models.ThreePublic, note *models.TableNote) Record {
	_, cell := splitRef(ref)
	return Record{Row: row, Sheet: t.Sheet, Cell: cell, Key: k.key, RegionName: k.regionName, DeptName: k.deptName,
		LineItem: li, ThreePublic: tp, Note: note}
}

// addLayout reports a finding of the layout reader.
func (l *layoutReader) addLayout(t *layout.Table, f layout.Finding) {
	l.addAt(t, models.Finding{Rule: f.Rule, Row: f.Row, Column: f.Column, Value: shortValue(f.Text)}, f.Ref, f.Message)
}

// addAt reports a finding at a cell of the workbook: the message starts with
// the cell as Excel names it (表3!D12), and Sheet and Cell say it too.
func (l *layoutReader) addAt(t *layout.Table, f models.Finding, ref, msg string) {
	f.Table = string(t.Spec.Key)
	f.Sheet = t.Sheet
	_, f.Cell = splitRef(ref)
	if ref == "" {
		ref = layout.SheetRef(t.Sheet)
	}
	f.Message = prefixed(ref, msg)
	l.out.add(f)
}

// splitRef splits 表3!D12 into the sheet as written in the reference and the cell.
func splitRef(ref string) (string, string) {
	i := strings.LastIndexByte(ref, '!')
	if i < 0 {
		return "", ref
	}
	return ref[:i], ref[i+1:]
}
