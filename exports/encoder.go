// Package exports writes the open-data feeds: rows of 三公 figures, line items
// and filings as CSV, JSON, NDJSON and XLSX, and the Frictionless Data Package
// descriptor (with the Fiscal Data Package model) that describes them.
//
// Encoders stream: each Encode writes one row through a small buffer, so an
// export of any length holds one row in memory (XLSX spools its sheet to a
// temporary file, as excelize's StreamWriter does, and writes the workbook at
// Close). They know nothing of HTTP or SQL: the caller owns the io.Writer and
// the rows, and a Close finishes the document without closing the writer.
//
//	enc := exports.NewCSVEncoder(w, exports.ThreePublicTable, exports.CSVOptions{BOM: true})
//	for rows.Next() { … enc.Encode(row) … }
//	err := enc.Close()
//
// Every encoder reads the same ordered column list (Table.Columns), so field
// order, English keys, Chinese headers and schema types live in one place.
//
// Decisions worth knowing:
//   - Amounts are integers of fen written as exact decimals: 元 with two
//     decimals, 万元/亿元 with every digit down to the fen. "Not disclosed" is
//     an empty cell or JSON null, never 0; the data package labels the empty
//     cell "未公开 not disclosed" in missingValues.
//   - CSV and XLSX neutralise formula injection (OWASP): a text cell starting
//     with = + - @ tab or CR gets a leading apostrophe in CSV, and in XLSX
//     Excel's quotePrefix cell style (the value itself stays unchanged). JSON
//     is not a spreadsheet format and carries text as it is. Numbers are never altered.
//   - XLSX amounts are numeric cells whose XML holds the exact decimal digits
//     (see exactFloatLimit); beyond 15 significant digits they become text.
//   - XLSX refuses more rows than a worksheet holds (ETOOLARGE), before writing anything.
package exports

import (
	"strconv"

	"sunshine/models"
)

// Encoder is what every format's encoder does: CSVEncoder, JSONEncoder,
// NDJSONEncoder and XLSXEncoder all satisfy Encoder[T] for their row type T.
// One generic interface (rather than a set per row type) lets a handler pick
// the format once and feed it rows of either feed.
type Encoder[T any] interface {
	// Encode writes one row.
	Encode(row T) error
	// Close finishes the document (closing brackets, the XLSX workbook) and
	// flushes it; it does not close the underlying writer.
	Close() error
}

var (
	_ Encoder[ThreePublicRow] = (*CSVEncoder[ThreePublicRow])(nil)
	_ Encoder[LineItemRow]    = (*JSONEncoder[LineItemRow])(nil)
	_ Encoder[LineItemRow]    = (*NDJSONEncoder[LineItemRow])(nil)
	_ Encoder[FilingRow]      = (*XLSXEncoder[FilingRow])(nil)
)

// FormatVersion names the way the exports write their bytes; it is part of
// every ETag, so a change to it (a column renamed, a header reworded) makes
// clients and the file cache fetch afresh. 2: amount columns name their unit
// (total_yuan) and the source's unit is source_unit. 3: datapackage.json
// declares the v1 profiles and plain missingValues; the bulk ZIP lists its folders.
// 4: line-item and 三公 rows end with source_page (the page of the PDF a figure was read from).
const FormatVersion = "4"

// amountUnit is the unit amounts are written in: 元 unless asked otherwise.
func amountUnit(u models.Unit) models.Unit {
	if u == "" {
		return models.Yuan
	}
	return u
}

func checkUnit(u models.Unit) error {
	if u != "" && !u.Valid() {
		return models.Errorf(models.EINVALID, "导出单位“%s”无效，应为 元、万元 或 亿元", string(u))
	}
	return nil
}

// headerTitle is the Chinese header of a column: amounts say their unit, "合计（元）".
func headerTitle[T any](c *Column[T], u models.Unit) string {
	if c.Type == TypeNumber {
		return c.Title + "（" + string(amountUnit(u)) + "）"
	}
	return c.Title
}

// appendMoney appends fen as an exact decimal in unit u with at least two
// decimals and as many more as the value needs, exactly as models.Money.Format
// prints it, without allocating.
func appendMoney(dst []byte, fen int64, u models.Unit) []byte {
	digits := u.FenDigits()
	var abs uint64
	if fen < 0 {
		dst = append(dst, '-')
		abs = uint64(-(fen + 1)) + 1 // safe for math.MinInt64
	} else {
		abs = uint64(fen)
	}
	var buf [32]byte
	s := strconv.AppendUint(buf[:0], abs, 10)
	for len(s) <= digits { // at least one integer digit
		s = append(s, 0)
		copy(s[1:], s)
		s[0] = '0'
	}
	intPart, frac := s[:len(s)-digits], s[len(s)-digits:]
	for len(frac) > 2 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	dst = append(dst, intPart...)
	if len(frac) > 0 {
		dst = append(dst, '.')
		dst = append(dst, frac...)
	}
	return dst
}

// formulaTrigger reports whether a spreadsheet would read a text cell as a
// formula: OWASP's CSV-injection list (= + - @ tab CR as the first character).
func formulaTrigger(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// SafeCSVText is a text cell as the CSV encoder writes it: with a leading
// apostrophe when a spreadsheet would run it as a formula. For callers that
// write CSV of their own (a chart's figures); never use it on a number.
func SafeCSVText(s string) string {
	if formulaTrigger(s) {
		return "'" + s
	}
	return s
}
