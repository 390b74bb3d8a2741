package ingest

// Fuzz targets for the upload readers: every byte a stranger can send through
// POST /api/v1/uploads or the desk ends up in Open. Each target checks what a
// reading promises (CONTRACT.md §2, §3), not only that nothing panics:
//
//   - Open fails only with EINVALID or ETOOLARGE and a Chinese message;
//   - Next fails only at io.EOF for CSV (there is no I/O to fail in memory);
//   - every finding is an error with a known rule and a Chinese message that
//     names its row when it has one; there are at most MaxReportFindings;
//   - a reading with no finding has at least one record (a non-empty table
//     is never "ok" with nothing in it), and a row with a finding yields no record;
//   - every record passes the model's own validation and its amounts print
//     back to the same fen;
//   - the same table in GB18030 reads exactly as in UTF-8, and with Chinese
//     headers exactly as with English ones.
//
// Seeds come from testdata/layouts, testdata/real and ingest/testdata; `make
// fuzz` runs each target for FUZZTIME, and without -fuzz the seeds and the
// regression cases in testdata/fuzz run as part of `go test`.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"sunshine/models"
)

// fuzzOptions keep one execution cheap: small enough limits that the row and
// findings caps are reached by fuzzed input, and one temporary directory per
// process, which must be empty again after every reading.
func fuzzOptions(t testing.TB, kind string) Options {
	return Options{Kind: kind, MaxRows: 300, MaxThreePublicRows: 200, MaxCellChars: 500, MaxUnzippedBytes: 16 << 20, TempDir: fuzzTempDir(t)}
}

var (
	tempOnce sync.Once
	tempDir  string
	tempErr  error
)

// fuzzTempDir is made once per process (t.TempDir per input would cost more
// than most readings) and removed at exit by TestMain's caller, the OS, or the next run.
func fuzzTempDir(t testing.TB) string {
	tempOnce.Do(func() { tempDir, tempErr = os.MkdirTemp("", "sunshine-ingest-fuzz-*") })
	if tempErr != nil {
		t.Fatal(tempErr)
	}
	return tempDir
}

// checkNoTempFiles: a reading, once closed, leaves nothing in its TempDir.
func checkNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
	if len(left) > 0 {
		t.Fatalf("a closed reader left %d temporary files behind (%s, …)", len(left), left[0].Name())
	}
}

// reading is everything one pass of a reader produced.
type reading struct {
	openCode string // the domain code Open failed with, "" when it opened
	nextCode string // the domain code Next failed with (XLSX only), "" otherwise
	kind     string
	records  []Record
	findings []models.Finding
	partial  bool
}

var knownRules = map[string]bool{
	RuleHeaderUnknown: true, RuleHeaderMissing: true, RuleHeaderDuplicate: true, RuleCellType: true,
	RuleCellRequired: true, RuleCellEnum: true, RuleCellLength: true, RuleRowExtraCells: true,
	RuleRowMissingCells: true, RuleRowBlank: true, RuleEncodingInvalid: true, RuleFileEmpty: true, RuleFileRowLimit: true,
}

// rowRules are the rules about one row, which must name it.
var rowRules = map[string]bool{
	RuleCellType: true, RuleCellRequired: true, RuleCellEnum: true, RuleCellLength: true,
	RuleRowExtraCells: true, RuleRowMissingCells: true, RuleRowBlank: true, RuleEncodingInvalid: true, RuleFileRowLimit: true,
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// readChecked reads data with opts and checks every property a single reading has.
// csv says the bytes are read as CSV, where Next may never fail.
func readChecked(t *testing.T, data []byte, opts Options, csv bool) reading {
	t.Helper()
	var out reading
	defer checkNoTempFiles(t, opts.TempDir)
	rd, err := Open(bytes.NewReader(data), "fuzz", opts)
	if err != nil {
		out.openCode = models.ErrorCode(err)
		if out.openCode != models.EINVALID && out.openCode != models.ETOOLARGE {
			t.Fatalf("Open: error %v (code %q); want EINVALID or ETOOLARGE", err, out.openCode)
		}
		if msg := models.ErrorMessage(err); !hasHan(msg) {
			t.Fatalf("Open: error message %q is not Chinese", msg)
		}
		return out
	}
	defer func() {
		if err := rd.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}()
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			code := models.ErrorCode(err)
			if csv || code != models.EINVALID || !hasHan(models.ErrorMessage(err)) {
				t.Fatalf("Next: %v (code %q); a CSV reading never fails, a workbook only with a Chinese EINVALID", err, code)
			}
			out.nextCode = code
			break
		}
		out.records = append(out.records, rec)
	}
	if out.nextCode != "" {
		return out // a workbook that broke half-way is refused whole, nothing more to check
	}
	out.kind, out.findings, out.partial = rd.Kind(), rd.Findings(), rd.Partial()
	if opts.Kind != "" && out.kind != opts.Kind {
		t.Fatalf("Kind() = %q; asked for %q", out.kind, opts.Kind)
	}
	checkFindings(t, out)
	checkRecords(t, out, csv)
	if len(out.findings) == 0 {
		if len(out.records) == 0 {
			t.Fatalf("no finding and no record: a reading is never ok with nothing in it")
		}
		if out.partial {
			t.Fatalf("Partial() without any finding")
		}
	}
	return out
}

