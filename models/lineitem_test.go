package models

import (
	"strings"
	"testing"
)

func mustTable(t *testing.T, key Table) TableSpec {
	t.Helper()
	spec, ok := LookupTable(string(key))
	if !ok {
		t.Fatalf("LookupTable(%q) not found", key)
	}
	return spec
}

func TestTables_HaveTheStandardKeysInPrintedOrder(t *testing.T) {
	want := []Table{TableSummary, TableIncome, TableExpenditure, TableFiscalSummary, TableGeneralExpenditure,
		TableBasicExpenditure, TableThreePublic, TableGovFundExpenditure, TableStateCapitalExpenditure,
		TableProcurement, TableOperatingCost}
	if len(Tables) != len(want) {
		t.Fatalf("len(Tables) = %d; want %d", len(Tables), len(want))
	}
	for i, spec := range Tables {
		if spec.Key != want[i] {
			t.Errorf("Tables[%d].Key = %q; want %q", i, spec.Key, want[i])
		}
		if spec.BudgetName == "" || spec.FinalName == "" {
			t.Errorf("table %s lacks a budget or final title", spec.Key)
		}
		got, ok := LookupTable(string(spec.Key))
		if !ok || got.Key != spec.Key {
			t.Errorf("LookupTable(%q) = %q, %v", spec.Key, got.Key, ok)
		}
	}
	for _, bad := range []string{"", "Summary", "三公", "line_items", "totals"} {
		if _, ok := LookupTable(bad); ok {
			t.Errorf("LookupTable(%q) found a table; want none", bad)
		}
	}
}

func TestTableSpecName_UsesTheFinalTitleOnlyForFinals(t *testing.T) {
	spec := mustTable(t, TableSummary)
	if got := spec.Name(PhaseBudget); got != "部门收支总表" {
		t.Errorf("Name(budget) = %q; want 部门收支总表", got)
	}
	if got := spec.Name(PhaseAdjusted); got != "部门收支总表" {
		t.Errorf("Name(adjusted) = %q; want the budget title 部门收支总表", got)
	}
	if got := spec.Name(PhaseFinal); got != "收入支出决算总表" {
		t.Errorf("Name(final) = %q; want 收入支出决算总表", got)
	}
}

func TestTableSpecColumn_MatchesTheDomainColumns(t *testing.T) {
	cases := map[Table][]string{
		TableSummary: {"amount"},
		TableIncome: {"total", "fiscal", "special_account", "business", "operations", "superior_subsidy",
			"subordinate_remit", "other", "carryover"},
		TableExpenditure:             {"total", "basic", "project"},
		TableFiscalSummary:           {"total", "general_budget", "gov_fund", "state_capital"},
		TableGeneralExpenditure:      {"total", "basic", "project"},
		TableBasicExpenditure:        {"total", "personnel", "public_use"},
		TableGovFundExpenditure:      {"total", "basic", "project"},
		TableStateCapitalExpenditure: {"total", "basic", "project"},
		TableProcurement:             {"amount"},
		TableOperatingCost:           {"amount"},
	}
	for key, cols := range cases {
		spec := mustTable(t, key)
		for _, c := range cols {
			for _, p := range Phases {
				if got, ok := spec.Column(c, p); !ok || got.Key != c || got.Chinese == "" {
					t.Errorf("%s.Column(%q, %s) = %+v, %v; want the column", key, c, p, got, ok)
				}
			}
		}
		if len(spec.Columns) != len(cols) {
			t.Errorf("%s has %d columns; want %d", key, len(spec.Columns), len(cols))
		}
	}
}

func TestLineItemValidate_AcceptsFunctionalCodesAtEveryLevel(t *testing.T) {
	for _, table := range []Table{TableExpenditure, TableGeneralExpenditure, TableGovFundExpenditure,
		TableStateCapitalExpenditure, TableIncome} {
		for _, code := range []string{"201", "20106", "2010601", "2080505", "2210201", RowTotal} {
			li := LineItem{Table: table, Code: code, Name: "行政运行", Column: "total", Amount: Disclosed(123456), Unit: Yuan}
			if err := li.Validate(PhaseBudget); err != nil {
				t.Errorf("%s code %s: Validate = %v; want nil", table, code, err)
			}
		}
	}
}

func TestLineItemValidate_AcceptsEconomicCodesInBasicExpenditure(t *testing.T) {
	for _, code := range []string{"301", "30101", "302", "30217", "30231", RowTotal} {
		for _, col := range []string{"total", "personnel", "public_use"} {
			li := LineItem{Table: TableBasicExpenditure, Code: code, Column: col, Amount: Disclosed(1), Unit: Yuan}
			if err := li.Validate(PhaseFinal); err != nil {
				t.Errorf("basic_expenditure %s/%s: Validate = %v; want nil", code, col, err)
			}
		}
	}
}

