package ingest

import (
	"context"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"sunshine/ingest/layout"
	"sunshine/ingest/pdfgrid"
	"sunshine/models"
)

var pdfMagic = []byte("%PDF-")

// openPDF reads a disclosure PDF: pdfgrid rebuilds its tables, each table
// becomes a sheet of the official layout, and the layout reader maps them as
// it maps a workbook's, so a PDF yields the records the workbook it was
// printed from yields. A finding names the page, the table, the row and the
// column (第5页 表3 第12行“财政拨款”栏) instead of a cell of a sheet. The
// cover's department, year and phase stand in for what the table titles
// leave out; the region and department codes come from opts, as for a
// workbook. A PDF without a text layer is refused with pdfgrid's sentence.
func openPDF(r io.Reader, opts Options) (Reader, error) {
	doc, err := pdfgrid.Read(context.Background(), r, pdfgrid.Limits{})
	if err != nil {
		return nil, err
	}
	return newPDFReader(doc, opts), nil
}

// pdfPlace is where a cell of a table sheet was printed.
type pdfPlace struct {
	sheet string // 第5页 表3
	cell  string // 第12行“财政拨款”栏
	// page and box (points from the page's top left) of a body cell; page 0
	// for the header, title and notes.
	page           int
	x0, y0, x1, y1 float64
}

// pdfSheet is one table of the PDF laid out as a sheet, and where each of its
// cells was printed.
type pdfSheet struct {
	sheet  layout.Sheet
	places map[string]pdfPlace // by cell name (D12)
}

