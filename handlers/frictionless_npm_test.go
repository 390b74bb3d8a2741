package handlers_test

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sunshine/exports/exportstest"
	"sunshine/store/storetest"
)

// cell is a value the JavaScript reader cast: a number's digits, "null" for a missing value.
func cell(row map[string]any, field string) string {
	switch v := row[field].(type) {
	case nil:
		return "null"
	case json.Number:
		return v.String()
	case string:
		return "text " + v
	default:
		b, _ := json.Marshal(v)
		return "other " + string(b)
	}
}

// TestFrictionlessJS_ReadsPublishedReleasesAndTheBulkZip: uploads and
// publications through the API, then the Frictionless JavaScript libraries
// (datapackage + tableschema, Data Package v1; exports/testdata/npm) read what
// a harvester would — a release's datapackage.json by its URL on a live
// server (the CSVs fetched relative to it) and the region-year bulk ZIP — and
// every descriptor must pass the v1 profiles, every row must cast, 未公开 must
// read as null and amounts as numbers in 元.
func TestFrictionlessJS_ReadsPublishedReleasesAndTheBulkZip(t *testing.T) {
	longRun(t)
	a := newAPI(t, storetest.SQLite(t))
	regionYearFixture(t, a)
	srv := httptest.NewServer(a.h)
	defer srv.Close()

	// The final 三公 dataset, release 3 (department 001 corrected), from its URL.
	r := exportstest.ReadWithFrictionlessJS(t, srv.URL+"/api/v1/datasets/431081-2024-final-three_public/releases/3/datapackage.json")
	if p := r.Problems(true); len(p) > 0 {
		t.Fatalf("the JavaScript reader refuses the release:\n%s", strings.Join(p, "\n"))
	}
	data := r.Resource("three-public")
	if data == nil || len(data.Rows) != 2 || !data.RelationsChecked {
		t.Fatalf("data.csv: %+v", data)
	}
	byDept := map[string]map[string]any{}
	for _, row := range data.Rows {
		byDept[cell(row, "dept_code")] = row
	}
	for _, c := range []struct{ dept, field, want string }{
		{"text 001", "total_yuan", "120000"},          // the correction: 12.00 万元
		{"text 001", "reception_yuan", "35000"},       // 3.50 万元
		{"text 002", "total_yuan", "10205000"},        // "1,020.50" 万元 as uploaded
		{"text 002", "outbound_trips_yuan", "200000"}, // 20.00 万元
		{"text 002", "budget_total_yuan", "null"},     // left blank: 未公开, not 0
		{"text 002", "budget_reception_yuan", "null"}, // 未公开
		{"text 002", "trip_groups", "2"},
		{"text 002", "release", "3"},
	} {
		row, ok := byDept[c.dept]
		if !ok {
			t.Fatalf("no row of department %s: %v", c.dept, data.Rows)
		}
		if got := cell(row, c.field); got != c.want {
			t.Errorf("department %s %s: read %s, want %s", c.dept, c.field, got, c.want)
		}
	}
	if f := r.Resource("filings"); f == nil || len(f.Rows) != 2 {
		t.Fatalf("filings.csv: %+v", f)
	}

	// The bulk ZIP of 431081-2024: three datasets, each with its filings.
	w := a.get(t, "/api/v1/bulk/431081-2024.zip")
	if w.Code != 200 {
		t.Fatalf("bulk: %d %s", w.Code, w.Body)
	}
	zipPath := filepath.Join(t.TempDir(), "431081-2024.zip")
	if err := os.WriteFile(zipPath, w.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r = exportstest.ReadWithFrictionlessJS(t, zipPath)
	if p := r.Problems(true); len(p) > 0 {
		t.Fatalf("the JavaScript reader refuses the bulk ZIP:\n%s", strings.Join(p, "\n"))
	}
	rows := map[string]int{}
	for _, res := range r.Resources {
		rows[res.Name] = len(res.Rows)
	}
	want := map[string]int{
		"431081-2024-budget-three_public": 1, "431081-2024-budget-three_public.filings": 1,
		"431081-2024-budget-line_items": 13, "431081-2024-budget-line_items.filings": 1,
		"431081-2024-final-three_public": 2, "431081-2024-final-three_public.filings": 2,
	}
	if len(rows) != len(want) {
		t.Fatalf("resources read: %v, want %v", rows, want)
	}
	for name, n := range want {
		if rows[name] != n {
			t.Errorf("%s: %d rows read, want %d", name, rows[name], n)
		}
	}
	items := r.Resource("431081-2024-budget-line_items")
	if items == nil || len(items.Rows) == 0 || cell(items.Rows[0], "amount_yuan") != "1000000" {
		t.Fatalf("line items in 元: %+v", items)
	}
	budget := r.Resource("431081-2024-budget-three_public")
	if budget == nil || len(budget.Rows) != 1 || cell(budget.Rows[0], "total_yuan") != "150000" ||
		cell(budget.Rows[0], "vehicle_purchase_yuan") != "0" {
		t.Fatalf("budget 三公: %+v", budget)
	}
}
