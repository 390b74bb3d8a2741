package layout

import (
	"strings"
	"testing"
)

// The 财务收支预算总表 of Shanghai's 2025 budgets: 一、财政拨款收入 over its
// funds, and the spending side split into 人员经费 | 公用经费 | 项目支出 beside 合计.
func budgetSummary(parent, personnel, total string) *Sheet {
	return sheet("表1",
		[]string{"2025年预算单位财务收支预算总表"},
		[]string{"编制单位：上海市财政局", "", "", "", "", "", "单位：元"},
		[]string{"本年收入", "=", "本年支出", "=", "=", "=", "="},
		[]string{"项目", "预算数", "项目", "预算数", "=", "=", "="},
		[]string{"", "", "", "合计", "基本支出", "=", "项目支出"},
		[]string{"", "", "", "", "人员经费", "公用经费", ""},
		[]string{"一、财政拨款收入", parent, "一、一般公共服务支出", total, personnel, "24531459", "43025130"},
		[]string{"1、一般公共预算资金", "171915169", "二、社会保障和就业支出", "17560320", "15714000", "646320", "1200000"},
		[]string{"2、政府性基金", "", "三、卫生健康支出", "4668000", "4620000", "", "48000"},
		[]string{"3、国有资本经营预算", "", "四、住房保障支出", "21800000", "21800000", "", ""},
		[]string{"二、事业收入", "", "", "", "", "", ""},
		[]string{"收入总计", "171915169", "支出总计", "171915169", "102464260", "25177779", "44273130"},
	)
}

func TestRead_SummaryFundRowAndBreakdownColumnsAreCheckedNotKept(t *testing.T) {
	ts := Read(budgetSummary("171915169", "60330260", "127886849"))
	if len(ts) != 1 {
		t.Fatalf("%d tables", len(ts))
	}
	tab := ts[0]
	for _, f := range tab.Findings {
		t.Errorf("finding %s %s", f.Ref, f.Message)
	}
	got := lines(tab)
	want := map[string]string{"general_budget/amount": "171915169", "income_total/amount": "171915169",
		"201/amount": "127886849", "208/amount": "17560320", "210/amount": "4668000", "221/amount": "21800000",
		"expenditure_total/amount": "171915169"}
	if len(got) != len(want) {
		t.Errorf("lines %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestRead_SummaryFundRowThatDisagreesIsAFindingAtItsCell(t *testing.T) {
	tab := Read(budgetSummary("171915179", "60330260", "127886849"))[0]
	if len(tab.Findings) != 1 {
		t.Fatalf("findings %+v", tab.Findings)
	}
	f := tab.Findings[0]
	if f.Rule != RuleCellEnum || f.Ref != "表1!B7" || !strings.Contains(f.Message, "一、财政拨款收入") ||
		!strings.Contains(f.Message, "171915169") {
		t.Errorf("finding %+v", f)
	}
}

func TestRead_SummaryBreakdownThatDisagreesIsAFindingAtTheTotal(t *testing.T) {
	// 人员经费 misread by 1,000 元: 合计 no longer equals 人员 + 公用 + 项目.
	tab := Read(budgetSummary("171915169", "60331260", "127886849"))[0]
	if len(tab.Findings) != 1 {
		t.Fatalf("findings %+v", tab.Findings)
	}
	f := tab.Findings[0]
	if f.Rule != RuleCellEnum || f.Ref != "表1!D7" || !strings.Contains(f.Message, "127887849") ||
		!strings.Contains(f.Message, "人员经费、公用经费、项目支出") {
		t.Errorf("finding %+v", f)
	}
	// Within the rounding of whole 元: (3 + 1) × 0.5 = 2 元 allowed.
	if tab := Read(budgetSummary("171915169", "60330262", "127886849"))[0]; len(tab.Findings) != 0 {
		t.Errorf("a 2 元 rounding difference is a finding: %+v", tab.Findings)
	}
	if tab := Read(budgetSummary("171915169", "60330263", "127886849"))[0]; len(tab.Findings) != 1 {
		t.Errorf("a 3 元 difference is no finding: %+v", tab.Findings)
	}
}

func TestRead_SummaryFundRowWithoutItsFundsIsAFinding(t *testing.T) {
	s := sheet("表1",
		[]string{"2025年部门收支总表"},
		[]string{"单位：元"},
		[]string{"项目", "预算数", "项目", "预算数"},
		[]string{"一、财政拨款收入", "100.00", "一、一般公共服务支出", "100.00"},
		[]string{"二、事业收入", "", "", ""},
		[]string{"收入总计", "100.00", "支出总计", "100.00"},
	)
	tab := Read(s)[0]
	if len(tab.Findings) != 1 || tab.Findings[0].Ref != "表1!B4" || !strings.Contains(tab.Findings[0].Message, "无法保存") {
		t.Fatalf("findings %+v", tab.Findings)
	}
	if _, ok := lines(tab)["general_budget/amount"]; ok {
		t.Error("the sum of the funds was kept as one fund")
	}
}
