package ingest

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"sunshine/models"
)

// Parse rule keys (CONTRACT.md §3: "a parse error such as cell.type").
// Every parse finding has severity error: a file with any of them is refused whole.
const (
	RuleHeaderUnknown   = "header.unknown"    // a column the kind does not have
	RuleHeaderMissing   = "header.missing"    // a required column (or template label) is absent
	RuleHeaderDuplicate = "header.duplicate"  // two columns mean the same field
	RuleCellType        = "cell.type"         // not a number / whole fen / whole count / year in range / code of the right shape
	RuleCellRequired    = "cell.required"     // a required cell is empty
	RuleCellEnum        = "cell.enum"         // a value outside its set: phase, unit, table, column, row code, 预算数 on a budget
	RuleCellLength      = "cell.length"       // a cell longer than Options.MaxCellChars or than the field allows
	RuleRowExtraCells   = "row.extra_cells"   // non-empty cells beyond the last header
	RuleRowMissingCells = "row.missing_cells" // a CSV record shorter than the header
	RuleRowBlank        = "row.blank"         // an empty row between data rows
	RuleEncodingInvalid = "encoding.invalid"  // a byte sequence that is neither UTF-8 nor GB18030
	RuleFileEmpty       = "file.empty"        // no data rows
	RuleFileRowLimit    = "file.row_limit"    // more data rows than the configured limit
)

// RuleHeaderReleaseOnly is a note, not a parse finding: a column the exports
// add (ids, versions, release numbers, permalinks) that an upload ignores, so
// an export uploads back as it is. Severity info; it never refuses a file.
const RuleHeaderReleaseOnly = "header.release_only"

// findingList collects parse findings up to models.MaxReportFindings. Past the
// cap it only remembers that some were dropped: the reader then stops early,
// since the file is refused anyway and the report says it is partial.
type findingList struct {
	list    []models.Finding
	dropped bool
	// notes are findings of severity info (RuleHeaderReleaseOnly): they are
	// reported with the upload and refuse nothing.
	notes []models.Finding
}

// note adds a finding of severity info, which does not refuse the file.
func (l *findingList) note(f models.Finding) {
	if len(l.notes) < models.MaxReportFindings {
		f.Severity = models.SeverityInfo
		l.notes = append(l.notes, f)
	}
}

// Notes returns the reader's findings of severity info (see Reader).
func (b *base) Notes() []models.Finding { return b.out.notes }

func (l *findingList) add(f models.Finding) {
	if len(l.list) >= models.MaxReportFindings {
		l.dropped = true
		return
	}
	f.Severity = models.SeverityError
	l.list = append(l.list, f)
}

// full reports whether the list has reached the cap.
func (l *findingList) full() bool { return len(l.list) >= models.MaxReportFindings }

// where names a cell the way users find it: "第 5 行“合计”列", prefixed with the
// sheet for workbooks that hold several tables.
func where(sheet string, row int, column string) string {
	s := ""
	if sheet != "" {
		s = "工作表“" + sheet + "”"
	}
	if row > 0 {
		s += "第 " + strconv.Itoa(row) + " 行"
	}
	if column != "" {
		s += "“" + column + "”列"
	}
	return s
}

// prefixed joins a position and a message with a full-width colon.
func prefixed(pos, msg string) string {
	if pos == "" {
		return msg
	}
	return pos + "：" + msg
}

// shortValue keeps a finding's Value readable when the cell is huge.
func shortValue(s string) string {
	const max = 200
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// groupThousands prints n with thousands separators, as limits are quoted to users ("500,000").
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	head := len(s) % 3
	if head > 0 {
		out = append(out, s[:head]...)
	}
	for i := head; i < len(s); i += 3 {
		if len(out) > 0 {
			out = append(out, ',')
		}
		out = append(out, s[i:i+3]...)
	}
	return string(out)
}

// hexBytes prints raw bytes for an encoding message: "0xB1 0x20".
func hexBytes(b []byte) string {
	s := ""
	for i, c := range b {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("0x%02X", c)
	}
	return s
}
