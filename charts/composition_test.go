package charts

import (
	"encoding/json"
	"strings"
	"testing"

	"sunshine/models"
)

func TestComposition_SharesOfDisclosedParts(t *testing.T) {
	d := Composition(cityRecords(t), 2023, models.PhaseFinal)
	if d.Departments != 5 || d.RegionName != regionName {
		t.Fatalf("departments = %d, region = %q", d.Departments, d.RegionName)
	}
	type want struct {
		item     string
		amount   string // 元
		display  Display
		share    Percent
		counted  int
		excluded int
	}
	check := func(p Part, w want) {
		t.Helper()
		if p.Item != w.item || p.Amount != yuan(t, w.amount) || p.Display != w.display || p.Share != w.share ||
			p.Counted != w.counted || p.Excluded != w.excluded {
			t.Errorf("part = %+v, want %+v", p, w)
		}
	}
	// 机关事务服务中心 did not disclose its trips, so it is left out of that part only.
	check(d.Items[0], want{"outbound_trips", "54500.00", "5.45", "7.2", 4, 1})
	check(d.Items[1], want{"vehicles", "553200.00", "55.32", "72.8", 5, 0})
	check(d.Items[2], want{"reception", "152500.00", "15.25", "20.1", 5, 0})
	if d.ItemsSum != yuan(t, "760200.00") || d.ItemsSumDisplay != "76.02" {
		t.Errorf("items sum = %v %q", d.ItemsSum, d.ItemsSumDisplay)
	}
	check(d.Vehicles[0], want{"vehicle_purchase", "148000.00", "14.80", "45.9", 4, 1})
	check(d.Vehicles[1], want{"vehicle_operation", "174200.00", "17.42", "54.1", 4, 1})
	if d.VehiclesSum != yuan(t, "322200.00") {
		t.Errorf("vehicles sum = %v", d.VehiclesSum)
	}
	// The 合计 column, for reference: the final's 决算数, never its 预算数.
	if d.Total.Amount != yuan(t, "495700.00") || d.Total.Excluded != 1 || d.Total.Share != "" {
		t.Errorf("total = %+v", d.Total)
	}
	if len(d.Source.Releases) != 1 || d.Source.Releases[0].String() != "990101-2023-final-three_public 第 1 版" {
		t.Errorf("source = %+v", d.Source)
	}
	b, err := json.Marshal(d.Items[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"item":"outbound_trips","name":"因公出国(境)费","amount":54500.00,"display":"5.45","share":"7.2","counted":4,"excluded":1}`; string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
}

func TestComposition_EdgeCases(t *testing.T) {
	b := models.PhaseBudget
	tests := []struct {
		name      string
		records   []Record
		sum       models.NullMoney
		shares    []Percent
		excluded  []int
		vehShares []Percent
	}{
		{"no records", nil, models.NotDisclosed, []Percent{"", "", ""}, []int{0, 0, 0}, []Percent{"", ""}},
		{"nothing disclosed",
			[]Record{rec("104", 2024, b, tp(t, "", "", "", "", "", ""))},
			models.NotDisclosed, []Percent{"", "", ""}, []int{1, 1, 1}, []Percent{"", ""}},
		{"disclosed as zero is not a share of anything",
			[]Record{rec("105", 2024, b, tp(t, "0", "0", "0", "0", "0", "0"))},
			models.Disclosed(0), []Percent{"", "", ""}, []int{0, 0, 0}, []Percent{"", ""}},
		{"one item only",
			[]Record{rec("103", 2024, b, tp(t, "2.20", "0", "0", "0", "0", "2.20"))},
			wan(t, "2.20"), []Percent{"0.0", "0.0", "100.0"}, []int{0, 0, 0}, []Percent{"", ""}},
		{"other years and phases are ignored",
			[]Record{rec("101", 2024, b, tp(t, "10.50", "2.00", "6.50", "0", "6.50", "2.00")),
				rec("101", 2023, b, tp(t, "11.20", "2.50", "6.60", "0", "6.60", "2.10")),
				rec("101", 2024, models.PhaseAdjusted, tp(t, "9.00", "1.00", "6.00", "0", "6.00", "2.00"))},
			wan(t, "10.50"), []Percent{"19.0", "61.9", "19.0"}, []int{0, 0, 0}, []Percent{"0.0", "100.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Composition(tt.records, 2024, b)
			if d.ItemsSum != tt.sum {
				t.Errorf("sum = %v, want %v", d.ItemsSum, tt.sum)
			}
			for i, p := range d.Items {
				if p.Share != tt.shares[i] || p.Excluded != tt.excluded[i] {
					t.Errorf("%s: share %q excluded %d, want %q %d", p.Item, p.Share, p.Excluded, tt.shares[i], tt.excluded[i])
				}
			}
			for i, p := range d.Vehicles {
				if p.Share != tt.vehShares[i] {
					t.Errorf("%s: share %q, want %q", p.Item, p.Share, tt.vehShares[i])
				}
			}
			js, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.sum.Valid && !strings.Contains(string(js), `"items_sum":null`) {
				t.Errorf("an undisclosed sum must marshal as null: %s", js)
			}
		})
	}
}
