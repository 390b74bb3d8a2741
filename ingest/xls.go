package ingest

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/shakinm/xlsReader/xls"

	"sunshine/ingest/layout"
	"sunshine/models"
)

// readXLS reads a legacy Excel workbook (BIFF8, what Excel 97–2003, WPS and
// LibreOffice save as .xls) into its visible sheets. The Workbook stream is
// taken out of the compound file with every chain checked (cfb.go), and
// shakinm/xlsReader reads the cells, the shared strings and the number
// formats from a fresh compound file holding that stream alone; it skips
// three records the layout reader needs, so readXLS walks the stream for them
// itself: BOUNDSHEET's hidden flag, MERGECELLS and FORMULA's stored result.
//
// Returns EINVALID for a file that is not a readable BIFF8 workbook (an
// encrypted one, an older BIFF version, a damaged file). The library was
// written for well-formed files, so a panic inside it is such a file too.
func readXLS(b []byte, opts Options) (sheets []layout.Sheet, err error) {
	defer func() {
		if r := recover(); r != nil {
			sheets, err = nil, unreadableXLS()
		}
	}()
	stream, err := cfbStream(b)
	if err != nil {
		return nil, err
	}
	meta, err := scanBIFF(stream)
	if err != nil {
		return nil, err
	}
	clean, err := cfbWrap(stream)
	if err != nil {
		return nil, err
	}
	wb, err := xls.OpenReader(bytes.NewReader(clean))
	if err != nil || wb.GetNumberSheets() != len(meta) {
		return nil, unreadableXLS()
	}
	for i := 0; i < wb.GetNumberSheets(); i++ {
		if meta[i].hidden {
			continue
		}
		sh, err := wb.GetSheet(i)
		if err != nil {
			return nil, unreadableXLS()
		}
		s := layout.Sheet{Name: sh.GetName(), Merged: meta[i].merged}
		if sh.GetNumberRows() > opts.MaxRows+1000 {
			return nil, models.Errorf(models.EINVALID, "工作表“%s”超过 %s 行的上限", s.Name, groupThousands(opts.MaxRows))
		}
		for _, row := range sh.GetRows() {
			cols := row.GetCols()
			cells := make([]layout.Cell, len(cols))
			for j, c := range cols {
				cells[j] = xlsCell(&wb, c)
			}
			s.Rows = append(s.Rows, cells)
		}
		for _, fc := range meta[i].formulas {
			if fc.row > opts.MaxRows+1000 || fc.col > 16384 {
				continue
			}
			for len(s.Rows) <= fc.row {
				s.Rows = append(s.Rows, nil)
			}
			for len(s.Rows[fc.row]) <= fc.col {
				s.Rows[fc.row] = append(s.Rows[fc.row], layout.Cell{})
			}
			cell := layout.Cell{Text: fc.text}
			if !fc.isText {
				cell = numberCell(&wb, fc.number, fc.xf)
			}
			s.Rows[fc.row][fc.col] = cell
		}
		sheets = append(sheets, s)
	}
	return sheets, nil
}

func unreadableXLS() error {
	return models.Errorf(models.EINVALID, "无法读取 .xls 文件：文件已损坏、已加密或不是 Excel 97–2003 工作簿，请另存为 .xlsx 或 CSV 后再上传")
}

// xlsCell turns a BIFF cell into a layout cell: text as written; a number in
// plain decimal notation (15 significant digits, as Excel shows it) with the
// decimals its number format prints.
func xlsCell(wb *xls.Workbook, c interface {
	GetString() string
	GetFloat64() float64
	GetXFIndex() int
	GetType() string
}) layout.Cell {
	switch c.GetType() {
	case "*record.Number", "*record.Rk":
		return numberCell(wb, c.GetFloat64(), c.GetXFIndex())
	case "*record.FakeBlank", "*record.Blank", "*record.MulBlank":
		return layout.Cell{}
	}
	return layout.Cell{Text: c.GetString()}
}

// numberCell writes a stored double as Excel shows it, with the decimals of
// its cell's number format.
func numberCell(wb *xls.Workbook, f float64, xf int) layout.Cell {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return layout.Cell{}
	}
	text := excelNumber(strconv.FormatFloat(f, 'g', -1, 64))
	d := models.DecimalsUnknown
	if xf >= 0 {
		d = formatDecimals(xlsFormat(wb, xf))
	}
	if d == models.DecimalsUnknown {
		d = models.DecimalsOf(text)
	}
	return layout.Cell{Text: text, Decimals: d}
}

