package charts

import (
	"sort"

	"sunshine/models"
)

// Where a department's budget figures came from, best first.
const (
	BudgetFromFinalAccount = "final_account" // the 预算数 columns the final account prints beside its 决算数
	BudgetFromAdjusted     = "adjusted"      // the published 调整预算
	BudgetFromBudget       = "budget"        // the published 年初预算
)

// BudgetVsFinalData compares each department's budget with its final accounts for a year.
type BudgetVsFinalData struct {
	RegionCode  string `json:"region_code"`
	RegionName  string `json:"region_name"`
	Year        int    `json:"year"`
	Unit        string `json:"unit"`         // 元
	DisplayUnit string `json:"display_unit"` // 万元
	// Rows are the departments with any filing for the year, by department code.
	Rows []BudgetRow `json:"rows"`
	// Summary adds up the 合计 of the departments that disclosed both budget and final (Counted of them).
	Summary Execution `json:"summary"`
	// Totals add up each item (合计, then the three items) over the departments that disclosed
	// both its budget and its final; Totals[0] is Summary. Each has its own Counted.
	Totals     []ExecutionTotal `json:"totals"`
	Counted    int              `json:"counted"`
	OverBudget int              `json:"over_budget"` // departments whose 合计 决算 exceeds its budget
	Source     Source           `json:"source"`
	// Option is the same chart as an ECharts option (echarts.go), to hand to setOption as it is.
	Option Option `json:"option"`
}

// BudgetRow is one department: its 合计 and each of the three items.
type BudgetRow struct {
	DeptCode string `json:"dept_code"`
	DeptName string `json:"dept_name"`
	// BudgetSource is final_account, adjusted or budget; "" when the department has no budget figure.
	BudgetSource string `json:"budget_source"`
	Execution
	Items []Execution `json:"items"` // outbound_trips, vehicles, reception
	// Filings are the filings the row's figures came from: the budget's (when not the final's own 预算数) and the final's.
	Filings []FilingRef `json:"filings"`
}

// Execution is budget against final for one item.
type Execution struct {
	Item          string           `json:"item"`
	Name          string           `json:"name"`
	Budget        models.NullMoney `json:"budget"`
	BudgetDisplay Display          `json:"budget_display"`
	Final         models.NullMoney `json:"final"`
	FinalDisplay  Display          `json:"final_display"`
	Rate          Percent          `json:"rate"`        // 执行率 = final / budget, e.g. "96.4"; null without both or with a zero budget
	OverBudget    bool             `json:"over_budget"` // final > budget (DOMAIN.md §5 rule 15)
}

// ExecutionTotal is one item's budget and final added up over Counted departments.
type ExecutionTotal struct {
	Execution
	Counted int `json:"counted"`
}

func execution(key string, budget, final models.NullMoney) Execution {
	e := Execution{Item: key, Name: items[key].name, Budget: budget, BudgetDisplay: display(budget),
		Final: final, FinalDisplay: display(final)}
	if budget.Valid && final.Valid {
		e.Rate = percent(final.Money, budget.Money)
		e.OverBudget = final.Money > budget.Money
	}
	return e
}

// BudgetVsFinal returns, per department, its budget and final for the year.
// The budget is the one the final account prints (预算数) when it does; else the
// published 调整预算; else the 年初预算. One source is used for all of a row's items.
func BudgetVsFinal(records []Record, year int) BudgetVsFinalData {
	recs := latest(records, func(r *Record) bool { return r.FiscalYear == year })
	d := BudgetVsFinalData{Year: year, Unit: string(models.Yuan), DisplayUnit: string(models.WanYuan),
		Rows: []BudgetRow{}}
	d.RegionCode, d.RegionName = region(recs)
	var used []Record // the releases named are those of the records a figure came from

	byDept := map[string]map[models.Phase]*Record{}
	var depts []string
	for i := range recs {
		r := &recs[i]
		if byDept[r.DeptCode] == nil {
			byDept[r.DeptCode] = map[models.Phase]*Record{}
			depts = append(depts, r.DeptCode)
		}
		byDept[r.DeptCode][r.Phase] = r
	}
	sort.Strings(depts)

	for _, code := range depts {
		phases := byDept[code]
		row := BudgetRow{DeptCode: code, Filings: []FilingRef{}}
		final := phases[models.PhaseFinal]
		budgetOf := func(key string) models.NullMoney { return models.NotDisclosed }
		var budgetRec *Record
		switch {
		case final != nil && final.ThreePublic.BudgetTotal.Valid:
			row.BudgetSource = BudgetFromFinalAccount
			budgetOf = func(key string) models.NullMoney { return items[key].budget(&final.ThreePublic) }
		case phases[models.PhaseAdjusted] != nil:
			row.BudgetSource, budgetRec = BudgetFromAdjusted, phases[models.PhaseAdjusted]
		case phases[models.PhaseBudget] != nil:
			row.BudgetSource, budgetRec = BudgetFromBudget, phases[models.PhaseBudget]
		}
		if budgetRec != nil {
			budgetOf = func(key string) models.NullMoney { return items[key].actual(&budgetRec.ThreePublic) }
		}
		for _, r := range []*Record{budgetRec, final} {
			if r != nil {
				row.DeptName = r.DeptName
				row.Filings = append(row.Filings, FilingRef{Year: year, Phase: r.Phase, FilingID: r.FilingID, Version: r.Version})
				used = append(used, *r)
			}
		}
		finalOf := func(key string) models.NullMoney {
			if final == nil {
				return models.NotDisclosed
			}
			return items[key].actual(&final.ThreePublic)
		}
		row.Execution = execution(ItemTotal, budgetOf(ItemTotal), finalOf(ItemTotal))
		for _, key := range trendItems[1:] {
			row.Items = append(row.Items, execution(key, budgetOf(key), finalOf(key)))
		}
		if row.OverBudget {
			d.OverBudget++
		}
		d.Rows = append(d.Rows, row)
	}
	for _, key := range trendItems {
		var b, f models.Money
		n := 0
		for _, row := range d.Rows {
			e := row.Execution
			if key != ItemTotal {
				for _, it := range row.Items {
					if it.Item == key {
						e = it
					}
				}
			}
			if e.Budget.Valid && e.Final.Valid {
				b += e.Budget.Money
				f += e.Final.Money
				n++
			}
		}
		t := ExecutionTotal{Execution: execution(key, models.NotDisclosed, models.NotDisclosed)}
		if n > 0 {
			t = ExecutionTotal{Execution: execution(key, models.Disclosed(b), models.Disclosed(f)), Counted: n}
		}
		d.Totals = append(d.Totals, t)
	}
	d.Summary, d.Counted = d.Totals[0].Execution, d.Totals[0].Counted
	d.Source = sourceOf(used)
	d.Option = BudgetVsFinalOption(d)
	return d
}
