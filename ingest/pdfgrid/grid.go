package pdfgrid

import (
	"context"
	"io"
	"os"
	"strings"

	"sunshine/models"
)

// Cell is one cell of a rebuilt table, with where it was printed: the page (1-based) and the box in points from
// the page's top left corner. Span is 1 for a plain cell and n > 1 for a header cell centred over n columns, which
// stands at the first of them; the n - 1 cells it covers have Span 0 and no text, as a merged range reads in a
// sheet. A blank cell has Span 1, no text and no box.
type Cell struct {
	Text           string
	Page           int
	X0, Y0, X1, Y1 float64
	Span           int
}

// Grid is one table: its title and unit lines as printed, then its rows, every row as wide as the table. The first
// HeaderRows rows are the header block; the rest are the body, joined across page breaks (a header repeated on
// the next page is dropped). Page is the page of the title; Pages lists every page the table occupies.
type Grid struct {
	Title      Cell
	Above      []Cell // the lines between the title and the header, e.g. 编制部门：… 单位：元
	Unit       string // the unit as printed after 单位：, e.g. "万元"; empty when the table prints none
	Page       int
	Pages      []int
	HeaderRows int
	Rows       [][]Cell
	Notes      []Block // 注：… lines under the table
}

// Block is a piece of running text: a title line, a paragraph of the 情况说明, a table's note.
type Block struct {
	Text           string
	Page           int
	X0, Y0, X1, Y1 float64
}

// Document is what a disclosure PDF holds: the title lines of its cover (department, year, phase), its tables in
// page order, and its prose in reading order, page headers, footers and page numbers dropped.
type Document struct {
	Pages  int
	Title  []Block
	Tables []Grid
	Prose  []Block
}

// ReadFile reads the PDF at path. See Read.
func ReadFile(ctx context.Context, path string, lim Limits) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(ctx, f, lim)
}

// Read rebuilds the tables of the disclosure PDF read from r. Returns EINVALID with one Chinese sentence for a PDF
// without a text layer (a scan), an encrypted or damaged one, or a file that is not a PDF; EUNAVAILABLE when
// poppler is not installed.
func Read(ctx context.Context, r io.Reader, lim Limits) (*Document, error) {
	pages, err := extract(ctx, r, lim)
	if err != nil {
		return nil, err
	}
	if !hasText(pages) {
		return nil, models.Errorf(models.EINVALID,
			"这份 PDF 没有文字层（%d 页都是图片，可能是扫描件），无法读出表格；请上传由 Excel、WPS 或 Word 直接导出的 PDF", len(pages))
	}
	return build(pages), nil
}

// hasText says whether the PDF has a text layer worth reading: a scan with a stray OCR'd page number is still a
// scan, so it takes some words on average per page.
func hasText(pages []page) bool {
	n := 0
	for _, p := range pages {
		for _, w := range p.Words {
			n += len([]rune(w.Text))
		}
	}
	return n >= 20*len(pages) || n >= 200
}

// HeaderText is the header of column col read top-down through the header rows, the text of a spanning cell
// included for every column it covers: “收入决算” + “财政拨款收入” for a column under a spanning 收入决算.
func (g *Grid) HeaderText(col int) []string {
	var out []string
	for r := 0; r < g.HeaderRows; r++ {
		row := g.Rows[r]
		for c := col; c >= 0; c-- {
			if row[c].Span == 0 {
				continue
			}
			if c+row[c].Span > col && row[c].Text != "" {
				out = append(out, row[c].Text)
			}
			break
		}
	}
	return out
}

// Body is the rows under the header.
func (g *Grid) Body() [][]Cell { return g.Rows[g.HeaderRows:] }

// Width is the number of columns.
func (g *Grid) Width() int {
	if len(g.Rows) == 0 {
		return 0
	}
	return len(g.Rows[0])
}

// squeeze drops the spaces a PDF puts between CJK characters (“因 公 出 国”) but keeps one between two Latin or
// digit runs (“2024 年” stays readable as written only where both sides are Latin).
func squeeze(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if r == ' ' || r == '\u3000' || r == '\t' {
			if i > 0 && i+1 < len(rs) && latin(rs[i-1]) && latin(rs[i+1]) && b.Len() > 0 {
				b.WriteRune(' ')
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func latin(r rune) bool { return r < 0x2E80 && r != ' ' }
