package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"time"

	"sunshine/demo"
)

// queryResult is the department-year query's p50 at 10,000 and at 10,000,000 stored line items.
type queryResult struct {
	SmallRows    int       `json:"small_rows"`
	BigRows      int       `json:"big_rows"`
	PerRound     int       `json:"requests_per_round_each"`
	SmallP50ms   []float64 `json:"small_p50_ms"`
	BigP50ms     []float64 `json:"big_p50_ms"`
	Growth       float64   `json:"growth_median"`
	RowsAnswered int       `json:"rows_per_answer"`
}

const queryPerRound = 200

// queryTemplate is one region's ten years of both phases: 800 filings.
var queryTemplate = demo.Scale{Regions: 1, Depts: 40, Years: 10, FirstYear: 2016}

// benchQuery asks two servers side by side — one over 10,000 stored line
// items, one over 10,000,000 — for the JSON feed of one department's year
// (region, dept, year and phase filters; the whole filing in one page), the
// same number of times each, alternating, and compares the medians.
func benchQuery(c *config) (res queryResult, err error) {
	small := bulkFixture{Path: filepath.Join(c.tmp, "query-10k.db"), Template: queryTemplate, Rows: 10_000}
	big := bulkFixture{Path: filepath.Join(c.tmp, "query-10m.db"), Template: queryTemplate, Rows: 10_000_000}
	for _, fx := range []bulkFixture{small, big} {
		if err := fx.build(c.bin); err != nil {
			return res, err
		}
	}
	res.SmallRows, res.BigRows, res.PerRound = small.Rows, big.Rows, queryPerRound
	smallTargets, err := completeFilings(small.Path)
	if err != nil {
		return res, err
	}
	bigTargets, err := completeFilings(big.Path)
	if err != nil {
		return res, err
	}
	ss, err := startServe(c.bin, "sqlite:"+small.Path, filepath.Join(c.tmp, "query-10k-serve.log"))
	if err != nil {
		return res, err
	}
	defer ss.Stop()
	bs, err := startServe(c.bin, "sqlite:"+big.Path, filepath.Join(c.tmp, "query-10m-serve.log"))
	if err != nil {
		return res, err
	}
	defer bs.Stop()

	rng := rand.New(rand.NewPCG(7, 7))
	ask := func(base string, t filingTarget) (time.Duration, error) {
		url := fmt.Sprintf("%s/api/v1/line-items?region=%s&dept=%s&year=%d&phase=%s&limit=1000", base, t.Region, t.Dept, t.Year, t.Phase)
		_, n, elapsed, err := download(context.Background(), url)
		if err == nil && n < 10_000 {
			err = fmt.Errorf("GET %s: only %d bytes", url, n)
		}
		return elapsed, err
	}
	// Warm both up: connections, prepared plans, the pages of the indexes.
	for i := 0; i < 100; i++ {
		if _, err := ask(ss.URL, smallTargets[rng.IntN(len(smallTargets))]); err != nil {
			return res, err
		}
		if _, err := ask(bs.URL, bigTargets[rng.IntN(len(bigTargets))]); err != nil {
			return res, err
		}
	}
	for r := 0; r < c.rounds; r++ {
		var sd, bd []float64
		for i := 0; i < queryPerRound; i++ {
			ts, tb := smallTargets[rng.IntN(len(smallTargets))], bigTargets[rng.IntN(len(bigTargets))]
			if i%2 == 1 {
				d, err := ask(bs.URL, tb)
				if err != nil {
					return res, err
				}
				bd = append(bd, ms(d))
			}
			d, err := ask(ss.URL, ts)
			if err != nil {
				return res, err
			}
			sd = append(sd, ms(d))
			if i%2 == 0 {
				d, err := ask(bs.URL, tb)
				if err != nil {
					return res, err
				}
				bd = append(bd, ms(d))
			}
		}
		sort.Float64s(sd)
		sort.Float64s(bd)
		res.SmallP50ms, res.BigP50ms = append(res.SmallP50ms, median(sd)), append(res.BigP50ms, median(bd))
		logf("    round %d: p50 %.2f ms at %d rows, %.2f ms at %d rows (%.2f)", r+1, median(sd), small.Rows, median(bd), big.Rows,
			median(bd)/median(sd))
	}
	res.Growth = median(ratios(res.BigP50ms, res.SmallP50ms))
	res.RowsAnswered = rowsPerFiling()
	return res, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// rowsPerFiling is the mean number of line items in one answer.
func rowsPerFiling() int {
	n, rows := 0, 0
	_ = queryTemplate.Each(func(f demo.Filing) error { n, rows = n+1, rows+len(f.Items); return nil })
	return rows / n
}
