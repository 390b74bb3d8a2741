package ingest

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"sunshine/ingest/pdfgrid"
	"sunshine/models"
)

// The explanation of a disclosure PDF: the prose pdfgrid keeps beside the
// tables (page headers, footers, page numbers and the tables' text already
// dropped), cut into sections at its headings. The PDF reader hands the
// sections to the writer with the first record of each filing
// (Record.Explanations); the store keeps them with the draft.

const (
	// maxExplanationSections caps the sections of one PDF; the rest is dropped
	// with a last section that says so.
	maxExplanationSections = 500
	// maxHeading is the longest line taken for a heading, in characters.
	maxHeading = 40
)

// explanationsOf cuts the document's prose into sections, in reading order:
//
//   - the contents (目录) is skipped: the page that prints 目录 and the pages
//     after it that hold only short lines, and anywhere a line with a dot
//     leader (一、部门主要职能……);
//   - a heading is a short line (at most 40 characters, no closing
//     punctuation, no “：”) that is a part (第三部分…), a numbered chapter
//     (一、收入支出决算总体情况说明) or centred on the text column with
//     margins on both sides (名词解释, 2025年部门预算编制说明); it opens a
//     section, whose page is the heading's;
//   - a numbered chapter's heading the PDF runs on into its first paragraph
//     is split from it where it ends (runOnHeading);
//   - a part with nothing under it before the next part (第二部分…决算表,
//     whose tables are read as tables) is left out;
//   - every other block is a paragraph of the open section; a block that
//     goes on from a paragraph cut by a page break or by the PDF's own block
//     boundaries (the one before ends without 。！？；, this one does not start
//     with a numbering mark) is joined to it.
//
// A section longer than maxChangeReason (10,000) characters is cut there,
// with a sentence that says so and where the whole text is printed; control
// characters are dropped. Nil when the prose has no text.
func explanationsOf(doc *pdfgrid.Document) []models.ExplanationSection {
	blocks := proseBlocks(doc.Prose)
	centre, margin := textColumn(blocks)
	var out []models.ExplanationSection
	var paras []string // of the open section
	flush := func() {
		if n := len(out); n > 0 {
			out[n-1].Text = strings.Join(paras, "\n")
		}
		paras = nil
	}
	for _, b := range blocks {
		t := b.Text
		if h, rest := runOnHeading(t); h != "" {
			flush()
			out = append(out, models.ExplanationSection{Heading: h, Page: b.Page})
			paras = append(paras, rest)
			continue
		}
		if isHeading(b, t, centre, margin) {
			flush()
			out = append(out, models.ExplanationSection{Heading: t, Page: b.Page})
			continue
		}
		if len(out) == 0 {
			out = append(out, models.ExplanationSection{Page: b.Page})
		}
		if n := len(paras); n > 0 && continues(paras[n-1], t) {
			paras[n-1] += t
			continue
		}
		paras = append(paras, t)
	}
	flush()
	// A part with nothing under it before the next part (第二部分…决算表, the
	// tables' part) says nothing of its own.
	kept := out[:0]
	for i, e := range out {
		if partHeading.MatchString(e.Heading) && e.Text == "" && (i+1 == len(out) || partHeading.MatchString(out[i+1].Heading)) {
			continue
		}
		kept = append(kept, e)
	}
	out = kept
	for i := range out {
		out[i].Seq = i + 1
		out[i].Text = cutSection(out[i].Text, out[i].Page)
	}
	if len(out) > maxExplanationSections {
		dropped := len(out) - maxExplanationSections + 1
		last := out[maxExplanationSections-1]
		out = append(out[:maxExplanationSections-1], models.ExplanationSection{Seq: maxExplanationSections, Page: last.Page,
			Text: "（说明文字共 " + strconv.Itoa(len(out)) + " 节，超过 " + strconv.Itoa(maxExplanationSections) +
				" 节的上限，以下 " + strconv.Itoa(dropped) + " 节从略；全文见原件第 " + strconv.Itoa(last.Page) + " 页起）"})
	}
	return out
}

// proseBlocks is the prose with the contents skipped, each block's text
// trimmed and its control characters dropped; empty blocks are left out.
func proseBlocks(prose []pdfgrid.Block) []pdfgrid.Block {
	contents := map[int]bool{}
	byPage := map[int][]pdfgrid.Block{}
	var pages []int
	for _, b := range prose {
		if _, ok := byPage[b.Page]; !ok {
			pages = append(pages, b.Page)
		}
		byPage[b.Page] = append(byPage[b.Page], b)
	}
	sort.Ints(pages)
	for i, p := range pages {
		for _, b := range byPage[p] {
			if compact(b.Text) == "目录" {
				contents[p] = true
			}
		}
		// A page after the contents that holds only short lines goes on with it.
		if !contents[p] && i > 0 && contents[pages[i-1]] && pages[i-1] == p-1 {
			short := true
			for _, b := range byPage[p] {
				t := compact(b.Text)
				short = short && (dotLeader(t) || utf8.RuneCountInString(t) <= 2*maxHeading && !strings.ContainsAny(t, "。；"))
			}
			contents[p] = short
		}
	}
	var out []pdfgrid.Block
	for _, b := range prose {
		b.Text = cleanText(b.Text)
		if contents[b.Page] || b.Text == "" || dotLeader(compact(b.Text)) {
			continue
		}
		out = append(out, b)
	}
	return out
}

