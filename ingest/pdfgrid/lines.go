package pdfgrid

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// chunk is a run of words of one line printed close together: one table cell, or one piece of prose.
type chunk struct {
	Text           string
	X0, Y0, X1, Y1 float64
	Block          int // poppler's block of the first word
}

func (c chunk) center() float64 { return (c.X0 + c.X1) / 2 }

// line is the words sharing one baseline, split into chunks, left to right.
type line struct {
	Page   int
	Lo, Hi float64 // the vertical band that defined the line (its narrowest box)
	Y0, Y1 float64 // the union of its boxes
	Chunks []chunk
	fs     float64 // the page's character size
}

func (l *line) text() string {
	parts := make([]string, len(l.Chunks))
	for i, c := range l.Chunks {
		parts[i] = c.Text
	}
	return squeeze(strings.Join(parts, ""))
}

func (l *line) mid() float64 { return (l.Lo + l.Hi) / 2 }

func (l *line) x0() float64 { return l.Chunks[0].X0 }
func (l *line) x1() float64 { return l.Chunks[len(l.Chunks)-1].X1 }

// charSize estimates the page's character size from the width of its CJK words: a CJK character is one em wide
// whatever the font's (sometimes wrong) ascent and descent say. Pages of digits only fall back to the boxes'
// height.
func charSize(words []word) float64 {
	var ems, heights []float64
	for _, w := range words {
		n, cjk := 0, true
		for _, r := range w.Text {
			n++
			if !unicode.Is(unicode.Han, r) {
				cjk = false
			}
		}
		if cjk && n > 0 {
			ems = append(ems, (w.X1-w.X0)/float64(n))
		}
		heights = append(heights, w.Y1-w.Y0)
	}
	if len(ems) >= 3 {
		return median(ems)
	}
	if len(heights) > 0 {
		return median(heights)
	}
	return 10
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// lines groups a page's words into lines. Every word's box contains its baseline, whatever its font's metrics,
// so the narrowest boxes found the lines and each wider box joins the line it overlaps most (by at least half of
// the narrower of the two), or founds its own.
func pageLines(p page) []*line {
	fs := charSize(p.Words)
	ws := calibrate(p.Words)
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].b1-ws[i].b0 < ws[j].b1-ws[j].b0 })
	var ls []*line
	members := map[*line][]word{}
	for _, w := range ws {
		var best *line
		bestOv := 0.0
		for _, l := range ls {
			ov := math.Min(l.Hi, w.b1) - math.Max(l.Lo, w.b0)
			need := 0.5 * math.Min(l.Hi-l.Lo, w.b1-w.b0)
			if ov > need && ov > bestOv {
				best, bestOv = l, ov
			}
		}
		if best == nil {
			best = &line{Page: p.Number, Lo: w.b0, Hi: w.b1, Y0: w.Y0, Y1: w.Y1, fs: fs}
			ls = append(ls, best)
		}
		best.Y0, best.Y1 = math.Min(best.Y0, w.Y0), math.Max(best.Y1, w.Y1)
		members[best] = append(members[best], w.word)
	}
	for _, l := range ls {
		m := members[l]
		sort.Slice(m, func(i, j int) bool { return m[i].X0 < m[j].X0 })
		for _, w := range m {
			// Words closer than a space are one cell; a space's width apart only when one side is a character or
			// two (“因 公 出 国”), since two words side by side (预算数 决算数) are the headers of two columns.
			if n := len(l.Chunks); n > 0 && w.Block == l.Chunks[n-1].Block &&
				(w.X0-l.Chunks[n-1].X1 < 0.3*fs || w.X0-l.Chunks[n-1].X1 < 0.55*fs && (short(w.Text) || short(l.Chunks[n-1].Text))) {
				c := &l.Chunks[n-1]
				c.Text += " " + w.Text
				c.X1 = math.Max(c.X1, w.X1)
				c.Y0, c.Y1 = math.Min(c.Y0, w.Y0), math.Max(c.Y1, w.Y1)
				continue
			}
			l.Chunks = append(l.Chunks, chunk(w))
		}
		for i := range l.Chunks {
			l.Chunks[i].Text = squeeze(l.Chunks[i].Text)
		}
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].mid() < ls[j].mid() })
	return ls
}