// xlsFormat is the number format code of an XF index ("" for General).
func xlsFormat(wb *xls.Workbook, xf int) (code string) {
	defer func() {
		if recover() != nil {
			code = ""
		}
	}()
	x := wb.GetXFbyIndex(xf)
	idx := x.GetFormatIndex()
	if s, ok := builtinFormats[idx]; ok {
		return s
	}
	f := wb.GetFormatByIndex(idx)
	return f.String()
}

// builtinFormats are Excel's numbered number formats that a file may use
// without writing them out.
var builtinFormats = map[int]string{0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
	5: `"$"#,##0_);("$"#,##0)`, 6: `"$"#,##0_);[Red]("$"#,##0)`, 7: `"$"#,##0.00_);("$"#,##0.00)`, 8: `"$"#,##0.00_);[Red]("$"#,##0.00)`,
	9: "0%", 10: "0.00%", 11: "0.00E+00", 37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)",
	40: "#,##0.00;[Red](#,##0.00)", 41: `_(* #,##0_);_(* (#,##0);_(* "-"_);_(@_)`, 42: `_("$"* #,##0_);_("$"* (#,##0);_("$"* "-"_);_(@_)`,
	43: `_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)`, 44: `_("$"* #,##0.00_);_("$"* (#,##0.00);_("$"* "-"??_);_(@_)`, 49: "@"}

// formatDecimals is how many decimals a number format shows: the zeros (or #)
// after the point of its first section; DecimalsUnknown for General or text.
func formatDecimals(code string) models.Decimals {
	if code == "" || strings.EqualFold(code, "General") || code == "@" {
		return models.DecimalsUnknown
	}
	section, _, _ := strings.Cut(code, ";")
	inQuote := false
	n, afterPoint := 0, false
	for i := 0; i < len(section); i++ {
		switch ch := section[i]; {
		case ch == '"':
			inQuote = !inQuote
		case inQuote:
		case ch == '\\' || ch == '_' || ch == '*':
			i++ // the next character is literal (or padding)
		case ch == '[':
			if j := strings.IndexByte(section[i:], ']'); j > 0 {
				i += j
			}
		case ch == '.':
			afterPoint = true
		case afterPoint && (ch == '0' || ch == '#' || ch == '?'):
			n++
		case afterPoint && ch != ',':
			afterPoint = false // the decimals end at the first other character
		}
	}
	return models.PrintedDecimals(n)
}

// BIFF8 record types readXLS reads itself.
const (
	biffBOF        = 0x0809
	biffEOF        = 0x000A
	biffFilePass   = 0x002F
	biffBoundSheet = 0x0085
	biffMergeCells = 0x00E5
	biffFormula    = 0x0006
	biffString     = 0x0207
)

// sheetMeta is what the walk learns of one sheet.
type sheetMeta struct {
	hidden   bool
	pos      int
	merged   []layout.Range
	formulas []formulaCell
}

// formulaCell is the cached result of a formula, which xlsReader skips: a
// 合计 printed as =SUM(…) is still a printed figure.
type formulaCell struct {
	row, col, xf int
	number       float64
	text         string
	isText       bool
}

// scanBIFF walks the records of the workbook stream: the globals for the
// sheets (and an encryption marker), then each sheet's substream for its
// merged ranges.
func scanBIFF(stream []byte) ([]sheetMeta, error) {
	var sheets []sheetMeta
	version := uint16(0)
	err := walkBIFF(stream, 0, func(typ uint16, data []byte) bool {
		switch typ {
		case biffBOF:
			if len(data) >= 2 {
				version = binary.LittleEndian.Uint16(data)
			}
		case biffFilePass:
			version = 0xFFFF
			return false
		case biffBoundSheet:
			if len(data) >= 6 {
				sheets = append(sheets, sheetMeta{pos: int(binary.LittleEndian.Uint32(data)), hidden: data[4]&0x03 != 0})
			}
		}
		return true
	})
	switch {
	case err != nil:
		return nil, err
	case version == 0xFFFF:
		return nil, models.Errorf(models.EINVALID, "无法读取加密的 .xls 文件，请取消密码后再上传")
	case version != 0x0600:
		return nil, models.Errorf(models.EINVALID, "只支持 Excel 97–2003（BIFF8）格式的 .xls 文件，请另存为 .xlsx 后再上传")
	}
	for i := range sheets {
		m := &sheets[i]
		if m.pos <= 0 || m.pos >= len(stream) {
			return nil, unreadableXLS()
		}
		pendingText := -1 // a formula whose text result is in the next STRING record
		if err := walkBIFF(stream, m.pos, func(typ uint16, data []byte) bool {
			switch {
			case typ == biffFormula && len(data) >= 14:
				fc := formulaCell{row: int(binary.LittleEndian.Uint16(data)), col: int(binary.LittleEndian.Uint16(data[2:])),
					xf: int(binary.LittleEndian.Uint16(data[4:]))}
				if data[12] == 0xFF && data[13] == 0xFF {
					if data[6] != 0 {
						return true // a boolean, an error or an empty string: no figure
					}
					fc.isText = true
					pendingText = len(m.formulas)
				} else {
					fc.number = math.Float64frombits(binary.LittleEndian.Uint64(data[6:]))
				}
				m.formulas = append(m.formulas, fc)
			case typ == biffString && pendingText >= 0:
				m.formulas[pendingText].text = biffString16(data)
				pendingText = -1
			}
			if typ == biffMergeCells && len(data) >= 2 {
				n := int(binary.LittleEndian.Uint16(data))
				for j := 0; j < n && 2+8*j+8 <= len(data); j++ {
					d := data[2+8*j:]
					m.merged = append(m.merged, layout.Range{
						Row0: int(binary.LittleEndian.Uint16(d)), Row1: int(binary.LittleEndian.Uint16(d[2:])),
						Col0: int(binary.LittleEndian.Uint16(d[4:])), Col1: int(binary.LittleEndian.Uint16(d[6:]))})
				}
			}
			return typ != biffEOF
		}); err != nil {
			return nil, err
		}
	}
	return sheets, nil
}

