package filings_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/store"
)

// writeLineItems writes a valid long-form file of n rows: departments of 500
// rows each, every row a distinct cell of general_expenditure.
func writeLineItems(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "region_code,dept_code,dept_name,fiscal_year,phase,unit,table,code,name,column,amount")
	cols := []string{"total", "basic", "project"}
	for i := 0; i < n; i++ {
		dept, j := i/500, i%500
		fmt.Fprintf(w, "431081,%03d,部门%d,2024,budget,元,general_expenditure,%d,行政运行,%s,%d.%02d\n",
			dept, dept, 2010100+j/3, cols[j%3], 1000+i, i%100)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
}

// BenchmarkUploadLineItems measures a 200,000-row line-item CSV through the
// whole upload path (parse, store, checks, upload record) on a fresh SQLite
// file per iteration, side by side with the sqlite3 command-line tool's
// .import of the same file into a plain table. rows/s and the ratio are reported.
func BenchmarkUploadLineItems(b *testing.B) {
	const rows = 200000
	dir := b.TempDir()
	path := filepath.Join(dir, "line_items.csv")
	writeLineItems(b, path, rows)

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
		svc := &filings.Service{Store: s, Checker: benchChecker, Options: ingest.DefaultOptions()}
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
