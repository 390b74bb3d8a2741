package layout

import (
	"strconv"
	"strings"

	"sunshine/codes"
	"sunshine/models"
)

// The rule keys of the findings this package makes (the parse rules of
// docs/formats.md; ingest uses the same keys).
const (
	RuleHeaderUnknown = "header.unknown"
	RuleHeaderMissing = "header.missing"
	RuleCellRequired  = "cell.required"
	RuleCellEnum      = "cell.enum"
	RuleCellType      = "cell.type"
)

// Table is one official table found on a sheet: what its title and the lines
// above the header say, and its printed cells as lines of the long form.
type Table struct {
	Sheet string
	Spec  models.TableSpec
	// Title is the title as printed; TitleRef its cell (表1!A1).
	Title, TitleRef string
	// What the title block says, each "" or 0 when it says nothing: the phase
	// (预算 / 决算 in the title, or a title only finals print), the fiscal year
	// (2025年) and the department (in the title before the year, or a
	// 部门：… / 编制单位：… line); DeptRef is where the department was read.
	Phase   models.Phase
	Year    int
	Dept    string
	DeptRef string
	// Unit is the unit line's unit (单位：万元), "" when the table has none.
	Unit    models.Unit
	UnitRef string
	// HeaderRow is the first row of the header block, 1-based.
	HeaderRow int
	// Lines are the non-blank amount cells of a line-item table: a blank
	// printed cell is an absent line and is not here.
	Lines []Line
	// ThreePublic holds, for the 三公 table, the cells of each record (one per
	// data row when printed across, one in all when printed down).
	ThreePublic [][]Line
	// ChangeReason is the 三公 table's 增减变化原因 line, when printed under it.
	ChangeReason *Note
	// Notes are printed under the table (注：…, 本表为空表).
	Notes    []Note
	Findings []Finding
}

// Line is one printed cell: a figure of the long form (Code, Column), or for
// the 三公 table a field of the record (Column is the field key).
type Line struct {
	Code, Name, Column string
	// Text is the cell as stored (numbers in plain decimal notation); Decimals
	// the precision its number format shows.
	Text     string
	Decimals models.Decimals
	// Row is 1-based, as Excel numbers rows; Header is the column's header as
	// printed; Ref names the cell (表3!D12).
	Row    int
	Header string
	Ref    string
}

// Note is a line of text printed under a table.
type Note struct {
	Text string
	Row  int
	Ref  string
}

// Finding is a problem the reader met, at a cell of the sheet.
type Finding struct {
	Rule    string
	Message string // Chinese, without the position
	Row     int    // 1-based; 0 when not at a row
	Column  string // the header as printed, when the finding is about a column
	Text    string // the cell's text
	Ref     string // 表3!D12
}

// Read finds every official table on a sheet, top to bottom: a title naming
// a standard table starts one, the next title or the end of the sheet ends it.
// A sheet with no title has no table.
func Read(s *Sheet) []Table {
	mi := newMergeIndex(s.Merged)
	width := s.width()
	var out []Table
	for r := 0; r < len(s.Rows); {
		spec, col, title, ok := findTitle(s, r)
		if !ok {
			r++
			continue
		}
		p := &parser{s: s, mi: mi, width: width}
		p.t = Table{Sheet: s.Name, Spec: spec, Title: title, TitleRef: Ref(s.Name, r, col)}
		next, ok := p.parse(r, col)
		if !ok {
			r++ // a title with no table under it: a 目录 line, a cover
			continue
		}
		r = next
		out = append(out, p.t)
	}
	return out
}

// findTitle looks for a table title in row r: a row of at most three texts,
// one of which names a standard table.
func findTitle(s *Sheet, r int) (models.TableSpec, int, string, bool) {
	if r >= len(s.Rows) {
		return models.TableSpec{}, 0, "", false
	}
	texts := 0
	var spec models.TableSpec
	col, title, found := 0, "", false
	for c, cell := range s.Rows[r] {
		t := trim(cell.Text)
		if t == "" {
			continue
		}
		if texts++; texts > 3 || isNumber(t) {
			return models.TableSpec{}, 0, "", false
		}
		if found {
			continue
		}
		if sp, _, ok := matchTitle(t); ok {
			spec, col, title, found = sp, c, t, true
		}
	}
	return spec, col, title, found
}

