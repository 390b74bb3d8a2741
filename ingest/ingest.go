package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"

	"sunshine/models"
)

// Options configure a reader. The zero value of a field means its default.
type Options struct {
	// Kind is models.KindThreePublic or models.KindLineItems; "" detects it from the headers.
	Kind string
	// MaxRows caps the data rows of a file (CONTRACT.md §2.3: 500,000);
	// MaxThreePublicRows caps them for a 三公 file (20,000).
	MaxRows, MaxThreePublicRows int
	// MaxCellChars caps the characters of one cell (10,000).
	MaxCellChars int
	// MaxUnzippedBytes caps what an XLSX file may expand to, against zip bombs (1 GiB).
	MaxUnzippedBytes int64
	// TempDir is where an XLSX upload is spooled (zip needs random access) and
	// where excelize unpacks large worksheets; "" is the system default.
	TempDir string

	// What the upload form (or the flags of import and check) says of a
	// workbook in the official layout, which prints no codes: the region and
	// department codes it belongs to (required for such a workbook), and the
	// fiscal year, phase and department name its titles may leave out. A
	// title that says otherwise refuses the workbook. CSV files and the flat
	// and template workbooks carry these in their own cells and ignore them.
	RegionCode, RegionName, DeptCode, DeptName string
	FiscalYear                                 int
	Phase                                      models.Phase
}

// DefaultOptions returns the limits of CONTRACT.md §2.3.
func DefaultOptions() Options {
	return Options{MaxRows: 500000, MaxThreePublicRows: 20000, MaxCellChars: 10000, MaxUnzippedBytes: 1 << 30}
}

func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	if o.MaxRows <= 0 {
		o.MaxRows = d.MaxRows
	}
	if o.MaxThreePublicRows <= 0 {
		o.MaxThreePublicRows = d.MaxThreePublicRows
	}
	if o.MaxCellChars <= 0 {
		o.MaxCellChars = d.MaxCellChars
	}
	if o.MaxUnzippedBytes <= 0 {
		o.MaxUnzippedBytes = d.MaxUnzippedBytes
	}
	switch o.Phase {
	case "", models.PhaseBudget, models.PhaseAdjusted, models.PhaseFinal:
	default:
		return o, models.Errorf(models.EINVALID, "phase“%s”无效，应为 budget、adjusted 或 final", o.Phase)
	}
	switch o.Kind {
	case "", models.KindThreePublic, models.KindLineItems:
		return o, nil
	}
	return o, models.Errorf(models.EINVALID, "kind“%s”无效，应为 three_public 或 line_items", o.Kind)
}

// rowLimit is the data-row cap for a kind.
func (o Options) rowLimit(kind string) int {
	if kind == models.KindThreePublic {
		return min(o.MaxRows, o.MaxThreePublicRows)
	}
	return o.MaxRows
}

// Record is one parsed row: a 三公 record or one line item, with the filing it belongs to.
type Record struct {
	// Row is the 1-based row as a spreadsheet shows it, header = 1; for a
	// workbook in the line-item template, the row on the table's sheet.
	Row int
	// Sheet is the worksheet of an XLSX file, "" for CSV; Cell is the cell
	// of a figure read from an official-layout workbook (D12), else "".
	Sheet      string
	Cell       string
	Key        models.FilingKey
	RegionName string // "" when the file has no 区划名称
	DeptName   string
	// One of these is set, by the reader's Kind. Their SourceRow is Row.
	ThreePublic *models.ThreePublic
	LineItem    *models.LineItem
	// Note is a note printed under a table (本部门无…，此表为空表): a line-item
	// row of its own (then LineItem is nil), or the 说明 of a 三公 row.
	Note *models.TableNote
	// Sources say where a PDF printed the record's figures (page and box; the
	// store adds the filing and the file's SHA-256); nil for other files.
	Sources []models.FigureSource
	// Explanations are the prose sections of a PDF (情况说明, 名词解释 …, see
	// explanationsOf), on the first record of each filing the PDF yields and
	// nil on every other record and for other files. They replace the
	// draft's; a file that carries none keeps the draft's as they are.
	Explanations []models.ExplanationSection
}