// biffString16 reads an XLUnicodeString: a character count, a flag byte
// (bit 0: two bytes a character) and the characters.
func biffString16(data []byte) string {
	if len(data) < 3 {
		return ""
	}
	n := int(binary.LittleEndian.Uint16(data))
	chars := data[3:]
	if data[2]&1 == 0 {
		n = min(n, len(chars))
		r := make([]rune, n)
		for i := 0; i < n; i++ {
			r[i] = rune(chars[i]) // Latin-1
		}
		return string(r)
	}
	n = min(n, len(chars)/2)
	u := make([]uint16, n)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(chars[2*i:])
	}
	return string(utf16.Decode(u))
}

// walkBIFF calls fn for each record from pos until fn returns false, the
// globals' EOF or the end of the stream.
func walkBIFF(stream []byte, pos int, fn func(typ uint16, data []byte) bool) error {
	for pos+4 <= len(stream) {
		typ := binary.LittleEndian.Uint16(stream[pos:])
		n := int(binary.LittleEndian.Uint16(stream[pos+2:]))
		if pos+4+n > len(stream) {
			return unreadableXLS()
		}
		if !fn(typ, stream[pos+4:pos+4+n]) || typ == biffEOF {
			return nil
		}
		pos += 4 + n
	}
	return nil
}

// openXLS reads a legacy .xls upload: a flat table when its first sheet starts
// with the CSV headers, else the official layout; a workbook with neither is
// read as a flat table, whose findings then say what is missing.
func openXLS(r io.Reader, opts Options) (Reader, error) {
	b, err := io.ReadAll(io.LimitReader(r, opts.MaxUnzippedBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > opts.MaxUnzippedBytes {
		return nil, models.Errorf(models.ETOOLARGE, ".xls 文件超过 %s 字节的上限", groupThousands(int(opts.MaxUnzippedBytes)))
	}
	sheets, err := readXLS(b, opts)
	if err != nil {
		return nil, err
	}
	if len(sheets) == 0 {
		return nil, models.Errorf(models.EINVALID, ".xls 文件中没有可见的工作表")
	}
	src := &sheetRows{sheet: &sheets[0]}
	if !src.flatHeader() {
		if tables := findTables(sheets); len(tables) > 0 {
			return newLayoutReader(tables, opts), nil
		}
	}
	return newFlatReader(src, sheets[0].Name, opts, flatXLSX)
}

// sheetRows streams a sheet read into memory as a flat table's rows.
type sheetRows struct {
	sheet *layout.Sheet
	row   int
}

func (s *sheetRows) next() (rawRow, error) {
	if s.row >= len(s.sheet.Rows) {
		return rawRow{}, io.EOF
	}
	cells := s.sheet.Rows[s.row]
	s.row++
	row := rawRow{num: s.row, cells: make([]string, len(cells)), shown: make([]string, len(cells))}
	for i, c := range cells {
		row.cells[i] = c.Text
		// printedDecimals reads the decimals from the text as shown: a
		// number written with that many decimals says it.
		if n, ok := c.Decimals.N(); ok {
			row.shown[i] = "0"
			if n > 0 {
				row.shown[i] += "." + strings.Repeat("0", n)
			}
		}
	}
	return row, nil
}

// flatHeader reports whether the sheet's first non-blank row is a header row
// of one of the two upload kinds.
func (s *sheetRows) flatHeader() bool {
	for _, r := range s.sheet.Rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = c.Text
		}
		if !isBlank(cells) {
			return detectKind(cells) != ""
		}
	}
	return false
}
