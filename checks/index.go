package checks

import (
	"cmp"
	"slices"
	"strings"

	"sunshine/codes"
	"sunshine/models"
)

// input is the filing under check, indexed once for every rule.
type input struct {
	*Filing
	env    Env
	tables map[models.Table]*table
	// dups are the indexes in Items of the lines that repeat a cell an
	// earlier line has (row.duplicate's business), in upload order.
	dups []int
	// scratch is reused for the figures of a comparison, which compare
	// does not keep (Run checks one input on one goroutine).
	scratch []figure
}

func newInput(f *Filing, env Env) *input {
	in := &input{Filing: f, env: env, tables: make(map[models.Table]*table, len(models.Tables))}
	// How many rows each table may have at most: the runs of lines of one
	// code (an upload gives a row's cells together, and a table's rows).
	runs := map[models.Table]int{}
	for i := 0; i < len(f.Items); {
		j, n := i+1, 1
		for ; j < len(f.Items) && f.Items[j].Table == f.Items[i].Table; j++ {
			if f.Items[j].Code != f.Items[j-1].Code {
				n++
			}
		}
		runs[f.Items[i].Table] += n
		i = j
	}
	var last *table
	for i := range f.Items {
		li := &f.Items[i]
		t := last
		if t == nil || t.key != li.Table {
			t = in.tables[li.Table]
		}
		if t == nil {
			spec, _ := models.LookupTable(string(li.Table))
			n := runs[li.Table]
			t = &table{key: li.Table, spec: spec, phase: f.Phase, rowOf: make(map[string]int32, n),
				firsts: make([]*models.LineItem, 0, n), cells: make([][]*models.LineItem, 0, n),
				rows: make([]string, 0, n), lastRow: -1}
			t.colKeys = append(t.colKeys, t.columns()...)
			t.pool = make([]*models.LineItem, n*len(t.colKeys))
			t.colUsed = make([]bool, len(t.colKeys))
			t.specNums = make([]int, len(t.colKeys))
			for i, c := range t.colKeys {
				t.specNums[i] = t.colNum(c) // i, unless the spec names a column twice
			}
			in.tables[li.Table] = t
		}
		last = t
		if !t.add(li) {
			in.dups = append(in.dups, i)
		}
	}
	for _, t := range in.tables {
		t.sortRows()
	}
	return in
}

// figures returns the input's scratch buffer for the figures of one
// comparison, emptied; the comparison must be over before it is asked again.
func (in *input) figures() []figure {
	if in.scratch == nil {
		in.scratch = make([]figure, 0, 32)
	}
	return in.scratch[:0]
}

// keep hands a grown scratch buffer back for the next comparison.
func (in *input) keep(fs []figure) {
	if cap(fs) > cap(in.scratch) {
		in.scratch = fs[:0]
	}
}

// table returns an indexed table of the filing, or nil when the filing has no line of it.
func (in *input) table(key models.Table) *table { return in.tables[key] }

// has reports whether the filing has the table: a line item of it, or for
// three_public a 三公 record.
func (in *input) has(key models.Table) bool {
	if key == models.TableThreePublic {
		return in.ThreePublic != nil
	}
	return in.tables[key] != nil
}

// eachTable calls fn for the filing's tables, in the order of models.Tables.
func (in *input) eachTable(fn func(t *table)) {
	for _, spec := range models.Tables {
		if t := in.tables[spec.Key]; t != nil {
			fn(t)
		}
	}
}

// codeList returns the list of a kind that applies to the filing's year, and the year it is from (0: starter).
func (in *input) codeList(kind string) (*codes.List, int) {
	return in.env.Codes.For(kind, in.FiscalYear)
}

