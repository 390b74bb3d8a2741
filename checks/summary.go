package checks

import (
	"strings"

	"sunshine/models"
)

// Rules 5 and 5a: the balance of the 收支总表 and the tables every document must have.

var ruleSummaryBalance = rule{RuleInfo{
	Key: "summary.balance", Number: "5", Severity: models.SeverityError, Scope: ScopeTable,
	Chinese: "收支总表（部门收支总表、财政拨款收支总表，逐栏）应平衡：各项收入之和 = 本年收入合计；本年收入合计 + 上年结转 + 使用非财政拨款结余 = 收入总计；各类支出之和 = 本年支出合计；本年支出合计 + 结余分配 + 结转下年 = 支出总计；收入总计 = 支出总计。",
	English: "The summary tables (summary and fiscal_summary, column by column) balance: income sources sum to income_subtotal; income_subtotal + carryover_in + surplus_used = income_total; the 类 rows sum to expenditure_subtotal; expenditure_subtotal + surplus_distribution + carryover_out = expenditure_total; income_total = expenditure_total.",
}, checkSummaryBalance}

var ruleTableMissing = rule{RuleInfo{
	Key: "table.missing", Number: "5a", Severity: models.SeverityWarning, Scope: ScopeTable,
	Chinese: "部门预算、决算应公开全部标准表（收支总表、收入表、支出表、财政拨款收支总表、一般公共预算支出表、一般公共预算基本支出表、三公经费表、政府性基金预算支出表、国有资本经营预算支出表）；没有数据的表也要公开并说明，上传只有合计行且金额为 0 的表即声明为空表。",
	English: "A budget or final filing has each of the nine standard tables (summary, income, expenditure, fiscal_summary, general_expenditure, basic_expenditure, three_public, gov_fund_expenditure, state_capital_expenditure); a table with nothing in it is declared empty by uploading only its total row with amount 0.",
	Basis:   basis143 + "（空表也须公开并说明）",
}, checkTableMissing}

// The income rows of the summary tables, in print order.
var summaryIncomeSources = []string{"general_budget", "gov_fund", "state_capital", "special_account", "business",
	"operations", "superior_subsidy", "subordinate_remit", "other"}

// checkSummaryBalance checks the vertical identities of the summary (column
// amount) and of fiscal_summary (each column). A subtotal is compared with its
// rows only when the table has at least one of them; absent rows count 0.
func checkSummaryBalance(in *input, out *output) {
	for _, key := range []models.Table{models.TableSummary, models.TableFiscalSummary} {
		t := in.table(key)
		if t == nil {
			continue
		}
		var sources []string
		for _, r := range summaryIncomeSources {
			if t.has(r) {
				sources = append(sources, r)
			}
		}
		classes := t.classCodes()
		for _, col := range t.columns() {
			// sumOf compares a row with the sum of others (labelled by them when label is "").
			sumOf := func(row, label string, rows []string) {
				out.compare(comparison{at: t.at(row, col), actual: one("", t.fig(row, col)),
					expected: t.rowsSide(label, rows, col), hint: t.absentHint(row, col)})
			}
			if len(sources) > 0 {
				sumOf("income_subtotal", "各项收入之和", sources)
			}
			sumOf("income_total", "", t.presentOr([]string{"income_subtotal", "carryover_in", "surplus_used"}))
			if len(classes) > 0 {
				sumOf("expenditure_subtotal", "各类支出之和", classes)
			}
			sumOf("expenditure_total", "", t.presentOr([]string{"expenditure_subtotal", "surplus_distribution", "carryover_out"}))
			out.compare(comparison{at: t.at("income_total", col), actual: one("", t.fig("income_total", col)),
				expected: one("支出总计", t.fig("expenditure_total", col))})
		}
	}
}

// rowsSide sums rows of one column; with no label it is named by its rows ("本年收入合计 + 上年结转").
func (t *table) rowsSide(label string, rows []string, column string) side {
	s := side{Label: label}
	var names []string
	for _, r := range rows {
		s.Figures = append(s.Figures, t.fig(r, column))
		names = append(names, t.rowLabel(r))
	}
	if label == "" {
		s.Label = strings.Join(names, " + ")
	}
	return s
}

// presentOr returns the rows the table has, keeping the first always so that
// a sum is never empty.
func (t *table) presentOr(rows []string) []string {
	out := rows[:1:1]
	for _, r := range rows[1:] {
		if t.has(r) {
			out = append(out, r)
		}
	}
	return out
}

// standardTables are the tables a department budget and a final account
// publish (the budget's 8–9 tables, the final's 九张表). Procurement and
// operating cost are disclosed in the explanatory text, so they are not required.
var standardTables = []models.Table{
	models.TableSummary, models.TableIncome, models.TableExpenditure, models.TableFiscalSummary,
	models.TableGeneralExpenditure, models.TableBasicExpenditure, models.TableThreePublic,
	models.TableGovFundExpenditure, models.TableStateCapitalExpenditure,
}

func checkTableMissing(in *input, out *output) {
	if in.Phase != models.PhaseBudget && in.Phase != models.PhaseFinal {
		return
	}
	for _, key := range standardTables {
		if in.has(key) {
			continue
		}
		spec, _ := models.LookupTable(string(key))
		name := spec.Name(in.Phase)
		hint := "没有相关收支的表也须公开，并注明“本部门无…，此表为空表”；上传只有合计行且金额为 0 的表即可声明为空表"
		if key == models.TableThreePublic {
			hint = "请上传三公经费表；没有三公经费的，各项填 0"
		}
		out.report(where{Table: key}, "缺少《"+name+"》；"+hint, "", "")
	}
}