func checkFindings(t *testing.T, r reading) {
	t.Helper()
	if len(r.findings) > models.MaxReportFindings {
		t.Fatalf("%d findings; at most %d", len(r.findings), models.MaxReportFindings)
	}
	for _, f := range r.findings {
		switch {
		case f.Severity != models.SeverityError:
			t.Fatalf("finding %+v: severity %q; parse findings are errors", f, f.Severity)
		case !knownRules[f.Rule]:
			t.Fatalf("finding %+v: unknown rule", f)
		case !hasHan(f.Message):
			t.Fatalf("finding %+v: message is not Chinese", f)
		case rowRules[f.Rule] && f.Row <= 0:
			t.Fatalf("finding %+v: a %s finding must name its row", f, f.Rule)
		case f.Row > 0 && !strings.Contains(f.Message, fmt.Sprintf("第 %d 行", f.Row)):
			t.Fatalf("finding %+v: message does not name row %d", f, f.Row)
		case !utf8.ValidString(f.Message) || !utf8.ValidString(f.Value) || !utf8.ValidString(f.Column):
			t.Fatalf("finding %+v: invalid UTF-8 would break the JSON report", f)
		}
	}
}

func checkRecords(t *testing.T, r reading, csv bool) {
	t.Helper()
	if len(r.records) > 0 && r.kind == "" {
		t.Fatalf("%d records without a kind", len(r.records))
	}
	findingRows := map[int]bool{}
	for _, f := range r.findings {
		if f.Row > 1 && f.Rule != RuleFileRowLimit {
			findingRows[f.Row] = true
		}
	}
	last := 0
	for _, rec := range r.records {
		if rec.Row < 2 && csv {
			t.Fatalf("record at row %d: data starts under the header", rec.Row)
		}
		if csv {
			if rec.Row <= last {
				t.Fatalf("record rows out of order: %d after %d", rec.Row, last)
			}
			if findingRows[rec.Row] {
				t.Fatalf("row %d has a finding and still yielded a record", rec.Row)
			}
			last = rec.Row
		}
		if err := rec.Key.Validate(); err != nil {
			t.Fatalf("record at row %d has an invalid key %+v: %v", rec.Row, rec.Key, err)
		}
		dept := models.Department{RegionCode: rec.Key.RegionCode, Code: rec.Key.DeptCode, Name: rec.DeptName}
		if err := dept.Validate(); err != nil {
			t.Fatalf("record at row %d: department %+v fails validation: %v", rec.Row, dept, err)
		}
		if rec.RegionName != "" {
			if err := (models.Region{Code: rec.Key.RegionCode, Name: rec.RegionName}).Validate(); err != nil {
				t.Fatalf("record at row %d: region name %q fails validation: %v", rec.Row, rec.RegionName, err)
			}
		}
		switch {
		case rec.ThreePublic != nil:
			if r.kind != models.KindThreePublic || rec.LineItem != nil {
				t.Fatalf("record at row %d: a 三公 record in a %s reading", rec.Row, r.kind)
			}
			tp := rec.ThreePublic
			if tp.SourceRow != rec.Row {
				t.Fatalf("三公 record SourceRow %d; Row %d", tp.SourceRow, rec.Row)
			}
			if err := tp.Validate(rec.Key.Phase); err != nil {
				t.Fatalf("三公 record at row %d fails its own validation: %v", rec.Row, err)
			}
			for _, a := range models.ThreePublicAmounts {
				checkMoney(t, rec.Row, a.Key, *a.Get(tp), tp.Unit)
			}
		case rec.LineItem != nil:
			if r.kind != models.KindLineItems {
				t.Fatalf("record at row %d: a line item in a %s reading", rec.Row, r.kind)
			}
			li := rec.LineItem
			if li.SourceRow != rec.Row {
				t.Fatalf("line item SourceRow %d; Row %d", li.SourceRow, rec.Row)
			}
			if err := li.Validate(rec.Key.Phase); err != nil {
				t.Fatalf("line item at row %d fails its own validation: %v", rec.Row, err)
			}
			checkMoney(t, rec.Row, "amount", li.Amount, li.Unit)
		case rec.Note != nil:
			if r.kind != models.KindLineItems {
				t.Fatalf("record at row %d: a note alone in a %s reading", rec.Row, r.kind)
			}
		default:
			t.Fatalf("record at row %d carries nothing", rec.Row)
		}
	}
}