// table is one standard table of the filing: the first line of each cell
// (a second one is row.duplicate's business) and its rows in print order.
//
// Rows and columns are numbered: a row by the order of its first line in
// the upload, a column by its place in the table's columns in the filing's
// phase, then any other column in the order its first line came.
type table struct {
	key   models.Table
	spec  models.TableSpec
	phase models.Phase

	rowOf    map[string]int32     // row code → row number
	cells    [][]*models.LineItem // by row number, by column number: the first line of the cell
	firsts   []*models.LineItem   // by row number: the first line of the row
	colKeys  []string             // column number → key; columns() first
	colUsed  []bool               // by column number: the column has at least one line
	rows     []string             // distinct row codes in print order
	rowNums  []int32              // the row numbers of rows, in print order
	cols     []string             // the column keys of the table in the filing's phase
	specNums []int                // the column number of each of cols

	pool     []*models.LineItem // where add takes the cells of a new row from
	lastRow  int32              // the row of the line add had last, -1 before the first
	usedCols []usedColumn       // usedColumns, worked out once
	kids     *rowTree           // tree, worked out once
}

// usedColumn is a column that has at least one line, with its number.
type usedColumn struct {
	key string
	num int
}

// colNum returns the number of a column, -1 when the table has no such column.
func (t *table) colNum(column string) int {
	for i, c := range t.colKeys {
		if c == column {
			return i
		}
	}
	return -1
}

// rowNum returns the number of a row, -1 when the table has no such row.
func (t *table) rowNum(code string) int {
	if r, ok := t.rowOf[code]; ok {
		return int(r)
	}
	return -1
}

// add indexes a line; false when its cell has a line already.
func (t *table) add(li *models.LineItem) bool {
	var r int32
	seen := t.lastRow >= 0 && t.firsts[t.lastRow].Code == li.Code // the row of the line before
	if seen {
		r = t.lastRow
	} else {
		r, seen = t.rowOf[li.Code]
	}
	if !seen {
		r = int32(len(t.firsts))
		t.rowOf[li.Code] = r
		t.firsts = append(t.firsts, li)
		w := len(t.colKeys)
		if len(t.pool) < w {
			t.pool = make([]*models.LineItem, min(64, cap(t.rows)-len(t.rows)+1)*w)
		}
		t.cells = append(t.cells, t.pool[:w:w])
		t.pool = t.pool[w:]
		t.rows = append(t.rows, li.Code)
	}
	t.lastRow = r
	c := t.colNum(li.Column)
	if c < 0 {
		c = len(t.colKeys)
		t.colKeys = append(t.colKeys, li.Column)
		t.colUsed = append(t.colUsed, false)
	}
	t.colUsed[c] = true
	row := t.cells[r]
	if c >= len(row) {
		row = append(row, make([]*models.LineItem, c+1-len(row))...)
		t.cells[r] = row
	}
	if row[c] != nil {
		return false
	}
	row[c] = li
	return true
}

// lineAt returns the first line of a cell by row and column number, nil when none.
func (t *table) lineAt(r, c int) *models.LineItem {
	if r < 0 || c < 0 {
		return nil
	}
	if row := t.cells[r]; c < len(row) {
		return row[c]
	}
	return nil
}

// cell returns the first line of a cell, nil when the table has none.
func (t *table) cell(code, column string) *models.LineItem {
	return t.lineAt(t.rowNum(code), t.colNum(column))
}

// first returns the first line of a row, nil when the table has none.
func (t *table) first(code string) *models.LineItem {
	if r := t.rowNum(code); r >= 0 {
		return t.firsts[r]
	}
	return nil
}

// used reports whether a column has at least one line.
func (t *table) used(column string) bool {
	c := t.colNum(column)
	return c >= 0 && t.colUsed[c]
}

// namedRows are the row keys the table may have besides codes and 合计:
// its own, or for fiscal_summary those of the summary.
func (t *table) namedRows() []models.RowSpec {
	if t.key == models.TableFiscalSummary {
		spec, _ := models.LookupTable(string(models.TableSummary))
		return spec.Rows
	}
	return t.spec.Rows
}