// parser reads one table.
type parser struct {
	s     *Sheet
	mi    mergeIndex
	width int
	t     Table

	h0, h1   int // header rows, 0-based inclusive
	cols     []column
	codeCol  int         // -1 when none
	splitCol [3]int      // 类, 款, 项 columns; -1 when none
	sides    []side      // the name columns, left to right
	vertical bool        // a 三公 table printed down: items as rows
	fund     *fundParent // the summary's 一、财政拨款收入 row, until its fund rows are read
}

// column is one header column of the table.
type column struct {
	idx    int
	header string   // the leaf text as printed
	path   []string // normalized texts from the top header row down
	ref    string
	role   int
	key    string // the column key (or 三公 field) of an amount column
	group  string // 三公: "budget" / "final" from a 预算数 / 决算数 group
	side   int    // the side (name column) it belongs to
}

const (
	roleNone = iota
	roleAmount
	roleCode
	roleSplit
	roleName
	roleDropped   // an official column the model does not keep
	roleBreakdown // a 总表 column splitting 合计, checked against it (sums.go)
)

// side is one name column and the amount columns to its right: the 总表 print
// the income side and the spending side next to each other.
type side struct {
	nameCol  int
	spending bool
}

// parse reads the table under a title; ok is false when there is none: the
// title is followed by another title or the end of the sheet (a contents
// page), or by rows that neither have a header this reader knows nor any
// figure (a cover, a paragraph of the 情况说明).
func (p *parser) parse(titleRow, titleCol int) (next int, ok bool) {
	p.readTitle(titleRow, titleCol)
	r := p.readMeta(titleRow)
	if r >= len(p.s.Rows) || p.titleAt(r) {
		return 0, false
	}
	p.readHeader(r)
	if !p.recognised() && !p.figuresBelow(p.h1+1) {
		return 0, false
	}
	if len(p.cols) == 0 {
		p.t.Findings = append(p.t.Findings, Finding{Rule: RuleHeaderMissing, Row: titleRow + 1, Ref: p.t.TitleRef,
			Message: "表“" + p.t.Title + "”下没有表头"})
		return p.h1 + 1, true
	}
	return p.readBody(p.h1 + 1), true
}

// recognised reports whether the header has a column the reader placed.
func (p *parser) recognised() bool {
	for _, c := range p.cols {
		if c.role == roleCode || c.role == roleSplit || c.role == roleName || c.role == roleDropped ||
			(c.role == roleAmount && c.key != "") {
			return true
		}
	}
	return false
}

// figuresBelow reports whether a number appears under the header before the next title.
func (p *parser) figuresBelow(r int) bool {
	for ; r < len(p.s.Rows) && !p.titleAt(r); r++ {
		if p.rowNumbers(r) {
			return true
		}
	}
	return false
}

// readTitle takes the phase, year and department out of the title.
func (p *parser) readTitle(r, c int) {
	title := p.t.Title
	n := norm(title)
	p.t.Phase = titlePhase(n, p.t.Spec)
	before := title // the title before the table's name
	if _, at, ok := matchTitle(title); ok {
		before = prefixOf(title, at)
	}
	if m := yearPattern.FindStringSubmatchIndex(before); m != nil {
		p.t.Year, _ = strconv.Atoi(before[m[2]:m[3]])
		// 示例局2025年部门收支总表, or 2025年示例局部门收支总表.
		p.setDept(before[:m[0]], p.t.TitleRef)
		p.setDept(strings.TrimPrefix(before[m[1]:], "度"), p.t.TitleRef)
	} else {
		p.setDept(before, p.t.TitleRef)
		if m := yearPattern.FindStringSubmatch(title); m != nil {
			p.t.Year, _ = strconv.Atoi(m[1])
		}
	}
}

// titlePhase reads the phase a title names: 调整预算, 决算 or 预算 (the fund
// names 一般公共预算 … do not count), else a title only one phase prints.
func titlePhase(n string, spec models.TableSpec) models.Phase {
	bare := n
	for _, fund := range []string{"一般公共预算", "政府性基金预算", "国有资本经营预算"} {
		bare = strings.ReplaceAll(bare, fund, "")
	}
	for _, w := range phaseInTitle {
		if strings.Contains(bare, w.word) {
			return w.phase
		}
	}
	if spec.FinalName != spec.BudgetName {
		switch {
		case strings.Contains(n, norm(spec.FinalName)):
			return models.PhaseFinal
		case strings.Contains(n, norm(spec.BudgetName)):
			return models.PhaseBudget
		}
	}
	return ""
}

