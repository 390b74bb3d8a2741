package ingest

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/simplifiedchinese"

	"sunshine/models"
)

// manyRows builds a line-item file of n good rows after the header.
func manyRows(n int) *bytes.Buffer {
	var b bytes.Buffer
	b.WriteString(liHeader)
	for i := 0; i < n; i++ {
		b.WriteString(liRow("name", "行政运行"+itoa(i)))
	}
	return &b
}

func TestEncoding_InvalidUTF8DeepInTheFile(t *testing.T) {
	b := manyRows(60000)
	data := b.Bytes()
	// Damage the name on row 50,000 (the header is row 1): 行 is E8 A1 8C; drop its last byte.
	row := 50000
	start := bytes.Index(data, []byte("行政运行"+itoa(row-2)+","))
	data[start+2] = 0xFF
	rd := openString(t, string(data), Options{})
	recs := readAll(t, rd)
	fs := rd.Findings()
	f := mustFind(t, fs, RuleEncodingInvalid, row, "科目名称")
	if !strings.Contains(f.Message, "0xFF") || !strings.Contains(f.Message, "UTF-8") {
		t.Errorf("message = %q", f.Message)
	}
	if !strings.Contains(f.Value, "\uFFFD") {
		t.Errorf("value = %q", f.Value)
	}
	if len(fs) != 1 || len(recs) != 59999 {
		t.Fatalf("records %d, findings:\n%s", len(recs), dump(fs))
	}
}

func TestEncoding_InvalidByteInGBKFile(t *testing.T) {
	src := liHeader + liRow("", "") + liRow("dept_name", "县财政局") + liRow("", "")
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// Row 3's 部门名称 gets a byte that starts no GB18030 sequence.
	i := bytes.LastIndex(gbk, []byte("001,")) + 4
	gbk = append(gbk[:i:i], append([]byte{0xFF}, gbk[i:]...)...)
	_, fs := parseAll(t, string(gbk), Options{})
	f := mustFind(t, fs, RuleEncodingInvalid, 4, "部门名称")
	if !strings.Contains(f.Message, "GB18030") {
		t.Errorf("message = %q", f.Message)
	}
}

func TestEncoding_UnassignedGB18030Code(t *testing.T) {
	// A1 40 is well formed GB18030 but maps to nothing x/text knows; it must
	// not turn into U+FFFD silently.
	src, _ := simplifiedchinese.GBK.NewEncoder().String(liHeader + liRow("name", "行政运行"))
	src = strings.Replace(src, "001,", "001,\xA1\x40", 1)
	_, fs := parseAll(t, src, Options{})
	f := mustFind(t, fs, RuleEncodingInvalid, 2, "部门名称")
	if !strings.Contains(f.Message, "0xA1 0x40") {
		t.Errorf("message = %q", f.Message)
	}
}

func TestEncoding_FourByteOutOfRange(t *testing.T) {
	src, _ := simplifiedchinese.GBK.NewEncoder().String(liHeader + liRow("", ""))
	src = strings.Replace(src, "001,", "001,\x84\x32\x81\x30", 1)
	_, fs := parseAll(t, src, Options{})
	mustFind(t, fs, RuleEncodingInvalid, 2, "部门名称")
}

func TestEncoding_UTF8WithBadByteInSniffWindowStaysUTF8(t *testing.T) {
	// Many valid UTF-8 characters and one bad byte near the start: this is
	// UTF-8 with an error, not GBK (whose wide ranges would swallow it).
	s := liHeader + liRow("dept_name", "县财政局\xC0") + strings.Repeat(liRow("", ""), 20)
	recs, fs := parseAll(t, s, Options{})
	f := mustFind(t, fs, RuleEncodingInvalid, 2, "部门名称")
	if !strings.Contains(f.Message, "UTF-8") {
		t.Errorf("message = %q", f.Message)
	}
	if len(recs) != 20 || recs[0].DeptName != "县财政局" {
		t.Fatalf("records %d, first %q", len(recs), recs[0].DeptName)
	}
}

func TestEncoding_LegitReplacementCharacterIsKept(t *testing.T) {
	// U+FFFD written on purpose in GB18030 (84 31 A4 37) is a character, not an error.
	src, _ := simplifiedchinese.GB18030.NewEncoder().String(liHeader + liRow("name", "行政\uFFFD运行"))
	recs, fs := parseAll(t, src, Options{})
	noFindings(t, fs)
	if recs[0].LineItem.Name != "行政\uFFFD运行" {
		t.Fatalf("name = %q", recs[0].LineItem.Name)
	}
}

func TestEncoding_SequencesSplitAcrossReads(t *testing.T) {
	// One byte per Read: every multi-byte sequence is cut at a read boundary.
	for _, enc := range []string{"utf8", "gb18030"} {
		src := liHeader + liRow("dept_name", "县财政局€𠀀") + liRow("name", "一般行政管理事务")
		data := []byte(src)
		if enc == "gb18030" {
			data, _ = simplifiedchinese.GB18030.NewEncoder().Bytes(data)
		}
		rd, err := Open(iotest.OneByteReader(bytes.NewReader(data)), "x.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs := readAll(t, rd)
		noFindings(t, rd.Findings())
		if recs[0].DeptName != "县财政局€𠀀" || recs[1].LineItem.Name != "一般行政管理事务" {
			t.Errorf("%s: got %q %q", enc, recs[0].DeptName, recs[1].LineItem.Name)
		}
	}
}

func TestDecoder_OffsetsOfBadBytes(t *testing.T) {
	d := newDecoder(strings.NewReader("\xEF\xBB\xBFab\xFF\xFEcd\n\xFFx")) // BOM: UTF-8
	out, err := io.ReadAll(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "ab\uFFFD\uFFFDcd\n\uFFFDx" {
		t.Fatalf("out = %q", out)
	}
	first := d.takeBad(9) // up to the newline
	if len(first) != 1 || first[0].off != 2 || !bytes.Equal(first[0].raw, []byte{0xFF, 0xFE}) {
		t.Fatalf("first = %+v", first)
	}
	rest := d.takeBad(int64(len(out)))
	if len(rest) != 1 || rest[0].off != 11 {
		t.Fatalf("rest = %+v", rest)
	}
}

func TestSniffEncoding(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("区划代码,部门名称,合计")
	cases := map[string]textEncoding{
		"区划代码,部门名称": encUTF8,
		gbk:         encGB18030,
		"县财政局\xC0县教育局县卫生局": encUTF8,
	}
	for in, want := range cases {
		if got := sniffEncoding([]byte(in), true); got != want {
			t.Errorf("sniff(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestEncoding_ModelsSeeNoReplacement(t *testing.T) {
	// Whatever the damage, no record carries U+FFFD made up by the decoder.
	s := liHeader + liRow("name", "行\xFF政") + liRow("", "")
	recs, _ := parseAll(t, s, Options{})
	for _, r := range recs {
		if strings.ContainsRune(r.LineItem.Name, '\uFFFD') {
			t.Fatalf("record with U+FFFD: %+v", r.LineItem)
		}
	}
	if len(recs) != 1 {
		t.Fatalf("records = %d", len(recs))
	}
	_ = models.KindLineItems
}