// newPDFReader maps the tables of a document.
func newPDFReader(doc *pdfgrid.Document, opts Options) Reader {
	var sheets []pdfSheet
	var tables []layout.Table
	for i := range doc.Tables {
		g := &doc.Tables[i]
		header := headerPaths(g)
		if strings.Contains(g.Title.Text, "三公") {
			budgetOverItems(header)
		}
		title := g.Title.Text
		if at := secondSide(g, header); at > 0 {
			sheets = append(sheets, gridSheet(g, header, i+1, 0, at, "", title), gridSheet(g, header, i+1, at, g.Width(), "-2", title))
		} else if at := operatingColumn(title, header); at > 0 {
			for c := at; c < len(header); c++ { // (2024年)机关运行经费预算数 under the title 机关运行经费预算表: 预算数
				if n := len(header[c]); n > 0 {
					if _, rest, ok := strings.Cut(header[c][n-1].Text, "机关运行经费"); ok {
						header[c][n-1].Text = rest
					}
				}
			}
			// “三公”经费和机关运行经费预算表: the 三公 table and the 机关运行经费 column side by side.
			sheets = append(sheets,
				gridSheet(g, header, i+1, 0, at, "", strings.Replace(title, "和机关运行经费", "", 1)),
				gridSheet(g, header, i+1, at, g.Width(), "-2", strings.Replace(strings.Replace(title, "“三公”经费和", "", 1), "\"三公\"经费和", "", 1)))
		} else {
			sheets = append(sheets, gridSheet(g, header, i+1, 0, g.Width(), "", title))
		}
	}
	for i := range sheets {
		tables = append(tables, layout.Read(&sheets[i].sheet)...)
	}
	if len(tables) == 0 {
		l := &layoutReader{base: base{kind: opts.Kind, opts: opts}}
		l.out.add(models.Finding{Rule: RuleFileEmpty,
			Message: "这份 PDF 里没有找到公开表格（如“收入支出决算总表”“财政拨款“三公”经费支出表”）"})
		return l
	}
	cover := coverOf(doc.Title)
	reason := changeReasonOf(doc.Prose)
	for i := range tables {
		t := &tables[i]
		if t.Year == 0 {
			t.Year = cover.year
		}
		if t.Phase == "" {
			t.Phase = cover.phase
		}
		// The cover's 预算单位：… line names the department better than a
		// title's words before the table's name (2025年预算单位财务收支预算总表).
		if cover.dept != "" && (t.Dept == "" || (cover.labelled && t.DeptRef == t.TitleRef)) {
			t.Dept, t.DeptRef = cover.dept, ""
		}
		if t.Spec.Key == models.TableThreePublic && t.ChangeReason == nil && reason != nil {
			t.ChangeReason = reason
		}
	}
	l := newLayoutReader(tables, opts)
	byName := map[string]*pdfSheet{}
	for i := range sheets {
		byName[sheets[i].sheet.Name] = &sheets[i]
	}
	// The 三公 record's fields, each at its own cell.
	threeCells := map[string]string{} // field → 表9!C5
	for i := range tables {
		if t := &tables[i]; t.Spec.Key == models.TableThreePublic && len(t.ThreePublic) == 1 {
			for _, ln := range t.ThreePublic[0] {
				threeCells[ln.Column] = ln.Ref
			}
		}
	}
	source := func(ref string, table models.Table, code, column string) []models.FigureSource {
		sheet, cell := splitRef(ref)
		s := byName[sheet]
		if s == nil {
			return nil
		}
		p, ok := s.places[cell]
		if !ok || p.page == 0 {
			return nil
		}
		return []models.FigureSource{{Table: table, Code: code, Column: column, Page: p.page, X0: p.x0, Y0: p.y0, X1: p.x1, Y1: p.y1}}
	}
	for i := range l.queue {
		rec := &l.queue[i]
		switch {
		case rec.LineItem != nil:
			li := rec.LineItem
			rec.Sources = source(rec.Sheet+"!"+rec.Cell, li.Table, li.Code, li.Column)
		case rec.ThreePublic != nil:
			for _, a := range models.ThreePublicAmounts {
				if ref, ok := threeCells[a.Key]; ok && a.Get(rec.ThreePublic).Valid {
					rec.Sources = append(rec.Sources, source(ref, models.TableThreePublic, "", a.Key)...)
				}
			}
			for _, c := range models.ThreePublicCounts {
				if ref, ok := threeCells[c.Key]; ok && c.Get(rec.ThreePublic).Valid {
					rec.Sources = append(rec.Sources, source(ref, models.TableThreePublic, "", c.Key)...)
				}
			}
		}
		if s := byName[rec.Sheet]; s != nil {
			p := s.place(rec.Cell)
			rec.Sheet, rec.Cell = p.sheet, p.cell
		}
	}
	attachExplanations(l.queue, explanationsOf(doc))
	for i := range l.out.list {
		f := &l.out.list[i]
		s := byName[f.Sheet]
		if s == nil {
			continue
		}
		ref := layout.SheetRef(f.Sheet)
		if f.Cell != "" {
			ref += "!" + f.Cell
		}
		p := s.place(f.Cell)
		f.Sheet, f.Cell = p.sheet, p.cell
		pos := strings.TrimSpace(p.sheet + " " + p.cell)
		if rest, ok := strings.CutPrefix(f.Message, ref+"："); ok {
			f.Message = prefixed(pos, rest)
		} else if rest, ok := strings.CutPrefix(f.Message, ref); ok {
			f.Message = pos + rest
		}
	}
	return l
}

// place is where a cell of the sheet was printed; the table as a whole for "".
func (s *pdfSheet) place(cell string) pdfPlace {
	if p, ok := s.places[cell]; ok {
		return p
	}
	return s.places[""]
}

