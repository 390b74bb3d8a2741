// Command bench measures Sunshine side by side with the tools a user would
// otherwise reach for, on this machine, in one run, and writes the ratios to
// bench/results.json (and everything measured to bench/details.json).
// `make bench` runs it through bench/run.sh, which installs nginx and wrk
// and builds the binary first; docs/benchmarks.md explains each number.
//
// Every number is a ratio against an anchor measured in the same round, back
// to back, and each ratio is the median of --rounds rounds: the machines here
// are shared and noisy, so absolute times mean little.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"sunshine/demo"
	"sunshine/models"
)

type config struct {
	bin, tmp string
	rounds   int
}

// results are the keys of bench/results.json and their goals (docs/benchmarks.md).
type results struct {
	IngestVsSQLite3Import float64 `json:"ingest_vs_sqlite3_import"`  // ≥ 0.5
	ExportVsSQLite3CSV    float64 `json:"export_vs_sqlite3_csv"`     // ≥ 0.5
	IngestVsMySQLLoadData float64 `json:"ingest_vs_mysql_load_data"` // ≥ 0.25
	FeedVsNginxStatic     float64 `json:"feed_vs_nginx_static"`      // ≥ 0.5
	QueryLatencyGrowth    float64 `json:"query_latency_growth"`      // ≤ 2
	ExportPeakRSSMB       float64 `json:"export_peak_rss_mb"`        // ≤ 100
	IngestPeakRSSMB       float64 `json:"ingest_peak_rss_mb"`        // ≤ 300
}

type details struct {
	Started      time.Time         `json:"started"`
	Seconds      float64           `json:"seconds"`
	Rounds       int               `json:"rounds"`
	Machine      map[string]string `json:"machine"`
	IngestSQLite ingestResult      `json:"ingest_sqlite"`
	IngestMySQL  ingestResult      `json:"ingest_mysql"`
	Export       exportResult      `json:"export"`
	Query        queryResult       `json:"query"`
	Feed         feedResult        `json:"feed"`
	Results      results           `json:"results"`
}

func main() {
	rounds := flag.Int("rounds", 5, "rounds of each side-by-side measurement (the median is kept)")
	bin := flag.String("bin", "bench/tmp/sunshine", "the sunshine binary to measure")
	tmp := flag.String("tmp", "bench/tmp", "work directory for data files and cached fixtures")
	out := flag.String("out", "bench", "where results.json and details.json go")
	only := flag.String("only", "", "comma-separated subset: ingest,mysql,export,query,feed (for profiling; results.json is not written)")
	flag.Parse()
	if err := os.MkdirAll(*tmp, 0o755); err != nil {
		fail(err)
	}
	abs, err := filepath.Abs(*tmp)
	if err != nil {
		fail(err)
	}
	c := &config{bin: *bin, tmp: abs, rounds: *rounds}
	want := func(name string) bool { return *only == "" || strings.Contains(","+*only+",", ","+name+",") }

	d := details{Started: time.Now().UTC(), Rounds: c.rounds, Machine: machine()}
	logf("bench: %d rounds each; %s", c.rounds, d.Machine["cpu"])

	// The upload file: N regions of 40 departments' budgets, at least 200,000 line items.
	scale := demo.Scale{Depts: 40, Years: 1, FirstYear: 2024, Phases: []models.Phase{models.PhaseBudget}}
	scale.Regions = regionsFor(scale, 200_000)
	file := filepath.Join(c.tmp, "upload-200k.csv")
	rows, err := writeUploadFile(file, scale)
	if err != nil {
		fail(err)
	}
	logf("upload file: %d line items, %d filings, %.1f MB", rows, scale.Filings(), float64(fileSize(file))/1e6)

	step := func(name, what string, fn func() error) {
		if !want(name) {
			return
		}
		logf("%s …", what)
		if err := fn(); err != nil {
			fail(fmt.Errorf("%s: %w", what, err))
		}
	}
	step("ingest", "ingest on SQLite vs sqlite3 .import", func() (err error) {
		d.IngestSQLite, err = benchIngestSQLite(c, file, rows)
		return err
	})
	step("mysql", "ingest on MariaDB vs LOAD DATA LOCAL INFILE", func() (err error) {
		d.IngestMySQL, err = benchIngestMySQL(c, file, rows)
		return err
	})
	step("export", "1,000,000-row CSV download vs sqlite3 .mode csv", func() (err error) {
		d.Export, err = benchExport(c)
		return err
	})
	step("feed", "release CSV under wrk vs nginx", func() (err error) {
		d.Feed, err = benchFeed(c)
		return err
	})
	step("query", "department-year query at 10k vs 10M line items", func() (err error) {
		d.Query, err = benchQuery(c)
		return err
	})

	d.Results = results{
		IngestVsSQLite3Import: round(d.IngestSQLite.Ratio, 3),
		ExportVsSQLite3CSV:    round(d.Export.Ratio, 3),
		IngestVsMySQLLoadData: round(d.IngestMySQL.Ratio, 3),
		FeedVsNginxStatic:     round(d.Feed.Ratio, 3),
		QueryLatencyGrowth:    round(d.Query.Growth, 3),
		ExportPeakRSSMB:       round(d.Export.PeakMB, 1),
		IngestPeakRSSMB:       round(d.IngestSQLite.PeakMB, 1),
	}
	d.Seconds = time.Since(d.Started).Seconds()
	summary(os.Stdout, d)
	if *only != "" {
		writeJSON(filepath.Join(c.tmp, "details-partial.json"), d)
		return
	}
	writeJSON(filepath.Join(*out, "results.json"), d.Results)
	writeJSON(filepath.Join(*out, "details.json"), d)
	logf("wrote %s and %s in %.0f s", filepath.Join(*out, "results.json"), filepath.Join(*out, "details.json"), d.Seconds)
}