// sortRows puts the rows in print order: 合计, the named rows of the table in
// spec order, then classification codes (201, 20106, 2010601, 2010602, 204, …).
func (t *table) sortRows() {
	named := t.namedRows()
	rank := func(code string) int {
		if code == models.RowTotal {
			return 0
		}
		for i, r := range named {
			if r.Key == code {
				return 1 + i
			}
		}
		return 1 + len(named)
	}
	type key struct {
		rank int
		code string
		num  int32
	}
	keys := make([]key, len(t.rows))
	for i, code := range t.rows {
		keys[i] = key{rank(code), code, int32(i)} // t.rows is in row number order still
		if keys[i].rank <= len(named) {
			keys[i].code = "" // a named row ranks by its place alone
		}
	}
	// Codes are distinct, so no two keys are equal.
	slices.SortFunc(keys, func(a, b key) int {
		if a.rank != b.rank {
			return cmp.Compare(a.rank, b.rank)
		}
		return strings.Compare(a.code, b.code)
	})
	t.rowNums = make([]int32, len(keys))
	for i, k := range keys {
		t.rows[i], t.rowNums[i] = t.firsts[k.num].Code, k.num
	}
}

// has reports whether the table has a row with the code.
func (t *table) has(code string) bool { _, ok := t.rowOf[code]; return ok }

// present reports whether the cell has a line.
func (t *table) present(code, column string) bool { return t.cell(code, column) != nil }

// fig returns the cell as a figure: absent lines count 0, a line given empty is not disclosed.
func (t *table) fig(code, column string) figure {
	return t.figAt(t.rowNum(code), t.colNum(column), code, column)
}

// figAt is fig by row and column number (code and column name them).
func (t *table) figAt(r, c int, code, column string) figure {
	li := t.lineAt(r, c)
	if li == nil {
		return figure{}
	}
	f := disclosed(li.Amount, li.Unit, li.Decimals)
	f.Cell = models.Cell{Table: string(t.key), Code: code, Column: column, Row: li.SourceRow}
	return f
}

// absentHint explains, for a message, that a cell compared as 0 was not in the upload at all.
func (t *table) absentHint(code, column string) string {
	if t.present(code, column) {
		return ""
	}
	return absentHint
}

// specCol returns the number of the i-th of columns().
func (t *table) specCol(i int) int { return t.specNums[i] }

// absentHintAt is absentHint by row and column number.
func (t *table) absentHintAt(r, c int) string {
	if t.lineAt(r, c) != nil {
		return ""
	}
	return absentHint
}

const absentHint = "该格未上传，按空白（0）核对"

// columns returns the column keys the table has in the filing's phase, in print order.
func (t *table) columns() []string {
	if t.cols == nil {
		for _, c := range t.spec.Columns {
			t.cols = append(t.cols, c.Key)
		}
		if t.phase == models.PhaseFinal {
			for _, c := range t.spec.FinalColumns {
				t.cols = append(t.cols, c.Key)
			}
		}
	}
	return t.cols
}

// usedColumns returns the columns that have at least one line, in print
// order: a column with none is all zeros, which no sum needs to look at.
func (t *table) usedColumns() []usedColumn {
	if t.usedCols == nil {
		t.usedCols = []usedColumn{}
		for i, c := range t.columns() {
			if n := t.specCol(i); t.colUsed[n] {
				t.usedCols = append(t.usedCols, usedColumn{c, n})
			}
		}
	}
	return t.usedCols
}

// classCodes returns the 类 rows (3-digit codes) in print order.
func (t *table) classCodes() []string {
	var out []string
	for _, code := range t.rows {
		if l, ok := codes.LevelOf(code); ok && l == codes.LevelClass {
			out = append(out, code)
		}
	}
	return out
}

// name returns the table's title as printed in the filing's phase.
func (t *table) name() string {
	if n := t.spec.Name(t.phase); n != "" {
		return n
	}
	return string(t.key)
}

// rowLabel is a row as the printed table shows it: "2010601 行政运行", "本年收入合计", "合计".
func (t *table) rowLabel(code string) string {
	if code == models.RowTotal {
		return "合计"
	}
	for _, r := range t.namedRows() {
		if r.Key == code {
			return r.Chinese
		}
	}
	if li := t.nameOf(code); li != "" {
		return code + " " + li
	}
	return code
}

