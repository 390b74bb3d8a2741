package charts

import (
	"encoding/json"
	"strconv"

	"sunshine/models"
)

// Option is an Apache ECharts option that echarts.init(el).setOption(option)
// renders as it is: series with their type, pie items with name and value,
// axis names, the unit (万元) in the title, the axis names and the series
// names. It is data only: no function, so it travels as JSON. The figures in
// it are the chart's display figures as numbers (万元, two decimals, rounded
// as Display rounds them); the exact figures in fen stay in the chart's own
// fields beside it, and every share or rate it prints is the one this package
// computed, never one ECharts would compute.
type Option map[string]any

type obj = map[string]any

// wanNumber is an amount as an ECharts value: 万元 with two decimals, a JSON
// number ("12.35"), or null when not disclosed.
func wanNumber(n models.NullMoney) any {
	if !n.Valid {
		return nil
	}
	return json.Number(n.Money.FormatRounded(models.WanYuan, 2, false))
}

// optionBase is what every option shares: the title with its unit, a white
// background, the ARIA description ECharts writes for screen readers.
func optionBase(title, subtext string) Option {
	return Option{
		"title":           obj{"text": title, "subtext": subtext, "left": 8, "top": 4, "textStyle": obj{"fontSize": 15}},
		"backgroundColor": "#fff",
		"aria":            obj{"enabled": true},
		"color":           []string{itemColors[ItemTotal], itemColors[ItemOutboundTrips], itemColors[ItemVehicles], itemColors[ItemReception], itemColors[ItemVehiclePurchase], itemColors[ItemVehicleOperation]},
	}
}

// subtext joins the parts of a subtitle, the caller's note last.
func subtext(note string, parts ...string) string {
	return joinNonEmpty(" · ", append(parts, note)...)
}

// TrendOption is the trend as ECharts lines: a category axis of years, one
// line per item and phase, budget dashed; a year without a figure is a gap.
func TrendOption(d TrendData) Option {
	o := optionBase(trendTitle(d), subtext(d.Source.Note, d.RegionName, "单位：万元", "实线：决算，虚线：预算"))
	o["tooltip"] = obj{"trigger": "axis"}
	var names []string
	var series []obj
	for _, s := range d.Series {
		name := items[s.Item].name + "（" + s.Phase.Chinese() + "，万元）"
		names = append(names, name)
		data := make([]any, len(s.Data))
		for i, v := range s.Data {
			data[i] = wanNumber(v)
		}
		line := "solid"
		if s.Phase != models.PhaseFinal {
			line = "dashed"
		}
		color := itemColors[s.Item]
		series = append(series, obj{"type": "line", "name": name, "data": data, "connectNulls": false,
			"itemStyle": obj{"color": color}, "lineStyle": obj{"color": color, "type": line}})
	}
	o["legend"] = obj{"type": "scroll", "bottom": 0, "data": names}
	o["grid"] = obj{"left": 8, "right": 24, "top": 72, "bottom": 40, "containLabel": true}
	o["xAxis"] = obj{"type": "category", "name": "年度", "data": d.Categories}
	o["yAxis"] = obj{"type": "value", "name": "万元"}
	o["series"] = orEmpty(series)
	return o
}

