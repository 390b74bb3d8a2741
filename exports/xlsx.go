package exports

import (
	"archive/zip"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"sunshine/models"
)

// ExcelMaxRows is how many rows an Excel worksheet holds, the header row included.
const ExcelMaxRows = 1048576

// CheckExcelRows refuses a download of dataRows rows that would not fit in one
// worksheet with its header. Returns ETOOLARGE with a Chinese message saying what to do instead.
func CheckExcelRows(dataRows int64) error {
	if dataRows+1 > ExcelMaxRows {
		return models.Errorf(models.ETOOLARGE,
			"共 %d 行数据，加上表头超过 Excel 工作表上限 %d 行，无法导出为 XLSX；请下载 CSV，或按年度、阶段、部门筛选后分批导出",
			dataRows, ExcelMaxRows)
	}
	return nil
}

// exactFloatLimit bounds the amounts written as numbers. Below 10^15 fen an
// amount has at most 15 significant digits, and then float64(fen)/10^k (one
// correctly rounded division, the same double strconv.ParseFloat gives for the
// decimal) prints back, in Go's shortest form that excelize writes, as exactly
// those digits: the sheet XML holds the decimal itself, not a float artefact.
// Larger amounts (10 万亿元 and up) exceed Excel's 15-digit precision and are
// written as text with every digit, rather than rounded.
const exactFloatLimit = 1_000_000_000_000_000

// XLSXOptions choose how a workbook is written.
type XLSXOptions struct {
	// Unit is the unit amounts are written in (元 by default). Amounts are
	// numeric cells shown with the number format #,##0.00 (元) or with as many
	// decimals as a fen needs (万元: #,##0.00####).
	Unit models.Unit
	// SheetName names the one worksheet; the table's Chinese title by default.
	SheetName string
	// Rows, when known (> 0), is the number of data rows to come: a count that
	// does not fit in a worksheet is refused by NewXLSXEncoder before anything is written.
	Rows int64
	// TmpDir is where the sheet is spooled while it is written; the system default when "".
	TmpDir string
}

// XLSXEncoder writes one worksheet with a Chinese header row through
// excelize's StreamWriter, which spools rows to a temporary file; Close writes
// the workbook to w. Until Close nothing reaches w, so a refusal (too many
// rows) never leaves half a file behind.
//
// Codes are text cells (leading zeros kept); ids, years and counts are
// integers; amounts are numbers (see exactFloatLimit). Text a spreadsheet could
// take for a formula gets Excel's quote prefix (the cell style a typed leading
// apostrophe produces), so it stays text even when edited, and its value is unchanged.
type XLSXEncoder[T any] struct {
	w          io.Writer
	file       *excelize.File
	sheet      *excelize.StreamWriter
	table      *Table[T]
	unit       models.Unit
	quoteStyle int
	row        T
	values     []any
	next       int // the sheet row the next Encode writes, 1-based
	err        error
	closed     bool
}

// NewXLSXEncoder prepares a workbook for t's rows. Returns ETOOLARGE when
// opts.Rows says the rows will not fit, EINVALID for a bad unit.
func NewXLSXEncoder[T any](w io.Writer, t *Table[T], opts XLSXOptions) (*XLSXEncoder[T], error) {
	if err := CheckExcelRows(opts.Rows); err != nil {
		return nil, err
	}
	if err := checkUnit(opts.Unit); err != nil {
		return nil, err
	}
	e := &XLSXEncoder[T]{w: w, table: t, unit: amountUnit(opts.Unit), next: 1}
	e.file = excelize.NewFile(excelize.Options{TmpDir: opts.TmpDir})
	if err := e.setup(opts); err != nil {
		_ = e.file.Close()
		return nil, err
	}
	return e, nil
}