// cword is a word with its box moved onto the page's main font: b0, b1 stand where a word of that font on the
// same baseline would have its box.
type cword struct {
	word
	b0, b1 float64
}

// calibrate puts every word's box on one scale. A font whose ascent and descent are written wrong (ONLYOFFICE:
// FangSong 0.25 em tall, Times New Roman 1.9 em) puts its boxes off the baseline by its own amount; the words of
// each box height are moved by the offset at which their bottoms meet the bottoms of the CJK text they overlap
// (the smallest of the offsets seen most often), and given the text's height. Pages whose fonts agree are left as they are.
func calibrate(ws []word) []cword {
	out := make([]cword, len(ws))
	class := func(w word) float64 { return math.Round((w.Y1-w.Y0)*2) / 2 }
	count := map[float64]int{}
	for i, w := range ws {
		out[i] = cword{w, w.Y0, w.Y1}
		if hasHan(w.Text) {
			count[class(w)]++
		}
	}
	ref, most := 0.0, 0
	for c, n := range count {
		if n > most || (n == most && c < ref) {
			ref, most = c, n
		}
	}
	if most < 3 {
		return out
	}
	votes := map[float64]map[float64]int{}
	for _, w := range ws {
		c := class(w)
		if c == ref {
			continue
		}
		for _, r := range ws {
			if class(r) != ref || r.Y1 < w.Y0 || r.Y0 > w.Y1 {
				continue
			}
			if votes[c] == nil {
				votes[c] = map[float64]int{}
			}
			votes[c][math.Round((w.Y1-r.Y1)*2)/2]++
		}
	}
	for i, w := range ws {
		c := class(w)
		if c == ref || c-ref < 0.5 && ref-c < 0.5 {
			continue
		}
		// A tall box overlaps the rows above and below too; on an evenly spaced table those offsets get as many
		// votes as the true one, which is the smallest of the well-voted.
		most := 0
		for _, n := range votes[c] {
			most = max(most, n)
		}
		if most == 0 {
			continue
		}
		shift := math.Inf(1)
		for d, n := range votes[c] {
			if 2*n >= most && math.Abs(d) < math.Abs(shift) {
				shift = d
			}
		}
		out[i].b1 = w.Y1 - shift
		out[i].b0 = out[i].b1 - ref
	}
	return out
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

var (
	// A page number as printed alone: 3, - 3 -, —3—, 第3页, 第 3 页 共 25 页, 3/25.
	pageNumberRe = regexp.MustCompile(`^[-－—–]*(第?\d{1,4}页?(共\d{1,4}页)?|\d{1,4}/\d{1,4})[-－—–]*$`)
	digitsRe     = regexp.MustCompile(`\d+`)
)

// dropFurniture removes page numbers and the running header and footer: a line alone in the top or bottom 10 %
// of its page that is a page number, or whose text (digits aside) is printed in that band on at least half of
// the pages (and on two at least).
func dropFurniture(pages []page, byPage [][]*line) [][]*line {
	band := func(p page, l *line) int {
		switch {
		case l.Y1 < 0.1*p.Height:
			return 1
		case l.Y0 > 0.9*p.Height:
			return 2
		}
		return 0
	}
	seen := map[string]int{}
	for i, ls := range byPage {
		marks := map[string]bool{}
		for _, l := range ls {
			if b := band(pages[i], l); b != 0 {
				marks[string(rune('0'+b))+digitsRe.ReplaceAllString(l.text(), "#")] = true
			}
		}
		for k := range marks {
			seen[k]++
		}
	}
	out := make([][]*line, len(byPage))
	for i, ls := range byPage {
		for _, l := range ls {
			if b := band(pages[i], l); b != 0 {
				t := l.text()
				key := string(rune('0'+b)) + digitsRe.ReplaceAllString(t, "#")
				if (len(l.Chunks) == 1 && pageNumberRe.MatchString(t)) || (len(pages) >= 2 && seen[key]*2 >= len(pages) && seen[key] >= 2) {
					continue
				}
			}
			out[i] = append(out[i], l)
		}
	}
	return out
}

func short(s string) bool { return utf8.RuneCountInString(s) <= 2 }