// CompositionOption is the composition as two pies: the three items, and the
// vehicle money by purchase and operation. Only disclosed parts are slices;
// each slice's label carries the share this package computed.
func CompositionOption(d CompositionData) Option {
	o := optionBase(compositionTitle(d), subtext(d.Source.Note, strconv.Itoa(d.Departments)+" 个部门", "单位：万元", "三项合计 "+wanText(d.ItemsSum)))
	o["tooltip"] = obj{"trigger": "item", "formatter": "{a}<br/>{b}：{c} 万元"}
	o["legend"] = obj{"type": "scroll", "bottom": 0}
	slices := func(parts []Part) []obj {
		out := []obj{}
		for _, p := range parts {
			if !p.Amount.Valid {
				continue
			}
			label := p.Name + "\n" + string(display(p.Amount)) + " 万元"
			if p.Share != "" {
				label += "（" + string(p.Share) + "%）"
			}
			out = append(out, obj{"name": p.Name, "value": wanNumber(p.Amount),
				"itemStyle": obj{"color": itemColors[p.Item]}, "label": obj{"formatter": label}})
		}
		return out
	}
	o["series"] = []obj{
		{"type": "pie", "name": "三公经费三项（万元）", "center": []string{"28%", "55%"}, "radius": []string{"0%", "45%"},
			"data": slices(d.Items)},
		{"type": "pie", "name": "公务用车购置费与运行费（万元）", "center": []string{"75%", "55%"}, "radius": []string{"0%", "35%"},
			"data": slices(d.Vehicles)},
	}
	return o
}

// RankingOption is the ranking as horizontal bars, largest first; a
// department that did not disclose the item has a null bar and "（未公开）" after its name.
func RankingOption(d RankingData) Option {
	sub := strconv.Itoa(d.Disclosed) + " 个部门"
	if d.NotDisclosed > 0 {
		sub += "，另有 " + strconv.Itoa(d.NotDisclosed) + " 个未公开"
	}
	o := optionBase(rankingTitle(d), subtext(d.Source.Note, sub, "单位：万元"))
	o["tooltip"] = obj{"trigger": "axis", "axisPointer": obj{"type": "shadow"}}
	names := make([]string, len(d.Rows))
	data := make([]any, len(d.Rows))
	for i, r := range d.Rows {
		names[i] = r.DeptName
		if !r.Disclosed {
			names[i] += "（未公开）"
		}
		data[i] = wanNumber(r.Amount)
	}
	o["grid"] = obj{"left": 8, "right": 64, "top": 64, "bottom": 8, "containLabel": true}
	o["xAxis"] = obj{"type": "value", "name": "万元"}
	o["yAxis"] = obj{"type": "category", "inverse": true, "data": names, "axisLabel": obj{"interval": 0}}
	o["series"] = []obj{{"type": "bar", "name": d.ItemName + "（万元）", "data": data,
		"itemStyle": obj{"color": itemColors[d.Item]}, "label": obj{"show": true, "position": "right"}}}
	return o
}

// BudgetVsFinalOption is each department's budget and final 合计 as a pair of
// bars, the final in red where it exceeds the budget.
func BudgetVsFinalOption(d BudgetVsFinalData) Option {
	o := optionBase(budgetTitle(d), subtext(d.Source.Note, budgetSummary(d), "单位：万元"))
	o["tooltip"] = obj{"trigger": "axis", "axisPointer": obj{"type": "shadow"}}
	names := make([]string, len(d.Rows))
	budget := make([]any, len(d.Rows))
	final := make([]any, len(d.Rows))
	for i, r := range d.Rows {
		names[i] = r.DeptName
		budget[i] = wanNumber(r.Budget)
		v := wanNumber(r.Final)
		if r.OverBudget {
			v = obj{"value": v, "itemStyle": obj{"color": colorOver}}
		}
		final[i] = v
	}
	o["legend"] = obj{"bottom": 0, "data": []string{"预算（万元）", "决算（万元）"}}
	o["grid"] = obj{"left": 8, "right": 64, "top": 72, "bottom": 32, "containLabel": true}
	o["xAxis"] = obj{"type": "value", "name": "万元"}
	o["yAxis"] = obj{"type": "category", "inverse": true, "data": names, "axisLabel": obj{"interval": 0}}
	o["series"] = []obj{
		{"type": "bar", "name": "预算（万元）", "data": budget, "itemStyle": obj{"color": colorBudget}},
		{"type": "bar", "name": "决算（万元）", "data": final, "itemStyle": obj{"color": itemColors[ItemTotal]}},
	}
	return o
}

func orEmpty(s []obj) []obj {
	if s == nil {
		return []obj{}
	}
	return s
}
