package pdfgrid

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// An ordinal opens a row of its own (一、 1. （一）), never a wrapped continuation; so does 其中： (a part of the row
// above, 其中：公务用车购置费).
var ordinalRe = regexp.MustCompile(`^([一二三四五六七八九十]+、|\d+[.．、](\D|$)|[（(][一二三四五六七八九十\d]+[）)]|其中[：:])`)

func cellOf(page int, cs ...chunk) Cell {
	c := Cell{Page: page, Span: 1, X0: math.Inf(1), Y0: math.Inf(1), X1: math.Inf(-1), Y1: math.Inf(-1)}
	var parts []string
	for _, k := range cs {
		parts = append(parts, k.Text)
		c.X0, c.Y0, c.X1, c.Y1 = math.Min(c.X0, k.X0), math.Min(c.Y0, k.Y0), math.Max(c.X1, k.X1), math.Max(c.Y1, k.Y1)
	}
	c.Text = squeeze(strings.Join(parts, " "))
	return c
}

// grow adds a wrapped piece of text to a cell (below or above it).
func (c *Cell) grow(k chunk, before bool) {
	boxless := c.Text == "" || math.IsInf(c.X0, 1) // a blank cell has no box to widen
	if before {
		c.Text = squeeze(k.Text + " " + c.Text)
	} else {
		c.Text = squeeze(c.Text + " " + k.Text)
	}
	if boxless {
		c.X0, c.Y0, c.X1, c.Y1 = k.X0, k.Y0, k.X1, k.Y1
		return
	}
	c.X0, c.Y0, c.X1, c.Y1 = math.Min(c.X0, k.X0), math.Min(c.Y0, k.Y0), math.Max(c.X1, k.X1), math.Max(c.Y1, k.Y1)
}

