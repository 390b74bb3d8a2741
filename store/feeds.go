package store

import (
	"context"
	"fmt"
	"strings"

	"sunshine/models"
)

// FeedFilter selects published rows for the open-data feeds. Zero fields match everything.
type FeedFilter struct {
	Region string
	Dept   string
	Year   int
	Phase  models.Phase
	Table  string // line items only
	Code   string // line items only
	// Members, when not nil, reads as of a release: exactly these filing
	// versions, whatever their status now. nil reads what is published now.
	Members []int64
	// AfterID is the keyset cursor: rows after this id (the filing id for 三公 rows, the line item id for line items).
	AfterID int64
	// Limit caps the rows; 0 means all (downloads stream everything).
	Limit int
}

// FeedFiling is the part of a filing every feed row carries.
type FeedFiling struct {
	FilingID   int64        `db:"filing_id"`
	Version    int          `db:"version"`
	RegionCode string       `db:"region_code"`
	RegionName string       `db:"region_name"`
	DeptCode   string       `db:"dept_code"`
	DeptName   string       `db:"dept_name"`
	FiscalYear int          `db:"fiscal_year"`
	Phase      models.Phase `db:"phase"`
}

// ThreePublicRow is one published 三公 record with its filing.
type ThreePublicRow struct {
	FeedFiling
	models.ThreePublic
}

// LineItemRow is one published line item with its filing.
type LineItemRow struct {
	ID int64
	FeedFiling
	models.LineItem
}

const feedFilingColumns = `f.id AS filing_id, f.version, f.region_code, COALESCE(rg.name, '') AS region_name, f.dept_code,
	COALESCE(dp.name, '') AS dept_name, f.fiscal_year, f.phase`

const feedFilingJoins = ` JOIN filings f ON f.id = x.filing_id
	LEFT JOIN regions rg ON rg.code = f.region_code
	LEFT JOIN departments dp ON dp.region_code = f.region_code AND dp.code = f.dept_code`

// where builds the WHERE clause shared by both feeds.
func (ff FeedFilter) where(idColumn string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) { conds, args = append(conds, cond), append(args, v) }
	if ff.Members != nil {
		if len(ff.Members) == 0 {
			return "WHERE 1 = 0", nil
		}
		in, inArgs := inInt64("f.id IN (%s)", ff.Members)
		conds, args = append(conds, in), append(args, inArgs...)
	} else {
		conds = append(conds, "f.status = 'published'")
	}
	if ff.Region != "" {
		add("f.region_code = ?", ff.Region)
	}
	if ff.Dept != "" {
		add("f.dept_code = ?", ff.Dept)
	}
	if ff.Year != 0 {
		add("f.fiscal_year = ?", ff.Year)
	}
	if ff.Phase != "" {
		add("f.phase = ?", ff.Phase)
	}
	if ff.Table != "" {
		add("x.tbl = ?", ff.Table)
	}
	if ff.Code != "" {
		add("x.code = ?", ff.Code)
	}
	if ff.AfterID > 0 {
		add(idColumn+" > ?", ff.AfterID)
	}
	return "WHERE " + strings.Join(conds, " AND "), args
}

func (ff FeedFilter) limit() string {
	if ff.Limit <= 0 {
		return ""
	}
	return fmt.Sprintf(" LIMIT %d", ff.Limit)
}

// EachThreePublic streams the published 三公 rows matching the filter, by
// filing id, to fn; it never holds more than one row.
func (s *Store) EachThreePublic(ctx context.Context, ff FeedFilter, fn func(ThreePublicRow) error) error {
	cols := make([]string, len(threePublicColumns)-1)
	for i, c := range threePublicColumns[1:] {
		cols[i] = "x." + c
	}
	where, args := ff.where("x.filing_id")
	q := `SELECT ` + feedFilingColumns + `, x.filing_id, ` + strings.Join(cols, ", ") +
		` FROM three_public x` + feedFilingJoins + " " + where + " ORDER BY x.filing_id" + ff.limit()
	rows, err := s.read.QueryxContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: unable to query 三公 feed: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ThreePublicRow
		dest := []any{&r.FeedFiling.FilingID, &r.Version, &r.RegionCode, &r.RegionName, &r.DeptCode, &r.DeptName, &r.FiscalYear, &r.Phase,
			&r.ThreePublic.FilingID}
		for _, a := range models.ThreePublicAmounts {
			dest = append(dest, a.Get(&r.ThreePublic))
		}
		for _, c := range models.ThreePublicCounts {
			dest = append(dest, c.Get(&r.ThreePublic))
		}
		dest = append(dest, &r.ChangeReason, &r.Unit, &r.SourceRow)
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("store: unable to read 三公 feed: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachLineItem streams the published line items matching the filter, by id, to fn.
func (s *Store) EachLineItem(ctx context.Context, ff FeedFilter, fn func(LineItemRow) error) error {
	where, args := ff.where("x.id")
	q := `SELECT x.id, ` + feedFilingColumns + `, x.filing_id, x.tbl, x.code, x.name, x.col, x.amount, x.unit, x.source_row
		FROM line_items x` + feedFilingJoins + " " + where + " ORDER BY x.id" + ff.limit()
	rows, err := s.read.QueryxContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: unable to query line-item feed: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r LineItemRow
		var head [9]any
		head[0] = &r.ID
		head[1], head[2], head[3], head[4] = &r.FeedFiling.FilingID, &r.Version, &r.RegionCode, &r.RegionName
		head[5], head[6], head[7], head[8] = &r.DeptCode, &r.DeptName, &r.FiscalYear, &r.Phase
		li, err := scanLineItem(rows, head[:]...)
		if err != nil {
			return fmt.Errorf("store: unable to read line-item feed: %w", err)
		}
		r.LineItem = li
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
