package models

// Table is the stable English key of one of the standard tables (DOMAIN.md §2).
type Table string

const (
	TableSummary                 Table = "summary"
	TableIncome                  Table = "income"
	TableExpenditure             Table = "expenditure"
	TableFiscalSummary           Table = "fiscal_summary"
	TableGeneralExpenditure      Table = "general_expenditure"
	TableBasicExpenditure        Table = "basic_expenditure"
	TableThreePublic             Table = "three_public"
	TableGovFundExpenditure      Table = "gov_fund_expenditure"
	TableStateCapitalExpenditure Table = "state_capital_expenditure"
	TableProcurement             Table = "procurement"
	TableOperatingCost           Table = "operating_cost"
)

// TableSpec describes a standard table: its names as printed and the columns it has.
type TableSpec struct {
	Key        Table
	BudgetName string // the title on a department budget
	FinalName  string // the title on a final account
	// Columns are the column keys every filing may use; FinalColumns are the extra ones finals may add.
	Columns      []ColumnSpec
	FinalColumns []ColumnSpec
	// Classified tables have classification codes as rows (functional or economic); others have row keys.
	Classification string // "functional", "economic" or "" for row-keyed tables
	Rows           []RowSpec
}

// ColumnSpec is one column of a standard table.
type ColumnSpec struct {
	Key     string
	Chinese string
}

// RowSpec is one named row of a row-keyed table (the summary, procurement, operating cost).
type RowSpec struct {
	Key     string
	Chinese string
}

// Name returns the table's title for the given phase.
func (t TableSpec) Name(p Phase) string {
	if p == PhaseFinal {
		return t.FinalName
	}
	return t.BudgetName
}

// Column finds a column key that the table allows in the given phase.
func (t TableSpec) Column(key string, p Phase) (ColumnSpec, bool) {
	for _, c := range t.Columns {
		if c.Key == key {
			return c, true
		}
	}
	if p == PhaseFinal {
		for _, c := range t.FinalColumns {
			if c.Key == key {
				return c, true
			}
		}
	}
	return ColumnSpec{}, false
}

// Row finds a named row of a row-keyed table.
func (t TableSpec) Row(key string) (RowSpec, bool) {
	for _, r := range t.Rows {
		if r.Key == key {
			return r, true
		}
	}
	return RowSpec{}, false
}

// RowTotal is the row key of a table's total row (合计).
const RowTotal = "total"

// The subtotal rows of the final account's 一般公共预算财政拨款基本支出决算表 as printed:
// 人员经费合计 (301 + 303) and 公用经费合计 (the other 类: 302, 310 …).
const (
	RowPersonnelTotal = "personnel_total"
	RowPublicUseTotal = "public_use_total"
)

var (
	colTotal        = ColumnSpec{"total", "合计"}
	colAmount       = ColumnSpec{"amount", "金额"}
	colsBasicProj   = []ColumnSpec{colTotal, {"basic", "基本支出"}, {"project", "项目支出"}}
	finalExpendCols = []ColumnSpec{{"remit_superior", "上缴上级支出"}, {"operations", "经营支出"}, {"subsidy_subordinate", "对附属单位补助支出"}}
)

// Tables lists every standard table in the order official documents print them.
var Tables = []TableSpec{
	{
		Key: TableSummary, BudgetName: "部门收支总表", FinalName: "收入支出决算总表",
		Columns: []ColumnSpec{colAmount},
		Rows: []RowSpec{
			{"general_budget", "一般公共预算拨款"}, {"gov_fund", "政府性基金预算拨款"},
			{"state_capital", "国有资本经营预算拨款"}, {"special_account", "财政专户管理资金"},
			{"business", "事业收入"}, {"operations", "事业单位经营收入"}, {"superior_subsidy", "上级补助收入"},
			{"subordinate_remit", "附属单位上缴收入"}, {"other", "其他收入"}, {"income_subtotal", "本年收入合计"},
			{"carryover_in", "上年结转"}, {"surplus_used", "使用非财政拨款结余"}, {"income_total", "收入总计"},
			{"expenditure_subtotal", "本年支出合计"}, {"surplus_distribution", "结余分配"},
			{"carryover_out", "结转下年"}, {"expenditure_total", "支出总计"},
		},
		// Besides these keys the summary's expenditure side has one row per functional 类 code.
		Classification: "",
	},
	{
		Key: TableIncome, BudgetName: "部门收入总表", FinalName: "收入决算表",
		Columns: []ColumnSpec{colTotal, {"fiscal", "财政拨款收入"}, {"special_account", "财政专户管理资金收入"},
			{"business", "事业收入"}, {"operations", "事业单位经营收入"}, {"superior_subsidy", "上级补助收入"},
			{"subordinate_remit", "附属单位上缴收入"}, {"other", "其他收入"}, {"carryover", "上年结转"}},
		Classification: "functional",
	},
	{
		Key: TableExpenditure, BudgetName: "部门支出总表", FinalName: "支出决算表",
		Columns: colsBasicProj, FinalColumns: finalExpendCols, Classification: "functional",
	},
	{
		Key: TableFiscalSummary, BudgetName: "财政拨款收支总表", FinalName: "财政拨款收入支出决算总表",
		Columns: []ColumnSpec{colTotal, {"general_budget", "一般公共预算"}, {"gov_fund", "政府性基金预算"},
			{"state_capital", "国有资本经营预算"}},
		// Rows: the summary's income keys, functional 类 codes and the totals.
	},
	{
		Key: TableGeneralExpenditure, BudgetName: "一般公共预算支出表", FinalName: "一般公共预算财政拨款支出决算表",
		Columns: colsBasicProj, Classification: "functional",
	},
	{
		Key: TableBasicExpenditure, BudgetName: "一般公共预算基本支出表", FinalName: "一般公共预算财政拨款基本支出决算表",
		Columns: []ColumnSpec{colTotal, {"personnel", "人员经费"}, {"public_use", "公用经费"}}, Classification: "economic",
		// The final account prints one 决算数 per economic code and, below, these
		// two subtotals instead of a personnel/public split per row.
		Rows: []RowSpec{{RowPersonnelTotal, "人员经费合计"}, {RowPublicUseTotal, "公用经费合计"}},
	},
	{
		Key: TableThreePublic, BudgetName: "一般公共预算“三公”经费支出表", FinalName: "财政拨款“三公”经费支出决算表",
	},
	{
		Key: TableGovFundExpenditure, BudgetName: "政府性基金预算支出表", FinalName: "政府性基金预算财政拨款收入支出决算表",
		Columns: colsBasicProj, Classification: "functional",
	},
	{
		Key: TableStateCapitalExpenditure, BudgetName: "国有资本经营预算支出表", FinalName: "国有资本经营预算财政拨款收入支出决算表",
		Columns: colsBasicProj, Classification: "functional",
	},
	{
		Key: TableProcurement, BudgetName: "政府采购预算", FinalName: "政府采购支出",
		Columns: []ColumnSpec{colAmount},
		Rows: []RowSpec{{"goods", "货物"}, {"works", "工程"}, {"services", "服务"}, {RowTotal, "合计"},
			{"sme", "授予中小企业合同金额"}},
	},
	{
		Key: TableOperatingCost, BudgetName: "机关运行经费", FinalName: "机关运行经费",
		Columns: []ColumnSpec{colAmount},
		Rows:    []RowSpec{{RowTotal, "合计"}},
	},
}

// LookupTable finds a standard table by its key.
func LookupTable(key string) (TableSpec, bool) {
	for _, t := range Tables {
		if string(t.Key) == key {
			return t, true
		}
	}
	return TableSpec{}, false
}
