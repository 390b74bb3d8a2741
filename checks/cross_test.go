package checks_test

import (
	"testing"

	"sunshine/checks"
	"sunshine/models"
)

var crossSummaryIncomeCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "consistent final", filing: final()},
	// The same 万元 figure printed in two tables may differ by 0.01 万元 = 100 元.
	{name: "one 万元 figure in two tables: exactly 100 元 is rounding", filing: final(cell(tSummary, "201", "amount", "631.01", wan)),
		want: []string{"info expenditure/201/total"}},
	{name: "one 万元 figure in two tables: 100.01 元 is an error", filing: final(cell(tSummary, "201", "amount", "631.010001", wan)),
		want: []string{"error expenditure/201/total"}},
	// A 万元 figure against an 元 line: 50 元.
	{name: "万元 vs 元: 50 元 is rounding", filing: bare(models.PhaseBudget,
		item(tSummary, "201", "amount", "631.00", wan), item(tExp, "201", "total", "6,310,050.00", yuan)),
		want: []string{"info expenditure/201/total"}},
	{name: "万元 vs 元: 50.01 元 is an error", filing: bare(models.PhaseBudget,
		item(tSummary, "201", "amount", "631.00", wan), item(tExp, "201", "total", "6,310,050.01", yuan)),
		want: []string{"error expenditure/201/total"}},
	{name: "a 类 only in the expenditure table counts 0 in the summary", filing: budget(drop(tSummary, "221", "")),
		want: []string{"error expenditure/221/total"}},
	{name: "本年收入合计 + 上年结转 ≠ income total", filing: budget(cell(tSummary, "carryover_in", "amount", "1.00", yuan)),
		want: []string{"error income/total/total"}},
	{name: "本年支出合计 ≠ expenditure total", filing: budget(cell(tSummary, "expenditure_subtotal", "amount", "1.00", yuan)),
		want: []string{"error expenditure/total/total"}},
	{name: "no income table: only the expenditure side runs", filing: budget(drop(tIncome, "", ""),
		cell(tSummary, "carryover_in", "amount", "1.00", yuan))},
	{name: "no summary: the rule does not run", filing: budget(drop(tSummary, "", ""), cell(tExp, "201", "total", "1", yuan))},
}

var crossFiscalCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "consistent final", filing: final()},
	{name: "a 类 of the general budget column", filing: budget(cell(tFiscal, "208", "general_budget", "870,000.01", yuan)),
		want: []string{"error general_expenditure/208/total"}},
	{name: "the general budget total", filing: budget(cell(tFiscal, "expenditure_subtotal", "general_budget", "1.00", yuan)),
		want: []string{"error general_expenditure/total/total"}},
	{name: "fund money against a table declared empty", filing: budget(cell(tFiscal, "212", "gov_fund", "50,000.00", yuan)),
		// The printed 合计 0 of the empty table and its 212 row both disagree with the summary's derived column.
		want: []string{"error gov_fund_expenditure/total/total", "error gov_fund_expenditure/212/total"}},
	{name: "state capital", filing: budget(cell(tState, "total", "total", "10.00", yuan)),
		want: []string{"error state_capital_expenditure/total/total"}},
	{name: "no fiscal_summary: the rule does not run", filing: budget(drop(tFiscal, "", ""), cell(tGeneral, "total", "total", "1", yuan))},
}

var crossBasicCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "consistent final", filing: final()},
	{name: "basic total ≠ general_expenditure basic", filing: budget(cell(tGeneral, "total", "basic", "6,710,000.01", yuan)),
		want: []string{"error basic_expenditure/total/total"}},
	{name: "no basic_expenditure: the rule does not run", filing: budget(drop(tBasic, "", ""), cell(tGeneral, "total", "basic", "1", yuan))},
}

