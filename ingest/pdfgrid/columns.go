package pdfgrid

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// continuation finds the lines of the next page that go on with table r: the page does not open with a title of
// its own, a header repeated from r is dropped, and what follows is body (a line with an amount or a code inside
// the table's width, or a row of labels right above one, or whatever follows the repeated header). It returns the body lines and every line it consumed (the dropped header too).
func continuation(r *region, next []*line) (body, used []*line) {
	stop := len(next)
	if ts := findTitles(next, 0); len(ts) > 0 {
		stop = ts[0].title
		if stop == 0 && strings.TrimRight(next[0].text(), "（续）()") == r.title.text() {
			// 表（续）: the title and unit line repeated.
			used = append(used, next[:ts[0].unit+1]...)
			next, stop = next[ts[0].unit+1:], len(next)-ts[0].unit-1
			if ts2 := findTitles(next, 0); len(ts2) > 0 {
				stop = ts2[0].title
			}
		}
	}
	if stop == 0 {
		return nil, nil
	}
	cand := next[:stop]
	header := r.header()
	i := 0
	for i < len(cand) && i < len(header) && cand[i].text() == header[i].text() {
		i++
	}
	if i == len(cand) {
		return nil, nil
	}
	// What follows must be a row: an amount or a code, inside the table's width (a heading of the next part,
	// 第三部分 …, is not), or anything at all under the table's own header printed again.
	x0, x1 := r.extent()
	row := func(l *line) bool { return isData(l) && l.x0() >= x0-l.fs && l.x1() <= x1+l.fs }
	if i == 0 {
		// Rows of labels with blank amounts (使用非财政拨款结余 … 结余分配, 十四、资源勘探工业信息等 / 支出) go on
		// too when every cell of them stands in one of the table's columns, and a row with an amount follows.
		bs := columns(r.body())
		ok := false
		for _, l := range cand[:min(16, len(cand))] {
			if row(l) {
				ok = true
				break
			}
			if !inColumns(l, bs) {
				break
			}
		}
		if !ok {
			return nil, nil
		}
	}
	used = append(used, cand[:i]...)
	body, rest := trimBody(cand[i:], x1-x0)
	used = append(used, body...)
	_ = rest
	return body, used
}

// trimBody keeps a table's lines up to the first line of prose: one piece of text wider than 60 % of the table
// that is not a note (注：…) or the wrapped end of one.
func trimBody(ls []*line, width float64) (table, rest []*line) {
	noteBlock := -1
	for i, l := range ls {
		t := l.text()
		if noteRe.MatchString(t) {
			noteBlock = l.Chunks[0].Block
			continue
		}
		if noteBlock >= 0 && l.Chunks[0].Block == noteBlock {
			continue
		}
		if len(l.Chunks) == 1 && l.x1()-l.x0() > 0.6*width && !isData(l) {
			return ls[:i], ls[i:]
		}
	}
	return ls, nil
}

// inColumns says whether each cell of a line stands in a column: inside a column of amounts, or starting inside a
// column of names and ending at most a few characters past it (a paragraph is wider).
func inColumns(l *line, bs []band) bool {
	for _, c := range l.Chunks {
		in := false
		for _, b := range bs {
			switch {
			case b.num && c.X0 >= b.X0-l.fs && c.X1 <= b.X1+l.fs:
				in = true
			case b.text && c.X0 >= b.X0-0.5*l.fs && c.X0 < b.X1 && c.X1 <= b.X1+3*l.fs:
				in = true
			}
		}
		if !in {
			return false
		}
	}
	return true
}

// body is the region's lines from the first that holds an amount or a code.
func (r *region) body() []*line {
	for i, l := range r.lines {
		if isData(l) {
			return r.lines[i:]
		}
	}
	return nil
}

func (r *region) header() []*line {
	for i, l := range r.lines {
		if isData(l) {
			return r.lines[:i]
		}
	}
	return r.lines
}

func (r *region) extent() (float64, float64) {
	x0, x1 := math.Inf(1), math.Inf(-1)
	for _, l := range r.lines {
		x0, x1 = math.Min(x0, l.x0()), math.Max(x1, l.x1())
	}
	return x0, x1
}

