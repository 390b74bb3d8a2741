package layout

import (
	"strconv"
	"strings"
	"unicode"

	"sunshine/models"
)

// Cell is one cell of a worksheet as the reader of the file gives it.
type Cell struct {
	// Text is the stored value: text as written, or a number in plain decimal
	// notation as Excel displays it (15 significant digits, no exponent).
	Text string
	// Decimals is the precision the cell shows a number with, from its number
	// format ("#,##0.00" → 2); DecimalsUnknown for text or when unknown.
	Decimals models.Decimals
}

// Range is a merged block of cells, 0-based and inclusive.
type Range struct {
	Row0, Col0, Row1, Col1 int
}

// Sheet is one visible worksheet: its name as Excel shows it on the tab, its
// rows (Rows[r][c], 0-based; rows may be short or nil) and its merged ranges.
// Hidden sheets are never handed to the reader.
type Sheet struct {
	Name   string
	Rows   [][]Cell
	Merged []Range
}

// at returns the text of a cell, trimmed; "" outside the sheet.
func (s *Sheet) at(r, c int) string {
	if r < 0 || r >= len(s.Rows) || c < 0 || c >= len(s.Rows[r]) {
		return ""
	}
	return trim(s.Rows[r][c].Text)
}

func (s *Sheet) cell(r, c int) Cell {
	if r < 0 || r >= len(s.Rows) || c < 0 || c >= len(s.Rows[r]) {
		return Cell{}
	}
	return s.Rows[r][c]
}

// width is the number of columns of the widest row.
func (s *Sheet) width() int {
	w := 0
	for _, r := range s.Rows {
		w = max(w, len(r))
	}
	return w
}

// CellName names a cell as Excel does, from 0-based indexes: (11, 3) → "D12".
func CellName(row, col int) string {
	return ColumnName(col) + strconv.Itoa(row+1)
}

// ColumnName is Excel's column letter of a 0-based index: 0 → A, 26 → AA.
func ColumnName(col int) string {
	var b []byte
	for col >= 0 {
		b = append([]byte{byte('A' + col%26)}, b...)
		col = col/26 - 1
	}
	return string(b)
}

// Ref is a cell as a finding names it: 表3!D12 (the sheet quoted as Excel
// quotes names with spaces or punctuation).
func Ref(sheet string, row, col int) string {
	return SheetRef(sheet) + "!" + CellName(row, col)
}

// SheetRef is a sheet name as an Excel formula writes it.
func SheetRef(sheet string) string {
	plain := sheet != ""
	for _, r := range sheet {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.') {
			plain = false
			break
		}
	}
	if plain {
		return sheet
	}
	return "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
}

// trim drops the white space spreadsheets and Chinese input methods leave
// around a value (and the indentation of a printed name).
func trim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u3000' || r == '\ufeff' || r == '\u200b'
	})
}

// norm makes printed labels comparable: no white space anywhere, full-width
// ASCII forms as half-width ones ((), :), no quotation marks (“三公” = 三公).
func norm(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case unicode.IsSpace(r) || r == '\u3000' || r == '\ufeff' || r == '\u200b':
			continue
		}
		switch r {
		case '"', '\'', '“', '”', '‘', '’', '「', '」', '『', '』':
			continue
		case '【', '〔', '［':
			r = '['
		case '】', '〕', '］':
			r = ']'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isNumber reports whether a cell holds a plain number (after the reader's
// rewriting of stored doubles): digits, a point, a sign, thousands commas.
func isNumber(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if s == "" {
		return false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == ',':
		default:
			return false
		}
	}
	return digits > 0
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// mergeIndex finds the merged range a cell belongs to.
type mergeIndex map[[2]int]Range

func newMergeIndex(rs []Range) mergeIndex {
	m := mergeIndex{}
	for _, r := range rs {
		if (r.Row1-r.Row0+1)*(r.Col1-r.Col0+1) > 1<<16 {
			continue // a whole-column merge says nothing about a header
		}
		for i := r.Row0; i <= r.Row1; i++ {
			for j := r.Col0; j <= r.Col1; j++ {
				m[[2]int{i, j}] = r
			}
		}
	}
	return m
}

// owner returns the top-left cell of the merged range covering (r, c), or (r, c).
func (m mergeIndex) owner(r, c int) (int, int) {
	if rg, ok := m[[2]int{r, c}]; ok {
		return rg.Row0, rg.Col0
	}
	return r, c
}