// gridSheet lays a table out as a sheet: its title, the lines above the
// header, the header rows (a spanning header cell as a merged range), the
// body rows and the notes, one printed line to a row. Amounts lose their
// thousands separators; their decimals are as printed. The sheet holds the
// columns lo to hi - 1 (a table printed with two sides is two sheets, the
// second named with part), under the title given.
func gridSheet(g *pdfgrid.Grid, header [][]headerLabel, n, lo, hi int, part, title string) pdfSheet {
	name := "表" + strconv.Itoa(n)
	ps := pdfSheet{sheet: layout.Sheet{Name: name + part}, places: map[string]pdfPlace{}}
	table := func(page int) string { return "第" + strconv.Itoa(page) + "页 " + name }
	ps.places[""] = pdfPlace{sheet: table(g.Page)}
	line := func(b pdfgrid.Block, what string) {
		r := len(ps.sheet.Rows)
		ps.sheet.Rows = append(ps.sheet.Rows, []layout.Cell{{Text: b.Text}})
		page := b.Page
		if page == 0 {
			page = g.Page
		}
		ps.places[layout.CellName(r, 0)] = pdfPlace{sheet: table(page), cell: what}
	}
	line(pdfgrid.Block{Text: title, Page: g.Title.Page}, "标题")
	for _, a := range g.Above {
		line(pdfgrid.Block{Text: a.Text, Page: a.Page}, "表头上方")
	}
	header = header[lo:hi]
	depth := 0
	for _, path := range header {
		depth = max(depth, len(path))
	}
	for r := 0; r < depth; r++ {
		sr := len(ps.sheet.Rows)
		cells := make([]layout.Cell, len(header))
		for c, path := range header {
			if r < len(path) {
				cells[c].Text = path[r].Text
				ps.places[layout.CellName(sr, c)] = pdfPlace{sheet: table(g.Page), cell: "表头“" + path[r].Text + "”"}
			}
		}
		ps.sheet.Rows = append(ps.sheet.Rows, cells)
	}
	for r, row := range g.Body() {
		sr := len(ps.sheet.Rows)
		row = row[lo:hi]
		cells := make([]layout.Cell, len(row))
		page := g.Page
		for _, c := range row {
			if c.Page != 0 {
				page = c.Page
				break
			}
		}
		what := "第" + strconv.Itoa(r+1) + "行"
		for c, cell := range row {
			text := cell.Text
			if plain := strings.ReplaceAll(text, ",", ""); text != "" && isPrintedAmount(plain) {
				text = plain
				cells[c].Decimals = models.DecimalsOf(plain)
			}
			cells[c].Text = text
			p := page
			if cell.Page != 0 {
				p = cell.Page
			}
			col := ""
			if c < len(header) && len(header[c]) > 0 {
				col = "“" + header[c][len(header[c])-1].Text + "”栏"
			}
			ps.places[layout.CellName(sr, c)] = pdfPlace{sheet: table(p), cell: what + col,
				page: cell.Page, x0: cell.X0, y0: cell.Y0, x1: cell.X1, y1: cell.Y1}
		}
		ps.sheet.Rows = append(ps.sheet.Rows, cells)
	}
	if lo == 0 {
		for _, b := range g.Notes {
			line(b, "表下注")
		}
	}
	return ps
}

// operatingColumn finds, in a budget's “三公”经费和机关运行经费预算表, the first
// of the columns under 机关运行经费 at the table's right, which are read as a
// table of their own; 0 for any other table.
func operatingColumn(title string, header [][]headerLabel) int {
	if !strings.Contains(title, "三公") || !strings.Contains(title, "机关运行经费") {
		return 0
	}
	at := 0
	for c := len(header) - 1; c > 0; c-- {
		n := len(header[c])
		if n == 0 || !strings.Contains(header[c][0].Text, "机关运行经费") {
			break
		}
		at = c
	}
	return at
}

// secondSide finds a classification table printed with two sides (a final's
// 基本支出表: 人员经费 codes and names on the left, 公用经费 on the right):
// the column where the second side's codes start, 0 when there is one side.
// Each side is read as a table of its own. The 总表, two sides of names
// without codes, are left whole: the reader takes them side by side.
func secondSide(g *pdfgrid.Grid, header [][]headerLabel) int {
	names := 0
	firstName := -1
	for c, path := range header {
		if n := len(path); n > 0 && strings.HasSuffix(path[n-1].Text, "名称") {
			names++
			if firstName < 0 {
				firstName = c
			}
		}
	}
	if names != 2 {
		return 0
	}
	codes := codeColumns(g)
	hasLeft, at := false, 0
	for c := range codes {
		if c < firstName {
			hasLeft = true
		} else if at == 0 || c < at {
			at = c
		}
	}
	if !hasLeft {
		return 0
	}
	return at
}