// checkMoney: an amount the reader accepted prints in its unit and parses back to the same fen.
func checkMoney(t *testing.T, row int, key string, m models.NullMoney, u models.Unit) {
	t.Helper()
	if !m.Valid {
		return
	}
	for _, s := range []string{m.Money.Format(u), m.Money.FormatGrouped(u)} {
		back, err := models.ParseMoney(s, u)
		if err != nil || back != m.Money {
			t.Fatalf("row %d %s: %d fen printed as %q in %s parses back as %d, %v", row, key, int64(m.Money), s, u, int64(back), err)
		}
	}
}

// fuzzHang is how long one input may take: far above any real reading of
// these small inputs, even on a busy machine.
const fuzzHang = 10 * time.Second

// hangGuard turns an input that runs past fuzzHang into a crash. The fuzzer
// has no time limit per input (a hang just stalls the run); a crashed worker's
// input is saved in testdata/fuzz like any failure.
func hangGuard(t *testing.T, input any) (stop func()) {
	name := t.Name()
	timer := time.AfterFunc(fuzzHang, func() {
		panic(fmt.Sprintf("%s: one input ran over %s: %q", name, fuzzHang, input))
	})
	return func() { timer.Stop() }
}

// --- seeds

// repoFiles returns the files under the repository's testdata (and ingest's own) with the given base name.
func repoFiles(t testing.TB, pattern string) []string {
	var out []string
	for _, glob := range []string{"../testdata/layouts/*/" + pattern, "../testdata/real/*/" + pattern, "testdata/" + pattern} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	return out
}

