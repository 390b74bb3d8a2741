package exports

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"sunshine/exports/exportstest"
)

// npmPackage writes the fixture release as a package directory — 三公 in 元,
// line items in 万元 (UTF-8: the JavaScript reader has no GB18030), filings —
// and returns the path of its datapackage.json and the descriptor.
func npmPackage(t *testing.T) (string, []byte) {
	t.Helper()
	files, resources := release(t)
	li := &resources[1]
	li.CSV.Encoding = EncodingUTF8
	var buf bytes.Buffer
	hw := NewHashWriter(&buf)
	if err := encodeAll[LineItemRow](NewCSVEncoder(hw, LineItemsTable, li.CSV), lineItemRows()); err != nil {
		t.Fatal(err)
	}
	li.Bytes, li.Hash = hw.Bytes(), hw.Hash()
	files[li.Path] = &fstest.MapFile{Data: buf.Bytes()}
	descriptor := writePackage(t, packageInfo(resources))
	if err := exportstest.ValidatePackage(descriptor, files); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files["datapackage.json"] = &fstest.MapFile{Data: descriptor}
	for name, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "datapackage.json"), descriptor
}

// num is a cast cell as the reader gave it: a number, or "null" for a missing value.
func num(row map[string]any, field string) string {
	switch v := row[field].(type) {
	case nil:
		return "null"
	case json.Number:
		return v.String()
	default:
		return "not a number: " + strings.TrimSpace(strings.ReplaceAll(string(mustJSON(v)), "\n", ""))
	}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

// TestDataPackage_FrictionlessJSReadsIt hands the package to the Frictionless
// JavaScript libraries (datapackage + tableschema, Data Package v1), as a
// harvester would: the descriptor must pass the tabular-data-package and
// fiscal-data-package profiles, every row must cast, "未公开" (an empty cell)
// must come back as null — not as a cast error, and not as 0 — and amounts as
// numbers in the unit their field names.
func TestDataPackage_FrictionlessJSReadsIt(t *testing.T) {
	path, descriptor := npmPackage(t)
	r := exportstest.ReadWithFrictionlessJS(t, path)
	if p := r.Problems(true); len(p) > 0 {
		t.Fatalf("the JavaScript reader refuses the package:\n%s", strings.Join(p, "\n"))
	}
	if len(r.Resources) != 3 {
		t.Fatalf("%d resources", len(r.Resources))
	}
	tp := r.Resource("three_public-2024-final")
	if tp == nil || len(tp.Rows) != len(threePublicRows()) || !tp.RelationsChecked {
		t.Fatalf("三公: %+v", tp)
	}
	byFiling := map[string]map[string]any{}
	for _, row := range tp.Rows {
		byFiling[num(row, "filing_id")] = row
	}
	for _, c := range []struct{ filing, field, want string }{
		{"10", "total_yuan", "1234567.89"},        // 123456789 fen
		{"10", "vehicle_operation_yuan", "-12.5"}, // a negative
		{"10", "vehicle_purchase_yuan", "0.01"},   // one fen
		{"10", "outbound_trips_yuan", "0"},        // disclosed zero stays 0
		{"10", "vehicles_yuan", "null"},           // 未公开
		{"10", "budget_vehicles_yuan", "null"},    // 未公开
		{"11", "outbound_trips_yuan", "null"},     // 未公开
		{"11", "vehicles_yuan", "83"},             // 8300 fen
		{"12", "total_yuan", "null"},              // nothing disclosed
		{"12", "release", "null"},                 // not from a release
		{"10", "vehicles_held", "12"},             // a count
		{"11", "trip_groups", "null"},             // a count not disclosed
		{"10", "fiscal_year", "2024"},             // year
	} {
		row, ok := byFiling[c.filing]
		if !ok {
			t.Fatalf("no row of filing %s: %v", c.filing, tp.Rows)
		}
		if got := num(row, c.field); got != c.want {
			t.Errorf("filing %s %s: read %s, want %s", c.filing, c.field, got, c.want)
		}
	}
	if byFiling["10"]["dept_code"] != "001" || byFiling["12"]["region_name"] != nil {
		t.Errorf("text cells: dept_code %v, region_name %v", byFiling["10"]["dept_code"], byFiling["12"]["region_name"])
	}

	li := r.Resource("line_items-2024-final")
	if li == nil || len(li.Rows) != len(lineItemRows()) || !li.RelationsChecked {
		t.Fatalf("line items: %+v", li)
	}
	for i, want := range []string{"123.456789", "null", "0", "0.000001", "-0.01"} { // 万元, as the field name says
		if got := num(li.Rows[i], "amount_wanyuan"); got != want {
			t.Errorf("line item %d amount_wanyuan: read %s, want %s", i, got, want)
		}
	}
	if f := r.Resource("filings"); f == nil || len(f.Rows) != len(filingRows()) {
		t.Fatalf("filings: %+v", f)
	}

	// The same reader on the descriptor as it was before v1 was minded: a
	// schema-wide labelled missing value and no profiles. It must refuse it,
	// or this test proves nothing.
	var p map[string]any
	if err := json.Unmarshal(descriptor, &p); err != nil {
		t.Fatal(err)
	}
	delete(p, "profile")
	for i := range p["resources"].([]any) {
		delete(res(p, i), "profile")
		schema(p, i)["missingValues"] = []any{map[string]any{"value": "", "label": notDisclosedLabel}}
	}
	old := filepath.Join(filepath.Dir(path), "old.json")
	if err := os.WriteFile(old, mustJSON(p), 0o644); err != nil {
		t.Fatal(err)
	}
	r = exportstest.ReadWithFrictionlessJS(t, old)
	problems := strings.Join(r.Problems(true), "\n")
	for _, want := range []string{`The value "" in column "vehicles_yuan" is not type "number"`, "profile tabular-data-package refuses"} {
		if !strings.Contains(problems, want) {
			t.Errorf("the old descriptor: want a problem %q, got:\n%s", want, problems)
		}
	}
}
