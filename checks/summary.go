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
// amount) and of fiscal_summary (each column). A subtotal or total is compared
// with its rows when the table prints it; one the layout does not print
// (本年收入合计 on a 收支总表 without 结转) is derived from its rows, never read
// as 0. Absent detail rows count 0. The income side of a fiscal_summary printed
// with one amount column is checked in that column only.
func checkSummaryBalance(in *input, out *output) {
	for _, key := range []models.Table{models.TableSummary, models.TableFiscalSummary} {
		t := in.table(key)
		if t == nil {
			continue
		}
		sources := t.presentRows(summaryIncomeSources)
		classes := t.classCodes()
		for _, col := range t.columns() {
			// printed compares a printed row with the rows it totals.
			printed := func(row, label string, rows []string) {
				if t.present(row, col) {
					out.compare(comparison{at: t.at(row, col), actual: one("", t.fig(row, col)), expected: t.rowsSide(label, rows, col)})
				}
			}
			// printedTotal compares a printed total with its subtotal (printed or derived) and the rows after it.
			printedTotal := func(row, subtotal string, rest []string) {
				if !t.present(row, col) {
					return
				}
				sub, ok := t.derived(subtotal, col)
				if !ok {
					return
				}
				expected := t.rowsSide("", t.presentRows(rest), col)
				expected.Figures = append(sub.Figures, expected.Figures...)
				expected.Label = strings.TrimSuffix(sub.Label+" + "+expected.Label, " + ")
				out.compare(comparison{at: t.at(row, col), actual: one("", t.fig(row, col)), expected: expected})
			}
			income := t.incomeColumn(col)
			if income && len(sources) > 0 {
				printed("income_subtotal", "各项收入之和", sources)
			}
			if income {
				printedTotal("income_total", "income_subtotal", []string{"carryover_in", "surplus_used"})
			}
			if len(classes) > 0 {
				printed("expenditure_subtotal", "各类支出之和", classes)
			}
			printedTotal("expenditure_total", "expenditure_subtotal", []string{"surplus_distribution", "carryover_out"})
			if !income {
				continue
			}
			incomeTotal, okIn := t.derived("income_total", col)
			ex, okEx := t.derived("expenditure_total", col)
			if okIn && okEx {
				ex.Label = "支出总计"
				if !t.present("expenditure_total", col) {
					ex.Label = "支出总计（未列示，按所含各行推算）"
				}
				out.compare(comparison{at: t.at("income_total", col), actual: side{Label: labelIf(!t.present("income_total", col), incomeTotal.Label), Figures: incomeTotal.Figures},
					expected: ex})
			}
		}
	}
}

// labelIf returns label when cond holds, else "" (the location names the cell).
func labelIf(cond bool, label string) string {
	if cond {
		return label
	}
	return ""
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
	if len(in.Items) == 0 && len(in.Notes) == 0 && !in.env.overridden("table.missing", in.Phase) {
		// A statement that publishes only the 三公 table is complete as what it
		// is; a deployment that requires full sets says so by raising the rule.
		return
	}
	for _, key := range standardTables {
		if _, declared := in.emptyNote(key); in.has(key) || declared {
			continue // an empty table published with its note is there
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
