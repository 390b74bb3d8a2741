package pdfgrid

import (
	"math"
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	// A table title: ends in 表 (or 表（续）), names money (收支, 收入, 支出, 经费, 预算, 决算), and is short. A line
	// with dot leaders is a 目录 entry.
	titleRe    = regexp.MustCompile(`表(（续）|\(续\)|续)?$`)
	titleWords = []string{"收支", "收入", "支出", "经费", "预算", "决算"}
	unitRe     = regexp.MustCompile(`单位[：:]\s*([亿万]?元)`)
	// An amount as printed: 2,940.05, -3.20, 0.95, 171,915,169.
	amountRe = regexp.MustCompile(`^[-－]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$`)
	// A classification code opening a row: 201, 20106, 2010601, 301, 30101 (split 类/款/项 columns put 06 and 01 after it).
	codeRe        = regexp.MustCompile(`^\d{3}(\d{2}){0,2}$`)
	tableNumberRe = regexp.MustCompile(`^(附表|表)?\s*\d+\s*[：:、.．]?`)
	noteRe        = regexp.MustCompile(`^(注|说明|备注)\s*[：:0-9１-９]`)
)

func isTitle(l *line) bool {
	t := l.text()
	if strings.Contains(t, "…") || strings.Contains(t, "...") || utf8.RuneCountInString(t) > 48 || !titleRe.MatchString(t) {
		return false
	}
	for _, w := range titleWords {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

// clippedTitle says whether a line can be a title without its 表 (cut off by the print area, or never printed:
// 附表10：政府采购预算, …机关运行经费): short, no sentence after its number, no amount, ending in a word that names
// money.
func clippedTitle(l *line) bool {
	t := tableNumberRe.ReplaceAllString(l.text(), "")
	if strings.Contains(t, "…") || strings.Contains(t, "...") || utf8.RuneCountInString(t) > 48 || isData(l) ||
		strings.ContainsAny(t, "：:。，") {
		return false
	}
	for _, w := range titleWords {
		if strings.HasSuffix(t, w) {
			return true
		}
	}
	return false
}

func unitOf(l *line) (string, bool) {
	m := unitRe.FindStringSubmatch(l.text())
	if m == nil {
		return "", false
	}
	return m[1], true
}

// isData says whether a line belongs to a table's body: it holds an amount, or starts with a classification code.
// A 合计 without an amount is a header (the 三公 table's 合计 column).
func isData(l *line) bool {
	for _, c := range l.Chunks {
		if strings.ContainsAny(c.Text, ".,") && amountRe.MatchString(c.Text) {
			return true
		}
	}
	return codeRe.MatchString(l.Chunks[0].Text)
}

// A title found on a page: the line, and the line holding the unit under it.
type titleAt struct {
	page, title, unit int // indexes into the page's lines; unit is -1 when none is printed
}

// findTitles finds the table titles of a page: a title line with a 单位 line at most three lines under it, or with
// a header line right under it. The nearest title-like line above a unit line wins, so that a part heading
// (第二部分 …部门决算表) above the table's own title is not taken for it.
func findTitles(ls []*line, page int) []titleAt {
	var out []titleAt
	for i, l := range ls {
		if _, ok := unitOf(l); !ok {
			continue
		}
		t := -1
		if isTitle(l) {
			t = i
		}
		for j := i - 1; j >= 0 && j >= i-3 && t < 0; j-- {
			if isTitle(ls[j]) {
				t = j
			}
		}
		// A title whose last characters were cut off by the print area (…2025年政府采购预算, …机关运行经费 without
		// their 表): the line right over the unit, short, naming money, when no title stands above.
		if t < 0 && i > 0 && clippedTitle(ls[i-1]) {
			t = i - 1
		}
		if t >= 0 && (len(out) == 0 || out[len(out)-1].title != t) {
			out = append(out, titleAt{page: page, title: t, unit: i})
		}
	}
	return out
}

// region is the lines of one table: those under its unit line, on one page or continued on the next ones.
type region struct {
	title *line
	above []*line
	unit  string
	lines []*line // header and body, in order
	pages []int
}

// build turns the pages' lines into the document.
func build(pages []page) *Document {
	byPage := make([][]*line, len(pages))
	for i, p := range pages {
		byPage[i] = pageLines(p)
	}
	byPage = dropFurniture(pages, byPage)
	doc := &Document{Pages: len(pages)}

	inTable := map[*line]bool{}
	var regions []*region
	for pi := 0; pi < len(byPage); pi++ {
		ls := byPage[pi]
		ts := findTitles(ls, pi+1)
		for k, t := range ts {
			end := len(ls)
			if k+1 < len(ts) {
				end = ts[k+1].title
			}
			r := &region{title: ls[t.title], pages: []int{pi + 1}}
			r.unit, _ = unitOf(ls[t.unit])
			r.above = append(r.above, ls[t.title+1:t.unit+1]...)
			r.lines = append(r.lines, ls[t.unit+1:end]...)
			for _, l := range ls[t.title:end] {
				inTable[l] = true
			}
			// A table that fills its page goes on where the next page starts with lines in its columns.
			if k == len(ts)-1 {
				for next := pi + 1; next < len(byPage); next++ {
					cont, used := continuation(r, byPage[next])
					if cont == nil {
						break
					}
					r.lines = append(r.lines, cont...)
					r.pages = append(r.pages, next+1)
					for _, l := range used {
						inTable[l] = true
					}
					if len(used) < len(byPage[next]) {
						break
					}
				}
			}
			regions = append(regions, r)
		}
	}
	for _, r := range regions {
		doc.Tables = append(doc.Tables, r.grid())
	}

	// The cover's lines are the title; the rest that is not a table is prose, paragraph by paragraph.
	var pr prose
	first := -1
	for pi, ls := range byPage {
		if len(ls) > 0 {
			first = pi
			break
		}
	}
	for pi, ls := range byPage {
		for _, l := range ls {
			if inTable[l] {
				continue
			}
			if pi == first && len(ls) <= 12 {
				doc.Title = append(doc.Title, blockOf(l))
				continue
			}
			pr.add(l)
		}
	}
	doc.Prose = pr.blocks
	return doc
}

func blockOf(l *line) Block {
	return Block{Text: l.text(), Page: l.Page, X0: l.x0(), Y0: l.Y0, X1: l.x1(), Y1: l.Y1}
}

// prose gathers lines into paragraphs: a line joins the paragraph before it when poppler put both in one block
// on the same page.
type prose struct {
	blocks []Block
	ids    []int
}

func (p *prose) add(l *line) {
	b, id := blockOf(l), l.Chunks[0].Block
	if n := len(p.blocks); n > 0 && p.blocks[n-1].Page == l.Page && p.ids[n-1] == id {
		q := &p.blocks[n-1]
		q.Text += b.Text
		q.X0, q.Y0, q.X1, q.Y1 = math.Min(q.X0, b.X0), math.Min(q.Y0, b.Y0), math.Max(q.X1, b.X1), math.Max(q.Y1, b.Y1)
		return
	}
	p.blocks = append(p.blocks, b)
	p.ids = append(p.ids, id)
}