func TestLineItemValidate_RefusesCodesOfTheWrongShape(t *testing.T) {
	for _, code := range []string{"20", "2010", "201060", "20106011", "20a", "２０１", "201 ", " 201", "-201",
		"income_total", "goods", "Total", "合计"} {
		li := LineItem{Table: TableGeneralExpenditure, Code: code, Column: "total", Amount: Disclosed(1), Unit: Yuan}
		err := li.Validate(PhaseBudget)
		if err == nil {
			t.Errorf("general_expenditure code %q: Validate = nil; want an error", code)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("general_expenditure code %q: error code %q; want %q", code, ErrorCode(err), EINVALID)
		}
	}
}

func TestLineItemValidate_RefusesEmptyOrOverlongCode(t *testing.T) {
	for _, code := range []string{"", strings.Repeat("1", 41)} {
		li := LineItem{Table: TableExpenditure, Code: code, Column: "total", Unit: Yuan}
		if err := li.Validate(PhaseBudget); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("code of %d chars: Validate = %v; want an EINVALID error", len(code), err)
		}
	}
}

func TestTableSpecAllowsRow_SummaryTakesRowKeysAndLeiCodes(t *testing.T) {
	spec := mustTable(t, TableSummary)
	for _, ok := range []string{"general_budget", "gov_fund", "state_capital", "special_account", "business",
		"operations", "superior_subsidy", "subordinate_remit", "other", "income_subtotal", "carryover_in",
		"surplus_used", "income_total", "expenditure_subtotal", "surplus_distribution", "carryover_out",
		"expenditure_total", "201", "208", "234"} {
		if !spec.AllowsRow(ok) {
			t.Errorf("summary.AllowsRow(%q) = false; want true", ok)
		}
	}
	// The summary's expenditure side is by 类 only.
	for _, bad := range []string{"20101", "2010101", "20", "goods", "income", "", "Income_total"} {
		if spec.AllowsRow(bad) {
			t.Errorf("summary.AllowsRow(%q) = true; want false", bad)
		}
	}
}

func TestTableSpecAllowsRow_FiscalSummaryTakesSummaryRowKeysAndLeiCodes(t *testing.T) {
	spec := mustTable(t, TableFiscalSummary)
	for _, ok := range []string{"general_budget", "gov_fund", "state_capital", "income_subtotal", "carryover_in",
		"income_total", "expenditure_subtotal", "carryover_out", "expenditure_total", "201", "221"} {
		if !spec.AllowsRow(ok) {
			t.Errorf("fiscal_summary.AllowsRow(%q) = false; want true", ok)
		}
	}
	for _, bad := range []string{"20101", "2010101", "goods", "sme", "", "2"} {
		if spec.AllowsRow(bad) {
			t.Errorf("fiscal_summary.AllowsRow(%q) = true; want false", bad)
		}
	}
	li := LineItem{Table: TableFiscalSummary, Code: "income_total", Column: "general_budget", Amount: Disclosed(5), Unit: WanYuan}
	if err := li.Validate(PhaseFinal); err != nil {
		t.Errorf("fiscal_summary income_total/general_budget: Validate = %v; want nil", err)
	}
}

func TestTableSpecAllowsRow_ProcurementTakesItsFiveRows(t *testing.T) {
	spec := mustTable(t, TableProcurement)
	for _, ok := range []string{"goods", "works", "services", "total", "sme"} {
		if !spec.AllowsRow(ok) {
			t.Errorf("procurement.AllowsRow(%q) = false; want true", ok)
		}
		li := LineItem{Table: TableProcurement, Code: ok, Name: "货物", Column: "amount", Amount: Disclosed(1), Unit: WanYuan}
		if err := li.Validate(PhaseBudget); err != nil {
			t.Errorf("procurement row %s: Validate = %v; want nil", ok, err)
		}
	}
	for _, bad := range []string{"201", "20101", "other", "income_total", "Goods", ""} {
		if spec.AllowsRow(bad) {
			t.Errorf("procurement.AllowsRow(%q) = true; want false", bad)
		}
	}
}

func TestTableSpecAllowsRow_OperatingCostTakesOnlyTheTotal(t *testing.T) {
	spec := mustTable(t, TableOperatingCost)
	if !spec.AllowsRow(RowTotal) {
		t.Errorf("operating_cost.AllowsRow(total) = false; want true")
	}
	for _, bad := range []string{"201", "30201", "goods", "amount"} {
		if spec.AllowsRow(bad) {
			t.Errorf("operating_cost.AllowsRow(%q) = true; want false", bad)
		}
	}
}

func TestLineItemValidate_RefusesUnknownTable(t *testing.T) {
	for _, table := range []Table{"", "totals", "Summary", "部门收支总表"} {
		li := LineItem{Table: table, Code: "201", Column: "total", Unit: Yuan}
		err := li.Validate(PhaseBudget)
		if err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("table %q: Validate = %v; want an EINVALID error", table, err)
		}
	}
}

func TestLineItemValidate_RefusesThreePublicAsALineItemTable(t *testing.T) {
	for _, col := range []string{"total", "reception", "amount"} {
		li := LineItem{Table: TableThreePublic, Code: RowTotal, Column: col, Amount: Disclosed(1), Unit: WanYuan}
		err := li.Validate(PhaseFinal)
		if err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("three_public/%s line: Validate = %v; want an EINVALID error (it has its own template)", col, err)
		} else if !strings.Contains(err.Error(), "three_public") {
			t.Errorf("three_public line: error %q should name the table", err)
		}
	}
}