// prefixOf returns the part of s whose normalized form is the first n bytes
// of norm(s).
func prefixOf(s string, n int) string {
	got := 0
	for i, r := range s {
		if got >= n {
			return s[:i]
		}
		got += len(norm(string(r)))
	}
	return s
}

// setDept keeps a department name read from the title or a label line,
// without the table's number (表1, 附表3-1, 公开01表) around it.
func (p *parser) setDept(s, ref string) {
	s = trim(s)
	if m := tableNumber.FindString(s); m != "" {
		s = s[len(m):]
	}
	s = strings.Trim(s, " :：-—_、\u3000")
	if s == "" || p.t.Dept != "" {
		return
	}
	p.t.Dept, p.t.DeptRef = s, ref
}

// readMeta reads the lines between the title and the header (单位：元,
// 部门：…, 公开01表) and returns the header's first row.
func (p *parser) readMeta(titleRow int) int {
	p.metaCells(titleRow, true)
	r := titleRow + 1
	for ; r < len(p.s.Rows); r++ {
		if p.blank(r) {
			continue
		}
		if p.titleAt(r) || !p.metaCells(r, false) {
			break
		}
	}
	return r
}

// metaCells reads the label cells of a row; it reports whether the row is a
// label line (every text a label, or a single text that is no header word).
func (p *parser) metaCells(r int, titleRow bool) bool {
	texts, labels := 0, 0
	var single string
	for c, cell := range p.s.Rows[r] {
		t := trim(cell.Text)
		if t == "" {
			continue
		}
		texts++
		single = t
		if m := unitPattern.FindStringSubmatch(t); m != nil {
			labels++
			if p.t.Unit == "" {
				p.t.Unit, _ = models.ParseUnit(m[2])
				p.t.UnitRef = Ref(p.s.Name, r, c)
			}
			continue
		}
		if m := deptPattern.FindStringSubmatch(t); m != nil {
			labels++
			p.t.Dept, p.t.DeptRef = "", ""
			p.setDept(m[1], Ref(p.s.Name, r, c))
			continue
		}
		if tableNumber.MatchString(norm(t)) && len(tableNumber.FindString(norm(t))) == len(norm(t)) {
			labels++ // 公开01表, 表3
			continue
		}
		if m := yearPattern.FindStringSubmatch(norm(t)); m != nil && len(norm(t)) <= 12 && !titleRow {
			labels++ // 2025年度
			if p.t.Year == 0 {
				p.t.Year, _ = strconv.Atoi(m[1])
			}
		}
	}
	if titleRow {
		return true
	}
	if texts == labels {
		return true
	}
	n := norm(single)
	return texts == 1 && !isHeaderWord(n) && !isNote(n)
}

func isHeaderWord(n string) bool {
	return codeWords[n] || nameWords[n] || ignoredWords[n] || n == "合计" || strings.HasSuffix(n, "预算数") ||
		strings.HasSuffix(n, "决算数") || n == "收入" || n == "支出"
}

func (p *parser) blank(r int) bool {
	for _, c := range p.s.Rows[r] {
		if trim(c.Text) != "" {
			return false
		}
	}
	return true
}

// rowNumbers reports whether a row holds a number outside a 栏次 row.
func (p *parser) rowNumbers(r int) bool {
	for _, cell := range p.s.Rows[r] {
		if isNumber(trim(cell.Text)) {
			return !p.columnNumbers(r)
		}
	}
	return false
}

// columnNumbers reports a 栏次 row, which numbers the columns under the header.
func (p *parser) columnNumbers(r int) bool {
	n := norm(p.firstText(r))
	return n == "栏次" || n == "行次"
}

func (p *parser) firstText(r int) string {
	for _, c := range p.s.Rows[r] {
		if t := trim(c.Text); t != "" {
			return t
		}
	}
	return ""
}

