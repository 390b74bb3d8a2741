package demo

import (
	"math/rand/v2"
	"testing"
	"time"

	"sunshine/checks"
	"sunshine/models"
)

// consistent returns the demo's filings without the deliberate defects, as checks.Filings.
func consistent(t *testing.T) []checks.Filing {
	t.Helper()
	var out []checks.Filing
	for i, f := range Generate(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)) {
		if f.Defect != "" {
			continue
		}
		tp := f.ThreePublic
		cf := checks.Filing{Filing: models.Filing{ID: int64(i + 1), FilingKey: f.Key, Version: 1, Status: models.StatusDraft},
			ThreePublic: &tp, Items: append([]models.LineItem(nil), f.Items...)}
		out = append(out, cf)
	}
	return out
}

func errorsOf(fs []models.Finding) []models.Finding {
	var out []models.Finding
	for _, f := range fs {
		if f.Severity == models.SeverityError {
			out = append(out, f)
		}
	}
	return out
}

// TestProperty_ConsistentFilingsHaveNoErrors runs every rule over every clean
// filing the demo generator makes.
func TestProperty_ConsistentFilingsHaveNoErrors(t *testing.T) {
	fs := consistent(t)
	if len(fs) < 300 {
		t.Fatalf("only %d filings", len(fs))
	}
	for i := range fs {
		if errs := errorsOf(checks.Run(&fs[i], checks.Env{})); len(errs) > 0 {
			t.Fatalf("%s %d %s: %+v", fs[i].DeptCode, fs[i].FiscalYear, fs[i].Phase, errs[0])
		}
	}
}

// identityCells are the line items that take part in an equality: every cell
// but the two that are only bounded (授予中小企业合同金额 ≤ 合计, 机关运行经费 ≈ 公用经费, a warning).
func identityCells(f *checks.Filing) []int {
	var idx []int
	for i, li := range f.Items {
		if (li.Table == models.TableProcurement && li.Code == "sme") || li.Table == models.TableOperatingCost {
			continue
		}
		idx = append(idx, i)
	}
	return idx
}

// TestProperty_ChangingOneAmountBeyondToleranceIsAnError changes one amount of
// a random consistent filing by more than any rounding tolerance — a line
// item or a 三公 figure — and expects at least one error.
func TestProperty_ChangingOneAmountBeyondToleranceIsAnError(t *testing.T) {
	fs := consistent(t)
	r := rand.New(rand.NewPCG(2026, 11))
	const trials = 400
	for n := 0; n < trials; n++ {
		f := fs[r.IntN(len(fs))]
		f.Items = append([]models.LineItem(nil), f.Items...)
		tp := *f.ThreePublic
		f.ThreePublic = &tp
		// 10,000 元 is past every tolerance: a sum of 20 figures in 万元 allows 1,050 元.
		delta := models.Money(1_000_000)
		if r.IntN(2) == 0 {
			delta = -delta
		}
		var what string
		if r.IntN(5) == 0 {
			amounts := []*models.NullMoney{&tp.Total, &tp.OutboundTrips, &tp.Vehicles, &tp.VehiclePurchase, &tp.VehicleOperation, &tp.Reception}
			k := r.IntN(len(amounts))
			amounts[k].Money += delta
			what = models.ThreePublicAmounts[k].Key
		} else {
			cells := identityCells(&f)
			i := cells[r.IntN(len(cells))]
			f.Items[i].Amount.Money += delta
			li := f.Items[i]
			what = string(li.Table) + "/" + li.Code + "/" + li.Column
		}
		if errs := errorsOf(checks.Run(&f, checks.Env{})); len(errs) == 0 {
			t.Fatalf("trial %d: %s %d %s: changing %s by %s found no error", n, f.DeptCode, f.FiscalYear, f.Phase, what, delta)
		}
	}
}