// band is one column: the x-range its body cells take, and whether they are amounts (right-aligned) or text
// and codes (left-aligned).
type band struct {
	X0, X1    float64
	num, text bool // the body's cells are amounts, or names and codes; neither for a column only a header shows
	whole     bool // every body cell is a whole number (codes, or counts printed right-aligned: 公务用车保有量 4)
}

// columns merges the x-ranges of the body's cells where they overlap: amounts are right-aligned and names
// left-aligned, so each column's cells overlap one another and not their neighbours'.
func columns(body []*line) []band {
	type span struct {
		band
		nums, texts int
		// integers: the cells that are whole numbers (row numbers 1 … 40, or codes); lo0 … hi1 the range of their
		// left and right edges.
		ints               int
		lo0, hi0, lo1, hi1 float64
		seq                [][2]int // line index and value of each whole number
	}
	var bs []span
	for li, l := range body {
		for _, c := range l.Chunks {
			s := span{band: band{X0: c.X0, X1: c.X1}, lo0: c.X0, hi0: c.X0, lo1: c.X1, hi1: c.X1}
			switch {
			case isNumber(c.Text):
				s.nums = 1
			case digitsOnly(c.Text):
				s.ints = 1
				v, _ := strconv.Atoi(c.Text)
				if c.Text[0] == '0' && c.Text != "0" || len(c.Text) > 3 {
					v = -1 // a code's 01, or a code
				}
				s.seq = [][2]int{{li, v}}
			default:
				s.texts = 1
			}
			bs = append(bs, s)
		}
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].X0 < bs[j].X0 })
	var merged []span
	for _, b := range bs {
		if n := len(merged); n > 0 && b.X0 < merged[n-1].X1-0.5 {
			m := &merged[n-1]
			m.X1 = math.Max(m.X1, b.X1)
			m.nums += b.nums
			m.texts += b.texts
			if b.ints > 0 {
				if m.ints == 0 {
					m.lo0, m.hi0, m.lo1, m.hi1 = b.lo0, b.hi0, b.lo1, b.hi1
				}
				m.ints += b.ints
				m.seq = append(m.seq, b.seq...)
				m.lo0, m.hi0 = math.Min(m.lo0, b.lo0), math.Max(m.hi0, b.hi0)
				m.lo1, m.hi1 = math.Min(m.lo1, b.lo1), math.Max(m.hi1, b.hi1)
			}
			continue
		}
		merged = append(merged, b)
	}
	out := make([]band, len(merged))
	amounts := false // a column of amounts stands left of this one
	for i, m := range merged {
		out[i] = m.band
		// A column of whole numbers that share their right edge but not their left one is right-aligned: the
		// 行次 of a final's tables (1 … 40). Codes (201, 20101) share their left edge.
		rowNumbers := m.ints > 0 && m.texts == 0 && (m.hi1-m.lo1 < 0.5 && m.hi0-m.lo0 > 1 || counts(m.seq))
		// A whole number alone in its column, whose edges cannot say how it is aligned, right of amounts and not a
		// code, is a count printed as a number, right-aligned: the 因公出国(境)团组数 … 外宾接待人次 of a final's
		// 三公 table, 0 │ 5 │ 42 beside its amounts in its one row.
		loneCounts := m.ints == 1 && m.texts == 0 && m.nums == 0 && amounts && m.seq[0][1] >= 0
		// A column of zeros right of amounts is amounts: a budget that prints 0 in every cell of its 事业收入 │
		// 事业单位经营收入 │ 其他收入 (no code is 0).
		zeros := m.ints > 0 && m.texts == 0 && m.nums == 0 && amounts
		for _, v := range m.seq {
			zeros = zeros && v[1] == 0
		}
		out[i].num = m.nums > m.texts || rowNumbers || loneCounts || zeros
		out[i].text = !out[i].num
		out[i].whole = m.ints > 0 && m.nums == 0 && m.texts == 0
		amounts = amounts || m.nums > m.texts
	}
	return out
}

// counts says whether the whole numbers of a column, in the order of their lines, count up one by one from
// their first (13, 14, 15 …): the 行次 of a final's table, at least three of them. Codes (201, 06) do not.
func counts(seq [][2]int) bool {
	if len(seq) < 3 {
		return false
	}
	sort.Slice(seq, func(i, j int) bool { return seq[i][0] < seq[j][0] })
	for i, s := range seq {
		if s[1] < 0 || i > 0 && s[1] != seq[i-1][1]+1 {
			return false
		}
	}
	return true
}

