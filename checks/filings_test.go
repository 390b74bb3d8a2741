package checks_test

import (
	"testing"

	"sunshine/checks"
	"sunshine/checks/checkstest"
	"sunshine/models"
)

// The published budget the final refers to, and an adjusted budget of the same year.
var (
	publishedBudget = budget()
	adjustedBudget  = budget(as(103, checkstest.DeptCode, checkstest.Year, models.PhaseAdjusted),
		tp(func(t *models.ThreePublic) { t.Total, t.Reception = w("18.00"), w("6.00") }))
	// last year's budget: the same figures, so no reason is needed for the 2024 budget.
	budget2023 = budget(as(90, checkstest.DeptCode, checkstest.Year-1, models.PhaseBudget))
)

var finalBudgetMismatchCases = []ruleCase{
	{name: "预算数 equal to the published budget", filing: final(), env: published(publishedBudget)},
	{name: "no published budget: the rule does not run", filing: final()},
	{name: "a 预算数 differs from the published budget", filing: final(tp(func(t *models.ThreePublic) {
		t.BudgetReception, t.BudgetTotal = w("5.00"), w("17.00")
	})), env: published(publishedBudget),
		want: []string{"error three_public//budget_total", "error three_public//budget_reception"}},
	{name: "within rounding of the published budget", filing: final(tp(func(t *models.ThreePublic) {
		t.BudgetReception, t.BudgetTotal = w("4.01"), w("16.01")
	})), env: published(publishedBudget),
		want: []string{"info three_public//budget_total", "info three_public//budget_reception"}},
	{name: "预算数 equal to the adjusted budget (全年预算)", filing: final(tp(func(t *models.ThreePublic) {
		t.BudgetReception, t.BudgetTotal = w("6.00"), w("18.00")
	})), env: published(publishedBudget, adjustedBudget)},
	{name: "预算数 equal to the budget while an adjusted one is published (年初预算)", filing: final(),
		env: published(publishedBudget, adjustedBudget)},
	{name: "matching neither: reported against the adjusted budget", filing: final(tp(func(t *models.ThreePublic) {
		t.BudgetReception, t.BudgetTotal = w("5.00"), w("17.00")
	})), env: published(publishedBudget, adjustedBudget),
		want: []string{"error three_public//budget_total", "error three_public//budget_reception"}},
	{name: "a budget is not checked", filing: budget(), env: published(adjustedBudget)},
	{name: "a draft is never compared with", filing: final(tp(func(t *models.ThreePublic) { t.BudgetTotal = w("99.00") })),
		env: func() checks.Env { return checks.Env{Published: checks.Memory{*checkstest.Budget()}} }},
}

var finalOverBudgetCases = []ruleCase{
	{name: "under budget", filing: final()},
	{name: "reception over budget, no reason", filing: final(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total, t.ChangeReason = w("4.52"), w("16.00"), ""
	})), want: []string{"warning three_public//reception"}},
	{name: "reception over budget with a reason: a note", filing: final(tp(func(t *models.ThreePublic) { t.Reception, t.Total = w("4.52"), w("16.00") })),
		want: []string{"info three_public//reception"}},
	{name: "over by exactly 0.01 万元 is rounding", filing: final(tp(func(t *models.ThreePublic) { t.Reception = w("4.01") })),
		want: []string{"info three_public//reception"}},
	{name: "total and item over", filing: final(tp(func(t *models.ThreePublic) {
		t.Reception, t.Total, t.ChangeReason = w("6.00"), w("17.48"), ""
	})),
		want: []string{"warning three_public//total", "warning three_public//reception"}},
	{name: "预算数 not disclosed", filing: final(tp(func(t *models.ThreePublic) { t.BudgetReception, t.Reception = nd, w("9") }))},
	{name: "a budget has no 预算数 columns", filing: budget()},
}

var changeReasonMissingCases = []ruleCase{
	{name: "final with a reason", filing: final()},
	{name: "final below its budget without a reason", filing: final(tp(func(t *models.ThreePublic) { t.ChangeReason = "  " })),
		want: []string{"warning three_public//change_reason"}},
	{name: "final equal to its budget needs no reason", filing: final(tp(func(t *models.ThreePublic) {
		t.ChangeReason = ""
		t.Total, t.Vehicles, t.VehicleOperation, t.Reception = w("16.00"), w("12.00"), w("12.00"), w("4.00")
	}))},
	{name: "budget equal to last year's", filing: budget(tp(func(t *models.ThreePublic) { t.ChangeReason = "" })),
		env: published(budget2023)},
	{name: "budget within rounding of last year's", filing: budget(tp(func(t *models.ThreePublic) {
		t.ChangeReason, t.Total, t.Reception = "", w("16.01"), w("4.01")
	})), env: published(budget2023)},
	{name: "budget changed from last year's without a reason", filing: budget(tp(func(t *models.ThreePublic) {
		t.ChangeReason, t.Total, t.Reception = "", w("17.00"), w("5.00")
	})), env: published(budget2023), want: []string{"warning three_public//change_reason"}},
	{name: "no published last year: nothing to compare a budget with", filing: budget(tp(func(t *models.ThreePublic) {
		t.ChangeReason, t.Total, t.Reception = "", w("17.00"), w("5.00")
	}))},
	{name: "final changed from last year's final and from its budget", filing: final(tp(func(t *models.ThreePublic) { t.ChangeReason = "" })),
		env:  published(final(as(91, checkstest.DeptCode, checkstest.Year-1, models.PhaseFinal), tp(func(t *models.ThreePublic) { t.Total = w("20.00") }))),
		want: []string{"warning three_public//change_reason", "warning three_public//change_reason"}},
}

