package exports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"sunshine/models"
)

func encodeJSON[T any](t *testing.T, table *Table[T], rows []T, opts JSONOptions, tail ...Member) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := NewJSONEncoder(&buf, table, opts)
	for _, r := range rows {
		if err := e.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.CloseWith(tail...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeNDJSON[T any](t *testing.T, table *Table[T], rows []T, opts JSONOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := encodeAll[T](NewNDJSONEncoder(&buf, table, opts), rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestJSON_Golden(t *testing.T) {
	next := Member{"next", "https://sunshine.example.gov.cn/api/v1/three-public?after=12"}
	golden(t, "three_public.json", encodeJSON(t, ThreePublicTable, threePublicRows(), JSONOptions{Head: []Member{{"release", 3}}}, next))
	golden(t, "three_public.wanyuan.json", encodeJSON(t, ThreePublicTable, threePublicRows(),
		JSONOptions{Unit: models.WanYuan, Head: []Member{{"amount_unit", "万元"}}}, Member{"next", nil}))
	golden(t, "line_items.json", encodeJSON(t, LineItemsTable, lineItemRows(), JSONOptions{}, Member{"next", nil}))
	golden(t, "three_public.ndjson", encodeNDJSON(t, ThreePublicTable, threePublicRows(), JSONOptions{}))
	golden(t, "line_items.ndjson", encodeNDJSON(t, LineItemsTable, lineItemRows(), JSONOptions{}))
}

func TestJSON_IsValidWithExactNumbersAndNulls(t *testing.T) {
	b := encodeJSON(t, ThreePublicTable, threePublicRows(), JSONOptions{Head: []Member{{"release", 3}}}, Member{"next", nil})
	var doc struct {
		Release int                          `json:"release"`
		Data    []map[string]json.RawMessage `json:"data"`
		Next    *string                      `json:"next"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b)
	}
	if doc.Release != 3 || doc.Next != nil || len(doc.Data) != 3 {
		t.Fatalf("envelope: release %d, next %v, %d rows", doc.Release, doc.Next, len(doc.Data))
	}
	first := doc.Data[0]
	for key, want := range map[string]string{
		"total_yuan": "1234567.89", "outbound_trips_yuan": "0.00", "vehicles_yuan": "null", "vehicle_purchase_yuan": "0.01",
		"vehicle_operation_yuan": "-12.50", "reception_yuan": "999999999999.99", "source_unit": `"万元"`, "trip_groups": "0", "foreign_reception_persons": "null",
		"dept_code": `"001"`, "fiscal_year": "2024", "release": "3",
		"change_reason": `"=HYPERLINK(\"http://evil.example\",\"点击\")"`, // JSON is not a spreadsheet: text unchanged
	} {
		if got := string(first[key]); got != want {
			t.Errorf("%s = %s, want %s", key, got, want)
		}
	}
	if got := string(doc.Data[2]["release"]); got != "null" {
		t.Errorf("release of a live row = %s", got)
	}
	// Exact through a decoder that keeps the digits.
	var tp struct{ Total models.NullMoney }
	if err := json.Unmarshal(first["total_yuan"], &tp.Total); err != nil || tp.Total != yuan(123456789) {
		t.Errorf("total decodes to %v (%v)", tp.Total, err)
	}
}

func TestJSON_EmptyDocument(t *testing.T) {
	got := string(encodeJSON(t, LineItemsTable, nil, JSONOptions{}, Member{"next", nil}))
	if got != "{\"data\":[],\"next\":null}\n" {
		t.Errorf("got %q", got)
	}
	var buf bytes.Buffer
	if err := NewJSONEncoder(&buf, LineItemsTable, JSONOptions{}).Close(); err != nil || buf.String() != "{\"data\":[]}\n" {
		t.Errorf("got %q, %v", buf.String(), err)
	}
}

func TestJSON_RefusesADataMember(t *testing.T) {
	var buf bytes.Buffer
	e := NewJSONEncoder(&buf, LineItemsTable, JSONOptions{Head: []Member{{"data", 1}}})
	if err := e.Encode(lineItemRows()[0]); err == nil {
		t.Error("a head member named data must be refused")
	}
}

func TestNDJSON_OneObjectPerLine(t *testing.T) {
	b := encodeNDJSON(t, LineItemsTable, lineItemRows(), JSONOptions{Unit: models.WanYuan})
	sc := bufio.NewScanner(bytes.NewReader(b))
	var amounts []string
	for sc.Scan() {
		var row map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		amounts = append(amounts, string(row["amount_wanyuan"]))
	}
	if got := strings.Join(amounts, " "); got != "123.456789 null 0.00 0.000001 -0.01" {
		t.Errorf("amounts in 万元: %s", got)
	}
}

func TestAppendJSONString_RoundTrips(t *testing.T) {
	for _, s := range []string{"", "资兴市", `"quoted" \ back`, "tab\tnew\nline\rcr", "\x00\x1f\x7f", "\u2028\u2029", "<b>&", "emoji 😀"} {
		b := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("%q → %s → %q (%v)", s, b, back, err)
		}
	}
	if got := string(appendJSONString(nil, "a\xffb")); got != `"a\ufffdb"` {
		t.Errorf("invalid UTF-8: %s", got)
	}
}