// nameOf returns the first name printed for a row, "" when none was.
func (t *table) nameOf(code string) string {
	r := t.rowNum(code)
	if r < 0 {
		return ""
	}
	if li := t.firsts[r]; li.Name != "" {
		return li.Name
	}
	for c := range t.columns() {
		if li := t.lineAt(r, t.specCol(c)); li != nil && li.Name != "" {
			return li.Name
		}
	}
	return ""
}

func (t *table) columnLabel(column string) string {
	if c, ok := t.spec.Column(column, t.phase); ok {
		return c.Chinese
	}
	return column
}

// singleColumn reports whether the table has one amount column (the summary,
// procurement, operating cost), so a cell is named by its row alone.
func (t *table) singleColumn() bool { return len(t.spec.Columns) == 1 }

// at locates a cell: 部门支出总表“2010601 行政运行”行“基本支出”栏.
func (t *table) at(code, column string) where {
	return t.atNum(t.rowNum(code), t.colNum(column), code, column)
}

// atNum is at by row and column number (code and column name them).
func (t *table) atNum(r, c int, code, column string) where {
	w := where{printedIn: t, Table: t.key, Code: code, Column: column}
	if li := t.lineAt(r, c); li != nil {
		w.Row = li.SourceRow
	} else if r >= 0 {
		w.Row = t.firsts[r].SourceRow
	}
	return w
}

// atRow locates a whole row: 部门支出总表“201 一般公共服务支出”行.
func (t *table) atRow(code string) where {
	w := where{printedIn: t, wholeRow: true, Table: t.key, Code: code}
	if li := t.first(code); li != nil {
		w.Row = li.SourceRow
	}
	return w
}

// side returns a cell as one side of a comparison, named by its location.
func (t *table) side(code, column string) side {
	return side{Named: t.at(code, column), Figures: []figure{t.fig(code, column)}}
}

// tree maps each row to the rows directly below it among those present: a
// code's children are the present codes whose nearest present ancestor it is
// (so a 类 printed with 项 rows but no 款 row has those 项 as children), and
// the total row's children are the codes with no present ancestor.
// The children are row numbers, in print order.
func (t *table) tree() *rowTree {
	if t.kids != nil {
		return t.kids
	}
	n := len(t.firsts)
	parentOf := make([]int32, len(t.rows)) // by print position: the parent's row number, n for the total row, -1 for none
	count := make([]int, n+1)              // by the parent's row number, n for the total row
	for i, code := range t.rows {
		parentOf[i] = -1
		if _, ok := codes.LevelOf(code); !ok {
			continue
		}
		parent := int32(n)
		for p := codes.Parent(code); p != ""; p = codes.Parent(p) {
			if r, ok := t.rowOf[p]; ok {
				parent = r
				break
			}
		}
		parentOf[i] = parent
		count[parent]++
	}
	flat := make([]int32, len(t.rows))
	kids := make([][]int32, n+1)
	for p, c := range count {
		kids[p], flat = flat[:0:c], flat[c:]
	}
	for i, p := range parentOf {
		if p >= 0 {
			kids[p] = append(kids[p], t.rowNums[i])
		}
	}
	t.kids = &rowTree{top: kids[n], below: kids[:n]}
	return t.kids
}

// rowTree is a table's tree: the children of each row.
type rowTree struct {
	top   []int32   // the total row's: the codes with no present ancestor
	below [][]int32 // by row number, a code's
}

// topCodes returns the codes with no present ancestor, the total row's children.
func (t *table) topCodes() []string {
	top := t.tree().top
	out := make([]string, len(top))
	for i, r := range top {
		out[i] = t.firsts[r].Code
	}
	return out
}

// allZero reports whether every disclosed amount of a row is 0.
func (t *table) allZero(code string) bool {
	r := t.rowNum(code)
	for c := range t.columns() {
		if li := t.lineAt(r, t.specCol(c)); li != nil && li.Amount.Valid && li.Amount.Money != 0 {
			return false
		}
	}
	return true
}

// incomeRows are the rows that print a summary table's income in one amount
// each (the sources and their totals); incomeSideRows adds the 结转 rows,
// which a 财政拨款收支总表 may split by fund.
var (
	incomeRows     = append(append([]string(nil), summaryIncomeSources...), "income_subtotal", "income_total")
	incomeSideRows = func() map[string]bool {
		m := map[string]bool{"carryover_in": true, "surplus_used": true}
		for _, r := range incomeRows {
			m[r] = true
		}
		return m
	}()
)