// digitsOnly says whether s is a whole number as printed, without sign or separators: a row number, a code.
func digitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// bounds are the columns' edges. Amounts are right-aligned with a little padding, so a column of amounts ends just
// after them; names and codes are left-aligned, so their column starts just before them; between an amount column
// and a name column, and beside the columns only a header shows (their labels are centred), the edge is half way.
func bounds(bs []band, x0, x1, fs float64) [][2]float64 {
	pad := 0.3 * fs
	edge := func(a, b band) float64 {
		switch {
		case a.num && b.text:
			return (a.X1 + pad + b.X0 - pad) / 2
		case a.num && b.num:
			return math.Min(a.X1+pad, (a.X1+b.X0)/2)
		case a.text && b.text:
			return math.Max(b.X0-pad, (a.X1+b.X0)/2)
		}
		return (a.X1 + b.X0) / 2
	}
	out := make([][2]float64, len(bs))
	for i := range bs {
		lo, hi := math.Min(x0, bs[i].X0), math.Max(x1, bs[i].X1)
		if i > 0 {
			lo = edge(bs[i-1], bs[i])
		}
		if i+1 < len(bs) {
			hi = edge(bs[i], bs[i+1])
		}
		out[i] = [2]float64{lo, hi}
	}
	return out
}

// bandOf is the column a cell falls in: the one it overlaps most, else the nearest.
func bandOf(edges [][2]float64, c chunk) int {
	best, bestOv := -1, 0.0
	for i, e := range edges {
		if ov := math.Min(e[1], c.X1) - math.Max(e[0], c.X0); ov > bestOv {
			best, bestOv = i, ov
		}
	}
	if best >= 0 {
		return best
	}
	bestD := math.Inf(1)
	for i, e := range edges {
		if d := math.Abs((e[0]+e[1])/2 - c.center()); d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// withHeaderColumns adds the columns that only the header shows (a column left blank in every body row): a header
// cell that overlaps no column is one, unless it is a label printed beside its column's right-aligned amounts:
// nearer than 1.5 characters to a column on the side its cells are aligned to, that no other cell of its line is
// nearer to. The lowest header line goes
// first, since the upper lines hold the cells that span.
func withHeaderColumns(bs []band, header []*line) []band {
	if len(bs) == 0 && len(header) > 0 {
		bs = columns(header[len(header)-1:])
		header = header[:len(header)-1]
	}
	gap := func(c chunk, b band) float64 {
		return math.Max(0, math.Max(b.X0-c.X1, c.X0-b.X1))
	}
	for i := len(header) - 1; i >= 0; i-- {
		l := header[i]
		var add []band
		for j, c := range l.Chunks {
			near, nd, overlaps := -1, math.Inf(1), false
			for k, b := range bs {
				d := gap(c, b)
				overlaps = overlaps || d == 0
				if d < nd && beside(c, b) {
					near, nd = k, d
				}
			}
			if overlaps {
				continue
			}
			if near >= 0 && (nd < 1.5*l.fs || centredOver(c, bs, near, header, l.fs)) {
				claimed := false
				for k, o := range l.Chunks {
					if k != j && gap(o, bs[near]) < nd && beside(o, bs[near]) {
						claimed = true
					}
				}
				if !claimed {
					continue
				}
			}
			if spansBetween(c, bs, header[:i+1], header[i+1:], l.fs) {
				continue
			}
			add = append(add, band{X0: c.X0, X1: c.X1})
		}
		bs = append(bs, add...)
		sort.Slice(bs, func(i, j int) bool { return bs[i].X0 < bs[j].X0 })
	}
	return bs
}

// columnNumbering says whether a header line numbers the columns (栏次 │ 1 │ 2 …, or 1 │ 2 │ 3 alone): it holds
// whole numbers and nothing but 栏次 or 行次 besides.
func columnNumbering(l *line) bool {
	nums := 0
	for _, c := range l.Chunks {
		switch {
		case digitsOnly(c.Text) && len(c.Text) <= 2:
			nums++
		case c.Text == "栏次" || c.Text == "行次":
		default:
			return false
		}
	}
	return nums > 0
}

// spansBetween says whether a header cell that overlaps no column is the label of the columns on both sides of it
// (本年收入 over 项目 and 预算数): it is centred over the two nearest columns, left and right, and header cells of
// the lines under it stand over them.
func spansBetween(c chunk, bs []band, upper, below []*line, fs float64) bool {
	left, right := -1, -1
	for k, b := range bs {
		if b.X1 <= c.X0 {
			left = k
		}
		if b.X0 >= c.X1 && right < 0 {
			right = k
		}
	}
	if left < 0 || right < 0 {
		return false
	}
	x0, x1 := bs[left].X0, bs[right].X1
	if math.Abs((x0+x1)/2-c.center()) <= 0.1*(x1-x0)+fs {
		under := 0
		for _, l := range below {
			for _, o := range l.Chunks {
				if o.center() >= x0 && o.center() <= x1 {
					under++
				}
			}
		}
		if under >= 2 {
			return true
		}
	}
	// A group over more columns (支出 over 项目, 行次, 合计, 一般公共预算财政拨款 …): centred closely over a wider run of
	// them, with header cells under it on both sides and none beside or above it over the run (本年收入, printed
	// half way down a tall cell, is under 年初结转和结余 beside it: a column of its own).
	for a := left; a >= 0; a-- {
		for b := right; b < len(bs); b++ {
			x0, x1 := bs[a].X0, bs[b].X1
			if math.Abs((x0+x1)/2-c.center()) > 0.05*(x1-x0)+fs {
				continue
			}
			clear := true
			for _, l := range upper {
				for _, o := range l.Chunks {
					if o != c && o.X0 < x1 && o.X1 > x0 {
						clear = false
					}
				}
			}
			if !clear {
				continue
			}
			lefts, rights := 0, 0
			for _, l := range below {
				for _, o := range l.Chunks {
					switch m := o.center(); {
					case m >= x0 && m < c.X0:
						lefts++
					case m > c.X1 && m <= x1:
						rights++
					}
				}
			}
			if lefts > 0 && rights > 0 {
				return true
			}
		}
	}
	return false
}

// centredOver says whether a header label that does not reach column b of right-aligned amounts (or 行次) on its
// right is centred over that column alone: the column's left edge, as far left of the label's centre as the
// amounts end right of it, does not cut into the column before it, no column stands between the two, and no
// other header label stands over the amounts (机关运行经费预算数 over its column, not 运行费 beside it) unless it
// stands over this label too (a group).
func centredOver(c chunk, bs []band, k int, header []*line, fs float64) bool {
	b := bs[k]
	right := b.num || b.whole && b.X0 >= c.X1 // a count may stand right-aligned too
	if right && b.X0 < c.X1 || !right && b.X1 > c.X0 {
		return false
	}
	for _, l := range header {
		for _, o := range l.Chunks {
			if o != c && o.X0 < b.X1 && o.X1 > b.X0 && !(o.X0 < c.X1 && o.X1 > c.X0) {
				return false
			}
		}
	}
	if right {
		prev := math.Inf(-1)
		for i, o := range bs {
			if i != k && o.X1 > c.X1 && o.X0 < b.X0 {
				return false // a column between them
			}
			if o.X1 <= c.X0 {
				prev = math.Max(prev, o.X1)
			}
		}
		left := 2*c.center() - (b.X1 + 0.3*fs)
		return left >= prev-0.5*fs
	}
	// Names and codes stand left-aligned: the column's right edge, as far right of the label's centre as they
	// start left of it, does not cut into the column after it.
	next := math.Inf(1)
	for i, o := range bs {
		if i != k && o.X0 < c.X0 && o.X1 > b.X1 {
			return false
		}
		if o.X0 >= c.X1 {
			next = math.Min(next, o.X0)
		}
	}
	edge := 2*c.center() - (b.X0 - 0.3*fs)
	return edge <= next+0.5*fs
}

// beside says whether a centred header label can be the label of column b that it does not overlap: amounts
// stand right-aligned, so their column reaches further right than the label; codes and names stand
// left-aligned, so theirs starts further left.
func beside(c chunk, b band) bool {
	if b.whole && b.X0 >= c.X1 {
		return true // counts, right-aligned
	}
	if b.num {
		return b.X1 > c.X1
	}
	return b.X0 < c.X0
}