func readSeed(t testing.TB, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// trimmed keeps a seed's header and its first rows: large seeds slow every mutation.
func trimmed(b []byte, lines int) []byte {
	n := 0
	for i, c := range b {
		if c == '\n' {
			n++
			if n == lines {
				return b[:i+1]
			}
		}
	}
	return b
}

func toGB18030(t testing.TB, b []byte) []byte {
	out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// chineseHeaders rewrites a CSV header line of English keys into the Chinese
// headers of kind; ok is false when the first line is not such a header.
func chineseHeaders(b []byte, kind string) ([]byte, bool) {
	end := bytes.IndexByte(b, '\n')
	if end < 0 {
		return nil, false
	}
	line := strings.TrimSuffix(string(b[:end]), "\r")
	bom := strings.HasPrefix(line, "\uFEFF")
	line = strings.TrimPrefix(line, "\uFEFF")
	chinese := map[string]string{}
	for _, f := range kindFields[kind] {
		chinese[f.key] = f.chinese
	}
	cells := strings.Split(line, ",")
	for i, c := range cells {
		zh, ok := chinese[c]
		if !ok {
			return nil, false
		}
		cells[i] = zh
	}
	var out bytes.Buffer
	if bom {
		out.WriteString("\uFEFF")
	}
	out.WriteString(strings.Join(cells, ","))
	out.Write(b[end:])
	return out.Bytes(), true
}

// addCSVSeeds adds the repository's CSV files of one kind in UTF-8 and
// GB18030, with English and Chinese headers, plus the template and a few
// hand-made edge cases.
func addCSVSeeds(f *testing.F, kind, base string) {
	var seeds [][]byte
	for _, p := range repoFiles(f, base+".csv") {
		b := trimmed(readSeed(f, p), 12)
		seeds = append(seeds, b, toGB18030(f, b))
		if zh, ok := chineseHeaders(b, kind); ok {
			seeds = append(seeds, zh, toGB18030(f, zh))
		}
	}
	for _, p := range append(repoFiles(f, base+"_*.csv"), repoFiles(f, base+"_*.tsv")...) {
		seeds = append(seeds, readSeed(f, p))
	}
	var tpl bytes.Buffer
	if err := WriteTemplateCSV(&tpl, kind); err != nil {
		f.Fatal(err)
	}
	seeds = append(seeds, tpl.Bytes(), toGB18030(f, tpl.Bytes()))
	seeds = append(seeds, []byte(""), []byte("\uFEFF"), []byte("\xFF\xFEa\x00"), []byte("a,b\n\n\n1,2\n"),
		[]byte("\"unterminated\n"), []byte("region_code\tdept_code\n\"x\"\"y\"\t1\n"), []byte("\x84\x31\x95\x33"))
	for _, s := range seeds {
		f.Add(s)
	}
}

// --- CSV targets

// fuzzCSV is the body of both CSV targets: one reading with every property,
// then the same table in GB18030 and with Chinese headers, which must read the same.
func fuzzCSV(t *testing.T, data []byte, kind string) {
	defer hangGuard(t, data)()
	if bytes.HasPrefix(data, zipMagic) {
		return // a workbook: FuzzXLSXBytes
	}
	opts := fuzzOptions(t, kind)
	got := readChecked(t, data, opts, true)

	// GB18030: valid UTF-8 re-encoded must read the same, whenever the
	// encoding sniffer (a heuristic over the first 64 KiB) recognises it.
	if utf8.Valid(data) && got.openCode == "" {
		gb := toGB18030(t, data)
		if i := firstNonASCII(gb); i >= 0 && !bytes.Equal(gb, data) && !bytes.HasPrefix(gb, []byte("\x84\x31\x95\x33")) &&
			sniffEncoding(gb[i:min(len(gb), i+sniffWindow)], len(gb) <= i+sniffWindow) == encGB18030 {
			compareReadings(t, "GB18030", got, readChecked(t, gb, opts, true), false)
		}
	}
	// Chinese headers for English ones: the same records, the same findings
	// at the same rows (their column names and messages quote the headers as
	// written). Only for UTF-8 files, since the Chinese header is written in UTF-8.
	if zh, ok := chineseHeaders(data, kind); ok && got.openCode == "" && utf8.Valid(data) {
		compareReadings(t, "Chinese headers", got, readChecked(t, zh, opts, true), true)
	}
}

func firstNonASCII(b []byte) int {
	for i, c := range b {
		if c >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

// compareReadings fails when two readings of the same table differ. With
// loose, findings are compared by rule, row and value only.
func compareReadings(t *testing.T, what string, want, got reading, loose bool) {
	t.Helper()
	if want.openCode != got.openCode || want.kind != got.kind || want.partial != got.partial {
		t.Fatalf("%s: open %q kind %q partial %v; UTF-8/English reads open %q kind %q partial %v",
			what, got.openCode, got.kind, got.partial, want.openCode, want.kind, want.partial)
	}
	if !reflect.DeepEqual(want.records, got.records) {
		t.Fatalf("%s: records differ:\n got %s\nwant %s", what, describe(got.records), describe(want.records))
	}
	key := func(fs []models.Finding) []string {
		var out []string
		for _, f := range fs {
			if loose {
				out = append(out, fmt.Sprintf("%s@%d=%q", f.Rule, f.Row, f.Value))
			} else {
				out = append(out, fmt.Sprintf("%+v", f))
			}
		}
		return out
	}
	if a, b := key(want.findings), key(got.findings); !reflect.DeepEqual(a, b) {
		t.Fatalf("%s: findings differ:\n got %q\nwant %q", what, b, a)
	}
}

func describe(recs []Record) string {
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "\n  row %d %+v %q %q", r.Row, r.Key, r.RegionName, r.DeptName)
		if r.ThreePublic != nil {
			fmt.Fprintf(&b, " %+v", *r.ThreePublic)
		}
		if r.LineItem != nil {
			fmt.Fprintf(&b, " %+v", *r.LineItem)
		}
		if r.Note != nil {
			fmt.Fprintf(&b, " note %+v", *r.Note)
		}
	}
	return b.String()
}

// FuzzCSVThreePublic reads fuzzed bytes as a 三公 upload.
func FuzzCSVThreePublic(f *testing.F) {
	addCSVSeeds(f, models.KindThreePublic, "three_public")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzCSV(t, data, models.KindThreePublic) })
}

