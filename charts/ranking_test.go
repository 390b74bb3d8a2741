package charts

import (
	"encoding/json"
	"strings"
	"testing"

	"sunshine/models"
)

func TestRanking_DescendingTiesShareRankNotDisclosedLast(t *testing.T) {
	type row struct {
		rank      int
		dept      string
		display   Display
		disclosed bool
	}
	tests := []struct {
		item string
		want []row
	}{
		{"reception", []row{
			{1, "102", "6.20", true}, {2, "104", "3.35", true},
			{3, "101", "1.90", true}, {3, "103", "1.90", true}, {3, "105", "1.90", true}, // a three-way tie, by code
		}},
		{"outbound_trips", []row{
			{1, "102", "3.85", true}, {2, "101", "1.60", true},
			{3, "103", "0.00", true}, {3, "105", "0.00", true}, // disclosed as zero is ranked
			{0, "104", "", false}, // not disclosed: last, unranked
		}},
		{"total", []row{
			{1, "102", "31.47", true}, {2, "101", "10.02", true}, {3, "103", "4.98", true}, {4, "105", "3.10", true},
			{0, "104", "", false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.item, func(t *testing.T) {
			d, err := Ranking(cityRecords(t), 2023, models.PhaseFinal, tt.item)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Rows) != len(tt.want) {
				t.Fatalf("%d rows, want %d", len(d.Rows), len(tt.want))
			}
			nd := 0
			for i, w := range tt.want {
				r := d.Rows[i]
				if r.Rank != w.rank || r.DeptCode != w.dept || r.Display != w.display || r.Disclosed != w.disclosed {
					t.Errorf("row %d = %d %s %q %v, want %+v", i, r.Rank, r.DeptCode, r.Display, r.Disclosed, w)
				}
				if !w.disclosed {
					nd++
				}
			}
			if d.NotDisclosed != nd || d.Disclosed != len(tt.want)-nd {
				t.Errorf("disclosed %d, not %d", d.Disclosed, d.NotDisclosed)
			}
		})
	}
}

func TestRanking_JSONMarksNotDisclosed(t *testing.T) {
	d, err := Ranking(cityRecords(t), 2023, models.PhaseFinal, "outbound_trips")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(d.Rows[len(d.Rows)-1])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"dept_code":"104","dept_name":"阳光市机关事务服务中心","amount":null,"display":null,"disclosed":false,"filing_id":23504,"version":1}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if d.ItemName != "因公出国(境)费" {
		t.Errorf("item name = %q", d.ItemName)
	}
}

func TestRanking_RefusesUnknownItem(t *testing.T) {
	_, err := Ranking(cityRecords(t), 2023, models.PhaseFinal, "budget_total")
	if models.ErrorCode(err) != models.EINVALID || !strings.Contains(err.Error(), "budget_total") {
		t.Errorf("err = %v, want EINVALID naming the item", err)
	}
}

func TestRanking_EmptyInput(t *testing.T) {
	d, err := Ranking(nil, 2023, models.PhaseFinal, "total")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(d)
	if len(d.Rows) != 0 || !strings.Contains(string(b), `"rows":[]`) || !strings.Contains(string(b), `"releases":[]`) {
		t.Errorf("got %s", b)
	}
}

func TestRankingSVG_TotalIsNamedInFull(t *testing.T) {
	d, err := Ranking(cityRecords(t), 2023, models.PhaseFinal, ItemTotal)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rankingTitle(d), "阳光市（演示数据）2023年各部门三公经费合计排名（决算）"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	if desc := rankingDesc(d); !strings.Contains(desc, "4 个部门公开了三公经费合计") || !strings.Contains(desc, "第 1 名 阳光市教育局 31.47；第 2 名 阳光市财政局 10.02") {
		t.Errorf("desc = %s", desc)
	}
}