// readHeader finds the header block (one to four rows from r, ending before
// the first row with a figure, a note, a lone 合计 or a blank row) and maps
// its columns.
func (p *parser) readHeader(r int) {
	p.h0, p.h1 = r, r
	for next := r + 1; next < len(p.s.Rows) && next-r < 4; next++ {
		if p.blank(next) || p.rowNumbers(next) || isNote(norm(p.firstText(next))) || p.loneTotal(next) ||
			p.titleAt(next) || p.isCodeRow(next) {
			break
		}
		p.h1 = next
	}
	p.codeCol = -1
	p.splitCol = [3]int{-1, -1, -1}
	for c := 0; c < p.width; c++ {
		col, ok := p.headerColumn(c)
		if !ok {
			continue
		}
		p.cols = append(p.cols, col)
	}
	p.classify()
}

// loneTotal reports a row whose only text is 合计 or 总计: the total row of a
// table printed empty.
func (p *parser) loneTotal(r int) bool {
	texts := 0
	total := false
	for _, c := range p.s.Rows[r] {
		if t := norm(c.Text); t != "" {
			texts++
			total = t == "合计" || t == "总计"
		}
	}
	return texts == 1 && total
}

func (p *parser) titleAt(r int) bool {
	_, _, _, ok := findTitle(p.s, r)
	return ok
}

// isCodeRow reports a row starting with a classification code (a data row of
// a table whose first line has no figure).
func (p *parser) isCodeRow(r int) bool {
	t := p.firstText(r)
	return isDigits(t) && (len(t) == 3 || len(t) == 5 || len(t) == 7)
}

// headerColumn composes column c's header from the header rows: each row's
// text, the owner's text for a merged cell, repeated texts once.
func (p *parser) headerColumn(c int) (column, bool) {
	col := column{idx: c}
	leafRow, leafCol := -1, -1
	for r := p.h0; r <= p.h1; r++ {
		if p.columnNumbers(r) {
			continue // a 栏次 row numbers the columns
		}
		or, oc := p.mi.owner(r, c)
		if or < p.h0 {
			continue
		}
		t := p.s.at(or, oc)
		if t == "" || unitPattern.MatchString(t) {
			continue
		}
		n := norm(t)
		if len(col.path) > 0 && col.path[len(col.path)-1] == n {
			continue
		}
		col.path = append(col.path, n)
		col.header, leafRow, leafCol = t, or, oc
	}
	if len(col.path) == 0 {
		return col, false
	}
	col.ref = Ref(p.s.Name, leafRow, leafCol)
	return col, true
}

func (c *column) leaf() string { return c.path[len(c.path)-1] }

func (c *column) under(word string) bool {
	for _, p := range c.path[:len(c.path)-1] {
		if strings.Contains(p, word) {
			return true
		}
	}
	return false
}

// classify gives each column its role and key.
func (p *parser) classify() {
	spec := p.t.Spec
	for i := range p.cols {
		c := &p.cols[i]
		leaf := c.leaf()
		_, split := splitWords[leaf]
		switch {
		case ignoredWords[leaf]:
			c.role = roleNone
		case codeWords[leaf] || (strings.Contains(leaf, "编码") && len(c.path) == 1):
			c.role = roleCode
			if p.codeCol < 0 {
				p.codeCol = c.idx
			}
		case split && (c.under("编码") || c.under("科目") || len(c.path) == 1):
			c.role = roleSplit
			p.splitCol[splitWords[leaf]] = c.idx
		case nameWords[leaf] || (strings.HasSuffix(leaf, "名称") && len([]rune(leaf)) <= 12):
			c.role = roleName
			p.sides = append(p.sides, side{nameCol: c.idx, spending: c.under("支出") || strings.Contains(leaf, "支出")})
		default:
			c.role = roleAmount
		}
	}
	// The spending side of a 总表 is the second name column when no group says so.
	if len(p.sides) == 2 && !p.sides[0].spending && !p.sides[1].spending {
		p.sides[1].spending = true
	}
	side := -1
	for i := range p.cols {
		c := &p.cols[i]
		if c.role == roleName {
			side++
		}
		c.side = max(side, 0)
	}
	if spec.Key == models.TableThreePublic {
		p.classifyThreePublic()
		return
	}
	for i := range p.cols {
		c := &p.cols[i]
		if c.role != roleAmount {
			continue
		}
		c.key = p.columnKey(c)
		switch {
		case c.key == "" && spec.Key == models.TableSummary && breakdownWords[c.leaf()] != "" &&
			len(p.sides) == 2 && p.sides[c.side].spending:
			c.role, c.key = roleBreakdown, breakdownWords[c.leaf()]
		case c.key != "":
		case droppedWords[c.leaf()] || (c.under("结转") && spec.Classification != ""):
			c.role = roleDropped
		default:
			p.unknownHeader(c, p.knownColumns())
			c.role = roleNone
		}
	}
}