// grid lays the region's lines out as rows and columns.
func (r *region) grid() Grid {
	g := Grid{Title: cellOf(r.title.Page, r.title.Chunks...), Unit: r.unit, Page: r.pages[0], Pages: r.pages}
	for _, l := range r.above {
		g.Above = append(g.Above, cellOf(l.Page, l.Chunks...))
	}
	var lines []*line
	noteBlock := -1
	for _, l := range r.lines {
		switch {
		case noteRe.MatchString(l.text()):
			noteBlock = l.Chunks[0].Block
			g.Notes = append(g.Notes, blockOf(l))
		case noteBlock >= 0 && l.Chunks[0].Block == noteBlock:
			n := &g.Notes[len(g.Notes)-1]
			n.Text += l.text()
			n.Y1 = math.Max(n.Y1, l.Y1)
		default:
			lines = append(lines, l)
		}
	}
	h := len(lines)
	for i, l := range lines {
		if isData(l) && !amountsOnly(l) {
			h = i
			break
		}
	}
	// The last header line can share its baseline with amounts of the first row printed higher than the rest
	// of it (类 款 项 beside the 合计 row's 基本支出 and 项目支出): when the next line opens the body with 合计 or a
	// code and this one holds neither, its words are header and its amounts body.
	if h+1 < len(lines) && !opensRow(lines[h]) && opensRow(lines[h+1]) {
		words, amounts := &line{}, &line{}
		*words, *amounts = *lines[h], *lines[h]
		words.Chunks, amounts.Chunks = nil, nil
		for _, c := range lines[h].Chunks {
			if isNumber(c.Text) {
				amounts.Chunks = append(amounts.Chunks, c)
			} else {
				words.Chunks = append(words.Chunks, c)
			}
		}
		lines = append(append(append([]*line{}, lines[:h]...), words, amounts), lines[h+1:]...)
		h++
	}
	// A line of amounts above the first row (the 合计 row's amounts printed higher) is body, not header.
	// A 栏次 line (栏次 │ 1 │ 2 …) numbers the columns: the reader has no use for it, and its numbers, centred over
	// right-aligned amounts, would stand for columns of their own.
	var header, body []*line
	for i, l := range lines {
		if i < h && columnNumbering(l) {
			continue
		}
		if i < h && !amountsOnly(l) {
			header = append(header, l)
		} else {
			body = append(body, l)
		}
	}
	bands := withHeaderColumns(columns(body), header)
	x0, x1 := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		x0, x1 = math.Min(x0, l.x0()), math.Max(x1, l.x1())
	}
	fs := r.title.fs
	if len(lines) > 0 {
		fs = lines[0].fs
	}
	edges := bounds(bands, x0, x1, fs)
	n := len(edges)
	// The first column's right-aligned amounts say where it ends, not where it starts: its label, centred over it
	// (合计 over 110,000.00), does, as far left of the label's centre as the amounts end right of it.
	if n > 0 && bands[0].num {
		for i := len(header) - 1; i >= 0; i-- {
			if k := slices.IndexFunc(header[i].Chunks, func(c chunk) bool {
				return c.X0 >= edges[0][0]-0.5*fs && c.X1 <= bands[0].X1
			}); k >= 0 {
				edges[0][0] = math.Min(edges[0][0], 2*header[i].Chunks[k].center()-math.Min(edges[0][1], bands[0].X1+0.3*fs))
				break
			}
		}
	}
	blank := func(page int) []Cell {
		row := make([]Cell, n)
		for i := range row {
			row[i] = Cell{Page: page, Span: 1}
		}
		return row
	}

	// The header: one row per line, each cell spanning the columns it is centred over.
	spans := headerSpans(header, edges)
	for i, l := range header {
		row := blank(l.Page)
		for j, c := range l.Chunks {
			s := spans[i][j]
			if row[s[0]].Text != "" {
				row[s[0]].grow(c, false)
				continue
			}
			row[s[0]] = cellOf(l.Page, c)
			row[s[0]].Span = s[1] - s[0] + 1
			for k := s[0] + 1; k <= s[1]; k++ {
				row[k] = Cell{Page: l.Page}
			}
		}
		g.Rows = append(g.Rows, row)
	}
	g.Rows = unwrapHeader(g.Rows, header)
	g.HeaderRows = len(g.Rows)

	// The body: one row per line; a line of text alone in cells that the line above or below fills is the wrapped
	// rest of those cells.
	type bodyRow struct {
		cells []Cell
		line  *line // the first line of the row
		last  *line // the lowest line merged into it
	}
	var rows []bodyRow
	place := func(l *line) []Cell {
		row := blank(l.Page)
		for _, c := range l.Chunks {
			b := bandOf(edges, c)
			if row[b].Text != "" {
				row[b].grow(c, false)
			} else {
				row[b] = cellOf(l.Page, c)
			}
		}
		return row
	}
	var pending *line // a wrapped first half waiting for the line under it
	var floating []*line
	for _, l := range body {
		if amountsOnly(l) {
			floating = append(floating, l)
			continue
		}
		if pending != nil {
			row := place(l)
			if wrapsInto(pending, l, edges, row, true) || codesOver(pending, l, edges, row) {
				for _, c := range pending.Chunks {
					row[bandOf(edges, c)].grow(c, true)
				}
				rows = append(rows, bodyRow{row, l, l})
				pending = nil
				continue
			}
			rows = append(rows, bodyRow{place(pending), pending, pending})
			pending = nil
		}
		// A name wrapped on the left of tables side by side, whose row's right side printed on a line of its own
		// between the name's two lines (二、政府性基金预算财政拨 / 二、外交支出 / 款): the rest of the name goes to the row
		// above that line, and the line's cells join that row.
		if j := reachBack(l, len(rows), func(j int) ([]Cell, *line) { return rows[j].cells, rows[j].last }, edges); j >= 0 {
			for _, between := range rows[j+1:] {
				for b, c := range between.cells {
					if c.Text != "" {
						rows[j].cells[b] = c
					}
				}
			}
			rows = rows[:j+1]
			for _, c := range l.Chunks {
				rows[j].cells[bandOf(edges, c)].grow(c, false)
			}
			rows[j].last = l
			continue
		}
		if k := len(rows); k > 0 && (wrapsInto(l, rows[k-1].last, edges, rows[k-1].cells, false) ||
			finishesRow(l, rows[k-1].last, edges, rows[k-1].cells) || fillsRow(l, rows[k-1].last, edges, rows[k-1].cells)) {
			for _, c := range l.Chunks {
				rows[k-1].cells[bandOf(edges, c)].grow(c, false)
			}
			rows[k-1].last = l
			continue
		}
		if textOnly(l) && !ordinalRe.MatchString(l.Chunks[0].Text) || codesOnly(l) {
			pending = l
			continue
		}
		rows = append(rows, bodyRow{place(l), l, l})
	}
	if pending != nil {
		rows = append(rows, bodyRow{place(pending), pending, pending})
	}
	// A line of amounts alone was printed higher or lower than the rest of its row (cells aligned differently):
	// it belongs to the nearest row on its page whose cells under it are empty.
	for _, f := range floating {
		best, bestD := -1, math.Inf(1)
		for k, r := range rows {
			if r.line.Page != f.Page {
				continue
			}
			free := true
			for _, c := range f.Chunks {
				if r.cells[bandOf(edges, c)].Text != "" {
					free = false
				}
			}
			if d := math.Abs(r.line.Y1 - f.Y1); free && d < bestD {
				best, bestD = k, d
			}
		}
		if best < 0 || bestD > 2.5*f.fs {
			rows = append(rows, bodyRow{place(f), f, f})
			continue
		}
		for _, c := range f.Chunks {
			b := bandOf(edges, c)
			rows[best].cells[b] = cellOf(f.Page, c)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].line.Page != rows[j].line.Page {
			return rows[i].line.Page < rows[j].line.Page
		}
		return rows[i].line.mid() < rows[j].line.mid()
	})
	for _, r := range rows {
		g.Rows = append(g.Rows, r.cells)
	}
	return g
}