// isPrintedAmount reports an amount as a PDF prints it, separators dropped:
// 2940.05, -12, .5.
func isPrintedAmount(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" || strings.Count(s, ".") > 1 {
		return false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c != '.':
			return false
		}
	}
	return digits > 0
}

// cover is what a disclosure's cover says: 上海市普陀区财政局 / 2024年度部门决算.
type cover struct {
	dept     string
	labelled bool // the dept is from a 预算单位：… line
	year     int
	phase    models.Phase
}

var coverYear = regexp.MustCompile(`((?:19|20)\d\d)\s*年`)

// coverOf reads the department, year and phase from the cover's lines: the
// first line with a year gives the year and the phase (调整预算, 决算, 预算),
// and the department is the text before the year on it or, else, the first
// line without a digit that is not a phase or a heading word.
func coverOf(lines []pdfgrid.Block) cover {
	var c cover
	for _, b := range lines {
		t := strings.Join(strings.Fields(b.Text), "")
		if label, name, ok := strings.Cut(t, "："); ok && (strings.Contains(label, "部门") || strings.Contains(label, "单位")) && name != "" {
			c.dept, c.labelled = name, true // 预算主管部门：上海市普陀区财政局; the text before the year is the region
			continue
		}
		if m := coverYear.FindStringSubmatchIndex(t); m != nil && c.year == 0 {
			c.year, _ = strconv.Atoi(t[m[2]:m[3]])
			switch {
			case strings.Contains(t, "调整预算"):
				c.phase = models.PhaseAdjusted
			case strings.Contains(t, "决算"):
				c.phase = models.PhaseFinal
			case strings.Contains(t, "预算"):
				c.phase = models.PhaseBudget
			}
			if before := strings.Trim(t[:m[0]], " :：-—"); before != "" && c.dept == "" && !strings.ContainsAny(before, "0123456789") &&
				!labelledDept(lines) {
				c.dept = before
			}
			continue
		}
		if c.dept == "" && !strings.ContainsAny(t, "0123456789") && coverDept(t) {
			c.dept = t
		}
	}
	return c
}

// labelledDept reports a cover that names its department on a line of its
// own (预算主管部门：…, 预算单位：…): the text before the year is then the region.
func labelledDept(lines []pdfgrid.Block) bool {
	for _, b := range lines {
		if label, name, ok := strings.Cut(b.Text, "："); ok && name != "" && (strings.Contains(label, "部门") || strings.Contains(label, "单位")) {
			return true
		}
	}
	return false
}

// coverDept reports a cover line that can be the department's name.
func coverDept(t string) bool {
	n := []rune(t)
	if len(n) < 3 || len(n) > 40 {
		return false
	}
	for _, w := range []string{"预算", "决算", "目录", "公开", "说明", "单位：", "日期"} {
		if strings.Contains(t, w) {
			return false
		}
	}
	return true
}

// changeReasonOf finds the 三公 table's change reason in the prose of its
// explanation (…“三公”经费…情况说明): a 增减变化原因 line; else the text the
// heading runs on into (a budget's 2025年“三公”经费预算数为…, one
// paragraph); else the explanation's first sentence that gives a 原因 (a
// final's …决算数小于预算数的主要原因：…。). Nil when the prose has none.
func changeReasonOf(prose []pdfgrid.Block) *layout.Note {
	in := false
	for _, b := range prose {
		t := strings.Join(strings.Fields(b.Text), "")
		if strings.Contains(t, "……") || strings.Contains(t, "...") {
			continue // a contents line
		}
		if i := strings.Index(t, "增减变化原因"); i >= 0 {
			if r := strings.TrimLeft(t[i+len("增减变化原因"):], "：:"); r != "" {
				return &layout.Note{Text: r}
			}
		}
		if strings.Contains(t, "三公") && strings.Contains(t, "情况说明") {
			_, rest, _ := strings.Cut(t, "情况说明")
			rest = strings.TrimLeft(rest, "。：:")
			if coverYear.MatchString(rest) && strings.HasPrefix(rest[strings.Index(rest, "年")+len("年"):], "“三公”") {
				if i := nextHeading(rest); i > 0 {
					rest = rest[:i] // the next section, run on into the same block
				}
				return &layout.Note{Text: rest}
			}
			in = len([]rune(t)) <= 40 // a heading alone, not a contents line
			continue
		}
		if !in {
			continue
		}
		if chapterHeading(t) {
			in = false
			continue
		}
		for _, sentence := range strings.SplitAfter(t, "。") {
			if strings.Contains(sentence, "原因") {
				return &layout.Note{Text: sentence}
			}
		}
	}
	return nil
}