func round(x float64, digits int) float64 {
	p := 1.0
	for i := 0; i < digits; i++ {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

func writeJSON(path string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		fail(err)
	}
}

// summary prints the table docs/benchmarks.md is written from.
func summary(w *os.File, d details) {
	goal := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	r := d.Results
	fmt.Fprintf(w, "\n| key | value | goal | |\n|---|---|---|---|\n")
	fmt.Fprintf(w, "| ingest_vs_sqlite3_import | %.3f | ≥ 0.5 | %s |\n", r.IngestVsSQLite3Import, goal(r.IngestVsSQLite3Import >= 0.5))
	fmt.Fprintf(w, "| export_vs_sqlite3_csv | %.3f | ≥ 0.5 | %s |\n", r.ExportVsSQLite3CSV, goal(r.ExportVsSQLite3CSV >= 0.5))
	fmt.Fprintf(w, "| ingest_vs_mysql_load_data | %.3f | ≥ 0.25 | %s |\n", r.IngestVsMySQLLoadData, goal(r.IngestVsMySQLLoadData >= 0.25))
	fmt.Fprintf(w, "| feed_vs_nginx_static | %.3f | ≥ 0.5 | %s |\n", r.FeedVsNginxStatic, goal(r.FeedVsNginxStatic >= 0.5))
	fmt.Fprintf(w, "| query_latency_growth | %.3f | ≤ 2 | %s |\n", r.QueryLatencyGrowth, goal(r.QueryLatencyGrowth <= 2))
	fmt.Fprintf(w, "| export_peak_rss_mb | %.1f | ≤ 100 | %s |\n", r.ExportPeakRSSMB, goal(r.ExportPeakRSSMB <= 100))
	fmt.Fprintf(w, "| ingest_peak_rss_mb | %.1f | ≤ 300 | %s |\n\n", r.IngestPeakRSSMB, goal(r.IngestPeakRSSMB <= 300))
	med := func(xs []float64) float64 { return median(xs) }
	fmt.Fprintf(w, "ingest SQLite: %d rows, ours %.0f rows/s, sqlite3 .import %.0f rows/s, peak %.0f MB\n",
		d.IngestSQLite.Rows, med(d.IngestSQLite.OursRowsPerS), med(d.IngestSQLite.AnchorRowsPS), d.IngestSQLite.PeakMB)
	fmt.Fprintf(w, "ingest MariaDB: ours %.0f rows/s, LOAD DATA %.0f rows/s\n",
		med(d.IngestMySQL.OursRowsPerS), med(d.IngestMySQL.AnchorRowsPS))
	fmt.Fprintf(w, "export: %d rows, %.1f MB, ours %.0f rows/s, sqlite3 %.0f rows/s, serve peak %.0f MB\n",
		d.Export.Rows, float64(d.Export.Bytes)/1e6, med(d.Export.OursRowsPerS), med(d.Export.AnchorRowsPS), d.Export.PeakMB)
	fmt.Fprintf(w, "feed: %d rows, %.1f KB, ours %.0f req/s, nginx %.0f req/s\n",
		d.Feed.Rows, float64(d.Feed.Bytes)/1e3, med(d.Feed.OursReqPerS), med(d.Feed.NginxReqPerS))
	fmt.Fprintf(w, "query: p50 %.2f ms at %d rows, %.2f ms at %d rows (%d rows per answer)\n",
		med(d.Query.SmallP50ms), d.Query.SmallRows, med(d.Query.BigP50ms), d.Query.BigRows, d.Query.RowsAnswered)
}

// machine describes where the numbers were taken, with the versions of everything measured.
func machine() map[string]string {
	m := map[string]string{"go": runtime.Version(), "cores": fmt.Sprint(runtime.NumCPU()), "os": runtime.GOOS + "/" + runtime.GOARCH}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m["cpu"] = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m["memory"] = strings.Join(strings.Fields(strings.SplitN(string(b), "\n", 2)[0])[1:], " ")
	}
	version := func(key, name string, args ...string) {
		out, err := exec.Command(name, args...).CombinedOutput()
		if err == nil {
			m[key] = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
		}
	}
	version("sqlite3", "sqlite3", "--version")
	version("mariadb", "mysql", "-uroot", "-h127.0.0.1", "--batch", "--skip-column-names", "-e", "SELECT VERSION()")
	version("nginx", nginxPath(), "-v")
	version("wrk", "wrk", "-v")
	version("modernc_sqlite", "go", "list", "-m", "modernc.org/sqlite")
	version("go_sql_driver_mysql", "go", "list", "-m", "github.com/go-sql-driver/mysql")
	return m
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