// FuzzCSVLineItems reads fuzzed bytes as a line-item upload (the long form).
func FuzzCSVLineItems(f *testing.F) {
	addCSVSeeds(f, models.KindLineItems, "line_items")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzCSV(t, data, models.KindLineItems) })
}

// FuzzOpenDetect reads fuzzed bytes with no kind given, as `sunshine check`
// and an upload without kind do: the kind comes from the headers.
func FuzzOpenDetect(f *testing.F) {
	addCSVSeeds(f, models.KindThreePublic, "three_public")
	addCSVSeeds(f, models.KindLineItems, "line_items")
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, zipMagic) {
			return
		}
		defer hangGuard(t, data)()
		got := readChecked(t, data, fuzzOptions(t, ""), true)
		if got.openCode == "" && got.kind != "" {
			// Detection picked a kind: asking for it by name reads the same.
			compareReadings(t, "kind "+got.kind, got, readChecked(t, data, fuzzOptions(t, got.kind), true), false)
		}
	})
}

// --- XLSX targets

// addXLSXSeeds adds the repository's workbooks as bytes and, for each CSV
// seed of the repository, the same table saved as a flat workbook.
func addXLSXSeeds(f *testing.F) {
	for _, p := range repoFiles(f, "*.xlsx") {
		f.Add(readSeed(f, p))
	}
	for _, kind := range []string{models.KindThreePublic, models.KindLineItems} {
		var tpl bytes.Buffer
		if err := WriteTemplateXLSX(&tpl, kind); err != nil {
			f.Fatal(err)
		}
		f.Add(tpl.Bytes())
	}
	for _, p := range append(repoFiles(f, "three_public.csv")[:2], repoFiles(f, "line_items.csv")[:2]...) {
		f.Add(workbookOf(f, string(trimmed(readSeed(f, p), 6))))
	}
}

// workbookOf writes CSV-like text (comma or tab between cells, one line per
// row) into the first sheet of a new workbook: text as text, and cells that
// look like numbers as numbers, as Excel stores a typed figure. Returns nil
// when excelize refuses a cell.
func workbookOf(t testing.TB, text string) []byte {
	wb := excelize.NewFile()
	defer wb.Close()
	for r, line := range strings.Split(text, "\n") {
		if r >= 200 {
			break
		}
		line = strings.TrimSuffix(line, "\r")
		sep := ","
		if strings.Count(line, "\t") > strings.Count(line, ",") {
			sep = "\t"
		}
		for c, cell := range strings.Split(line, sep) {
			if c >= 40 || cell == "" {
				continue
			}
			name, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, _, ok := splitNumber(cell); ok && len(cell) < 20 {
				var v float64
				if _, err := fmt.Sscan(cell, &v); err == nil {
					err = wb.SetCellFloat("Sheet1", name, v, -1, 64)
					if err == nil {
						continue
					}
				}
			}
			if err := wb.SetCellStr("Sheet1", name, cell); err != nil {
				return nil // a cell Excel cannot hold (over 32,767 characters)
			}
		}
	}
	var out bytes.Buffer
	if err := wb.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// FuzzXLSXBytes reads fuzzed bytes that start as workbooks: a damaged zip, a
// damaged sheet, a zip bomb's size fields must all be a Chinese EINVALID or
// ETOOLARGE, never a panic or a half-read success.
func FuzzXLSXBytes(f *testing.F) {
	addXLSXSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		defer hangGuard(t, data)()
		for _, kind := range []string{"", models.KindThreePublic, models.KindLineItems} {
			readChecked(t, data, fuzzOptions(t, kind), !bytes.HasPrefix(data, zipMagic))
		}
	})
}