// opensRow says whether a line starts a table's row by itself: a classification code, or 合计/总计 with an amount.
func opensRow(l *line) bool {
	first := l.Chunks[0].Text
	return codeRe.MatchString(first) || (first == "合计" || first == "总计") && !textOnly(l)
}

// isNumber says whether a cell is a printed amount: digits with a decimal point or thousands separators. A bare
// 01 or 201 is a code.
func isNumber(s string) bool { return amountRe.MatchString(s) && strings.ContainsAny(s, ".,") }

func textOnly(l *line) bool {
	for _, c := range l.Chunks {
		if amountRe.MatchString(c.Text) {
			return false
		}
	}
	return true
}

func amountsOnly(l *line) bool {
	for _, c := range l.Chunks {
		if !isNumber(c.Text) {
			return false
		}
	}
	return true
}

// wrapsInto says whether text-only line w is the wrapped part of the cells of row (printed on line l): it sits
// closer than 1.35 characters to l, under it (or above it, when above), and each of its pieces falls in a column
// where the row has no amount (a name printed on two lines beside one-line amounts).
func wrapsInto(w, l *line, edges [][2]float64, row []Cell, above bool) bool {
	if w.Page != l.Page || !textOnly(w) || ordinalRe.MatchString(w.Chunks[0].Text) {
		return false
	}
	d := l.mid() - w.mid()
	if !above {
		d = -d
	}
	if d <= 0 || d > 1.35*w.fs {
		return false
	}
	for _, c := range w.Chunks {
		if isNumber(row[bandOf(edges, c)].Text) {
			return false
		}
	}
	return true
}

// fillsRow says whether line w, less than 1.35 characters under the row printed on line l, is the rest of that
// row: a tall row whose cells are aligned differently (codes at the top, names and amounts lower) puts them on
// lines of their own, and every piece of w falls where the row has nothing yet. A piece opening with an ordinal
// (一、 1.) starts a row of its own.
func fillsRow(w, l *line, edges [][2]float64, row []Cell) bool {
	if w.Page != l.Page {
		return false
	}
	if d := w.mid() - l.mid(); d <= 0 || d > 1.35*w.fs {
		return false
	}
	for _, c := range w.Chunks {
		if row[bandOf(edges, c)].Text != "" || ordinalRe.MatchString(c.Text) {
			return false
		}
	}
	return true
}

