package charts

import (
	"encoding/json"
	"strings"
	"testing"

	"sunshine/models"
)

// optionJSON is an option as a portal's script receives it.
func optionJSON(t *testing.T, o Option) map[string]any {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func series(t *testing.T, o map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, s := range o["series"].([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}

func TestOption_FiguresAreTheDisplayedOnesInWanYuan(t *testing.T) {
	rs := cityRecords(t)
	tr := Trend(rs, "101")
	o := optionJSON(t, tr.Option)
	if title := o["title"].(map[string]any); !strings.Contains(title["subtext"].(string), "单位：万元") || title["text"] != trendTitle(tr) {
		t.Errorf("title %v", title)
	}
	ss := series(t, o)
	if len(ss) != len(tr.Series) {
		t.Fatalf("%d series, want %d", len(ss), len(tr.Series))
	}
	for i, s := range ss {
		if s["type"] != "line" || !strings.HasSuffix(s["name"].(string), "万元）") {
			t.Errorf("series %d: type %v, name %v", i, s["type"], s["name"])
		}
		for j, v := range s["data"].([]any) {
			want := tr.Series[i].Display[j]
			switch {
			case want == "" && v != nil:
				t.Errorf("series %d year %d: %v for a figure not disclosed, want null", i, j, v)
			case want != "" && v.(json.Number).String() != strings.ReplaceAll(string(want), ",", ""):
				t.Errorf("series %d year %d: %v, the chart displays %s", i, j, v, want)
			}
		}
	}

	comp := Composition(rs, 2023, models.PhaseFinal)
	pies := series(t, optionJSON(t, comp.Option))
	if len(pies) != 2 || pies[0]["type"] != "pie" {
		t.Fatalf("composition series %v", pies)
	}
	for _, item := range pies[0]["data"].([]any) {
		it := item.(map[string]any)
		if it["name"] == nil || it["value"] == nil {
			t.Errorf("pie item without name or value: %v", it)
		}
		label := it["label"].(map[string]any)["formatter"].(string)
		for _, p := range comp.Items {
			if p.Name == it["name"] && !strings.Contains(label, string(p.Share)+"%") {
				t.Errorf("pie label %q lacks the computed share %s%%", label, p.Share)
			}
		}
	}

	rank, err := Ranking(rs, 2023, models.PhaseFinal, ItemOutboundTrips)
	if err != nil {
		t.Fatal(err)
	}
	ro := optionJSON(t, rank.Option)
	bars := series(t, ro)
	names := ro["yAxis"].(map[string]any)["data"].([]any)
	if len(bars) != 1 || bars[0]["type"] != "bar" || len(names) != len(rank.Rows) {
		t.Fatalf("ranking: %v, %d names for %d rows", bars, len(names), len(rank.Rows))
	}
	last := rank.Rows[len(rank.Rows)-1]
	if last.Disclosed || bars[0]["data"].([]any)[len(names)-1] != nil || !strings.HasSuffix(names[len(names)-1].(string), "（未公开）") {
		t.Errorf("the undisclosed department: %v %v", names[len(names)-1], bars[0]["data"])
	}

	bvf := BudgetVsFinal(rs, 2023)
	bs := series(t, optionJSON(t, bvf.Option))
	if len(bs) != 2 || bs[0]["name"] != "预算（万元）" || bs[1]["name"] != "决算（万元）" {
		t.Fatalf("budget-vs-final series %v", bs)
	}
	for i, r := range bvf.Rows {
		v := bs[1]["data"].([]any)[i]
		if r.OverBudget {
			if m, ok := v.(map[string]any); !ok || m["itemStyle"].(map[string]any)["color"] != colorOver {
				t.Errorf("%s is over budget but its bar is %v", r.DeptName, v)
			}
		}
	}
}

func TestOption_EmptyChartsStillHaveSeries(t *testing.T) {
	ranking, _ := Ranking(nil, 2024, models.PhaseFinal, ItemTotal)
	for name, o := range map[string]Option{
		"trend":       Trend(nil, "101").Option,
		"composition": Composition(nil, 2024, models.PhaseFinal).Option,
		"ranking":     ranking.Option,
		"budget":      BudgetVsFinal(nil, 2024).Option,
	} {
		j := optionJSON(t, o)
		if _, ok := j["series"].([]any); !ok {
			t.Errorf("%s: series %v, want an array", name, j["series"])
		}
	}
}
