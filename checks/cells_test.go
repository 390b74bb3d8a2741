package checks_test

import (
	"slices"
	"testing"

	"sunshine/checks"
	"sunshine/models"
)

// A sum names every cell that takes part, so that the desk can show the one
// that was edited among them: here 20106's basic cell was changed, and both
// findings it causes list it beside their own parent.
func TestFindings_NameEveryCellOfTheComparison(t *testing.T) {
	fs := ofRule(checks.Run(budget(cell(tExp, "20106", "basic", "5,200,100.00", yuan))(), checks.Env{}), "hierarchy.sum")
	if len(fs) != 2 {
		t.Fatalf("findings: %+v", fs)
	}
	for _, f := range fs {
		has := func(code string) bool {
			return slices.ContainsFunc(f.Cells, func(c models.Cell) bool {
				return c.Table == string(tExp) && c.Code == code && c.Column == "basic" && c.Row > 0
			})
		}
		if !has(f.Code) || !has("20106") || len(f.Cells) < 2 {
			t.Errorf("%s at %s: cells %+v; want the parent and its parts, 20106 among them", f.Rule, f.Code, f.Cells)
		}
	}

	// A cross-table finding names cells of both tables.
	fs = ofRule(checks.Run(budget(cell(tSummary, "201", "amount", "1.00", yuan))(), checks.Env{}), "cross.summary_income")
	if len(fs) == 0 {
		t.Fatal("no cross.summary_income finding")
	}
	tables := map[string]bool{}
	for _, c := range fs[0].Cells {
		tables[c.Table] = true
	}
	if !tables[string(tExp)] || !tables[string(tSummary)] {
		t.Errorf("cross-table cells %+v; want both tables", fs[0].Cells)
	}
}
