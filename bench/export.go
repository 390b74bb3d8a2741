package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"sunshine/demo"
	"sunshine/models"
)

// exportResult is the 1,000,000-row CSV download against sqlite3's CSV export.
type exportResult struct {
	Rows         int       `json:"rows"`
	Bytes        int64     `json:"bytes"`
	OursRowsPerS []float64 `json:"ours_rows_per_s"`
	AnchorRowsPS []float64 `json:"anchor_rows_per_s"`
	Ratio        float64   `json:"ratio_median"`
	PeakMB       float64   `json:"serve_peak_rss_mb"`
}

const exportRows = 1_000_000

// exportAnchorSQL selects the same rows and columns as the feed writes (the
// filing's region, department and version, the line item, the amount printed
// in 元 and the permalink), through the same joins, in the same order.
const exportAnchorSQL = `SELECT f.region_code, COALESCE(rg.name, ''), f.dept_code, COALESCE(dp.name, ''), f.fiscal_year, f.phase,
	f.id, f.version, x.tbl, x.code, x.name, x.col, printf('%d.%02d', x.amount / 100, x.amount % 100), x.unit,
	'http://127.0.0.1/api/v1/filings/' || f.id
FROM line_items x JOIN filings f ON f.id = x.filing_id
	LEFT JOIN regions rg ON rg.code = f.region_code
	LEFT JOIN departments dp ON dp.region_code = f.region_code AND dp.code = f.dept_code
WHERE f.status = 'published' AND f.fiscal_year = 2024 AND f.phase = 'budget' ORDER BY x.id;`

// benchExport downloads a year's published budgets — exactly 1,000,000 line
// items in 77 regions — as CSV over HTTP from a running `sunshine serve`, and
// has the sqlite3 tool write the same rows to a CSV file with .mode csv.
func benchExport(c *config) (res exportResult, err error) {
	fx := bulkFixture{Path: filepath.Join(c.tmp, "export-1m.db"), Rows: exportRows,
		Template: demo.Scale{Regions: 1, Depts: 40, Years: 1, FirstYear: 2024, Phases: []models.Phase{models.PhaseBudget}}}
	if err := fx.build(c.bin); err != nil {
		return res, err
	}
	res.Rows = exportRows
	srv, err := startServe(c.bin, "sqlite:"+fx.Path, filepath.Join(c.tmp, "export-serve.log"))
	if err != nil {
		return res, err
	}
	defer srv.Stop()
	url := srv.URL + "/api/v1/line-items.csv?year=2024&phase=budget"
	out := filepath.Join(c.tmp, "export-ref.csv")
	defer os.Remove(out)

	ours := func() (float64, error) {
		lines, n, elapsed, err := download(context.Background(), url)
		if err != nil {
			return 0, err
		}
		if lines-1 != exportRows {
			return 0, fmt.Errorf("the download has %d rows, want %d", lines-1, exportRows)
		}
		res.Bytes = n
		return exportRows / elapsed.Seconds(), nil
	}
	anchor := func() (float64, error) {
		f, err := os.Create(out)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		cmd := exec.Command("sqlite3", "-csv", "-header", "-readonly", fx.Path, exportAnchorSQL)
		cmd.Stdout = f
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("sqlite3 export: %v", err)
		}
		return exportRows / time.Since(start).Seconds(), nil
	}
	// One untimed pass of each first, so that both start with the file in the page cache.
	if _, err := ours(); err != nil {
		return res, err
	}
	if _, err := anchor(); err != nil {
		return res, err
	}
	res.OursRowsPerS, res.AnchorRowsPS, err = sideBySide(c.rounds, ours, anchor)
	if err != nil {
		return res, err
	}
	res.Ratio = median(ratios(res.OursRowsPerS, res.AnchorRowsPS))
	res.PeakMB, err = srv.PeakMB()
	return res, err
}
