package exports

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"sunshine/models"
)

// Character encodings a CSV can be written in.
const (
	EncodingUTF8    = "utf-8"
	EncodingGB18030 = "gb18030" // what old Excel and WPS on Chinese Windows open by double-click
)

// CSVOptions choose the CSV variant. The zero value is the canonical file:
// UTF-8 without BOM, LF line ends, English header keys, amounts in 元.
type CSVOptions struct {
	// Unit is the unit amounts are written in: 元 (the default) with two
	// decimals, or 万元/亿元 with every digit down to the fen (at least two
	// decimals), so nothing is rounded away.
	Unit models.Unit
	// BOM starts a UTF-8 file with EF BB BF, which makes Excel read it as UTF-8
	// (the ?bom=1 variant). Ignored for GB18030, which Excel reads without one.
	BOM bool
	// Encoding is EncodingUTF8 ("" too) or EncodingGB18030.
	Encoding string
	// ChineseHeaders writes the Chinese titles (合计（元）…) instead of the English keys.
	ChineseHeaders bool
	// CRLF ends lines with CR LF. The Excel variants (BOM, GB18030) always do.
	CRLF bool
}

// excel reports whether the options ask for a variant made for Excel.
func (o CSVOptions) excel() bool { return o.BOM || o.Encoding == EncodingGB18030 }

// LineTerminator is the line end the options produce.
func (o CSVOptions) LineTerminator() string {
	if o.CRLF || o.excel() {
		return "\r\n"
	}
	return "\n"
}

func (o CSVOptions) check() error {
	if err := checkUnit(o.Unit); err != nil {
		return err
	}
	switch o.Encoding {
	case "", EncodingUTF8, EncodingGB18030:
		return nil
	}
	return models.Errorf(models.EINVALID, "CSV 编码“%s”无效，应为 utf-8 或 gb18030", o.Encoding)
}

// CSVEncoder writes rows as RFC 4180 CSV with a header row.
//
// Text cells that a spreadsheet would run as a formula (starting with = + - @,
// tab or CR) get a leading apostrophe, as OWASP recommends; numbers are never
// touched, so a negative amount stays -12.50. Empty cells mean "not disclosed"
// (or "not given" for text), as the data package's missingValues say.
type CSVEncoder[T any] struct {
	buf     *bufio.Writer
	enc     *transform.Writer // the GB18030 encoder under buf, nil for UTF-8
	table   *Table[T]
	opts    CSVOptions
	unit    models.Unit
	eol     string
	row     T // the row being written; a field, so taking its address allocates nothing
	line    []byte
	started bool
	err     error
}

// NewCSVEncoder returns an encoder writing t's rows to w. Invalid options are
// reported by the first Encode or Close.
func NewCSVEncoder[T any](w io.Writer, t *Table[T], opts CSVOptions) *CSVEncoder[T] {
	e := &CSVEncoder[T]{table: t, opts: opts, unit: amountUnit(opts.Unit), eol: opts.LineTerminator(), err: opts.check()}
	if opts.Encoding == EncodingGB18030 {
		e.enc = transform.NewWriter(w, simplifiedchinese.GB18030.NewEncoder())
		w = e.enc
	}
	e.buf = bufio.NewWriterSize(w, 64<<10)
	return e
}

// start writes the BOM and the header row, once.
func (e *CSVEncoder[T]) start() {
	if e.started || e.err != nil {
		return
	}
	e.started = true
	if e.opts.BOM && e.enc == nil {
		_, e.err = e.buf.WriteString("\uFEFF")
	}
	e.line = e.line[:0]
	for i := range e.table.Columns {
		c := &e.table.Columns[i]
		if i > 0 {
			e.line = append(e.line, ',')
		}
		h := c.Name(e.unit)
		if e.opts.ChineseHeaders {
			h = headerTitle(c, e.unit)
		}
		e.line = appendCSVText(e.line, h)
	}
	e.line = append(e.line, e.eol...)
	e.write()
}

// Encode writes one row (after the header, the first time).
func (e *CSVEncoder[T]) Encode(row T) error {
	e.start()
	if e.err != nil {
		return e.err
	}
	e.row = row
	e.line = e.line[:0]
	for i := range e.table.Columns {
		if i > 0 {
			e.line = append(e.line, ',')
		}
		cell := e.table.Columns[i].Get(&e.row)
		if cell.Null {
			continue
		}
		switch cell.Kind {
		case KindMoney:
			e.line = appendMoney(e.line, cell.Int, e.unit)
		case KindInt:
			e.line = strconv.AppendInt(e.line, cell.Int, 10)
		default:
			if formulaTrigger(cell.Text) {
				e.line = appendCSVText(e.line, "'"+cell.Text)
			} else {
				e.line = appendCSVText(e.line, cell.Text)
			}
		}
	}
	e.line = append(e.line, e.eol...)
	e.write()
	return e.err
}

func (e *CSVEncoder[T]) write() {
	if e.err == nil {
		_, e.err = e.buf.Write(e.line)
	}
}

// Flush sends what is buffered to the writer, e.g. before a long pause in a response.
func (e *CSVEncoder[T]) Flush() error {
	if e.err == nil {
		e.err = e.buf.Flush()
	}
	return e.err
}

// Close writes the header if no row came, and flushes everything.
func (e *CSVEncoder[T]) Close() error {
	e.start()
	if err := e.Flush(); err != nil {
		return err
	}
	if e.enc != nil {
		e.err = e.enc.Close() // flushes the encoder; the underlying writer stays open
	}
	return e.err
}

// appendCSVText appends s, quoted when a CSV reader would otherwise split or
// trim it: a comma, quote or line break anywhere, or a space at either end.
func appendCSVText(dst []byte, s string) []byte {
	if !csvNeedsQuotes(s) {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		dst = append(dst, s[:i+1]...)
		dst = append(dst, '"')
		s = s[i+1:]
	}
	dst = append(dst, s...)
	return append(dst, '"')
}

func csvNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return false
}
