package checks_test

import (
	"strconv"
	"testing"

	"sunshine/checks"
	"sunshine/models"
)

var amountNegativeCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "zero is fine", filing: budget(cell(tExp, "2010602", "basic", "0", yuan))},
	{name: "a negative line item", filing: budget(cell(tExp, "2010602", "basic", "-0.01", yuan)),
		want: []string{"error expenditure/2010602/basic"}},
	{name: "a negative 三公 预算数", filing: final(tp(func(t *models.ThreePublic) { t.BudgetReception = w("-4.00") })),
		want: []string{"error three_public//budget_reception"}},
	{name: "a negative 三公 amount", filing: budget(tp(func(t *models.ThreePublic) { t.OutboundTrips = w("-1") })),
		want: []string{"error three_public//outbound_trips"}},
}

// duplicated appends a second line for the cell, as row 999 of the upload.
func duplicated(table models.Table, code, column, amount string) mutation {
	return func(f *checks.Filing) {
		li := item(table, code, column, amount, yuan)
		li.SourceRow = 999
		f.Items = append(f.Items, li)
	}
}

var rowDuplicateCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "the same cell twice", filing: budget(duplicated(tExp, "2010602", "project", "800,000.00")),
		want: []string{"error expenditure/2010602/project"}},
	{name: "the same cell twice with different amounts", filing: budget(duplicated(tExp, "2010602", "project", "1.00")),
		want: []string{"error expenditure/2010602/project"}},
	{name: "the same code in another column is no duplicate", filing: budget(duplicated(tExp, "2010602", "basic", "0"))},
	{name: "the same code and column in another table is no duplicate", filing: budget(duplicated(tGovFund, "2010602", "project", "0"))},
}

func TestAmountNegative(t *testing.T) { testRule(t, "amount.negative") }
func TestRowDuplicate(t *testing.T)   { testRule(t, "row.duplicate") }

func TestRowDuplicate_NamesBothRowsAndPointsAtTheSecond(t *testing.T) {
	f := budget(duplicated(tExp, "2010602", "project", "1.00"))()
	var first int
	for _, it := range f.Items {
		if it.Table == tExp && it.Code == "2010602" && it.Column == "project" {
			first = it.SourceRow
			break
		}
	}
	got := ofRule(checks.Run(f, checks.Env{}), "row.duplicate")
	if len(got) != 1 || got[0].Row != 999 {
		t.Fatalf("findings = %+v; want one at row 999", got)
	}
	want := "部门支出总表“2010602 一般行政管理事务”行“项目支出”栏：第 999 行与第 " + strconv.Itoa(first) + " 行重复；每格只能上传一次"
	if got[0].Message != want {
		t.Errorf("message = %q; want %q", got[0].Message, want)
	}
}
