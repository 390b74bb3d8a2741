package checks_test

import (
	"testing"

	"sunshine/models"
)

const (
	tExp     = models.TableExpenditure
	tGeneral = models.TableGeneralExpenditure
	tBasic   = models.TableBasicExpenditure
	tIncome  = models.TableIncome
	tSummary = models.TableSummary
	tFiscal  = models.TableFiscalSummary
	tGovFund = models.TableGovFundExpenditure
	tState   = models.TableStateCapitalExpenditure
	tProc    = models.TableProcurement
	tOpCost  = models.TableOperatingCost
	tThree   = models.TableThreePublic
)

var rowSumCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "consistent final", filing: final()},
	{name: "元: one fen off is an error", filing: budget(cell(tExp, "2010602", "total", "800,000.01", yuan)),
		want: []string{"error expenditure/2010602/total"}},
	// 2010602 in the final: total 76.00 and project 76.00 万元, basic absent.
	// Two printed figures, so 100 元 of rounding: the absent basic adds none.
	{name: "万元: total vs one printed part, 100 元 is rounding", filing: final(cell(tExp, "2010602", "total", "76.01", wan)),
		want: []string{"info expenditure/2010602/total"}},
	{name: "万元: total vs one printed part, 200 元 is an error", filing: final(cell(tExp, "2010602", "total", "76.02", wan)),
		want: []string{"error expenditure/2010602/total"}},
	{name: "a final's extra columns are parts", filing: final(cell(tExp, "2010602", "operations", "1.00", wan)),
		want: []string{"error expenditure/2010602/total"}},
	{name: "personnel + public use", filing: budget(cell(tBasic, "30101", "public_use", "1.00", yuan)),
		want: []string{"error basic_expenditure/30101/total"}},
	{name: "income sources include carryover", filing: budget(cell(tIncome, "total", "carryover", "100.00", yuan)),
		want: []string{"error income/total/total"}},
	{name: "fiscal_summary: general budget + fund + state capital", filing: budget(cell(tFiscal, "201", "gov_fund", "100.00", yuan)),
		want: []string{"error fiscal_summary/201/total"}},
	{name: "a part not disclosed: the row is not checked", filing: budget(cell(tExp, "2010602", "project", "", yuan))},
	{name: "the total not disclosed: the row is not checked", filing: budget(cell(tExp, "2010602", "total", "", yuan))},
	{name: "an absent total counts 0", filing: budget(drop(tExp, "2010602", "total")),
		want: []string{"error expenditure/2010602/total"}},
	{name: "summary has no total column: not checked", filing: budget(cell(tSummary, "201", "amount", "1.00", yuan))},
}

// general is a small general_expenditure table in 元: 201 → 20106 → 2010601, 2010602.
func general(c2010602 string) []models.LineItem {
	return []models.LineItem{
		item(tGeneral, "total", "total", "300.00", yuan),
		item(tGeneral, "201", "total", "300.00", yuan),
		item(tGeneral, "20106", "total", "300.00", yuan),
		item(tGeneral, "2010601", "total", "100.00", yuan),
		item(tGeneral, "2010602", "total", c2010602, yuan),
	}
}

var hierarchySumCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "consistent final", filing: final()},
	{name: "款 ≠ Σ 项", filing: bare(models.PhaseBudget, general("150.00")...),
		want: []string{"error general_expenditure/20106/total"}},
	{name: "类 ≠ Σ 款 and total ≠ Σ 类, column by column", filing: budget(cell(tExp, "20106", "basic", "5,200,100.00", yuan)),
		want: []string{"error expenditure/201/basic", "error expenditure/20106/basic"}},
	{name: "economic 类 ≠ Σ 款", filing: budget(cell(tBasic, "302", "public_use", "1,480,000.01", yuan)),
		want: []string{"error basic_expenditure/total/public_use", "error basic_expenditure/302/public_use"}},
	{name: "a 项 not disclosed: its 款 is not checked", filing: bare(models.PhaseBudget, general("")...)},
	{name: "a parent without child rows is not compared", filing: bare(models.PhaseBudget,
		item(tGeneral, "total", "total", "300.00", yuan), item(tGeneral, "201", "total", "300.00", yuan),
		item(tGeneral, "204", "total", "", yuan))},
	{name: "a 类 printed with 项 but no 款 is compared with the 项", filing: bare(models.PhaseBudget,
		item(tGeneral, "total", "total", "300.00", yuan), item(tGeneral, "201", "total", "300.00", yuan),
		item(tGeneral, "2010601", "total", "100.00", yuan), item(tGeneral, "2010602", "total", "199.00", yuan)),
		want: []string{"error general_expenditure/201/total"}},
	{name: "a table declared empty", filing: bare(models.PhaseBudget, item(tGovFund, "total", "total", "0", yuan))},
	{name: "万元: a 类 vs 3 款, 200 元 is rounding", filing: bare(models.PhaseFinal,
		item(tGeneral, "208", "total", "87.67", wan), item(tGeneral, "20805", "total", "87.65", wan),
		item(tGeneral, "20806", "total", "0", wan), item(tGeneral, "20899", "total", "0", wan),
		item(tGeneral, "total", "total", "87.67", wan)),
		want: []string{"info general_expenditure/208/total"}},
}

func TestRowSum(t *testing.T)       { testRule(t, "row.sum") }
func TestHierarchySum(t *testing.T) { testRule(t, "hierarchy.sum") }