// columnKey maps an amount column to its table's column key by its header.
func (p *parser) columnKey(c *column) string {
	words := columnWords[p.t.Spec.Key]
	leaf := c.leaf()
	twoSided := len(p.sides) == 2
	if twoSided && p.t.Spec.Key == models.TableFiscalSummary && !p.sides[c.side].spending {
		return "total" // the income side prints one amount column (or, rarely, a 合计 column)
	}
	// A group above the leaf decides first (本年支出 › 基本支出), then the leaf.
	for _, cand := range []string{leaf, strings.Join(c.path, "")} {
		for key, ws := range words {
			for _, w := range ws {
				if norm(w) == cand {
					return key
				}
			}
		}
	}
	// 上年结转 › 一般公共预算: a carry-over sub-column the model does not keep.
	return ""
}

func (p *parser) knownColumns() []string {
	var out []string
	for _, c := range append(append([]models.ColumnSpec(nil), p.t.Spec.Columns...), p.t.Spec.FinalColumns...) {
		out = append(out, c.Chinese)
	}
	for _, ws := range columnWords[p.t.Spec.Key] {
		out = append(out, ws...)
	}
	return out
}

func (p *parser) unknownHeader(c *column, known []string) {
	msg := "表“" + p.t.Title + "”中无法识别的栏目“" + c.header + "”"
	if near := closest(c.header, known); len(near) > 0 {
		msg += "（最接近的标准栏目：" + strings.Join(near, "、") + "）"
	}
	p.t.Findings = append(p.t.Findings, Finding{Rule: RuleHeaderUnknown, Row: p.h0 + 1, Column: c.header, Text: c.header,
		Ref: c.ref, Message: msg})
}

// classifyThreePublic maps the 三公 table's columns: printed across (one
// column per item, under 预算数 / 决算数 groups in a final) or down (a name
// column with the items, amount columns 预算数 / 决算数).
func (p *parser) classifyThreePublic() {
	across := false
	for _, c := range p.cols {
		if _, ok := threePublicIndex[nameKey(c.leaf())]; ok && c.role != roleName {
			across = true
		}
	}
	groups := map[string]bool{}
	for i := range p.cols {
		c := &p.cols[i]
		for _, part := range c.path {
			if b, ok := threePublicGroup(part); ok && len(c.path) > 1 || (ok && !across) {
				c.group = map[bool]string{true: "budget", false: "final"}[b]
				groups[c.group] = true
				break
			}
		}
	}
	p.vertical = !across
	known := func() []string {
		var out []string
		for _, ws := range threePublicWords {
			out = append(out, ws[0])
		}
		return append(out, "预算数", "决算数")
	}
	for i := range p.cols {
		c := &p.cols[i]
		if c.role != roleAmount {
			continue
		}
		if across {
			key, ok := p.threePublicKey(c)
			if !ok {
				p.unknownHeader(c, known())
				c.role = roleNone
				continue
			}
			c.role, c.key = roleAmount, key
		} else if c.group == "" {
			if _, ok := threePublicGroup(c.leaf()); !ok && c.leaf() != "金额" && c.leaf() != "合计" {
				p.unknownHeader(c, known())
				c.role = roleNone
				continue
			}
			c.group = "budget"
			if b, ok := threePublicGroup(c.leaf()); ok && !b {
				c.group = "final"
			}
			groups[c.group] = true
		}
		if c.group == "budget" && (groups["final"] || p.t.Phase == models.PhaseFinal) && c.key != "" &&
			!isCountKey(c.key) {
			c.key = "budget_" + c.key
		}
	}
	if !across {
		for i := range p.cols {
			c := &p.cols[i]
			c.key = ""
			if c.role == roleAmount && c.group == "budget" && (groups["final"] || p.t.Phase == models.PhaseFinal) {
				c.key = "budget_"
			}
		}
	}
}

