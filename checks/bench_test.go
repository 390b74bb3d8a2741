package checks_test

import (
	"testing"

	"sunshine/checks"
	"sunshine/demo"
	"sunshine/models"
)

// benchFilings are the drafts BenchmarkUploadLineItems (filings/bench_test.go)
// checks, one region's forty department budgets laid out to the 项 (about 327
// line items each), as the line-item CSV's parse hands them to the rules: no
// 三公 record, source rows numbered in file order.
func benchFilings() []checks.Filing {
	scale := demo.Scale{Regions: 1, Depts: 40, Years: 1, FirstYear: 2024, Phases: []models.Phase{models.PhaseBudget}}
	var out []checks.Filing
	row := 1
	for i, f := range scale.All() {
		items := append([]models.LineItem(nil), f.Items...)
		for j := range items {
			row++
			items[j].SourceRow = row
		}
		out = append(out, checks.Filing{Filing: models.Filing{ID: int64(i + 1), FilingKey: f.Key, Version: 1,
			Status: models.StatusDraft}, Items: items})
	}
	return out
}

// BenchmarkRun measures every rule over the forty drafts of one region, with
// an empty published view as on a fresh database (issue 12, "Speed").
func BenchmarkRun(b *testing.B) {
	fs := benchFilings()
	env := checks.Env{Published: checks.Memory{}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i := range fs {
			checks.Run(&fs[i], env)
		}
	}
}