// scaled multiplies every 三公 amount by 10ᵖ: a 元 figure entered where 万元 was meant, or the reverse.
func scaled(p int) mutation {
	return tp(func(t *models.ThreePublic) {
		for _, a := range models.ThreePublicAmounts {
			n := a.Get(t)
			for i := 0; i < p; i++ {
				n.Money *= 10
			}
			for i := 0; i > p; i-- {
				n.Money /= 10
			}
		}
	})
}

// peers are three other departments' published 2024 budgets, alike in size.
func peers(n int) []func() *checks.Filing {
	var out []func() *checks.Filing
	for i := 0; i < n; i++ {
		out = append(out, budget(as(int64(200+i), "p"+string(rune('a'+i)), checkstest.Year, models.PhaseBudget)))
	}
	return out
}

var unitSuspectCases = []ruleCase{
	{name: "like last year", filing: budget(), env: published(budget2023)},
	{name: "three times last year is growth, not a unit slip", filing: budget(scaledTotal("48.00")), env: published(budget2023)},
	{name: "元 entered as 万元: 10⁴ times last year, reported once at the total", filing: budget(scaled(4)),
		env: published(budget2023), want: []string{"warning three_public//total"}},
	{name: "万元 entered as 亿元: 10⁴ times", filing: budget(scaledTotal("160,000.00")),
		env: published(budget2023), want: []string{"warning three_public//total"}},
	{name: "10⁸ times", filing: budget(scaledTotal("1,600,000,000.00")),
		env: published(budget2023), want: []string{"warning three_public//total"}},
	{name: "a ten-thousandth of last year's", filing: budget(scaledTotal("0.0016")),
		env: published(budget2023), want: []string{"warning three_public//total"}},
	{name: "an item alone", filing: budget(tp(func(t *models.ThreePublic) { t.Reception = w("40,000.00") })),
		env: published(budget2023), want: []string{"warning three_public//reception"}},
	{name: "a table total", filing: budget(cell(tExp, "total", "total", "78,100,000,000.00", yuan)),
		env: published(budget2023), want: []string{"warning expenditure/total/total"}},
	{name: "no last year: against the peers' median", filing: budget(scaled(4)),
		env: published(peers(3)...), want: []string{"warning three_public//total"}},
	{name: "too few peers", filing: budget(scaled(4)), env: published(peers(2)...)},
	{name: "no published filings", filing: budget(scaled(4))},
}

func scaledTotal(total string) mutation {
	return tp(func(t *models.ThreePublic) { t.Total = w(total) })
}

func TestFinalBudgetMismatch(t *testing.T) { testRule(t, "final.budget_mismatch") }
func TestFinalOverBudget(t *testing.T)     { testRule(t, "final.over_budget") }
func TestChangeReasonMissing(t *testing.T) { testRule(t, "change.reason_missing") }
func TestUnitSuspect(t *testing.T)         { testRule(t, "unit.suspect") }

func TestFinalBudgetMismatch_PointsAtThePublishedBudget(t *testing.T) {
	f := final(tp(func(t *models.ThreePublic) { t.BudgetReception, t.BudgetTotal = w("5.00"), w("17.00") }))()
	got := ofRule(checks.Run(f, published(publishedBudget)()), "final.budget_mismatch")
	if len(got) != 2 {
		t.Fatalf("findings:\n%s", messages(got))
	}
	g := got[1]
	if g.OtherFilingID != checkstest.BudgetID || g.OtherTable != "three_public" || g.OtherColumn != "reception" {
		t.Errorf("other = %d %s %s; want the budget's reception", g.OtherFilingID, g.OtherTable, g.OtherColumn)
	}
	want := "本决算三公经费预算数“公务接待费” 5.00 万元（50,000.00 元）≠ 已公开的 2024 年预算三公经费“公务接待费” 4.00 万元（40,000.00 元），相差 10,000.00 元（超出四舍五入容差 100.00 元）"
	if g.Message != want {
		t.Errorf("message\n got  %s\n want %s", g.Message, want)
	}
}
