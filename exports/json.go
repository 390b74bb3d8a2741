package exports

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"unicode/utf8"

	"sunshine/models"
)

// JSONOptions choose how a JSON or NDJSON document is written.
type JSONOptions struct {
	// Unit is the unit amounts are written in: 元 (the default) as JSON numbers
	// with two decimals, or 万元/亿元 with every digit down to the fen.
	// The caller should say which in the document (a Head member such as {"amount_unit", "万元"}).
	Unit models.Unit
	// Head are members of the top-level object written before "data", e.g.
	// {"release", 3}. JSON only; NDJSON has no envelope.
	Head []Member
}

// Member is one member of the top-level JSON object besides "data". Value is
// written with encoding/json (a json.RawMessage goes through as it is).
type Member struct {
	Key   string
	Value any
}

// objectWriter writes a row as one JSON object, keys in column order.
type objectWriter[T any] struct {
	table *Table[T]
	unit  models.Unit
	keys  [][]byte // `"filing_id":` for each column, built once
	row   T
}

func newObjectWriter[T any](t *Table[T], u models.Unit) objectWriter[T] {
	o := objectWriter[T]{table: t, unit: amountUnit(u)}
	for _, c := range t.Columns {
		o.keys = append(o.keys, append(appendJSONString(nil, c.Name(o.unit)), ':'))
	}
	return o
}

func (o *objectWriter[T]) append(dst []byte, row T) []byte {
	o.row = row
	dst = append(dst, '{')
	for i := range o.table.Columns {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, o.keys[i]...)
		cell := o.table.Columns[i].Get(&o.row)
		switch {
		case cell.Null:
			dst = append(dst, "null"...)
		case cell.Kind == KindMoney:
			dst = appendMoney(dst, cell.Int, o.unit) // a JSON number with the exact digits
		case cell.Kind == KindInt:
			dst = strconv.AppendInt(dst, cell.Int, 10)
		default:
			dst = appendJSONString(dst, cell.Text)
		}
	}
	return append(dst, '}')
}

// JSONEncoder writes one JSON object: the Head members, "data" with one row
// object per line, then the members given to CloseWith (such as "next", known
// only when the last row has been written):
//
//	{"release":3,"data":[
//	{"filing_id":7,…},
//	{"filing_id":8,…}
//	],"next":null}
type JSONEncoder[T any] struct {
	buf     *bufio.Writer
	obj     objectWriter[T]
	head    []Member
	line    []byte
	rows    int64
	started bool
	closed  bool
	err     error
}

// NewJSONEncoder returns an encoder writing t's rows to w. Invalid options are
// reported by the first Encode or Close.
func NewJSONEncoder[T any](w io.Writer, t *Table[T], opts JSONOptions) *JSONEncoder[T] {
	e := &JSONEncoder[T]{buf: bufio.NewWriterSize(w, 64<<10), obj: newObjectWriter(t, opts.Unit), head: opts.Head}
	e.err = checkUnit(opts.Unit)
	return e
}

func (e *JSONEncoder[T]) start() {
	if e.started || e.err != nil {
		return
	}
	e.started = true
	e.line = append(e.line[:0], '{')
	for _, m := range e.head {
		if e.line, e.err = appendMember(e.line, m); e.err != nil {
			return
		}
		e.line = append(e.line, ',')
	}
	e.line = append(e.line, `"data":[`...)
	e.write()
}

// Encode writes one row object.
func (e *JSONEncoder[T]) Encode(row T) error {
	e.start()
	if e.err != nil {
		return e.err
	}
	e.line = e.line[:0]
	if e.rows > 0 {
		e.line = append(e.line, ',')
	}
	e.line = append(e.line, '\n')
	e.line = e.obj.append(e.line, row)
	e.rows++
	e.write()
	return e.err
}

func (e *JSONEncoder[T]) write() {
	if e.err == nil {
		_, e.err = e.buf.Write(e.line)
	}
}

// Flush sends what is buffered to the writer.
func (e *JSONEncoder[T]) Flush() error {
	if e.err == nil {
		e.err = e.buf.Flush()
	}
	return e.err
}

// Close ends the document with no members after "data".
func (e *JSONEncoder[T]) Close() error { return e.CloseWith() }

// CloseWith ends the document, writing tail after "data", e.g.
// {"next", "/api/v1/three-public?after=8"} or {"next", nil}.
func (e *JSONEncoder[T]) CloseWith(tail ...Member) error {
	e.start()
	if e.err != nil || e.closed {
		return e.err
	}
	e.closed = true
	e.line = e.line[:0]
	if e.rows > 0 {
		e.line = append(e.line, '\n')
	}
	e.line = append(e.line, ']')
	for _, m := range tail {
		e.line = append(e.line, ',')
		if e.line, e.err = appendMember(e.line, m); e.err != nil {
			return e.err
		}
	}
	e.line = append(e.line, "}\n"...)
	e.write()
	return e.Flush()
}

func appendMember(dst []byte, m Member) ([]byte, error) {
	if m.Key == "data" {
		return dst, models.Errorf(models.EINTERNAL, "JSON 成员名 data 已用于数据行")
	}
	v, err := json.Marshal(m.Value)
	if err != nil {
		return dst, err
	}
	dst = appendJSONString(dst, m.Key)
	dst = append(dst, ':')
	return append(dst, v...), nil
}

// NDJSONEncoder writes newline-delimited JSON: one row object per line, no envelope.
type NDJSONEncoder[T any] struct {
	buf  *bufio.Writer
	obj  objectWriter[T]
	line []byte
	err  error
}

// NewNDJSONEncoder returns an encoder writing t's rows to w, one per line.
// Head members of opts are not used.
func NewNDJSONEncoder[T any](w io.Writer, t *Table[T], opts JSONOptions) *NDJSONEncoder[T] {
	return &NDJSONEncoder[T]{buf: bufio.NewWriterSize(w, 64<<10), obj: newObjectWriter(t, opts.Unit), err: checkUnit(opts.Unit)}
}

// Encode writes one row object and a newline.
func (e *NDJSONEncoder[T]) Encode(row T) error {
	if e.err != nil {
		return e.err
	}
	e.line = append(e.obj.append(e.line[:0], row), '\n')
	_, e.err = e.buf.Write(e.line)
	return e.err
}

// Flush sends what is buffered to the writer.
func (e *NDJSONEncoder[T]) Flush() error {
	if e.err == nil {
		e.err = e.buf.Flush()
	}
	return e.err
}

// Close flushes what is buffered.
func (e *NDJSONEncoder[T]) Close() error { return e.Flush() }

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD
// (as encoding/json does); U+2028 and U+2029 are escaped so the output is
// also safe inside JavaScript.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