// codesOnly says whether a line holds classification codes alone (301 01 │ 302): a row whose codes were printed
// above its names and amounts.
func codesOnly(l *line) bool {
	for _, c := range l.Chunks {
		if !splitCodeRe.MatchString(c.Text) {
			return false
		}
	}
	return true
}

var splitCodeRe = regexp.MustCompile(`^\d{2,7}$`)

// codesOver says whether the codes on line w belong to the row printed on line l just under it: less than 1.35
// characters apart, each code over a cell the row leaves empty.
func codesOver(w, l *line, edges [][2]float64, row []Cell) bool {
	if w.Page != l.Page || !codesOnly(w) {
		return false
	}
	if d := l.mid() - w.mid(); d <= 0 || d > 1.35*w.fs {
		return false
	}
	for _, c := range w.Chunks {
		if row[bandOf(edges, c)].Text != "" {
			return false
		}
	}
	return true
}

// reachBack finds the row, above the last n rows' latest, whose names line w finishes: w is text alone, not an
// ordinal, less than 1.35 characters under that row's lowest line; each piece falls under a name of that row, and
// the rows in between have nothing in those columns nor anywhere that row has something. Returns -1 when none.
func reachBack(w *line, n int, row func(int) ([]Cell, *line), edges [][2]float64) int {
	if n < 2 || !textOnly(w) || ordinalRe.MatchString(w.Chunks[0].Text) {
		return -1
	}
	for j := n - 2; j >= 0; j-- {
		cells, last := row(j)
		if last.Page != w.Page {
			return -1
		}
		d := w.mid() - last.mid()
		if d <= 0 {
			continue
		}
		if d > 1.35*w.fs {
			return -1
		}
		fits := true
		for _, c := range w.Chunks {
			b := bandOf(edges, c)
			fits = fits && cells[b].Text != "" && !isNumber(cells[b].Text)
		}
		for k := j + 1; k < n && fits; k++ {
			between, _ := row(k)
			for b, c := range between {
				fits = fits && (c.Text == "" || cells[b].Text == "")
			}
			for _, c := range w.Chunks {
				fits = fits && between[bandOf(edges, c)].Text == ""
			}
		}
		if fits {
			return j
		}
	}
	return -1
}

// finishesRow says whether line w, just under the row printed on line l, is the rest of that row: tables side by
// side (收入 | 支出) wrap a name on one side only, so the line holds the name's last characters under it and the
// other side's cells of the same row. At least one piece continues a name of the row, and every other piece falls
// where the row has nothing.
func finishesRow(w, l *line, edges [][2]float64, row []Cell) bool {
	if w.Page != l.Page {
		return false
	}
	if d := w.mid() - l.mid(); d <= 0 || d > 1.35*w.fs {
		return false
	}
	continues := false
	seen := map[int]bool{}
	for _, c := range w.Chunks {
		b := bandOf(edges, c)
		switch {
		case seen[b]:
			return false
		case row[b].Text == "":
		case !isNumber(row[b].Text) && !isNumber(c.Text) && !ordinalRe.MatchString(c.Text):
			continues = true
		default:
			return false
		}
		seen[b] = true
	}
	return continues
}

