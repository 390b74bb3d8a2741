package exports

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"sunshine/models"
)

func encodeCSV[T any](t *testing.T, table *Table[T], rows []T, opts CSVOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := encodeAll[T](NewCSVEncoder(&buf, table, opts), rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCSV_Golden(t *testing.T) {
	cases := []struct {
		name string
		got  []byte
	}{
		{"three_public.csv", encodeCSV(t, ThreePublicTable, threePublicRows(), CSVOptions{})},
		{"three_public.bom.csv", encodeCSV(t, ThreePublicTable, threePublicRows(), CSVOptions{BOM: true, ChineseHeaders: true})},
		{"three_public.gb18030.csv", encodeCSV(t, ThreePublicTable, threePublicRows(), CSVOptions{Encoding: EncodingGB18030, ChineseHeaders: true})},
		{"three_public.wanyuan.csv", encodeCSV(t, ThreePublicTable, threePublicRows(), CSVOptions{Unit: models.WanYuan})},
		{"line_items.csv", encodeCSV(t, LineItemsTable, lineItemRows(), CSVOptions{})},
		{"filings.csv", encodeCSV(t, FilingsTable, filingRows(), CSVOptions{})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { golden(t, c.name, c.got) })
	}
}

// readCSV parses a UTF-8 export and returns its records keyed by header.
func readCSV(t *testing.T, b []byte) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func TestCSV_NotDisclosedIsEmptyAndZeroIsZero(t *testing.T) {
	recs := readCSV(t, encodeCSV(t, ThreePublicTable, threePublicRows(), CSVOptions{}))
	first := recs[0]
	for key, want := range map[string]string{
		"total_yuan": "1234567.89", "outbound_trips_yuan": "0.00", "vehicles_yuan": "", "vehicle_purchase_yuan": "0.01",
		"vehicle_operation_yuan": "-12.50", "reception_yuan": "999999999999.99", "trip_groups": "0", "vehicles_held": "12",
		"foreign_reception_batches": "", "dept_code": "001", "release": "3", "source_unit": "万元",
	} {
		if first[key] != want {
			t.Errorf("%s = %q, want %q", key, first[key], want)
		}
	}
	if recs[2]["release"] != "" || recs[2]["total_yuan"] != "" || recs[2]["region_name"] != "" {
		t.Errorf("a row from the live feed with nothing disclosed: release %q, total %q", recs[2]["release"], recs[2]["total_yuan"])
	}
}

func TestCSV_GuardsFormulasButNotNumbers(t *testing.T) {
	b := encodeCSV(t, ThreePublicTable, threePublicRows(), CSVOptions{})
	recs := readCSV(t, b)
	if got := recs[0]["change_reason"]; got != `'=HYPERLINK("http://evil.example","点击")` {
		t.Errorf("= reason: %q", got)
	}
	if got := recs[1]["change_reason"]; got != "'-公务接待减少，\"只减不增\"\n较上年下降 5%" {
		t.Errorf("- reason: %q", got)
	}
	if got := recs[2]["dept_name"]; got != "'@资兴市卫健局" {
		t.Errorf("@ name: %q", got)
	}
	if got := recs[0]["vehicle_operation_yuan"]; got != "-12.50" {
		t.Errorf("a negative amount must stay a number: %q", got)
	}
	for _, s := range []string{"=1", "+1", "-1", "@x", "\tx", "\rx"} {
		if !formulaTrigger(s) {
			t.Errorf("%q should be guarded", s)
		}
	}
	for _, s := range []string{"", "1", "'=1", " =1", "资兴", "＝1"} {
		if formulaTrigger(s) {
			t.Errorf("%q should not be guarded", s)
		}
	}
}

func TestCSV_WanYuanKeepsEveryFen(t *testing.T) {
	recs := readCSV(t, encodeCSV(t, ThreePublicTable, threePublicRows(), CSVOptions{Unit: models.WanYuan}))
	for key, want := range map[string]string{
		"total_wanyuan": "123.456789", "vehicle_purchase_wanyuan": "0.000001", "outbound_trips_wanyuan": "0.00", "vehicle_operation_wanyuan": "-0.00125",
		"budget_vehicle_purchase_wanyuan": "0.0083", "budget_total_wanyuan": "130.00", "vehicles_wanyuan": "",
	} {
		if got := recs[0][key]; got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
}

func TestCSV_BOMVariantStartsWithBOMAndUsesCRLF(t *testing.T) {
	b := encodeCSV(t, ThreePublicTable, threePublicRows(), CSVOptions{BOM: true})
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no BOM: % x", b[:3])
	}
	if n, crlf := bytes.Count(b, []byte("\n")), bytes.Count(b, []byte("\r\n")); n != crlf+1 { // one LF sits inside a quoted reason
		t.Errorf("line ends: %d LF, %d CRLF", n, crlf)
	}
	plain := encodeCSV(t, ThreePublicTable, threePublicRows(), CSVOptions{})
	if bytes.HasPrefix(plain, []byte{0xEF}) || bytes.Contains(plain, []byte("\r\n")) {
		t.Error("the default CSV has no BOM and LF line ends")
	}
}

func TestCSV_GB18030DecodesToTheSameText(t *testing.T) {
	opts := CSVOptions{ChineseHeaders: true, CRLF: true}
	utf8 := encodeCSV(t, ThreePublicTable, threePublicRows(), opts)
	opts.Encoding = EncodingGB18030
	gb := encodeCSV(t, ThreePublicTable, threePublicRows(), opts)
	if bytes.Equal(gb, utf8) {
		t.Fatal("GB18030 output is the UTF-8 bytes")
	}
	back, err := simplifiedchinese.GB18030.NewDecoder().Bytes(gb)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, utf8) {
		t.Errorf("decoded GB18030 differs from UTF-8:\n%s\n%s", back, utf8)
	}
	if !bytes.HasPrefix(back, []byte("公开编号,版本,发布号,区划代码")) || !bytes.Contains(back, []byte("合计（元）")) {
		t.Errorf("Chinese headers: %q", back[:80])
	}
}

func TestCSV_EmptyExportHasHeader(t *testing.T) {
	b := encodeCSV(t, LineItemsTable, nil, CSVOptions{})
	want := "filing_id,version,release,region_code,region_name,dept_code,dept_name,fiscal_year,phase,table,code,name,column,amount_yuan,source_unit,permalink,source_page\n"
	if string(b) != want {
		t.Errorf("got %q", b)
	}
}

func TestCSV_RefusesUnknownOptions(t *testing.T) {
	var buf bytes.Buffer
	e := NewCSVEncoder(&buf, LineItemsTable, CSVOptions{Encoding: "big5"})
	err := e.Encode(lineItemRows()[0])
	if models.ErrorCode(err) != models.EINVALID {
		t.Errorf("got %v", err)
	}
	if err := NewCSVEncoder(&buf, LineItemsTable, CSVOptions{Unit: "千元"}).Close(); models.ErrorCode(err) != models.EINVALID {
		t.Errorf("unit: got %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q", buf.String())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestCSV_ReportsWriteErrors(t *testing.T) {
	e := NewCSVEncoder(failWriter{}, LineItemsTable, CSVOptions{})
	if err := e.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("got %v", err)
	}
}

func TestAppendMoney_MatchesMoneyFormat(t *testing.T) {
	values := []int64{0, 1, -1, 9, 10, 99, 100, 101, -1250, 8300, 123456789, 1e15, -1e15 - 1, math.MaxInt64, math.MinInt64}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		values = append(values, r.Int64()>>r.IntN(63), -(r.Int64() >> r.IntN(63)))
	}
	for _, v := range values {
		for _, u := range models.Units {
			if got, want := string(appendMoney(nil, v, u)), models.Money(v).Format(u); got != want {
				t.Fatalf("appendMoney(%d, %s) = %q, Money.Format = %q", v, u, got, want)
			}
		}
	}
}

func TestAppendCSVText_QuotesWhatReadersWouldSplit(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "": "", "a,b": `"a,b"`, `say "hi"`: `"say ""hi"""`, "two\nlines": "\"two\nlines\"",
		" lead": `" lead"`, "trail ": `"trail "`, "资兴市": "资兴市",
	} {
		if got := string(appendCSVText(nil, in)); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}