func TestLineItemValidate_RefusesColumnNotInTable(t *testing.T) {
	cases := []struct {
		table Table
		code  string
		col   string
	}{
		{TableExpenditure, "201", "amount"},
		{TableExpenditure, "201", "personnel"},
		{TableBasicExpenditure, "301", "basic"},
		{TableSummary, "income_total", "total"},
		{TableProcurement, "goods", "total"},
		{TableGeneralExpenditure, "201", ""},
		{TableIncome, "201", "Fiscal"},
		{TableFiscalSummary, "201", "amount"},
	}
	for _, c := range cases {
		li := LineItem{Table: c.table, Code: c.code, Column: c.col, Amount: Disclosed(1), Unit: Yuan}
		err := li.Validate(PhaseFinal)
		if err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("%s/%s/%q: Validate = %v; want an EINVALID error", c.table, c.code, c.col, err)
			continue
		}
		if c.col != "" && !strings.Contains(err.Error(), c.col) {
			t.Errorf("%s/%s/%q: error %q should name the column", c.table, c.code, c.col, err)
		}
	}
}

func TestLineItemValidate_FinalOnlyColumnsOnlyInFinals(t *testing.T) {
	for _, col := range []string{"remit_superior", "operations", "subsidy_subordinate"} {
		li := LineItem{Table: TableExpenditure, Code: "2010601", Column: col, Amount: Disclosed(1), Unit: Yuan}
		if err := li.Validate(PhaseFinal); err != nil {
			t.Errorf("expenditure/%s in a final: Validate = %v; want nil", col, err)
		}
		for _, p := range []Phase{PhaseBudget, PhaseAdjusted} {
			err := li.Validate(p)
			if err == nil || ErrorCode(err) != EINVALID {
				t.Errorf("expenditure/%s in %s: Validate = %v; want an EINVALID error", col, p, err)
			} else if !strings.Contains(err.Error(), "部门支出总表") {
				t.Errorf("expenditure/%s in %s: error %q should use the budget title 部门支出总表", col, p, err)
			}
		}
		// Only the expenditure table has these extra columns.
		other := LineItem{Table: TableGeneralExpenditure, Code: "2010601", Column: col, Amount: Disclosed(1), Unit: Yuan}
		if err := other.Validate(PhaseFinal); err == nil {
			t.Errorf("general_expenditure/%s in a final: Validate = nil; want an error", col)
		}
	}
}

func TestLineItemValidate_RefusesUnknownUnit(t *testing.T) {
	for _, u := range []Unit{"", "千元", "yuan"} {
		li := LineItem{Table: TableExpenditure, Code: "201", Column: "total", Amount: Disclosed(1), Unit: u}
		if err := li.Validate(PhaseBudget); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("unit %q: Validate = %v; want an EINVALID error", u, err)
		}
	}
}

func TestLineItemValidate_ChecksTheName(t *testing.T) {
	li := LineItem{Table: TableExpenditure, Code: "2010601", Column: "total", Amount: Disclosed(1), Unit: Yuan}
	for _, ok := range []string{"", "行政运行", strings.Repeat("行", 200)} {
		li.Name = ok
		if err := li.Validate(PhaseBudget); err != nil {
			t.Errorf("name of %d chars: Validate = %v; want nil", len([]rune(ok)), err)
		}
	}
	for _, bad := range []string{strings.Repeat("行", 201), "行政\x1b运行", "\xff"} {
		li.Name = bad
		if err := li.Validate(PhaseBudget); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("name %q: Validate = %v; want an EINVALID error", bad, err)
		}
	}
}

func TestLineItemValidate_NotDisclosedAmountIsAValidLine(t *testing.T) {
	li := LineItem{Table: TableGovFundExpenditure, Code: RowTotal, Column: "total", Amount: NotDisclosed, Unit: Yuan}
	if err := li.Validate(PhaseBudget); err != nil {
		t.Errorf("not-disclosed amount: Validate = %v; want nil (blank means not disclosed, not invalid)", err)
	}
}

func TestLookupTableRow_FindsNamedRowsOnly(t *testing.T) {
	if r, ok := LookupTableRow(TableSummary, "income_total"); !ok || r.Chinese != "收入总计" {
		t.Errorf("LookupTableRow(summary, income_total) = %+v, %v; want 收入总计", r, ok)
	}
	if r, ok := LookupTableRow(TableProcurement, "sme"); !ok || r.Chinese != "授予中小企业合同金额" {
		t.Errorf("LookupTableRow(procurement, sme) = %+v, %v; want 授予中小企业合同金额", r, ok)
	}
	if _, ok := LookupTableRow(TableExpenditure, "201"); ok {
		t.Errorf("LookupTableRow(expenditure, 201) found a named row; codes are not named rows")
	}
	if _, ok := LookupTableRow("nope", "total"); ok {
		t.Errorf("LookupTableRow of an unknown table found a row")
	}
}