// headerSpans gives each header cell its first and last column. Header cells are centred in merged cells whose
// lines need not line up (a cell two rows tall prints its text half way down), so the spans come from geometry
// alone, the cells nearest the body first: each takes the narrowest run of columns that is at least as wide as its
// text, whose middle is near its centre, and that nests with the runs taken under it: a run either contains another
// one or stays clear of it (公务用车购置及运行费 over 小计, 购置费 and 运行费); then a group label takes in the
// columns beside its run that its level leaves blank (below). The same run twice is allowed only to a line of text
// wrapped in its cell: less than 1.5 characters above, and centred on the same point or starting or ending at the
// same edge (a print as small as a final's 三公 table in 20 columns puts its header rows as close as wrapped lines:
// 公务用车购置及运行费 over 公务用车购置费).
func headerSpans(header []*line, edges [][2]float64) [][][2]int {
	type taken struct {
		lo, hi       int
		mid          float64
		x0, x1, cent float64
		cy           float64 // the cell's own middle: a line's band may be another cell's
	}
	spans := make([][][2]int, len(header))
	type ref struct{ i, j int }
	var order []ref
	for i, l := range header {
		spans[i] = make([][2]int, len(l.Chunks))
		for j := range l.Chunks {
			order = append(order, ref{i, j})
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return header[order[a].i].mid() > header[order[b].i].mid() })
	var done []taken // done[k] is the run of order[k]
	// nests says whether run a … b for chunk c of line l nests with the runs taken, but the skip-th.
	nests := func(a, b int, l *line, c chunk, skip int) bool {
		for k, t := range done {
			if k == skip {
				continue
			}
			same := a == t.lo && b == t.hi
			sameLine := math.Abs(t.mid-l.mid()) < 0.5*l.fs
			switch {
			case t.hi < a || t.lo > b:
			case sameLine:
				if !same {
					return false // pieces of one line sit side by side, or in one cell
				}
			case a <= t.lo && t.hi <= b && !same:
			case same && math.Min(math.Abs(t.mid-l.mid()), math.Abs(t.cy-(c.Y0+c.Y1)/2)) < 1.5*l.fs &&
				(math.Abs(t.cent-c.center()) < 0.5*l.fs || math.Abs(t.x0-c.X0) < 0.5*l.fs || math.Abs(t.x1-c.X1) < 0.5*l.fs):
			default:
				return false
			}
		}
		return true
	}
	centred := func(a, b int, c chunk) float64 { return math.Abs((edges[a][0]+edges[b][1])/2 - c.center()) }
	for _, o := range order {
		l, c := header[o.i], header[o.i].Chunks[o.j]
		lo, hi, bestD := -1, -1, math.Inf(1)
		for a := range edges {
			for b := a; b < len(edges); b++ {
				x0, x1 := edges[a][0], edges[b][1]
				if c.center() < x0 || c.center() > x1 || x1-x0 < c.X1-c.X0-0.5*l.fs || !nests(a, b, l, c, -1) ||
					holdsSibling(x0, x1, l, o.j) {
					continue
				}
				// The narrowest run whose middle is near the text's centre (a tenth of the run and a character:
				// printers centre text with a few points of bias); among runs as narrow, the nearest middle.
				d := centred(a, b, c)
				if d > 0.1*(x1-x0)+l.fs {
					continue
				}
				if lo < 0 || b-a < hi-lo || (b-a == hi-lo && d < bestD) {
					lo, hi, bestD = a, b, d
				}
			}
		}
		if lo < 0 {
			lo = bandOf(edges, c)
			hi = lo
		}
		done = append(done, taken{lo, hi, l.mid(), c.X0, c.X1, c.center(), (c.Y0 + c.Y1) / 2})
	}
	// A group label takes in the columns beside its run whose cells all stand no higher than the highest of the
	// cells under it, on both sides (on the one side there is at the table's edge), when its middle comes nearer
	// the label's centre: cells beside it at the level of those under it (合计 │ … │ 公务接待费 beside 因公出国（境）
	// 费 … under 决算数) would leave a blank beside the label otherwise, which a printed header has not. A cell
	// printed higher, half way down a tall cell (本年收入 beside 本年支出 over 合计 │ 基本支出 │ 项目支出), stands
	// beside the group, not under it.
	for k := len(done) - 1; k >= 0; k-- {
		l, c := header[order[k].i], header[order[k].i].Chunks[order[k].j]
		for {
			t := done[k]
			if t.lo == 0 && t.hi == len(edges)-1 {
				break
			}
			top := math.Inf(1) // the highest cell under the label (not its wrapped rest, over the same run)
			for m, u := range done {
				if m != k && u.lo >= t.lo && u.hi <= t.hi && u.hi-u.lo < t.hi-t.lo && u.mid > l.mid()+0.5*l.fs {
					top = math.Min(top, u.mid)
				}
			}
			lo, hi, ok := t.lo, t.hi, !math.IsInf(top, 1)
			for m, u := range done {
				if !ok {
					break
				}
				if m == k || !(u.lo <= t.lo-1 && u.hi >= t.lo-1 || u.lo <= t.hi+1 && u.hi >= t.hi+1) {
					continue
				}
				if u.mid < top-0.5*l.fs || u.lo < t.lo && u.hi > t.hi {
					ok = false // a cell beside higher than those under the label, or over it
					break
				}
				lo, hi = min(lo, u.lo), max(hi, u.hi)
			}
			if !ok || lo == t.lo && t.lo > 0 || hi == t.hi && t.hi < len(edges)-1 ||
				centred(lo, hi, c) >= centred(t.lo, t.hi, c) || !nests(lo, hi, l, c, k) {
				break
			}
			done[k].lo, done[k].hi = lo, hi
		}
	}
	for k, o := range order {
		spans[o.i][o.j] = [2]int{done[k].lo, done[k].hi}
	}
	return spans
}

