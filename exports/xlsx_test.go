package exports

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sunshine/models"
)

func encodeXLSX[T any](t *testing.T, table *Table[T], rows []T, opts XLSXOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	e, err := NewXLSXEncoder(&buf, table, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := encodeAll[T](e, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipPart returns one file of the workbook's zip.
func zipPart(t *testing.T, b []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	part, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return part
}

const sheetXML = "xl/worksheets/sheet1.xml"

func TestXLSX_GoldenSheetXML(t *testing.T) {
	// The sheet XML is deterministic (the zip around it carries timestamps), and
	// it is where the exact digits and cell types are visible.
	golden(t, "three_public.sheet1.xml", zipPart(t, encodeXLSX(t, ThreePublicTable, threePublicRows(), XLSXOptions{}), sheetXML))
	golden(t, "line_items.sheet1.xml", zipPart(t, encodeXLSX(t, LineItemsTable, lineItemRows(), XLSXOptions{}), sheetXML))
	golden(t, "line_items.wanyuan.sheet1.xml", zipPart(t, encodeXLSX(t, LineItemsTable, lineItemRows(), XLSXOptions{Unit: models.WanYuan}), sheetXML))
}

func TestXLSX_XMLHoldsExactDigitsAndTextCodes(t *testing.T) {
	b := encodeXLSX(t, ThreePublicTable, threePublicRows(), XLSXOptions{})
	sheet := string(zipPart(t, b, sheetXML))
	for _, want := range []string{
		`<v>1234567.89</v>`, `<v>0.01</v>`, `<v>-12.5</v>`, `<v>999999999999.99</v>`, `<v>0</v>`,
		`<t>001</t>`,                  // dept_code as an inline string: the leading zeros stay
		`<t>12345678901234567.89</t>`, // past Excel's 15 digits: text, every digit
	} {
		if !strings.Contains(sheet, want) {
			t.Errorf("sheet XML lacks %s", want)
		}
	}
	if regexp.MustCompile(`<v>[-0-9.]*\d{16,}`).MatchString(sheet) || strings.Contains(sheet, "e+") {
		t.Error("a number was written with float artefacts")
	}
	var mins []int
	for _, m := range regexp.MustCompile(`<col min="(\d+)"`).FindAllStringSubmatch(sheet, -1) {
		n, _ := strconv.Atoi(m[1])
		mins = append(mins, n)
	}
	for i := range mins {
		if mins[i] != i+1 {
			t.Fatalf("Excel wants <col> elements in ascending order: %v", mins)
		}
	}
	styles := string(zipPart(t, b, "xl/styles.xml"))
	if !strings.Contains(styles, `formatCode="#,##0.00"`) || !strings.Contains(styles, `quotePrefix="true"`) {
		t.Errorf("styles lack the amount format or the quote prefix:\n%s", styles)
	}
	wan := string(zipPart(t, encodeXLSX(t, LineItemsTable, lineItemRows(), XLSXOptions{Unit: models.WanYuan}), sheetXML))
	for _, want := range []string{`<v>123.456789</v>`, `<v>0.000001</v>`, `<v>-0.01</v>`} {
		if !strings.Contains(wan, want) {
			t.Errorf("万元 sheet lacks %s", want)
		}
	}
}

// TestXLSX_ReadsBackAsTheRows opens the workbook with excelize and compares
// every cell with the rows: amounts to the fen, not disclosed as empty, codes as text.
func TestXLSX_ReadsBackAsTheRows(t *testing.T) {
	rows := threePublicRows()
	b := encodeXLSX(t, ThreePublicTable, rows, XLSXOptions{})
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "“三公”经费" {
		t.Fatalf("sheets: %v", sheets)
	}
	got, err := f.GetRows("“三公”经费", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows)+1 {
		t.Fatalf("%d rows, want %d", len(got), len(rows)+1)
	}
	cols := ThreePublicTable.Columns
	for i, c := range cols {
		if got[0][i] != headerTitle(&c, models.Yuan) {
			t.Errorf("header %d = %q", i, got[0][i])
		}
	}
	for r := range rows {
		line := got[r+1]
		for i, c := range cols {
			cell := c.Get(&rows[r])
			v := ""
			if i < len(line) {
				v = line[i]
			}
			switch {
			case cell.Null:
				if v != "" {
					t.Errorf("row %d %s: not disclosed came back as %q", r+1, c.Key, v)
				}
			case cell.Kind == KindMoney:
				m, err := models.ParseMoney(v, models.Yuan)
				if err != nil || int64(m) != cell.Int {
					t.Errorf("row %d %s: %q is not %d fen (%v)", r+1, c.Key, v, cell.Int, err)
				}
			case cell.Kind == KindInt:
				if v != strconv.FormatInt(cell.Int, 10) {
					t.Errorf("row %d %s: %q, want %d", r+1, c.Key, v, cell.Int)
				}
			default:
				if v != cell.Text {
					t.Errorf("row %d %s: %q, want %q (the value itself is never altered)", r+1, c.Key, v, cell.Text)
				}
			}
		}
	}
	// The formula-looking reason is a text cell carrying the quote-prefix style.
	ref := "AE2"
	if typ, _ := f.GetCellType("“三公”经费", ref); typ != excelize.CellTypeInlineString {
		t.Errorf("%s type %v", ref, typ)
	}
	if style, _ := f.GetCellStyle("“三公”经费", ref); style == 0 || !quotePrefixed(t, f, style) {
		t.Errorf("%s style %d is not quote-prefixed", ref, style)
	}
}

func quotePrefixed(t *testing.T, f *excelize.File, style int) bool {
	t.Helper()
	xf := f.Styles.CellXfs.Xf[style]
	return xf.QuotePrefix != nil && *xf.QuotePrefix
}

func TestXLSX_RefusesTooManyRowsBeforeWriting(t *testing.T) {
	var buf bytes.Buffer
	_, err := NewXLSXEncoder(&buf, LineItemsTable, XLSXOptions{Rows: ExcelMaxRows})
	if models.ErrorCode(err) != models.ETOOLARGE || !strings.Contains(models.ErrorMessage(err), "1048576") {
		t.Errorf("got %v", err)
	}
	if buf.Len() != 0 {
		t.Error("something was written")
	}
	e, err := NewXLSXEncoder(&buf, LineItemsTable, XLSXOptions{Rows: ExcelMaxRows - 1})
	if err != nil {
		t.Fatalf("1,048,575 data rows fit: %v", err)
	}
	_ = e.Close()
}

func TestXLSX_RefusesTheRowPastTheLimit(t *testing.T) {
	var buf bytes.Buffer
	e, err := NewXLSXEncoder(&buf, LineItemsTable, XLSXOptions{})
	if err != nil {
		t.Fatal(err)
	}
	row := lineItemRows()[0]
	e.next = ExcelMaxRows // pretend the sheet is full but for its last row
	if err := e.Encode(row); err != nil {
		t.Fatalf("the last row fits: %v", err)
	}
	if err := e.Encode(row); models.ErrorCode(err) != models.ETOOLARGE {
		t.Fatalf("got %v", err)
	}
	if err := e.Close(); models.ErrorCode(err) != models.ETOOLARGE || buf.Len() != 0 {
		t.Errorf("Close: %v, %d bytes written", err, buf.Len())
	}
}

func TestXLSX_EmptyWorkbookHasHeader(t *testing.T) {
	b := encodeXLSX(t, FilingsTable, nil, XLSXOptions{SheetName: "公开文件"})
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("公开文件")
	if len(rows) != 1 || rows[0][0] != "公开编号" {
		t.Errorf("rows: %v", rows)
	}
}

func TestSheetName(t *testing.T) {
	for in, want := range map[string]string{"“三公”经费": "“三公”经费", "a/b:c": "a_b_c", "": "Sheet1",
		strings.Repeat("长", 40): strings.Repeat("长", 31)} {
		if got := sheetName(in); got != want {
			t.Errorf("%q → %q", in, got)
		}
	}
}

// TestExactFloatLimit checks the claim the XLSX encoder rests on: below 10^15
// fen, float64(fen)/10^k printed in Go's shortest form is the exact decimal.
func TestExactFloatLimit(t *testing.T) {
	values := []int64{1, 10, 99, 1234567, 123456789, exactFloatLimit - 1, 999999999999999, 100000000000001, 4503599627370497}
	for i := int64(1); i < exactFloatLimit; i = i*7 + 3 {
		values = append(values, i, exactFloatLimit-i)
	}
	for _, v := range values {
		if v >= exactFloatLimit {
			continue
		}
		for _, u := range models.Units {
			for _, fen := range []int64{v, -v} {
				got := strconv.FormatFloat(float64(fen)/float64(u.Fen()), 'f', -1, 64)
				m, err := models.ParseMoney(got, u)
				if err != nil || int64(m) != fen {
					t.Fatalf("%d fen in %s printed as %s", fen, u, got)
				}
			}
		}
	}
}
