package ingest

import (
	"archive/zip"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"

	"sunshine/models"
)

// xmlInMemory is the size above which excelize unpacks a worksheet or the
// shared strings to a temporary file and streams it, instead of holding it in
// memory. Kept small so a big sheet never sits in memory whole.
const xmlInMemory = 4 << 20

// rawValues makes excelize return what the cell stores (the number, not the
// number as formatted for display): "1234.5" rather than "1,234.50" or "¥1,234.50".
var rawValues = excelize.Options{RawCellValue: true}

// openXLSXPath reads the workbook at path. excelize reads the zip once at open
// (small parts into memory, large sheets into its own temporary files), so
// cleanup (the removal of a spooled copy) runs right after that.
func openXLSXPath(path string, opts Options, cleanup func() error) (Reader, error) {
	if cleanup != nil {
		defer cleanup()
	}
	if err := checkZip(path, opts.MaxUnzippedBytes); err != nil {
		return nil, err
	}
	f, err := excelize.OpenFile(path, excelize.Options{
		UnzipSizeLimit: opts.MaxUnzippedBytes, UnzipXMLSizeLimit: xmlInMemory, TmpDir: opts.TempDir,
	})
	if err != nil {
		return nil, models.Errorf(models.EINVALID, "无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, models.Errorf(models.EINVALID, "XLSX 文件中没有工作表")
	}
	// Dispatch by content: the service's template has its label block (区划代码,
	// 部门编码); a flat table has the CSV headers in its first row; a workbook
	// in the official layout has the tables' titles. A workbook that is none
	// of them is read as it was before there was a layout reader, so its
	// findings say what is wrong with it as a template or a flat table.
	ts := templateSheets(sheets)
	if opts.Kind == models.KindThreePublic {
		ts = nil
	}
	if len(ts) > 0 && hasLabelBlock(f, ts[0].name) {
		return newTemplateReader(f, ts, opts), nil
	}
	if !hasFlatHeader(f, sheets[0]) {
		ls, err := xlsxSheets(f, opts)
		if err != nil {
			f.Close()
			return nil, err
		}
		if tables := findTables(ls); len(tables) > 0 {
			f.Close()
			return newLayoutReader(tables, opts), nil
		}
	}
	if len(ts) > 0 {
		return newTemplateReader(f, ts, opts), nil
	}
	src, err := openSheetSource(f, sheets[0])
	if err != nil {
		f.Close()
		return nil, err
	}
	rd, err := newFlatReader(src, sheets[0], opts, flatXLSX)
	if err != nil {
		src.Close()
		f.Close()
		return nil, err
	}
	fr := rd.(*flatReader)
	fr.closers = append(fr.closers, f.Close, src.Close)
	return fr, nil
}

// hasLabelBlock reports whether a sheet has the template's label block: a
// 区划代码 or 部门编码 label in its first rows, which no official table prints.
func hasLabelBlock(f *excelize.File, sheet string) bool {
	found := false
	scanRows(f, sheet, 12, func(cells []string) bool {
		for _, c := range cells {
			label, _, _ := cutColon(trimCell(c))
			if k := metaIndex[normalizeHeader(label)]; k == "region_code" || k == "dept_code" {
				found = true
				return false
			}
		}
		return true
	})
	return found
}

// hasFlatHeader reports whether a sheet's first non-blank row is a header row
// of one of the two upload kinds.
func hasFlatHeader(f *excelize.File, sheet string) bool {
	flat := false
	scanRows(f, sheet, 50, func(cells []string) bool {
		if isBlank(cells) {
			return true
		}
		flat = detectKind(cells) != ""
		return false
	})
	return flat
}

// scanRows calls fn with the first rows of a sheet (at most n) until it returns false.
func scanRows(f *excelize.File, sheet string, n int, fn func([]string) bool) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return
	}
	defer rows.Close()
	for i := 0; i < n && rows.Next(); i++ {
		cells, err := rows.Columns(rawValues)
		if err != nil || !fn(cells) {
			return
		}
	}
}

// checkZip refuses, before excelize unpacks anything, a zip that is not a
// workbook (an OpenDocument file, say) or that would unpack past the limit.
func checkZip(path string, limit int64) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return models.Errorf(models.EINVALID, "无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿")
	}
	defer zr.Close()
	var total uint64
	workbook, ods := false, false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		switch strings.ToLower(f.Name) {
		case "xl/workbook.xml":
			workbook = true
		case "content.xml":
			ods = true
		}
	}
	switch {
	case total > uint64(limit):
		return models.Errorf(models.ETOOLARGE, "XLSX 文件解压后超过 %s 字节的上限", groupThousands(int(limit)))
	case !workbook && ods:
		return models.Errorf(models.EINVALID, "不支持 OpenDocument（.ods）表格，请另存为 .xlsx 或 CSV 后再上传")
	case !workbook:
		return models.Errorf(models.EINVALID, "无法读取 XLSX 文件：压缩包中没有 Excel 工作簿")
	}
	return nil
}

// sheetSource streams the rows of one worksheet, empty rows included: each
// cell's stored value, and beside it the value as Excel shows it through the
// cell's number format (a second iterator over the same sheet, in step), which
// says how many decimals the figure was printed with.
type sheetSource struct {
	rows, shown *excelize.Rows
	row         int
}

