package checks_test

import (
	"testing"

	"sunshine/models"
)

var procurementTotalCases = []ruleCase{
	{name: "consistent budget", filing: budget()},
	{name: "consistent final in 万元", filing: final()},
	{name: "total ≠ goods + works + services", filing: budget(cell(tProc, "works", "amount", "10.00", yuan)),
		want: []string{"error procurement/total/amount"}},
	{name: "万元: total vs 3 parts (works absent), 150 元 is rounding", filing: final(cell(tProc, "total", "amount", "52.015", wan)),
		want: []string{"info procurement/total/amount"}},
	{name: "SME contracts above the total", filing: budget(cell(tProc, "sme", "amount", "550,000.01", yuan)),
		want: []string{"error procurement/sme/amount"}},
	{name: "SME contracts equal to the total", filing: budget(cell(tProc, "sme", "amount", "550,000.00", yuan))},
	{name: "SME contracts not disclosed", filing: budget(cell(tProc, "sme", "amount", "", yuan))},
	{name: "no procurement table: the rule does not run", filing: bare(models.PhaseBudget, item(tExp, "total", "total", "1", yuan))},
}

func TestProcurementTotal(t *testing.T) { testRule(t, "procurement.total") }