// FuzzXLSXCells writes fuzzed rows into a well-formed workbook and reads it
// flat, as either kind: the cell-level rules of workbooks (numbers stored as
// doubles, trailing empty cells omitted) with valid zips, which random bytes
// rarely reach.
func FuzzXLSXCells(f *testing.F) {
	for _, base := range []string{"three_public", "line_items"} {
		for _, p := range repoFiles(f, base+".csv")[:3] {
			b := trimmed(readSeed(f, p), 5)
			f.Add(string(b))
			if zh, ok := chineseHeaders(b, map[string]string{"three_public": models.KindThreePublic, "line_items": models.KindLineItems}[base]); ok {
				f.Add(string(zh))
			}
		}
	}
	f.Add("region_code,dept_code\n1.5E+7,1234.5600000000002\n")
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || strings.ContainsAny(text, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff") {
			return // XML cannot hold these; excelize refuses to write them
		}
		defer hangGuard(t, text)()
		wb := workbookOf(t, text)
		if wb == nil {
			return
		}
		for _, kind := range []string{"", models.KindThreePublic, models.KindLineItems} {
			readChecked(t, wb, fuzzOptions(t, kind), false)
		}
	})
}

// FuzzTemplate fills the line-item template's label block and table cells
// with fuzzed values and reads it back: the template reader (labels found
// anywhere above the 科目编码 row, values inherited from earlier sheets, one
// line item per non-empty amount cell).
func FuzzTemplate(f *testing.F) {
	f.Add("990001", "示例市", "001", "示例局", "2025", "预算", "元", "2010601", "行政运行", "1234567.89", "expenditure")
	f.Add("990102", "示例县", "101", "司法局", "2024", "决算", "万元", "合计", "", "682.05", "部门收支总表")
	f.Add("500000", "重庆市", "SJHZ", "市级部门", "2024", "budget", "亿元", "注：本部门无政府性基金预算收入，此表为空表", "", "", "gov_fund")
	f.Add("", "", "", "", "", "", "", "", "", "", "")
	f.Add("12345", "x", "a b", "y", "1999", "adjusted", "单位：万元", "20106", "一般", "1e309", "summary")
	f.Fuzz(func(t *testing.T, region, regionName, dept, deptName, year, phase, unit, code, name, amount, sheet string) {
		for _, s := range []string{region, regionName, dept, deptName, year, phase, unit, code, name, amount, sheet} {
			if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' || r == 0xFFFE || r == 0xFFFF }) {
				return
			}
		}
		defer hangGuard(t, []string{region, regionName, dept, deptName, year, phase, unit, code, name, amount, sheet})()
		wb := filledTemplate(t, []string{region, regionName, dept, deptName, year, phase, unit, code, name, amount, sheet})
		if wb == nil {
			return
		}
		readChecked(t, wb, fuzzOptions(t, ""), false)
		readChecked(t, wb, fuzzOptions(t, models.KindLineItems), false)
	})
}

// filledTemplate writes the service's line-item template and fills its first
// sheet (renamed to v[10] when that is not empty) with the fuzzed values:
// the label block, one data row, and an amount in every column of that row.
// Returns nil when excelize refuses the sheet name.
func filledTemplate(t *testing.T, v []string) []byte {
	var tpl bytes.Buffer
	if err := WriteTemplateXLSX(&tpl, models.KindLineItems); err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(&tpl)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	first := wb.GetSheetList()[0]
	set := func(cell, value string) {
		if err := wb.SetCellStr(first, cell, value); err != nil {
			t.Fatal(err)
		}
	}
	set("B2", v[0])
	set("D2", v[1])
	set("B3", v[2])
	set("D3", v[3])
	set("B4", v[4])
	set("D4", v[5])
	set("B5", v[6])
	set("A9", v[7])
	set("B9", v[8])
	for col := 3; col <= 6; col++ {
		name, _ := excelize.CoordinatesToCellName(col, 9)
		set(name, v[9])
	}
	if v[10] != "" && v[10] != first {
		if err := wb.SetSheetName(first, v[10]); err != nil {
			return nil
		}
		if wb.GetSheetList()[0] != v[10] {
			return nil // excelize cleaned the name up; nothing new to read
		}
	}
	var out bytes.Buffer
	if err := wb.Write(&out); err != nil {
		return nil
	}
	return out.Bytes()
}