// holdsSibling reports a run from x0 to x1 that takes in the centre of another cell of the line than its j-th: the
// cells of one header line stand side by side (部门经济分类科目名称 │ 合计 │ 人员经费), so a run that reaches under
// its neighbour is too wide, however its middle suits the text.
func holdsSibling(x0, x1 float64, l *line, j int) bool {
	for k, o := range l.Chunks {
		if k != j && o.center() >= x0 && o.center() <= x1 {
			return true
		}
	}
	return false
}

// unwrapHeader joins header text that a narrow cell wrapped onto the next line (本年收入合 / 计): a cell whose
// column, with the same span, holds text on a line less than 1.5 characters above, with nothing in between, is
// the rest of that text, when the two lines are centred on the same point or start or end at the same edge. Rows
// left empty go.
func unwrapHeader(rows [][]Cell, header []*line) [][]Cell {
	for r := 1; r < len(rows); r++ {
		for c := range rows[r] {
			cell := rows[r][c]
			if cell.Text == "" || cell.Span == 0 {
				continue
			}
			for u := r - 1; u >= 0; u-- {
				up := rows[u][c]
				if up.Span == 0 {
					break
				}
				if up.Text == "" {
					continue
				}
				// A text wraps when it fills its line: the line above is not narrower than the rest by more than
				// a character (支出 centred over 一般公共预算 is a group's label, not the start of that one).
				// Nor are two item names (…费: 公务用车购置及运行费 over 公务用车购置费) one text.
				items := strings.HasSuffix(up.Text, "费") && strings.HasSuffix(cell.Text, "费")
				fs := header[r].fs
				aligned := math.Abs((up.X0+up.X1)/2-(cell.X0+cell.X1)/2) < 0.5*fs || math.Abs(up.X0-cell.X0) < 0.5*fs ||
					math.Abs(up.X1-cell.X1) < 0.5*fs
				if up.Span == cell.Span && header[r].mid()-header[u].mid() <= 1.5*fs &&
					up.X1-up.X0+fs >= cell.X1-cell.X0 && aligned && !items {
					rows[u][c].Text = squeeze(up.Text + cell.Text)
					rows[u][c].X0, rows[u][c].X1 = math.Min(up.X0, cell.X0), math.Max(up.X1, cell.X1)
					rows[u][c].Y1 = math.Max(up.Y1, cell.Y1)
					rows[r][c] = Cell{Page: cell.Page, Span: 1}
				}
				break
			}
		}
	}
	var out [][]Cell
	for _, row := range rows {
		for _, c := range row {
			if c.Text != "" {
				out = append(out, row)
				break
			}
		}
	}
	return out
}