var crossThreePublicEconomicCases = []ruleCase{
	{name: "consistent budget (元 lines vs 万元 三公)", filing: budget()},
	{name: "consistent final", filing: final()},
	{name: "reception line above 三公 reception", filing: budget(cell(tBasic, "30217", "total", "40,100.00", yuan)),
		want: []string{"error basic_expenditure/30217/total"}},
	{name: "万元 vs 元: 50 元 above is rounding", filing: budget(cell(tBasic, "30217", "total", "40,050.00", yuan)),
		want: []string{"info basic_expenditure/30217/total"}},
	{name: "below the 三公 item is fine (三公 also covers project spending)", filing: budget(cell(tBasic, "30231", "total", "100,000.00", yuan))},
	{name: "31013 + 30913 together against vehicle purchase", filing: budget(
		cell(tBasic, "31013", "total", "60,000.00", yuan), cell(tBasic, "30913", "total", "50,000.00", yuan),
		tp(func(t *models.ThreePublic) { t.VehiclePurchase = w("10.00") })),
		want: []string{"error basic_expenditure/30913/total"}},
	{name: "a non-zero line with its 三公 item not disclosed", filing: budget(tp(func(t *models.ThreePublic) { t.Reception = nd })),
		want: []string{"error basic_expenditure/30217/total"}},
	{name: "a zero line with its 三公 item not disclosed", filing: budget(cell(tBasic, "30212", "total", "0", yuan),
		tp(func(t *models.ThreePublic) { t.OutboundTrips = nd }))},
	{name: "no 三公 record: the rule does not run", filing: budget(noThreePublic)},
}

var crossOperatingCostCases = []ruleCase{
	{name: "consistent budget (万元 vs 元)", filing: budget()},
	{name: "below public use (non-参公 事业单位)", filing: budget(cell(tOpCost, "total", "amount", "120.00", wan))},
	{name: "above public use", filing: budget(cell(tOpCost, "total", "amount", "148.01", wan)),
		want: []string{"warning operating_cost/total/amount"}},
	{name: "within 50 元", filing: budget(cell(tOpCost, "total", "amount", "148.005", wan)),
		want: []string{"info operating_cost/total/amount"}},
	{name: "no operating cost table: the rule does not run", filing: budget(drop(tOpCost, "", ""))},
}

func TestCrossSummaryIncome(t *testing.T)       { testRule(t, "cross.summary_income") }
func TestCrossFiscal(t *testing.T)              { testRule(t, "cross.fiscal") }
func TestCrossBasic(t *testing.T)               { testRule(t, "cross.basic") }
func TestCrossThreePublicEconomic(t *testing.T) { testRule(t, "cross.three_public_economic") }
func TestCrossOperatingCost(t *testing.T)       { testRule(t, "cross.operating_cost") }

func TestCrossRules_NameTheOtherTableAndBothUnits(t *testing.T) {
	f := final(cell(tSummary, "201", "amount", "631.02", wan))()
	got := ofRule(checks.Run(f, checks.Env{}), "cross.summary_income")
	if len(got) != 1 {
		t.Fatalf("findings:\n%s", messages(got))
	}
	g := got[0]
	if g.OtherTable != "summary" || g.OtherCode != "201" || g.OtherColumn != "amount" {
		t.Errorf("other side = %s/%s/%s; want summary/201/amount", g.OtherTable, g.OtherCode, g.OtherColumn)
	}
	if g.Expected != "631.02 万元（6,310,200.00 元）" || g.Actual != "631.00 万元（6,310,000.00 元）" {
		t.Errorf("expected %q, actual %q", g.Expected, g.Actual)
	}
	want := "支出决算表“201 一般公共服务支出”行“合计”栏 631.00 万元（6,310,000.00 元）≠ 收入支出决算总表“201 一般公共服务支出”行 631.02 万元（6,310,200.00 元），相差 200.00 元（超出四舍五入容差 100.00 元）"
	if g.Message != want {
		t.Errorf("message\n got  %s\n want %s", g.Message, want)
	}
	if g.FilingID != f.ID || g.Row == 0 {
		t.Errorf("filing %d row %d; want filing %d and the source row", g.FilingID, g.Row, f.ID)
	}
}