func openSheetSource(f *excelize.File, sheet string) (*sheetSource, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, models.Errorf(models.EINVALID, "无法读取工作表“%s”", sheet)
	}
	shown, err := f.Rows(sheet)
	if err != nil {
		rows.Close()
		return nil, models.Errorf(models.EINVALID, "无法读取工作表“%s”", sheet)
	}
	return &sheetSource{rows: rows, shown: shown}, nil
}

// Close releases both iterators.
func (s *sheetSource) Close() error {
	return errors.Join(s.rows.Close(), s.shown.Close())
}

func (s *sheetSource) next() (rawRow, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return rawRow{}, sheetError(err)
		}
		return rawRow{}, io.EOF
	}
	// excelize's iterator stops once per row number, gaps included, so counting
	// calls gives the row as Excel numbers it.
	s.row++
	cells, err := s.rows.Columns(rawValues)
	if err != nil {
		return rawRow{}, sheetError(err)
	}
	var shown []string
	if s.shown.Next() {
		if shown, err = s.shown.Columns(); err != nil {
			return rawRow{}, sheetError(err)
		}
	}
	return rawRow{num: s.row, cells: cells, shown: shown}, nil
}

func sheetError(err error) error {
	if errors.Is(err, excelize.ErrMaxRows) {
		return models.Errorf(models.EINVALID, "工作表超过 Excel 的最大行数")
	}
	return models.Errorf(models.EINVALID, "无法读取工作表：文件已损坏")
}

// excelNumber writes a numeric cell's stored value as Excel displays it:
// plain decimal notation and at most 15 significant digits. Excel stores a
// double, so a formula's result is often "1234.5600000000002" and a large or
// small number may be stored as "1.5E+7"; taken as text, those would be refused
// as fractions of a fen or as not numbers. The rounding is done on the decimal
// digits, never through float64. Anything else (text, thousands separators,
// a number already in plain form) is returned unchanged.
func excelNumber(s string) string {
	mant, exp, neg, ok := splitNumber(s)
	if !ok {
		return s
	}
	hasExp := strings.ContainsAny(s, "eE")
	digits := strings.ReplaceAll(mant, ".", "")
	point := strings.IndexByte(mant, '.')
	if point < 0 {
		point = len(mant)
	}
	point += exp
	// Drop leading zeros, keeping the point where it was.
	lead := len(digits) - len(strings.TrimLeft(digits, "0"))
	digits, point = digits[lead:], point-lead
	if digits == "" {
		return "0"
	}
	if !hasExp && len(strings.TrimRight(digits, "0")) <= 15 {
		return s
	}
	if len(digits) > 15 {
		digits, point = roundDigits(digits[:16], point)
	}
	digits = strings.TrimRight(digits, "0")
	if point > 40 || point < -40 {
		return s // far outside any amount; let the caller refuse it as written
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case point <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.WriteString(digits)
	case point >= len(digits):
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", point-len(digits)))
	default:
		b.WriteString(digits[:point])
		b.WriteByte('.')
		b.WriteString(digits[point:])
	}
	return b.String()
}

// roundDigits rounds 16 significant digits to 15, half up, and returns the
// digits with the possibly moved decimal point (9.99…95 becomes 10).
func roundDigits(d string, point int) (string, int) {
	b := []byte(d[:15])
	if d[15] >= '5' {
		i := 14
		for ; i >= 0; i-- {
			if b[i] < '9' {
				b[i]++
				break
			}
			b[i] = '0'
		}
		if i < 0 {
			return "1" + string(b), point + 1
		}
	}
	return string(b), point
}

// splitNumber parses [-]digits[.digits][E[+-]digits] as Excel stores numbers.
func splitNumber(s string) (mant string, exp int, neg, ok bool) {
	if s == "" {
		return "", 0, false, false
	}
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	mant, e, hasExp := strings.Cut(strings.ToUpper(s), "E")
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" || !allASCIIDigits(intPart) || !allASCIIDigits(frac) {
		return "", 0, false, false
	}
	if hasExp {
		sign := 1
		switch {
		case strings.HasPrefix(e, "+"):
			e = e[1:]
		case strings.HasPrefix(e, "-"):
			sign, e = -1, e[1:]
		}
		if e == "" || len(e) > 3 || !allASCIIDigits(e) {
			return "", 0, false, false
		}
		for _, c := range e {
			exp = exp*10 + int(c-'0')
		}
		exp *= sign
	}
	return mant, exp, neg, true
}

func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// removeFile is a cleanup that tolerates a file already gone.
func removeFile(path string) func() error {
	return func() error {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
}

// printedDecimals is the precision a workbook cell's figure was printed with:
// the decimals its number format shows ("#,##0.00" → 2, General → the digits
// of the value), falling back to the stored value's digits.
func printedDecimals(row rawRow, i int, stored string) models.Decimals {
	if i >= 0 && i < len(row.shown) {
		if d := models.DecimalsOf(trimCell(row.shown[i])); d != models.DecimalsUnknown {
			return d
		}
	}
	return models.DecimalsOf(excelNumber(stored))
}