// Reader yields the records of one uploaded file, row by row.
type Reader interface {
	// Kind is models.KindThreePublic or models.KindLineItems; "" only for a file
	// with no header at all (which has a file.empty finding).
	Kind() string
	// Next returns the next record, or io.EOF after the last. A row with a
	// problem is reported in Findings and skipped; an error from Next is an I/O
	// failure, not a problem with the data.
	Next() (Record, error)
	// Findings returns the parse findings so far (all of them once Next has
	// returned io.EOF), at most models.MaxReportFindings, every one of severity
	// error. A file with any finding must not be stored.
	Findings() []models.Finding
	// Notes returns what the reader ignored on purpose, as findings of
	// severity info (header.release_only): reported with the upload, they
	// refuse nothing.
	Notes() []models.Finding
	// Partial reports that the findings are not the whole story: more than
	// models.MaxReportFindings were found (reading then stops early), or the
	// file passed its row limit and was not read to the end.
	Partial() bool
	// Close releases the file and any temporary files.
	Close() error
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls and encrypted workbooks
)

// Open reads an upload of either format: XLSX when the content starts with the
// zip signature, whatever the name says, CSV otherwise. name is only used in
// messages. An XLSX file needs random access: when r is an *os.File at its start
// it is read in place, otherwise it is copied to a temporary file first, so
// memory stays flat either way.
//
// A legacy .xls workbook (BIFF8, the compound-file signature) is read whole
// into memory, up to Options.MaxUnzippedBytes. A PDF (the %PDF- signature)
// is a disclosure's tables, read by ingest/pdfgrid and mapped as an
// official-layout workbook (openPDF); one without a text layer is EINVALID.
//
// Returns EINVALID when the file cannot be read at all (an encrypted or broken
// workbook, UTF-16 text, headers of no known kind, a bad Options.Kind) and
// ETOOLARGE when a workbook unpacks past Options.MaxUnzippedBytes. Everything
// about rows and cells is a finding instead.
func Open(r io.Reader, name string, opts Options) (Reader, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	path, inPlace := fileAtStart(r)
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(len(oleMagic))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, zipMagic):
		if inPlace {
			return openXLSXPath(path, opts, nil)
		}
		return spoolXLSX(br, opts)
	case bytes.Equal(head, oleMagic):
		return openXLS(br, opts)
	case bytes.HasPrefix(head, pdfMagic):
		return openPDF(br, opts)
	}
	return openCSV(br, opts)
}

// OpenFile opens the file at path and reads it as Open does; Close closes it.
func OpenFile(path string, opts Options) (Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	rd, err := Open(f, path, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return withCloser(rd, f.Close), nil
}

// OpenXLSX reads a workbook given with random access (a multipart upload, an
// open file). A workbook with sheets named after the standard tables is read as
// the line-item template (WriteTemplateXLSX); any other is read as one flat
// sheet with the CSV headers, its first worksheet.
func OpenXLSX(ra io.ReaderAt, size int64, opts Options) (Reader, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if f, ok := ra.(*os.File); ok && isRegularFile(f) {
		return openXLSXPath(f.Name(), opts, nil)
	}
	return spoolXLSX(io.NewSectionReader(ra, 0, size), opts)
}

// fileAtStart reports whether r is a regular file read from its beginning,
// which excelize can then open by name instead of a copy.
func fileAtStart(r io.Reader) (string, bool) {
	f, ok := r.(*os.File)
	if !ok || !isRegularFile(f) {
		return "", false
	}
	if pos, err := f.Seek(0, io.SeekCurrent); err != nil || pos != 0 {
		return "", false
	}
	return f.Name(), true
}

// isRegularFile reports whether f is a regular file that its name still opens.
func isRegularFile(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	byName, err := os.Stat(f.Name())
	return err == nil && os.SameFile(fi, byName)
}

// spoolXLSX copies a workbook to a temporary file, for excelize to open by name.
func spoolXLSX(r io.Reader, opts Options) (Reader, error) {
	tmp, err := os.CreateTemp(opts.TempDir, "sunshine-upload-*.xlsx")
	if err != nil {
		return nil, err
	}
	remove := removeFile(tmp.Name())
	_, err = io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		remove()
		return nil, err
	}
	return openXLSXPath(tmp.Name(), opts, remove) // which removes the copy once excelize has read it
}

