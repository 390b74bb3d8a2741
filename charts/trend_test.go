package charts

import (
	"encoding/json"
	"strings"
	"testing"

	"sunshine/models"
)

func TestTrend_BudgetAndFinalSideBySideByYear(t *testing.T) {
	d := Trend(cityRecords(t), "101")
	if d.DeptName != "阳光市财政局" || d.RegionName != regionName || d.RegionCode != regionCode {
		t.Errorf("names = %q %q %q", d.DeptName, d.RegionCode, d.RegionName)
	}
	if got := strings.Join(d.Categories, ","); got != "2021,2022,2023,2024" {
		t.Errorf("categories = %s", got)
	}
	if len(d.Series) != 8 {
		t.Fatalf("%d series, want 4 items × 2 phases", len(d.Series))
	}
	wantNames := []string{"合计（预算）", "合计（决算）", "因公出国(境)费（预算）", "因公出国(境)费（决算）",
		"公务用车购置及运行费（预算）", "公务用车购置及运行费（决算）", "公务接待费（预算）", "公务接待费（决算）"}
	for i, s := range d.Series {
		if s.Name != wantNames[i] {
			t.Errorf("series %d = %q, want %q", i, s.Name, wantNames[i])
		}
		if len(s.Data) != 4 || len(s.Display) != 4 {
			t.Errorf("series %q not aligned with the 4 categories", s.Name)
		}
	}
	b, err := json.Marshal(d.Series[:2])
	if err != nil {
		t.Fatal(err)
	}
	// Exact 元 numbers; the 2024 final is not filed yet, so null, never 0.
	for _, want := range []string{
		`"data":[123500.00,118000.00,112000.00,105000.00]`,
		`"display":["12.35","11.80","11.20","10.50"]`,
		`"data":[119200.00,106400.00,100200.00,null]`,
		`"display":["11.92","10.64","10.02",null]`,
		`"item":"total","phase":"final"`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	if len(d.Filings) != 7 || len(d.Source.Releases) != 7 {
		t.Errorf("%d filings and %d releases, want 7 each", len(d.Filings), len(d.Source.Releases))
	}
	if r := d.Source.Releases[0]; r.DatasetID != "990101-2021-budget-three_public" || r.Number != 1 {
		t.Errorf("first release = %+v", r)
	}
}

func TestTrend_MissingYearIsNullAndNotDisclosedIsNull(t *testing.T) {
	b, f := models.PhaseBudget, models.PhaseFinal
	rs := []Record{
		rec("104", 2021, b, tp(t, "27.50", "0", "24.00", "0", "24.00", "3.50")),
		rec("104", 2023, f, tp(t, "", "", "23.10", "", "", "3.35")),
		rec("104", 2023, models.PhaseAdjusted, tp(t, "28.00", "0", "24.50", "0", "24.50", "3.50")),
		rec("101", 2022, b, tp(t, "11.80", "3.00", "6.60", "0", "6.60", "2.20")),
	}
	d := Trend(rs, "104")
	if got := strings.Join(d.Categories, ","); got != "2021,2022,2023" {
		t.Fatalf("categories = %s, want every year from first to last", got)
	}
	total := d.Series[1] // 合计（决算）
	if total.Data[2].Valid || total.Display[2] != "" {
		t.Errorf("not disclosed 2023 total = %v %q, want null", total.Data[2], total.Display[2])
	}
	if veh := d.Series[5]; !veh.Data[2].Valid || veh.Data[2].Money != 23100000 {
		t.Errorf("2023 vehicles = %v, want 231,000.00 元", veh.Data[2])
	}
	if d.Series[0].Data[1].Valid {
		t.Errorf("2022 has no filing but budget total = %v", d.Series[0].Data[1])
	}
	if len(d.Filings) != 2 {
		t.Errorf("filings = %+v, want the budget and final only (调整预算 is not drawn)", d.Filings)
	}
	desc := trendDesc(d)
	for _, want := range []string{"决算 2021年 无数据，2022年 无数据，2023年 未公开", "预算 2021年 27.50"} {
		if !strings.Contains(desc, want) {
			t.Errorf("desc lacks %q:\n%s", want, desc)
		}
	}
}

func TestTrend_UnknownDepartmentIsEmpty(t *testing.T) {
	for _, in := range [][]Record{nil, cityRecords(t)} {
		d := Trend(in, "999")
		if len(d.Categories) != 0 || len(d.Filings) != 0 || len(d.Source.Releases) != 0 {
			t.Errorf("got %+v, want empty", d)
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"categories":[]`) || !strings.Contains(string(b), `"data":[]`) {
			t.Errorf("empty trend should marshal empty arrays, not null: %s", b)
		}
	}
}