// incomeColumn reports whether the income side of a summary table is printed
// in a column. The 财政拨款收支总表 that most budgets print has one amount column
// on its income side (rows 一般公共预算拨款 …), so its fund columns hold spending only.
func (t *table) incomeColumn(col string) bool {
	if t.key != models.TableFiscalSummary {
		return true
	}
	for _, r := range incomeRows {
		if t.present(r, col) {
			return true
		}
	}
	return false
}

// incomeSide reports whether a row of fiscal_summary belongs to its income side.
func incomeSide(row string) bool { return incomeSideRows[row] }

// derived returns a subtotal or total row of one column as a side: the cell
// when the table prints it; when the layout does not print it, the sum of the
// rows it totals (DOMAIN.md §2: a subtotal the table does not print is derived,
// never read as 0; only an absent detail line counts 0). ok is false when the
// row is neither printed nor derivable (nothing it totals is printed).
func (t *table) derived(row, col string) (side, bool) {
	if t.present(row, col) {
		return side{Label: t.rowLabel(row), Figures: []figure{t.fig(row, col)}}, true
	}
	var parts []string
	var subtotal string // the subtotal that a total row starts from
	switch {
	case t.key == models.TableSummary || t.key == models.TableFiscalSummary:
		if incomeSide(row) && !t.incomeColumn(col) {
			return side{}, false
		}
		switch row {
		case "income_subtotal":
			parts = t.presentRows(summaryIncomeSources)
		case "expenditure_subtotal":
			parts = t.classCodes()
		case "income_total":
			subtotal, parts = "income_subtotal", t.presentRows([]string{"carryover_in", "surplus_used"})
		case "expenditure_total":
			subtotal, parts = "expenditure_subtotal", t.presentRows([]string{"surplus_distribution", "carryover_out"})
		default:
			return side{}, false
		}
	case t.spec.Classification != "":
		switch {
		case row == models.RowTotal && t.key == models.TableBasicExpenditure &&
			(t.has(models.RowPersonnelTotal) || t.has(models.RowPublicUseTotal)):
			parts = t.presentRows([]string{models.RowPersonnelTotal, models.RowPublicUseTotal})
		case row == models.RowTotal:
			parts = t.topCodes()
		case row == models.RowPersonnelTotal || row == models.RowPublicUseTotal:
			parts = t.basicGroup(row)
		default:
			return side{}, false
		}
	default:
		return side{}, false
	}
	s := side{Label: t.rowLabel(row) + "（未列示，按所含各行推算）"}
	if subtotal != "" {
		sub, ok := t.derived(subtotal, col)
		if !ok {
			return side{}, false
		}
		s.Figures = append(s.Figures, sub.Figures...)
	} else if len(parts) == 0 {
		return side{}, false
	}
	for _, r := range parts {
		s.Figures = append(s.Figures, t.fig(r, col))
	}
	return s, true
}

// presentRows returns those of rows that the table has.
func (t *table) presentRows(rows []string) []string {
	var out []string
	for _, r := range rows {
		if t.has(r) {
			out = append(out, r)
		}
	}
	return out
}

// personnelClasses are the economic 类 that make up 人员经费; every other 类
// of the basic spending table is 公用经费 (DOMAIN.md §2, the final account's
// 基本支出决算表: 人员经费 = 301 + 303, 公用经费 = 302 + 310 …).
var personnelClasses = map[string]bool{"301": true, "303": true}

// basicGroup returns the top rows of the basic spending table (the codes with
// no printed ancestor) that make up 人员经费合计 or 公用经费合计.
func (t *table) basicGroup(row string) []string {
	var out []string
	for _, r := range t.tree().top {
		code := t.firsts[r].Code
		if personnelClasses[code[:min(3, len(code))]] == (row == models.RowPersonnelTotal) {
			out = append(out, code)
		}
	}
	return out
}
