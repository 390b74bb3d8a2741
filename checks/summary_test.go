package checks_test

import (
	"sunshine/checks"
	"testing"

	"sunshine/models"
)

// summary is a small summary table in 万元.
func summary(incomeTotal string) []models.LineItem {
	return []models.LineItem{
		item(tSummary, "general_budget", "amount", "100.00", wan),
		item(tSummary, "income_subtotal", "amount", "100.00", wan),
		item(tSummary, "carryover_in", "amount", "5.00", wan),
		item(tSummary, "income_total", "amount", incomeTotal, wan),
		item(tSummary, "201", "amount", "90.00", wan),
		item(tSummary, "expenditure_subtotal", "amount", "90.00", wan),
		item(tSummary, "carryover_out", "amount", "15.00", wan),
		item(tSummary, "expenditure_total", "amount", "105.00", wan),
	}
}

var summaryBalanceCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "consistent final", filing: final()},
	{name: "small consistent summary", filing: bare(models.PhaseFinal, summary("105.00")...)},
	{name: "收入总计 off: vs its parts and vs 支出总计", filing: bare(models.PhaseFinal, summary("106.00")...),
		want: []string{"error summary/income_total/amount", "error summary/income_total/amount"}},
	{name: "收入总计 vs 支出总计 within rounding", filing: bare(models.PhaseFinal, summary("105.01")...),
		want: []string{"info summary/income_total/amount", "info summary/income_total/amount"}},
	{name: "Σ 类 ≠ 本年支出合计", filing: final(cell(tSummary, "201", "amount", "632.00", wan)),
		want: []string{"error summary/expenditure_subtotal/amount"}},
	{name: "Σ income sources ≠ 本年收入合计", filing: final(cell(tSummary, "business", "amount", "3.00", wan)),
		want: []string{"error summary/income_subtotal/amount"}},
	{name: "fiscal_summary, column by column", filing: budget(cell(tFiscal, "carryover_out", "general_budget", "10.00", yuan)),
		want: []string{"error fiscal_summary/expenditure_total/general_budget"}},
	{name: "no 类 rows: 本年支出合计 not compared with them", filing: bare(models.PhaseBudget,
		item(tSummary, "expenditure_subtotal", "amount", "90.00", yuan), item(tSummary, "expenditure_total", "amount", "90.00", yuan),
		item(tSummary, "income_subtotal", "amount", "90.00", yuan), item(tSummary, "income_total", "amount", "90.00", yuan))},
	{name: "收入总计 not disclosed: not checked", filing: bare(models.PhaseFinal, summary("")...)},
}

var tableMissingCases = []ruleCase{
	{name: "complete budget, two tables declared empty", filing: budget()},
	{name: "complete final", filing: final()},
	{name: "budget without the basic expenditure table", filing: budget(drop(tBasic, "", "")),
		want: []string{"warning basic_expenditure//"}},
	{name: "final without 三公", filing: final(noThreePublic), want: []string{"warning three_public//"}},
	{name: "procurement and operating cost are not required", filing: budget(drop(tProc, "", ""), drop(tOpCost, "", ""))},
	{name: "an adjusted budget need not have every table", filing: bare(models.PhaseAdjusted)},
	{name: "a 三公-only statement is complete as what it is", filing: with(bare(models.PhaseBudget), tp(func(*models.ThreePublic) {}))},
	{name: "a deployment requiring full sets: a 三公-only budget lacks eight tables",
		filing: with(bare(models.PhaseBudget), tp(func(*models.ThreePublic) {})),
		env: func() checks.Env {
			return checks.Env{Severity: map[string]models.Severity{"table.missing": models.SeverityWarning}}
		},
		want: []string{"warning summary//", "warning income//", "warning expenditure//", "warning fiscal_summary//",
			"warning general_expenditure//", "warning basic_expenditure//", "warning gov_fund_expenditure//",
			"warning state_capital_expenditure//"}},
}

func TestSummaryBalance(t *testing.T) { testRule(t, "summary.balance") }
func TestTableMissing(t *testing.T)   { testRule(t, "table.missing") }
