package store

import (
	"context"
	"fmt"

	"sunshine/models"
)

// The read methods of this file serve the web pages (handlers/web*.go): the
// few aggregates a page needs that the API's queries do not answer in one go.

// RegionYear is a fiscal year for which a region has published something.
type RegionYear struct {
	RegionCode string `db:"region_code"`
	FiscalYear int    `db:"fiscal_year"`
}

// PublishedYears lists, for every region, the fiscal years with at least one
// published filing, by region code and newest year first.
func (s *Store) PublishedYears(ctx context.Context) ([]RegionYear, error) {
	out := []RegionYear{}
	err := s.read.SelectContext(ctx, &out, `SELECT region_code, fiscal_year FROM filings WHERE status = 'published'
		GROUP BY region_code, fiscal_year ORDER BY region_code, fiscal_year DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list published years: %w", err)
	}
	return out, nil
}

// FindingCounts counts the stored findings of each filing by severity, in one
// query per 500 filings. Filings without findings are absent from the map.
func (s *Store) FindingCounts(ctx context.Context, filingIDs []int64) (map[int64]models.ReportStats, error) {
	out := map[int64]models.ReportStats{}
	for start := 0; start < len(filingIDs); start += 500 {
		q, args := inInt64(`SELECT filing_id, severity, COUNT(*) AS n FROM findings WHERE filing_id IN (%s)
			GROUP BY filing_id, severity`, filingIDs[start:min(start+500, len(filingIDs))])
		rows, err := s.read.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: unable to count findings: %w", err)
		}
		for rows.Next() {
			var id int64
			var sev models.Severity
			var n int
			if err := rows.Scan(&id, &sev, &n); err != nil {
				rows.Close()
				return nil, unavailable(fmt.Errorf("store: unable to read finding counts: %w", err))
			}
			st := out[id]
			switch sev {
			case models.SeverityError:
				st.Errors += n
			case models.SeverityWarning:
				st.Warnings += n
			default:
				st.Infos += n
			}
			out[id] = st
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, unavailable(fmt.Errorf("store: unable to read finding counts: %w", err))
		}
	}
	return out, nil
}
