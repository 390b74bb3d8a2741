package filings_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sunshine/demo"
	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
)

// BenchmarkCheckRegionYear rechecks a whole region's year — 100 departments'
// complete finals, about 150 line items and a 三公 record each — with every
// rule, the cross-filing ones reading last year's published finals and the
// published budgets, on SQLite.
func BenchmarkCheckRegionYear(b *testing.B) {
	dir := b.TempDir()
	s, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	svc := &filings.Service{Store: s, Checker: &filings.Rules{}, Options: ingest.DefaultOptions()}
	// Three synthetic regions of 40 departments, renamed into one region of 100.
	one := func(year int, phase models.Phase) []demo.Filing {
		fs := demo.Synthetic(3, year, phase)[:100]
		for i := range fs {
			fs[i].Key.RegionCode = "990199"
			fs[i].Key.DeptCode = fmt.Sprintf("%03d", i+1)
		}
		return fs
	}
	load := func(fs []demo.Filing, publish bool) []int64 {
		var ids []int64
		for i, name := range []string{"tp.csv", "li.csv"} {
			path := filepath.Join(dir, fmt.Sprintf("%d-%s-%s", fs[0].Key.FiscalYear, fs[0].Key.Phase, name))
			writeDemo(b, path, fs, i == 0)
			res, err := svc.Upload(ctx, filings.File{Path: path, Name: name}, filings.Actor{Name: "bench"}, nil)
			if err != nil || res.Rejected {
				b.Fatalf("upload: %v %+v", err, res.Report)
			}
			ids = ids[:0]
			for _, f := range res.Filings {
				ids = append(ids, f.ID)
			}
		}
		if publish {
			for _, id := range ids {
				if _, err := svc.Publish(ctx, id, filings.Actor{Name: "bench"}, ""); err != nil {
					b.Fatal(err)
				}
			}
		}
		return ids
	}
	load(one(2023, models.PhaseFinal), true)
	load(one(2024, models.PhaseBudget), true)
	ids := load(one(2024, models.PhaseFinal), false)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		fs, err := svc.Recheck(ctx, ids)
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range fs {
			if f.Severity == models.SeverityError {
				b.Fatalf("a consistent region has an error: %+v", f)
			}
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/region-year")
}

// writeDemo writes the filings' 三公 records (threePublic) or line items as an upload file.
func writeDemo(b *testing.B, path string, fs []demo.Filing, threePublic bool) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if threePublic {
		err = demo.WriteThreePublicCSV(f, fs)
	} else {
		err = demo.WriteLineItemsCSV(f, fs)
	}
	if err != nil {
		b.Fatal(err)
	}
}