// threePublicKey finds the field of a column printed across: its own header,
// or its header joined to its group (公务用车购置及运行费 › 购置费).
func (p *parser) threePublicKey(c *column) (string, bool) {
	leaf := nameKey(c.leaf())
	if key, ok := threePublicIndex[leaf]; ok {
		// 小计 under 公务用车… is the vehicles subtotal; 合计 under anything else the total.
		return key, true
	}
	for i := len(c.path) - 2; i >= 0; i-- {
		if key, ok := threePublicIndex[nameKey(c.path[i]+c.leaf())]; ok {
			return key, true
		}
	}
	return "", false
}

func isCountKey(key string) bool {
	for _, c := range models.ThreePublicCounts {
		if c.Key == key {
			return true
		}
	}
	return false
}

// readBody reads the rows under the header until the next title or the end
// of the sheet, and returns where it stopped.
func (p *parser) readBody(r int) int {
	var inherit [3]string // 类, 款 codes of the rows above, for split code columns
	var carry [2]bool     // fiscal summary: the income side is under 上年结转
	var across []Line     // 三公 printed down: the one record
	inNotes := false
	for ; r < len(p.s.Rows); r++ {
		if p.blank(r) {
			continue
		}
		if p.titleAt(r) {
			break
		}
		first := p.firstText(r)
		if reason, ok := changeReason(first); ok && p.t.Spec.Key == models.TableThreePublic {
			p.t.ChangeReason = &Note{Text: reason, Row: r + 1, Ref: p.firstRef(r)}
			continue
		}
		if isNote(norm(first)) || (inNotes && !p.rowNumbers(r)) {
			inNotes = true
			p.t.Notes = append(p.t.Notes, Note{Text: first, Row: r + 1, Ref: p.firstRef(r)})
			continue
		}
		switch {
		case p.t.Spec.Key == models.TableThreePublic && p.vertical:
			across = append(across, p.threePublicDown(r)...)
		case p.t.Spec.Key == models.TableThreePublic:
			if lines := p.threePublicAcross(r); len(lines) > 0 {
				p.t.ThreePublic = append(p.t.ThreePublic, lines)
			}
		case len(p.sides) >= 2:
			for i := range p.sides {
				p.sideRow(r, i, &carry)
			}
		case p.t.Spec.Classification == "":
			p.sideRow(r, 0, &carry)
		default:
			p.codeRow(r, &inherit)
		}
	}
	if len(across) > 0 {
		p.t.ThreePublic = append(p.t.ThreePublic, across)
	}
	p.closeFund()
	return r
}

func (p *parser) firstRef(r int) string {
	for c, cell := range p.s.Rows[r] {
		if trim(cell.Text) != "" {
			return Ref(p.s.Name, r, c)
		}
	}
	return Ref(p.s.Name, r, 0)
}

// changeReason reads a 增减变化原因 line printed under the 三公 table.
func changeReason(t string) (string, bool) {
	n := norm(t)
	for _, label := range []string{"增减变化原因", "三公经费增减变化原因", "变化原因"} {
		if strings.HasPrefix(n, label) {
			_, after, ok := strings.Cut(t, "：")
			if !ok {
				_, after, ok = strings.Cut(t, ":")
			}
			if ok {
				return trim(after), true
			}
		}
	}
	return "", false
}

// amountLine makes the line of one amount cell, or reports false for a blank one.
func (p *parser) amountLine(r int, c *column, code, name string) (Line, bool) {
	cell := p.s.cell(r, c.idx)
	t := trim(cell.Text)
	if t == "" {
		return Line{}, false
	}
	return Line{Code: code, Name: name, Column: c.key, Text: t, Decimals: cell.Decimals, Row: r + 1, Header: c.header,
		Ref: Ref(p.s.Name, r, c.idx)}, true
}