func (e *XLSXEncoder[T]) setup(opts XLSXOptions) error {
	name := opts.SheetName
	if name == "" {
		name = sheetName(e.table.Title)
	}
	if err := e.file.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	if err := e.file.SetDocProps(&excelize.DocProperties{Creator: "Sunshine 阳光财政", Title: e.table.Title,
		Description: e.table.Description}); err != nil {
		return err
	}
	header, err := e.file.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	amountFormat := "#,##0.00"
	if extra := e.unit.FenDigits() - 2; extra > 0 {
		amountFormat += "################"[:extra]
	}
	amount, err := e.file.NewStyle(&excelize.Style{CustomNumFmt: &amountFormat})
	if err != nil {
		return err
	}
	text, err := e.file.NewStyle(&excelize.Style{NumFmt: 49}) // "@": what is typed in stays text
	if err != nil {
		return err
	}
	e.quoteStyle = e.addQuotePrefixStyle(text)

	if e.sheet, err = e.file.NewStreamWriter(name); err != nil {
		return err
	}
	// excelize puts each column definition it is given before the ones it
	// has, and Excel wants them in ascending order: so, last column first.
	for i := len(e.table.Columns) - 1; i >= 0; i-- {
		c := &e.table.Columns[i]
		col := i + 1
		switch c.Type {
		case TypeNumber:
			err = e.sheet.SetColStyle(col, col, amount)
		case TypeString, TypeDatetime:
			err = e.sheet.SetColStyle(col, col, text)
		}
		if err == nil {
			err = e.sheet.SetColWidth(col, col, columnWidth(c, headerTitle(c, e.unit)))
		}
		if err != nil {
			return err
		}
	}
	headers := make([]any, len(e.table.Columns))
	for i := range e.table.Columns {
		headers[i] = excelize.Cell{StyleID: header, Value: headerTitle(&e.table.Columns[i], e.unit)}
	}
	if err := e.sheet.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := e.sheet.SetRow("A1", headers, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	e.next = 2
	e.values = make([]any, len(e.table.Columns))
	return nil
}

// addQuotePrefixStyle adds a copy of the text style with quotePrefix set.
// excelize's Style has no field for it, so the cell format is copied in the
// loaded style sheet directly (NewStyle would hand back the text style itself,
// as it merges identical styles).
func (e *XLSXEncoder[T]) addQuotePrefixStyle(text int) int {
	xfs := e.file.Styles.CellXfs
	xf := xfs.Xf[text]
	yes := true
	xf.QuotePrefix = &yes
	xfs.Xf = append(xfs.Xf, xf)
	xfs.Count = len(xfs.Xf)
	return len(xfs.Xf) - 1
}

// Encode adds one row to the sheet. Past Excel's row limit it returns
// ETOOLARGE, and Close then writes nothing.
func (e *XLSXEncoder[T]) Encode(row T) error {
	if e.err != nil {
		return e.err
	}
	if e.next > ExcelMaxRows {
		e.err = CheckExcelRows(int64(e.next - 1))
		return e.err
	}
	e.row = row
	for i := range e.table.Columns {
		cell := e.table.Columns[i].Get(&e.row)
		switch {
		case cell.Null:
			e.values[i] = nil
		case cell.Kind == KindMoney:
			if cell.Int > -exactFloatLimit && cell.Int < exactFloatLimit {
				e.values[i] = float64(cell.Int) / float64(e.unit.Fen())
			} else {
				e.values[i] = string(appendMoney(nil, cell.Int, e.unit))
			}
		case cell.Kind == KindInt:
			e.values[i] = cell.Int
		case formulaTrigger(cell.Text):
			e.values[i] = excelize.Cell{StyleID: e.quoteStyle, Value: cell.Text}
		default:
			e.values[i] = cell.Text
		}
	}
	ref, err := excelize.CoordinatesToCellName(1, e.next)
	if err == nil {
		err = e.sheet.SetRow(ref, e.values)
	}
	e.next++
	e.err = err
	return err
}

// Close writes the workbook to w, unless an earlier error stopped the export,
// and removes the spooled sheet.
func (e *XLSXEncoder[T]) Close() error {
	if e.closed {
		return e.err
	}
	e.closed = true
	defer func() { _ = e.file.Close() }()
	if e.err != nil {
		return e.err
	}
	if e.err = e.sheet.Flush(); e.err != nil {
		return e.err
	}
	// File.Write would assemble the whole zip in a bytes.Buffer first; a zip
	// writer on w streams it instead (the buffer it is handed stays empty).
	zw := zip.NewWriter(e.w)
	e.file.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	e.err = e.file.Write(io.Discard)
	return e.err
}

// sheetName makes a valid worksheet name: at most 31 characters, none of : \ / ? * [ ].
func sheetName(s string) string {
	var out []rune
	for _, r := range s {
		switch r {
		case ':', '\\', '/', '?', '*', '[', ']':
			r = '_'
		}
		if len(out) == 31 {
			break
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return "Sheet1"
	}
	return string(out)
}

// columnWidth sizes a column to its header (a Chinese character is two wide) and its kind of content.
func columnWidth[T any](c *Column[T], title string) float64 {
	w := 0
	for _, r := range title {
		if utf8.RuneLen(r) > 1 {
			w += 2
		} else {
			w++
		}
	}
	switch c.Key {
	case "dept_name", "name":
		w = max(w, 24)
	case "change_reason", "note", "permalink":
		w = max(w, 40)
	}
	if c.Type == TypeNumber {
		w = max(w, 16)
	}
	return float64(max(w, 8) + 2)
}
