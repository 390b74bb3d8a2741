package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// rawRow is one row of a sheet or CSV file before any field is parsed.
type rawRow struct {
	num   int        // the row as a spreadsheet shows it, header = 1
	cells []string   // nil for an empty row; valid until the next call to next
	shown []string   // XLSX only: the cells as Excel shows them (number formats applied)
	bad   []badBytes // undecodable bytes in the row (CSV only)
}

// rowSource yields the rows of one sheet in order, empty rows included, and io.EOF after the last.
type rowSource interface {
	next() (rawRow, error)
}

// csvSource reads CSV records and numbers them as a spreadsheet would show
// the file: one row per record (a quoted field may span several lines) and one
// per empty line, which encoding/csv skips silently.
type csvSource struct {
	dec       *decoder
	cr        *csv.Reader
	row       int // the row last returned
	endLine   int // the physical line the last record ended on
	blank     int // empty lines still to return before held
	held      rawRow
	hasHeld   bool
	exhausted bool
}

// openCSV sniffs the separator from the header line and starts the flat reader.
//
// encoding/csv does the splitting; gocsv's struct mapping is not used because
// headers have aliases, the kind is known only after reading them, and each
// cell needs its own finding with its row and header, which a small
// hand-written column map (mapHeaders) gives directly.
func openCSV(raw io.Reader, opts Options) (Reader, error) {
	dec := newDecoder(raw)
	text := bufio.NewReaderSize(dec, 64<<10)
	comma, err := sniffComma(text)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(text)
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // widths are checked per row, as findings
	cr.LazyQuotes = true    // a stray quote in a name is text, as Excel reads it
	cr.ReuseRecord = true
	src := &csvSource{dec: dec, cr: cr}
	return newFlatReader(src, "", opts, flatCSV)
}

// sniffComma picks tab or comma from the header line (whichever occurs more
// outside quotes): Excel's "text (tab delimited)" and CSV are both common.
func sniffComma(br *bufio.Reader) (rune, error) {
	var line []byte
	for n := 4096; ; n *= 2 {
		b, err := br.Peek(n)
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line = b[:i]
			break
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
				return 0, err
			}
			line = b
			break
		}
	}
	var commas, tabs int
	quoted := false
	for _, c := range line {
		switch c {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				commas++
			}
		case '\t':
			if !quoted {
				tabs++
			}
		}
	}
	if tabs > commas {
		return '\t', nil
	}
	return ',', nil
}

func (s *csvSource) next() (rawRow, error) {
	if s.blank > 0 {
		s.blank--
		s.row++
		return rawRow{num: s.row}, nil
	}
	if s.hasHeld {
		s.hasHeld = false
		s.row++
		s.held.num = s.row
		return s.held, nil
	}
	if s.exhausted {
		return rawRow{}, io.EOF
	}
	rec, err := s.cr.Read()
	if errors.Is(err, io.EOF) {
		s.exhausted = true
		return rawRow{}, io.EOF
	}
	if err != nil {
		return rawRow{}, err
	}
	first, _ := s.cr.FieldPos(0)
	lastStart, _ := s.cr.FieldPos(len(rec) - 1)
	skipped := first - s.endLine - 1
	s.endLine = lastStart + strings.Count(rec[len(rec)-1], "\n")
	row := rawRow{cells: rec, bad: s.dec.takeBad(s.cr.InputOffset())}
	if skipped > 0 {
		s.blank, s.held, s.hasHeld = skipped, row, true
		return s.next()
	}
	s.row++
	row.num = s.row
	return row, nil
}