// base holds what every reader shares: its kind, limits, findings and the
// things to release on Close.
type base struct {
	kind    string
	opts    Options
	out     findingList
	partial bool
	closers []func() error
}

func (b *base) Kind() string               { return b.kind }
func (b *base) Findings() []models.Finding { return b.out.list }
func (b *base) Partial() bool              { return b.partial || b.out.dropped }

func (b *base) Close() error {
	var errs []error
	for i := len(b.closers) - 1; i >= 0; i-- {
		errs = append(errs, b.closers[i]())
	}
	b.closers = nil
	return errors.Join(errs...)
}

// rowLimitReached adds the file.row_limit finding for the first row past the limit.
func (b *base) rowLimitReached(sheet string, row, limit int) {
	b.partial = true
	b.out.add(models.Finding{Rule: RuleFileRowLimit, Row: row,
		Message: prefixed(where(sheet, row, ""), "文件超过 "+groupThousands(limit)+" 行的上限，其后的行未读取")})
}

// fileEmpty adds the file.empty finding.
func (b *base) fileEmpty() {
	b.out.add(models.Finding{Rule: RuleFileEmpty, Message: "文件没有数据行"})
}

// closerReader adds one more thing for Close to release.
type closerReader struct {
	Reader
	close func() error
}

func withCloser(r Reader, close func() error) Reader { return &closerReader{r, close} }

func (c *closerReader) Close() error { return errors.Join(c.Reader.Close(), c.close()) }

// WithFilingFields returns o with the filing fields an official-layout
// workbook cannot print, as the upload form and the flags of import and check
// give them, named as the CSV columns: region_code, region_name, dept_code,
// dept_name, fiscal_year, phase (预算 / 决算 or budget / final …). Empty or
// missing fields are left unset. Returns EINVALID naming the field for a value
// that is not valid.
func (o Options) WithFilingFields(fields map[string]string) (Options, error) {
	get := func(key string) string { return trimCell(fields[key]) }
	bad := func(key string, p *problem) error {
		return models.Errorf(models.EINVALID, "%s：%s", key, p.msg)
	}
	if v := get("region_code"); v != "" {
		code, p := parseRegionCode(v)
		if p != nil {
			return o, bad("region_code", p)
		}
		o.RegionCode = code
	}
	if v := get("dept_code"); v != "" {
		code, p := parseDeptCode(v)
		if p != nil {
			return o, bad("dept_code", p)
		}
		o.DeptCode = code
	}
	for key, dst := range map[string]*string{"region_name": &o.RegionName, "dept_name": &o.DeptName} {
		if v := get(key); v != "" {
			limit := maxDeptName
			if key == "region_name" {
				limit = maxRegionName
			}
			if p := checkText(v, limit); p != nil {
				return o, bad(key, p)
			}
			*dst = v
		}
	}
	if v := get("fiscal_year"); v != "" {
		y, p := parseYear(v)
		if p != nil {
			return o, bad("fiscal_year", p)
		}
		o.FiscalYear = y
	}
	if v := get("phase"); v != "" {
		ph, p := parsePhase(v)
		if p != nil {
			return o, bad("phase", p)
		}
		o.Phase = ph
	}
	return o, nil
}
