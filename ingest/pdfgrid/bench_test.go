package pdfgrid

import (
	"context"
	"path/filepath"
	"sunshine/ingest/pdfgrid/pdfgridtest"
	"testing"
)

// BenchmarkRead is one whole disclosure per iteration, pdftotext's run included: the 21-page municipal budget
// (Excel 2007) and the 25-page district final (ONLYOFFICE, 3.7 MB of embedded fonts). docs/benchmarks.md keeps
// the numbers.
func BenchmarkRead(b *testing.B) {
	pdfgridtest.NeedPoppler(b)
	for _, name := range []string{city2025, final2024} {
		b.Run(name, func(b *testing.B) {
			path := filepath.Join("..", "..", "testdata", "pdf", name+".pdf")
			for b.Loop() {
				d, err := ReadFile(context.Background(), path, Limits{})
				if err != nil {
					b.Fatal(err)
				}
				if len(d.Tables) != 9 {
					b.Fatalf("%d tables", len(d.Tables))
				}
			}
		})
	}
}