// nextHeading finds a heading (二、…) run on into a paragraph, after its
// first sentence: where it starts, or -1.
func nextHeading(t string) int {
	start := strings.Index(t, "。")
	if start < 0 {
		return -1
	}
	for i := start; i < len(t); {
		j := strings.Index(t[i:], "、")
		if j < 0 {
			return -1
		}
		k := i + j
		h := k
		for h > i {
			r, size := utf8.DecodeLastRuneInString(t[:h])
			if !strings.ContainsRune("一二三四五六七八九十", r) {
				break
			}
			h -= size
		}
		if h < k {
			if prev, _ := utf8.DecodeLastRuneInString(t[:h]); prev == '。' {
				return h
			}
		}
		i = k + len("、")
	}
	return -1
}

// chapterHeading reports a heading of the next chapter: 八、…
func chapterHeading(t string) bool {
	i := strings.Index(t, "、")
	return i > 0 && i <= 6 && strings.Trim(t[:i], "一二三四五六七八九十") == ""
}

// headerLabel is one label of a table's header: its text, the columns it
// stands over and where it was printed.
type headerLabel struct {
	Text       string
	Col0, Col1 int // inclusive
	Row        int // header row of its first line
	X0, Y0     float64
	X1, Y1     float64
}

// headerPaths reads each column's header top-down, at most four labels (the
// depth the layout reader reads), for a sheet whose header has one row per
// level. The grid's header has one row per printed line, so it first puts
// back together what the printing split:
//
//   - a label wrapped in its cell (附属单 / 位上缴收入) is two lines centred on
//     one x (or the second within the first), close under each other, no
//     label of a line between them over the second: they are joined, over
//     the columns of the narrower part;
//   - a code label glued to the 类 / 款 / 项 beside it (科目编码款, 类款) is cut
//     into the label and the split words, each over its own column;
//   - the code label (…编码) stands over the 类 / 款 / 项 columns next to it,
//     and over nothing else; nothing else stands over them.
func headerPaths(g *pdfgrid.Grid) [][]headerLabel {
	var labels []headerLabel
	for r := 0; r < g.HeaderRows; r++ {
		for c, cell := range g.Rows[r] {
			if cell.Text == "" || cell.Span == 0 {
				continue
			}
			labels = append(labels, headerLabel{Text: cell.Text, Col0: c, Col1: c + max(cell.Span, 1) - 1, Row: r,
				X0: cell.X0, Y0: cell.Y0, X1: cell.X1, Y1: cell.Y1})
		}
	}
	// Wrapped labels.
	for i := 0; i < len(labels); i++ {
		a := &labels[i]
		for j := i + 1; j < len(labels); j++ {
			b := labels[j]
			ca, cb := (a.X0+a.X1)/2, (b.X0+b.X1)/2
			centred := ca-cb <= 3 && cb-ca <= 3
			// A box measured with the wrong widths: the second line inside the
			// first, and alone under it (a group label has several).
			// Two item names (…费) are two labels, not one wrapped.
			inside := b.X0 >= a.X0-8 && b.X1 <= a.X1+8 && !centred && alone(labels, *a, j)
			items := strings.HasSuffix(a.Text, "费") && strings.HasSuffix(b.Text, "费")
			// A text wraps when it fills its line: a first line narrower than
			// the second by more than a character is a group's label over it
			// (支出 over 一般公共预算).
			narrower := a.X1-a.X0+(a.Y1-a.Y0) < b.X1-b.X0
			// Nor is a label over more columns whose columns on both sides of
			// b hold labels of b's line: 本年支出 over 合计 │ 基本支出 │ 项目支出;
			// nor one with a label between them over b's columns: 预算数 over
			// 公务用车购置及运行费 over 小计 (a print so small that 小计 stands
			// as close under 预算数 as a wrapped line).
			left, right, between := false, false, false
			for k, o := range labels {
				if k != j && o.Row == b.Row && o.Col0 >= a.Col0 && o.Col1 <= a.Col1 {
					left = left || o.Col1 < b.Col0
					right = right || o.Col0 > b.Col1
				}
				between = between || o.Row > a.Row && o.Row < b.Row && o.Col0 <= b.Col1 && o.Col1 >= b.Col0
			}
			group := left && right || between
			if b.Row <= a.Row || !(centred || inside) || items || narrower || group || b.Y0 <= a.Y0 || b.Y0-a.Y1 > 16 ||
				splitLabel(a.Text) || splitLabel(b.Text) {
				continue
			}
			if b.Col1-b.Col0 < a.Col1-a.Col0 {
				a.Col0, a.Col1 = b.Col0, b.Col1
			}
			a.Text += b.Text
			a.X0, a.X1, a.Y1 = min(a.X0, b.X0), max(a.X1, b.X1), b.Y1
			labels = append(labels[:j], labels[j+1:]...)
			j = i
		}
	}
	// Glued code labels.
	var out []headerLabel
	for _, l := range labels {
		rs := []rune(l.Text)
		switch {
		case len(rs) == 2 && splitLabel(string(rs[0])) && splitLabel(string(rs[1])) && l.Col0+1 <= g.Width()-1:
			a, b := l, l
			mid := (l.X0 + l.X1) / 2
			a.Text, a.Col1, a.X1 = string(rs[0]), l.Col0, mid
			b.Text, b.Col0, b.Col1, b.X0 = string(rs[1]), l.Col0+1, l.Col0+1, mid
			out = append(out, a, b)
			continue
		case len(rs) > 3 && splitLabel(string(rs[len(rs)-1])) && strings.HasSuffix(string(rs[:len(rs)-1]), "编码"):
			a, b := l, l
			a.Text = string(rs[:len(rs)-1])
			b.Text, b.Row = string(rs[len(rs)-1]), g.HeaderRows
			out = append(out, a, b)
			continue
		}
		out = append(out, l)
	}
	labels = out
	// A split word is the last label of its column: 类 / 款 / 项 over one
	// column each, the code column of the body nearest to it (the header's
	// centring puts a one-character label off its column).
	codeCols := codeColumns(g)
	split := map[int]bool{}
	for i := range labels {
		l := &labels[i]
		if !splitLabel(l.Text) {
			continue
		}
		best, dist := l.Col0, -1.0
		centre := (l.X0 + l.X1) / 2
		for c, x := range codeCols {
			if d := max(centre-x, x-centre); dist < 0 || d < dist {
				best, dist = c, d
			}
		}
		l.Col0, l.Col1 = best, best
		split[best] = true
	}
	for i := range labels {
		l := &labels[i]
		if !strings.HasSuffix(l.Text, "编码") {
			continue
		}
		first := -1
		for c := l.Col0 - 1; c <= l.Col1+1 && first < 0; c++ {
			if split[c] {
				first = c
			}
		}
		if first < 0 {
			continue
		}
		l.Col0, l.Col1 = first, first
		for l.Col0 > 0 && split[l.Col0-1] {
			l.Col0--
		}
		for split[l.Col1+1] {
			l.Col1++
		}
	}
	// A 小计 with no group over it belongs to the group that starts right of
	// it (本年支出 › 小计 | 基本支出 | 项目支出), which the centring put one column off.
	for i := range labels {
		l := labels[i]
		if l.Text != "小计" || covered(labels, l) {
			continue
		}
		for j := range labels {
			if g := &labels[j]; g.Row < l.Row && g.Col0 == l.Col1+1 && g.Col1 > g.Col0 {
				g.Col0 = l.Col0
				break
			}
		}
	}
	sort.SliceStable(labels, func(i, j int) bool { return labels[i].Row < labels[j].Row })
	paths := make([][]headerLabel, g.Width())
	for c := range paths {
		for _, l := range labels {
			if c < l.Col0 || c > l.Col1 {
				continue
			}
			if n := len(paths[c]); n > 0 && paths[c][n-1].Text == l.Text {
				continue
			}
			paths[c] = append(paths[c], l)
		}
		if n := len(paths[c]); n > 0 && splitLabel(paths[c][n-1].Text) {
			// Over a 类 / 款 / 项 column only the code label counts: 项目 printed
			// over the code and name columns is centred off them.
			var kept []headerLabel
			for _, l := range paths[c] {
				if strings.Contains(l.Text, "编码") || strings.Contains(l.Text, "科目") || splitLabel(l.Text) {
					kept = append(kept, l)
				}
			}
			paths[c] = kept
		}
		if n := len(paths[c]); n > 4 { // keep the top three and the column's own label
			paths[c] = append(paths[c][:3:3], paths[c][n-1])
		}
	}
	return paths
}

