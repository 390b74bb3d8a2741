package charts

import (
	"encoding/json"
	"strings"
	"testing"

	"sunshine/models"
)

func TestBudgetVsFinal_RatesAndOverBudget(t *testing.T) {
	d := BudgetVsFinal(cityRecords(t), 2023)
	tests := []struct {
		dept, source   string
		budget, final  Display
		rate           Percent
		over           bool
		vehRate        Percent
		vehiclesBudget Display
	}{
		{"101", BudgetFromFinalAccount, "11.20", "10.02", "89.5", false, "98.8", "6.60"},
		{"102", BudgetFromFinalAccount, "28.60", "31.47", "110.0", true, "115.2", "18.60"},
		{"103", BudgetFromFinalAccount, "5.40", "4.98", "92.2", false, "96.3", "3.20"},
		// No 预算数 in its final, so the published 年初预算 is the budget; its 合计 is blank on both sides.
		{"104", BudgetFromBudget, "", "", "", false, "96.3", "24.00"}, // 23.10 / 24.00 = 96.25 %, half up
		{"105", BudgetFromFinalAccount, "3.10", "3.10", "100.0", false, "100.0", "1.20"},
	}
	if len(d.Rows) != len(tests) {
		t.Fatalf("%d rows, want %d", len(d.Rows), len(tests))
	}
	for i, tt := range tests {
		r := d.Rows[i]
		if r.DeptCode != tt.dept || r.BudgetSource != tt.source || r.BudgetDisplay != tt.budget || r.FinalDisplay != tt.final ||
			r.Rate != tt.rate || r.OverBudget != tt.over {
			t.Errorf("row %d = %s %s %q %q %q %v, want %+v", i, r.DeptCode, r.BudgetSource, r.BudgetDisplay, r.FinalDisplay, r.Rate, r.OverBudget, tt)
		}
		if veh := r.Items[1]; veh.Item != ItemVehicles || veh.Rate != tt.vehRate || veh.BudgetDisplay != tt.vehiclesBudget {
			t.Errorf("%s vehicles = %+v, want rate %q budget %q", r.DeptCode, veh, tt.vehRate, tt.vehiclesBudget)
		}
	}
	if d.Counted != 4 || d.OverBudget != 1 {
		t.Errorf("counted %d, over budget %d; want 4 and 1", d.Counted, d.OverBudget)
	}
	if s := d.Summary; s.BudgetDisplay != "48.30" || s.FinalDisplay != "49.57" || s.Rate != "102.6" || !s.OverBudget {
		t.Errorf("summary = %+v", s)
	}
	// 102's purchase overran; its 出国 budget did not.
	if it := d.Rows[1].Items; it[0].OverBudget || !it[1].OverBudget || !it[2].OverBudget {
		t.Errorf("102 items = %+v", it)
	}
	// The finals' own 预算数 were used, so the 2023 budget release is named only for 104.
	want := []string{"990101-2023-budget-three_public 第 1 版", "990101-2023-final-three_public 第 1 版"}
	if len(d.Source.Releases) != 2 || d.Source.Releases[0].String() != want[0] || d.Source.Releases[1].String() != want[1] {
		t.Errorf("source = %+v", d.Source.Releases)
	}
	b, err := json.Marshal(d.Rows[3])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"item":"total","name":"合计","budget":null,"budget_display":null,"final":null,"final_display":null,"rate":null,"over_budget":false`) {
		t.Errorf("undisclosed totals must stay null: %s", b)
	}
}

func TestBudgetVsFinal_BudgetSourcePrecedence(t *testing.T) {
	b, a, f := models.PhaseBudget, models.PhaseAdjusted, models.PhaseFinal
	budget := rec("106", 2024, b, tp(t, "8.00", "3.00", "3.00", "0", "3.00", "2.00"))
	adjusted := rec("106", 2024, a, tp(t, "9.00", "4.00", "3.00", "0", "3.00", "2.00"))
	finalPlain := rec("106", 2024, f, tp(t, "8.55", "3.60", "2.95", "0", "2.95", "2.00"))
	finalWithBudget := rec("106", 2024, f, withBudget(t, tp(t, "8.55", "3.60", "2.95", "0", "2.95", "2.00"), "9.50", "4.50", "3.00", "0", "3.00", "2.00"))
	tests := []struct {
		name    string
		records []Record
		source  string
		budget  Display
		rate    Percent
		note    string
	}{
		{"the final's own 预算数 first", []Record{budget, adjusted, finalWithBudget}, BudgetFromFinalAccount, "9.50", "90.0", "执行率 90.0%"},
		{"then the adjusted budget", []Record{budget, adjusted, finalPlain}, BudgetFromAdjusted, "9.00", "95.0", "执行率 95.0%"},
		{"then the budget", []Record{budget, finalPlain}, BudgetFromBudget, "8.00", "106.9", "超预算 106.9%"},
		{"a budget without a final yet", []Record{budget}, BudgetFromBudget, "8.00", "", "尚无决算"},
		{"a final without any budget", []Record{finalPlain}, "", "", "", "无预算数"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := BudgetVsFinal(tt.records, 2024)
			if len(d.Rows) != 1 {
				t.Fatalf("%d rows", len(d.Rows))
			}
			r := d.Rows[0]
			if r.BudgetSource != tt.source || r.BudgetDisplay != tt.budget || r.Rate != tt.rate {
				t.Errorf("got %s %q %q, want %s %q %q", r.BudgetSource, r.BudgetDisplay, r.Rate, tt.source, tt.budget, tt.rate)
			}
			if note, _ := rateNote(r); note != tt.note {
				t.Errorf("note = %q, want %q", note, tt.note)
			}
		})
	}
}

func TestBudgetVsFinal_ZeroBudgetHasNoRateButIsOver(t *testing.T) {
	rs := []Record{rec("106", 2024, models.PhaseFinal, withBudget(t, tp(t, "0.80", "0", "0", "0", "0", "0.80"), "0", "0", "0", "0", "0", "0"))}
	r := BudgetVsFinal(rs, 2024).Rows[0]
	if r.Rate != "" || !r.OverBudget {
		t.Errorf("rate %q over %v, want no rate and over budget", r.Rate, r.OverBudget)
	}
	if note, _ := rateNote(r); note != "超预算（预算为 0）" {
		t.Errorf("note = %q", note)
	}
}

func TestBudgetVsFinal_EmptyInput(t *testing.T) {
	d := BudgetVsFinal(nil, 2024)
	b, _ := json.Marshal(d)
	if len(d.Rows) != 0 || d.Counted != 0 || !strings.Contains(string(b), `"rows":[]`) || !strings.Contains(string(b), `"rate":null`) {
		t.Errorf("got %s", b)
	}
}