// cleanText trims a block and drops its control characters (a PDF's text
// layer can hold them; a stored text may not).
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// compact is s without white space.
func compact(s string) string { return strings.Join(strings.Fields(s), "") }

// dotLeader reports a contents line: its title, a leader of dots (……, ....,
// ···) and perhaps a page number.
func dotLeader(t string) bool {
	return strings.Contains(t, "……") || strings.Contains(t, "....") || strings.Contains(t, "···") || strings.Contains(t, "⋯⋯")
}

// textColumn is the centre and the left edge of the document's text column,
// the medians over its long paragraphs (which fill their lines); 0, 0 when
// it has none.
func textColumn(blocks []pdfgrid.Block) (centre, left float64) {
	var cs, ls []float64
	for _, b := range blocks {
		if utf8.RuneCountInString(b.Text) >= 60 && b.X1 > b.X0 {
			cs = append(cs, (b.X0+b.X1)/2)
			ls = append(ls, b.X0)
		}
	}
	if len(cs) == 0 {
		return 0, 0
	}
	sort.Float64s(cs)
	sort.Float64s(ls)
	return cs[len(cs)/2], ls[len(ls)/2]
}

var (
	partHeading    = regexp.MustCompile(`^第[一二三四五六七八九十]+部分`)
	chapterNumber  = regexp.MustCompile(`^[一二三四五六七八九十]+、`)
	numberingStart = regexp.MustCompile(`^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|[①-⑳])`)
)

// isHeading reports a block that opens a section; see explanationsOf.
func isHeading(b pdfgrid.Block, t string, centre, left float64) bool {
	if utf8.RuneCountInString(t) > maxHeading || strings.ContainsAny(t, "：:") {
		return false
	}
	if last, _ := utf8.DecodeLastRuneInString(t); strings.ContainsRune("。；;，,！？!?、", last) {
		return false
	}
	if partHeading.MatchString(t) || chapterNumber.MatchString(t) {
		return true
	}
	if centre == 0 || b.X1 <= b.X0 {
		return false
	}
	mid := (b.X0 + b.X1) / 2
	return mid-centre <= 24 && centre-mid <= 24 && b.X0-left >= 36
}

// headingEnds are the words a chapter's heading ends with, to find where a
// heading the PDF runs on into its first paragraph stops.
var headingEnds = []string{"情况说明", "主要职能", "机构设置", "单位构成", "名词解释", "编制说明"}

// runOnHeading splits a numbered chapter's heading from the paragraph the PDF
// runs it on into (一、2025年“三公”经费预算情况说明2025年“三公”经费预算数为…):
// the heading ends at the first of headingEnds within its first 40
// characters, with no punctuation before it but the quotes and brackets of a
// name. "", "" when t is no such block.
func runOnHeading(t string) (heading, rest string) {
	if !chapterNumber.MatchString(t) {
		return "", ""
	}
	head := t
	if i := strings.IndexAny(head, "：:，,。；;"); i >= 0 {
		head = head[:i]
	}
	if rs := []rune(head); len(rs) > maxHeading {
		head = string(rs[:maxHeading])
	}
	end := -1
	for _, w := range headingEnds {
		if i := strings.Index(head, w); i >= 0 && (end < 0 || i+len(w) < end) {
			end = i + len(w)
		}
	}
	if end < 0 || strings.TrimSpace(t[end:]) == "" {
		return "", ""
	}
	return t[:end], strings.TrimSpace(t[end:])
}

// continues reports that block t goes on from paragraph p: p ends mid-sentence
// and t does not start a numbered item; nor is p a numbered subheading
// （一）机关运行经费支出情况, which the text under it does not continue.
func continues(p, t string) bool {
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(p, "”’\"）)"))
	if strings.ContainsRune("。！？；!?;", last) || numberingStart.MatchString(t) {
		return false
	}
	if numberingStart.MatchString(p) && utf8.RuneCountInString(p) <= maxHeading && !strings.ContainsAny(p, "：:") {
		return false
	}
	return true
}

// cutSection cuts a section's text at maxChangeReason characters, with a
// sentence that says how long it was and where it is printed whole.
func cutSection(s string, page int) string {
	n := utf8.RuneCountInString(s)
	if n <= maxChangeReason {
		return s
	}
	note := "……（本节原文共 " + groupThousands(n) + " 个字符，超过 " + groupThousands(maxChangeReason) +
		" 个字符的上限，以下从略；全文见原件第 " + strconv.Itoa(page) + " 页起）"
	keep := maxChangeReason - utf8.RuneCountInString(note)
	i := 0
	for k := 0; k < keep; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + note
}

// attachExplanations puts the sections on the first record of each filing in
// queue (a copy each, for the writer to number and keep).
func attachExplanations(queue []Record, sections []models.ExplanationSection) {
	if len(sections) == 0 {
		return
	}
	seen := map[models.FilingKey]bool{}
	for i := range queue {
		if k := queue[i].Key; !seen[k] {
			seen[k] = true
			queue[i].Explanations = append([]models.ExplanationSection(nil), sections...)
		}
	}
}
