package demo_test

import (
	"context"
	"testing"

	"sunshine/demo"
	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/models"
	"sunshine/store/storetest"
)

// The demo's published PDF imports clean and is published, every figure with
// its page; a second load stores nothing.
func TestLoadPDF_PublishesTheRealBudgetWithEveryFiguresPage(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	ctx := context.Background()
	s := storetest.SQLite(t)
	svc := &filings.Service{Store: s, Checker: &filings.Rules{}, Options: ingest.DefaultOptions()}
	sum, skipped, err := demo.LoadPDF(ctx, svc, t.TempDir())
	if err != nil || skipped != "" || sum.Uploaded != 1 || sum.Published != 1 || sum.LeftAsDrafts != 0 {
		t.Fatalf("load: %+v %q %v", sum, skipped, err)
	}
	f, err := s.LatestPublished(ctx, models.FilingKey{RegionCode: "310107", DeptCode: "CZJ", FiscalYear: 2025, Phase: models.PhaseBudget})
	if err != nil {
		t.Fatal(err)
	}
	if f.DeptName != "上海市普陀区财政局" || f.RegionName != "上海市普陀区" {
		t.Errorf("names %q %q", f.DeptName, f.RegionName)
	}
	srcs, _ := s.FigureSources(ctx, f.ID)
	items, _ := s.LineItems(ctx, f.ID)
	if len(srcs) != 240 || len(items) != 238 {
		t.Errorf("%d sources for %d line items", len(srcs), len(items))
	}
	if _, public, err := s.SourceFile(ctx, srcs[0].SHA256); err != nil || !public {
		t.Errorf("the PDF is not public: %v", err)
	}
	sum, _, err = demo.LoadPDF(ctx, svc, t.TempDir())
	if err != nil || sum.Changed() || sum.Duplicates != 1 {
		t.Errorf("second load: %+v %v", sum, err)
	}
}