// codeRow reads a row of a classified table: its code from the code column,
// the 类/款/项 columns or the start of the name; 合计 / 人员经费合计 rows by name.
func (p *parser) codeRow(r int, inherit *[3]string) {
	name, nameRef := "", ""
	if len(p.sides) > 0 {
		name = p.s.at(r, p.sides[0].nameCol)
		nameRef = Ref(p.s.Name, r, p.sides[0].nameCol)
	}
	code, codeRef := "", nameRef
	switch {
	case p.codeCol >= 0:
		code, codeRef = p.s.at(r, p.codeCol), Ref(p.s.Name, r, p.codeCol)
	case p.splitCol[0] >= 0 || p.splitCol[1] >= 0 || p.splitCol[2] >= 0:
		code, codeRef = p.splitCode(r, inherit)
	}
	if code == "" {
		if m := codeInName.FindStringSubmatch(name); m != nil {
			code, name = m[1], trim(strings.TrimPrefix(name, m[1]))
		}
	}
	if name == "" && code != "" && !isDigits(code) {
		name, code = code, "" // 合计 written in the code column
	}
	var lines []Line
	for i := range p.cols {
		c := &p.cols[i]
		if c.role == roleDropped {
			if t := p.s.at(r, c.idx); t != "" && isNumber(t) && strings.Trim(t, "0.,-") != "" {
				p.t.Findings = append(p.t.Findings, Finding{Rule: RuleCellEnum, Row: r + 1, Column: c.header, Text: t,
					Ref: Ref(p.s.Name, r, c.idx), Message: "栏目“" + c.header + "”不是标准表“" + p.t.Spec.Name(p.t.Phase) + "”保存的栏目，其中的金额无法保存"})
			}
			continue
		}
		if c.role != roleAmount {
			continue
		}
		if l, ok := p.amountLine(r, c, "", name); ok {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return // a printed row left blank: absent lines
	}
	switch key := nameKey(name); {
	case isDigits(code):
	case key == "合计" || key == "总计" || norm(code) == "合计":
		code = models.RowTotal
	case p.t.Spec.Key == models.TableBasicExpenditure && (key == "人员经费合计" || key == "人员经费小计" || key == "人员经费"):
		code = models.RowPersonnelTotal
	case p.t.Spec.Key == models.TableBasicExpenditure && (key == "公用经费合计" || key == "公用经费小计" || key == "公用经费"):
		code = models.RowPublicUseTotal
	case code == "":
		p.t.Findings = append(p.t.Findings, Finding{Rule: RuleCellRequired, Row: r + 1, Column: "科目编码", Text: name, Ref: codeRef,
			Message: "有金额的行“" + name + "”没有科目编码"})
		return
	default:
		p.t.Findings = append(p.t.Findings, Finding{Rule: RuleCellEnum, Row: r + 1, Column: "科目编码", Text: code, Ref: codeRef,
			Message: "“" + code + "”不是科目编码（应为 3、5 或 7 位数字）"})
		return
	}
	for i := range lines {
		lines[i].Code = code
	}
	p.t.Lines = append(p.t.Lines, lines...)
}

// splitCode joins the 类 / 款 / 项 cells of a row into a code. A cell may hold
// its own digits (201 | 03 | 01) or the whole code (201 | 20103 | 2010301);
// a 款 or 项 row that leaves the 类 (and 款) blank takes them from the rows above.
func (p *parser) splitCode(r int, inherit *[3]string) (string, string) {
	var part [3]string
	ref := ""
	deepest := -1
	for i, c := range p.splitCol {
		if c < 0 {
			continue
		}
		part[i] = p.s.at(r, c)
		if part[i] != "" {
			deepest = i
			ref = Ref(p.s.Name, r, c)
		}
	}
	if deepest < 0 {
		return "", ref
	}
	if !isDigits(part[deepest]) {
		return part[deepest], ref // 合计 in the 类 column
	}
	if full := part[deepest]; len(full) == 3+2*deepest {
		inherit[deepest] = full
		return full, ref
	}
	if isDigits(part[0]) && len(part[0]) < 3 {
		// A 类 printed short (7 │ 11 │ 02 where the other tables print 210):
		// no code can be made of it, and the row says so.
		return strings.Join(strings.Fields(part[0]+" "+part[1]+" "+part[2]), " "), Ref(p.s.Name, r, p.splitCol[0])
	}
	code := ""
	for i := 0; i <= deepest; i++ {
		v := part[i]
		switch {
		case v == "" && i < deepest:
			v = inherit[i]
			if i > 0 && len(v) == 3+2*i {
				v = v[len(v)-2:]
			}
		case len(v) == 3+2*i && i > 0:
			v = v[len(v)-2:]
		}
		code += v
	}
	if len(code) == 3+2*deepest {
		inherit[deepest] = code
	}
	return code, ref
}

// sideRow reads one side of a row of a row-keyed table (the two 总表, 政府采购,
// 机关运行经费): the row's name gives its key.
func (p *parser) sideRow(r, si int, carry *[2]bool) {
	spec := p.t.Spec
	name, nameRef := "", ""
	nameCol := -1
	if si < len(p.sides) {
		nameCol = p.sides[si].nameCol
		name, nameRef = p.s.at(r, nameCol), Ref(p.s.Name, r, nameCol)
	}
	var cols []*column
	for i := range p.cols {
		if c := &p.cols[i]; c.role == roleAmount && (len(p.sides) < 2 || c.side == si) {
			cols = append(cols, c)
		}
	}
	var lines []Line
	for _, c := range cols {
		if l, ok := p.amountLine(r, c, "", name); ok {
			lines = append(lines, l)
		}
	}
	spending := si < len(p.sides) && p.sides[si].spending
	key := nameKey(name)
	code, ok := "", false
	switch {
	case spec.Key == models.TableProcurement:
		code, ok = procurementRowIndex[key]
	case spec.Key == models.TableOperatingCost:
		code, ok = operatingRowIndex[key]
		if !ok && name == "" && len(lines) > 0 {
			code, ok = models.RowTotal, true // a lone figure under 机关运行经费
		}
	case spending:
		if code, ok = spendingRowIndex[key]; !ok {
			if m := codeInName.FindStringSubmatch(name); m != nil && len(m[1]) == 3 {
				code, ok = m[1], true
			} else {
				code, ok = categoryByName[codes.NormalizeName(name)]
			}
		}
	default:
		code, ok = incomeRowIndex[key]
	}
	// 财政拨款收支总表: the lines under 上年结转 name the fund of the carry-over.
	column := ""
	if spec.Key == models.TableFiscalSummary && !spending && ok {
		switch code {
		case "general_budget", "gov_fund", "state_capital":
			if carry[si%2] {
				code, column = "carryover_in", code
			}
		case "carryover_in":
			carry[si%2] = true
		default:
			carry[si%2] = false
		}
	}
	if spending && spec.Key == models.TableSummary {
		p.checkBreakdown(r, name, lines)
	}
	if !spending && !p.isFundParent(spending, key) && (!ok || !isFund(code)) {
		p.closeFund() // the fund rows under 一、财政拨款收入 end at the next other row
	}
	if len(lines) == 0 {
		return
	}
	if p.isFundParent(spending, key) {
		p.closeFund()
		p.fund = &fundParent{lines: lines, name: name}
		return
	}
	if !spending && ok {
		p.addFundPart(code, lines)
	}
	if !ok {
		p.t.Findings = append(p.t.Findings, Finding{Rule: RuleCellEnum, Row: r + 1, Column: "项目", Text: name, Ref: nameRef,
			Message: "表“" + p.t.Title + "”中无法识别的行“" + name + "”"})
		return
	}
	for i := range lines {
		lines[i].Code = code
		if column != "" {
			lines[i].Column = column
		}
	}
	p.t.Lines = append(p.t.Lines, lines...)
}

// threePublicAcross reads a data row of a 三公 table printed across.
func (p *parser) threePublicAcross(r int) []Line {
	var lines []Line
	for i := range p.cols {
		c := &p.cols[i]
		if c.role != roleAmount || c.key == "" {
			continue
		}
		if l, ok := p.amountLine(r, c, "", ""); ok {
			lines = append(lines, l)
		}
	}
	return lines
}

// threePublicDown reads a row of a 三公 table printed down: the row's name is
// the field, each 预算数 / 决算数 column one figure of it.
func (p *parser) threePublicDown(r int) []Line {
	if len(p.sides) == 0 {
		return nil
	}
	name := p.s.at(r, p.sides[0].nameCol)
	field, ok := threePublicIndex[nameKey(name)]
	var lines []Line
	for i := range p.cols {
		c := &p.cols[i]
		if c.role != roleAmount {
			continue
		}
		if l, lok := p.amountLine(r, c, "", name); lok {
			key := field
			if !isCountKey(field) {
				key = c.key + field
			}
			l.Column = key
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 && !ok {
		p.t.Findings = append(p.t.Findings, Finding{Rule: RuleCellEnum, Row: r + 1, Column: "项目", Text: name,
			Ref: Ref(p.s.Name, r, p.sides[0].nameCol), Message: "“三公”经费表中无法识别的行“" + name + "”"})
		return nil
	}
	return lines
}