// alone reports that labels[j] is the only label printed under a's
// x-range on a later header line.
func alone(labels []headerLabel, a headerLabel, j int) bool {
	for k, o := range labels {
		if k != j && o.Row > a.Row && o.X0 >= a.X0-8 && o.X1 <= a.X1+8 {
			return false
		}
	}
	return true
}

// covered reports a label with another over its columns.
func covered(labels []headerLabel, l headerLabel) bool {
	for _, o := range labels {
		if o.Row < l.Row && o.Col0 <= l.Col0 && o.Col1 >= l.Col1 {
			return true
		}
	}
	return false
}

// splitLabel reports the 类, 款 and 项 of a split code column.
func splitLabel(s string) bool { return s == "类" || s == "款" || s == "项" }

// codeColumns are the columns of the body that hold classification codes
// (digits only, 2 or 3 of them: 类 201, 款 06, 项 01), by the centre of their
// printed codes.
func codeColumns(g *pdfgrid.Grid) map[int]float64 {
	sum, n, other := map[int]float64{}, map[int]int{}, map[int]bool{}
	for _, row := range g.Body() {
		for c, cell := range row {
			if cell.Text == "" {
				continue
			}
			if cell.X0 <= 0 { // a box pdfgrid could not measure
				continue
			}
			digits := strings.Trim(cell.Text, "0123456789") == ""
			if digits && len(cell.Text) == 1 {
				continue // a code misprinted with one digit (7 for 210, 2 for 02) leaves its column a code column
			}
			if !digits || len(cell.Text) < 2 || len(cell.Text) > 3 {
				other[c] = true
				continue
			}
			sum[c] += (cell.X0 + cell.X1) / 2
			n[c]++
		}
	}
	out := map[int]float64{}
	for c, k := range n {
		if !other[c] {
			out[c] = sum[c] / float64(k)
		}
	}
	return out
}

// budgetOverItems turns a 三公 table printed with the items on top and
// 预算数 / 决算数 under each into the printing the layout reader knows, the
// 预算数 / 决算数 groups on top and the items under them.
func budgetOverItems(paths [][]headerLabel) {
	for c, path := range paths {
		n := len(path)
		if n < 2 || (path[n-1].Text != "预算数" && path[n-1].Text != "决算数") {
			continue
		}
		paths[c] = append([]headerLabel{path[n-1]}, path[:n-1]...)
	}
}
