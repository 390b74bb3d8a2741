package checks_test

import (
	"strings"
	"testing"

	"sunshine/checks"
	"sunshine/codes"
	"sunshine/models"
)

// withCodes is an Env whose code set holds one functional list for a year.
func withCodes(year int, csv string) func() checks.Env {
	return func() checks.Env {
		l, err := codes.Load(strings.NewReader(csv), codes.Functional)
		if err != nil {
			panic(err)
		}
		s := codes.NewSet()
		s.Add(year, l)
		return checks.Env{Codes: s}
	}
}

const list2025 = "code,name,level\n201,一般公共服务支出,类\n20106,财政事务,款\n2010601,行政运行,项\n2010650,事业运行,项\n"

var codeUnknownCases = []ruleCase{
	{name: "consistent budget, starter lists", filing: budget()},
	{name: "a code not in the list", filing: budget(cell(tExp, "2010650", "basic", "0", yuan)),
		want: []string{"warning expenditure/2010650/"}},
	{name: "an economic code not in the list", filing: budget(cell(tBasic, "30288", "public_use", "0", yuan)),
		want: []string{"warning basic_expenditure/30288/"}},
	{name: "a 类 row of the summary", filing: budget(cell(tSummary, "288", "amount", "0", yuan)),
		want: []string{"warning summary/288/"}},
	{name: "once per table and code, whatever the columns", filing: budget(cell(tExp, "2010650", "basic", "0", yuan),
		cell(tExp, "2010650", "total", "0", yuan)), want: []string{"warning expenditure/2010650/"}},
	{name: "the year's loaded list knows it", filing: bare(models.PhaseBudget, item(tGeneral, "2010650", "total", "1", yuan)),
		env: withCodes(2024, list2025)},
	{name: "a later year's list does not apply", filing: bare(models.PhaseBudget, item(tGeneral, "2010650", "total", "1", yuan)),
		env: withCodes(2025, list2025), want: []string{"warning general_expenditure/2010650/"}},
	{name: "row keys are not codes", filing: bare(models.PhaseBudget, item(tProc, "goods", "amount", "1", yuan))},
}

var codeNameMismatchCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "a wrong name", filing: budget(rename(tExp, "2010601", "一般行政管理事务")),
		want: []string{"warning expenditure/2010601/"}},
	{name: "an older official name", filing: budget(rename(tGeneral, "21011", "医疗卫生与计划生育")),
		want: []string{"warning general_expenditure/21011/"}},
	{name: "spaces, full-width brackets and a trailing 支出 do not count", filing: budget(
		rename(tExp, "2010601", "    行政运行"), rename(tExp, "201", "一般公共服务"),
		rename(tBasic, "30213", "维修（护）费"), rename(tBasic, "302", "商品和服务 支出"))},
	{name: "no name printed", filing: budget(rename(tExp, "2010601", ""))},
	{name: "an unknown code is code.unknown's", filing: budget(cell(tExp, "2010650", "basic", "0", yuan))},
}

var detailLevelCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "a 类 without 款 in the expenditure table", filing: bare(models.PhaseBudget,
		item(tExp, "total", "total", "100.00", yuan), item(tExp, "201", "total", "100.00", yuan)),
		want: []string{"warning expenditure/201/"}},
	{name: "a 款 without 项 in general_expenditure", filing: bare(models.PhaseBudget,
		item(tGeneral, "201", "total", "100.00", yuan), item(tGeneral, "20106", "total", "100.00", yuan)),
		want: []string{"warning general_expenditure/20106/"}},
	{name: "a 类 without 款 in basic_expenditure", filing: bare(models.PhaseBudget,
		item(tBasic, "301", "total", "100.00", yuan)),
		want: []string{"warning basic_expenditure/301/"}},
	{name: "a 类 whose list has nothing below it", filing: bare(models.PhaseBudget, item(tExp, "227", "total", "100.00", yuan))},
	{name: "a row of zeros", filing: bare(models.PhaseBudget, item(tExp, "201", "total", "0", yuan))},
	{name: "other tables need not go deeper", filing: bare(models.PhaseBudget, item(tGovFund, "201", "total", "100.00", yuan),
		item(tIncome, "201", "total", "100.00", yuan))},
}

func TestCodeUnknown(t *testing.T)      { testRule(t, "code.unknown") }
func TestCodeNameMismatch(t *testing.T) { testRule(t, "code.name_mismatch") }
func TestDetailLevel(t *testing.T)      { testRule(t, "detail.level") }

func TestCodeUnknown_SaysWhichListItUsed(t *testing.T) {
	f := bare(models.PhaseBudget, item(tGeneral, "2010650", "total", "1", yuan))()
	got := ofRule(checks.Run(f, withCodes(2023, list2025)()), "code.unknown")
	if len(got) != 0 {
		t.Fatalf("2023 list knows 2010650, yet: %s", messages(got))
	}
	f = bare(models.PhaseBudget, item(tGeneral, "2010699", "total", "1", yuan))()
	got = ofRule(checks.Run(f, withCodes(2023, list2025)()), "code.unknown")
	want := "一般公共预算支出表“2010699”行：科目编码 2010699 不在支出功能分类科目表（按 2023 年科目表，未加载 2024 年科目表）中"
	if len(got) != 1 || got[0].Message != want {
		t.Errorf("findings:\n%s want message %q", messages(got), want)
	}
}
