package filings_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"sunshine/demo"
	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
)

// writeLineItems writes a realistic line-item file of at least n rows: the
// budgets of as many synthetic regions of forty departments as it takes, each
// filing laid out to the 项 (300–400 line items, every total consistent), as
// `make bench` uploads them.
func writeLineItems(tb testing.TB, path string, n int) int {
	tb.Helper()
	scale := demo.Scale{Regions: 1, Depts: 40, Years: 1, FirstYear: 2024, Phases: []models.Phase{models.PhaseBudget}}
	perRegion := 0
	for _, f := range scale.All() {
		perRegion += len(f.Items)
	}
	scale.Regions = (n + perRegion - 1) / perRegion
	fs := scale.All()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	if err := demo.WriteLineItemsCSV(w, fs); err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	rows := 0
	for _, f := range fs {
		rows += len(f.Items)
	}
	return rows
}

// BenchmarkUploadLineItems measures a 200,000-row line-item CSV through the
// whole upload path (parse, store, checks, upload record) on a fresh SQLite
// file per iteration, side by side with the sqlite3 command-line tool's
// .import of the same file into a plain table. rows/s and the ratio are reported.
func BenchmarkUploadLineItems(b *testing.B) {
	b.Run("parse+store", func(b *testing.B) { benchUpload(b, nil) })
	b.Run("parse+rules+store", func(b *testing.B) { benchUpload(b, benchChecker) })
}

// benchUpload uploads the file with the given checker (nil: no rules, what
// issue 3 measures; every rule: what make bench's ingest key measures).
func benchUpload(b *testing.B, checker filings.Checker) {
	dir := b.TempDir()
	path := filepath.Join(dir, "line_items.csv")
	rows := writeLineItems(b, path, 200000)

	var ref time.Duration
	if sqlite3, err := exec.LookPath("sqlite3"); err == nil {
		for i := 0; i < 3; i++ {
			db := filepath.Join(dir, fmt.Sprintf("ref%d.db", i))
			start := time.Now()
			out, err := exec.Command(sqlite3, db, ".mode csv", ".import "+path+" line_items").CombinedOutput()
			if err != nil {
				b.Fatalf("sqlite3 .import: %v %s", err, out)
			}
			if d := time.Since(start); ref == 0 || d < ref {
				ref = d
			}
		}
	}

	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, fmt.Sprintf("bench%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		svc := &filings.Service{Store: s, Checker: checker, Options: ingest.DefaultOptions()}
		b.StartTimer()
		start := time.Now()
		res, err := svc.Upload(ctx, filings.File{Path: path, Name: "line_items.csv"}, filings.Actor{Name: "bench"}, nil)
		total += time.Since(start)
		b.StopTimer()
		if err != nil || res.Rejected {
			b.Fatalf("upload: %v %+v", err, res.Report.Findings[:min(3, len(res.Report.Findings))])
		}
		s.Close()
		b.StartTimer()
	}
	ours := float64(rows) * float64(b.N) / total.Seconds()
	b.ReportMetric(ours, "rows/s")
	if ref > 0 {
		theirs := float64(rows) / ref.Seconds()
		b.ReportMetric(theirs, "sqlite3_rows/s")
		b.ReportMetric(ours/theirs, "ratio")
	}
}
