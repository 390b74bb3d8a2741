package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"sunshine/models"
)

// The disclosure scoreboard's facts (migration 00008): the department list of a
// region-year and the approval dates (批复日期) an admin enters, and, per
// published filing, what the scoreboard counts — which tables it has, how many
// figures are not disclosed. Package scoreboard turns them into the board.

// ListedDepartment is one department of a region-year's list.
type ListedDepartment struct {
	Code string `db:"dept_code" json:"dept_code"`
	Name string `db:"dept_name" json:"dept_name"`
}

// Approval is the date a region-year-phase, or one department of it, was
// approved (批复): the day the 20-day rule counts from. DeptCode "" is the whole
// region-year-phase; a department's own date wins over it. Date is YYYY-MM-DD
// on China's calendar; "" in SetApprovals removes the date.
type Approval struct {
	RegionCode string       `db:"region_code" json:"region_code"`
	FiscalYear int          `db:"fiscal_year" json:"fiscal_year"`
	Phase      models.Phase `db:"phase" json:"phase"`
	DeptCode   string       `db:"dept_code" json:"dept_code"`
	Date       string       `db:"approved_on" json:"approved_on"`
}

// ScoreboardTable is what one table of a filing holds, as the scoreboard counts it.
type ScoreboardTable struct {
	Rows   int      // stored figures (line items)
	Money  int      // of them non-zero
	Nulls  int      // of them not disclosed (an empty cell)
	Detail int      // of them on another row than the total (合计)
	Notes  []string // the table's notes (an empty-table note declares it empty: package scoreboard asks checks)
}

// ScoreboardFiling is the published version of one department's filing.
type ScoreboardFiling struct {
	FilingID int64
	DeptCode string
	DeptName string // frozen at publication
	Version  int
	// FirstPublished is when the department-year-phase was first published
	// (version 1, or the first version that was); PublishedAt the current version's.
	FirstPublished time.Time
	PublishedAt    time.Time
	// Tables holds the line-item tables by key; ThreePublic whether the 三公 record is there.
	Tables      map[models.Table]ScoreboardTable
	ThreePublic bool
	// ThreePublicNulls counts the 三公 figures the law requires that are not
	// disclosed: the five amounts, and in a final the six counts.
	ThreePublicNulls int
	Warnings         int
}

// ScoreboardFacts is everything the scoreboard of one region-year-phase reads.
type ScoreboardFacts struct {
	RegionCode string
	RegionName string // as published; "" when nothing is
	FiscalYear int
	Phase      models.Phase
	// List is the department list of the year, or of the nearest earlier year
	// that has one (ListYear); nil and 0 when the region has none.
	List      []ListedDepartment
	ListYear  int
	Approvals []Approval
	Filings   []ScoreboardFiling
}

// validDate checks an approval date: YYYY-MM-DD, a real day.
func validDate(s string) error {
	if t, err := time.Parse(time.DateOnly, s); err != nil || t.Format(time.DateOnly) != s {
		return models.Errorf(models.EINVALID, "批复日期“%s”无效：应写作 YYYY-MM-DD（如 2025-01-20）", s)
	}
	return nil
}

// SetDepartmentList replaces the department list of a region-year with list,
// in the order given, and records it in the audit log. An empty list removes
// the year's own list (the nearest earlier year's applies again). Returns
// EINVALID naming the entry (第 N 个部门) for a bad code or name or a code given twice.
func (s *Store) SetDepartmentList(ctx context.Context, region string, year int, list []ListedDepartment, by string) error {
	if err := models.ValidateRegionCode(region); err != nil {
		return err
	}
	if err := models.ValidateFiscalYear(year); err != nil {
		return err
	}
	seen := map[string]int{}
	for i, d := range list {
		if err := (models.Department{RegionCode: region, Code: d.Code, Name: d.Name}).Validate(); err != nil {
			return models.Errorf(models.EINVALID, "部门名单第 %d 个部门（%s）：%s", i+1, d.Code, models.ErrorMessage(err))
		}
		if j, dup := seen[d.Code]; dup {
			return models.Errorf(models.EINVALID, "部门名单第 %d 个部门的编码“%s”与第 %d 个重复", i+1, d.Code, j+1)
		}
		seen[d.Code] = i
	}
	return s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM scoreboard_departments WHERE region_code = ? AND fiscal_year = ?`,
			region, year); err != nil {
			return fmt.Errorf("store: unable to clear department list %s-%d: %w", region, year, err)
		}
		for i, d := range list {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO scoreboard_departments (region_code, fiscal_year, dept_code, dept_name, position)
				VALUES (?, ?, ?, ?, ?)`, region, year, d.Code, d.Name, i); err != nil {
				return fmt.Errorf("store: unable to save department list %s-%d: %w", region, year, err)
			}
		}
		if err := tx.bumpScoreboard(ctx, region); err != nil {
			return err
		}
		return tx.Audit(ctx, by, "scoreboard.departments", fmt.Sprintf("region:%s/%d", region, year), map[string]any{"departments": len(list)})
	})
}

// DepartmentList returns the department list of a region-year, or the nearest
// earlier year's when the year has none, and the year it is from (0 and an
// empty list when the region has no list up to that year).
func (s *Store) DepartmentList(ctx context.Context, region string, year int) ([]ListedDepartment, int, error) {
	var from sql.NullInt64
	if err := s.read.GetContext(ctx, &from, `SELECT MAX(fiscal_year) FROM scoreboard_departments
		WHERE region_code = ? AND fiscal_year <= ?`, region, year); err != nil {
		return nil, 0, fmt.Errorf("store: unable to find department list %s-%d: %w", region, year, err)
	}
	if !from.Valid {
		return []ListedDepartment{}, 0, nil
	}
	list := []ListedDepartment{}
	if err := s.read.SelectContext(ctx, &list, `SELECT dept_code, dept_name FROM scoreboard_departments
		WHERE region_code = ? AND fiscal_year = ? ORDER BY position`, region, from.Int64); err != nil {
		return nil, 0, fmt.Errorf("store: unable to read department list %s-%d: %w", region, from.Int64, err)
	}
	return list, int(from.Int64), nil
}

// SetApprovals stores approval dates (an empty Date removes one) in one
// transaction and records them in the audit log. Returns EINVALID naming the
// entry (第 N 条) for a bad region, year, phase, department code or date.
func (s *Store) SetApprovals(ctx context.Context, as []Approval, by string) error {
	for i, a := range as {
		err := models.ValidateRegionCode(a.RegionCode)
		if err == nil {
			err = models.ValidateFiscalYear(a.FiscalYear)
		}
		if err == nil && !a.Phase.Valid() {
			err = models.Errorf(models.EINVALID, "阶段“%s”无效：应为 budget、adjusted 或 final", a.Phase)
		}
		if err == nil && a.DeptCode != "" {
			err = models.ValidateDeptCode(a.DeptCode)
		}
		if err == nil && a.Date != "" {
			err = validDate(a.Date)
		}
		if err != nil {
			return models.Errorf(models.EINVALID, "第 %d 条批复日期：%s", i+1, models.ErrorMessage(err))
		}
	}
	return s.Write(ctx, func(tx *Tx) error {
		regions := map[string]bool{}
		for _, a := range as {
			if _, err := tx.tx.ExecContext(ctx, `DELETE FROM scoreboard_approvals
				WHERE region_code = ? AND fiscal_year = ? AND phase = ? AND dept_code = ?`,
				a.RegionCode, a.FiscalYear, a.Phase, a.DeptCode); err != nil {
				return fmt.Errorf("store: unable to replace approval date: %w", err)
			}
			if a.Date != "" {
				if _, err := tx.tx.ExecContext(ctx, `INSERT INTO scoreboard_approvals
					(region_code, fiscal_year, phase, dept_code, approved_on, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					a.RegionCode, a.FiscalYear, a.Phase, a.DeptCode, a.Date, tx.now, by); err != nil {
					return fmt.Errorf("store: unable to save approval date: %w", err)
				}
			}
			if !regions[a.RegionCode] {
				regions[a.RegionCode] = true
				if err := tx.bumpScoreboard(ctx, a.RegionCode); err != nil {
					return err
				}
			}
		}
		return tx.Audit(ctx, by, "scoreboard.approvals", "scoreboard", map[string]any{"approvals": as})
	})
}

// Approvals lists the approval dates of a region-year-phase: the region's own
// (DeptCode "") first, then the departments' by code.
func (s *Store) Approvals(ctx context.Context, region string, year int, phase models.Phase) ([]Approval, error) {
	out := []Approval{}
	if err := s.read.SelectContext(ctx, &out, `SELECT region_code, fiscal_year, phase, dept_code, approved_on
		FROM scoreboard_approvals WHERE region_code = ? AND fiscal_year = ? AND phase = ? ORDER BY dept_code`,
		region, year, phase); err != nil {
		return nil, fmt.Errorf("store: unable to read approval dates: %w", err)
	}
	return out, nil
}

// bumpScoreboard moves a region's scoreboard revision on (race-free: the row
// is made first, then incremented, which locks it).
func (tx *Tx) bumpScoreboard(ctx context.Context, region string) error {
	if _, err := tx.tx.ExecContext(ctx, insertIgnore(tx.driver, "scoreboard_revisions",
		[]string{"region_code", "revision", "updated_at"}, []string{"region_code"}), region, 0, tx.now); err != nil {
		return fmt.Errorf("store: unable to start scoreboard revision: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE scoreboard_revisions SET revision = revision + 1, updated_at = ?
		WHERE region_code = ?`, tx.now, region); err != nil {
		return fmt.Errorf("store: unable to move scoreboard revision: %w", err)
	}
	return nil
}

// ScoreboardRevision is a number that moves whenever a department list or an
// approval date of the region changes ("" sums every region's), and when it
// last did: with the newest release, what a scoreboard answer's ETag reads.
func (s *Store) ScoreboardRevision(ctx context.Context, region string) (int64, time.Time, error) {
	where, args := "", []any{}
	if region != "" {
		where, args = ` WHERE region_code = ?`, []any{region}
	}
	var rev sql.NullInt64
	if err := s.read.GetContext(ctx, &rev, `SELECT SUM(revision) FROM scoreboard_revisions`+where, args...); err != nil {
		return 0, time.Time{}, fmt.Errorf("store: unable to read scoreboard revision: %w", err)
	}
	// Not MAX(updated_at): SQLite answers an aggregate of a DATETIME as text.
	var at []time.Time
	if err := s.read.SelectContext(ctx, &at, `SELECT updated_at FROM scoreboard_revisions`+where+
		` ORDER BY updated_at DESC LIMIT 1`, args...); err != nil {
		return 0, time.Time{}, fmt.Errorf("store: unable to read scoreboard revision: %w", err)
	}
	if len(at) == 0 {
		return rev.Int64, time.Time{}, nil
	}
	return rev.Int64, at[0], nil
}

// ScoreboardRegions lists, by code, the regions with something to score for a
// year and phase: a published filing, or a department list (the year's own or
// an earlier year's).
func (s *Store) ScoreboardRegions(ctx context.Context, year int, phase models.Phase) ([]string, error) {
	out := []string{}
	if err := s.read.SelectContext(ctx, &out, `SELECT region_code FROM filings
		WHERE fiscal_year = ? AND phase = ? AND status = 'published'
		UNION SELECT region_code FROM scoreboard_departments WHERE fiscal_year <= ?
		ORDER BY region_code`, year, phase, year); err != nil {
		return nil, fmt.Errorf("store: unable to list scoreboard regions: %w", err)
	}
	return out, nil
}

// ScoreboardYears lists the fiscal years with a published filing of the phase,
// or a department list, newest first.
func (s *Store) ScoreboardYears(ctx context.Context, phase models.Phase) ([]int, error) {
	out := []int{}
	if err := s.read.SelectContext(ctx, &out, `SELECT fiscal_year FROM filings WHERE phase = ? AND status = 'published'
		UNION SELECT fiscal_year FROM scoreboard_departments ORDER BY fiscal_year DESC`, phase); err != nil {
		return nil, fmt.Errorf("store: unable to list scoreboard years: %w", err)
	}
	return out, nil
}

// Scoreboard reads the facts of one region-year-phase's scoreboard: its
// department list, approval dates and published filings with what each holds.
// A handful of queries whatever the number of departments; the line items of
// the published versions are counted by the database, never read.
func (s *Store) Scoreboard(ctx context.Context, region string, year int, phase models.Phase) (ScoreboardFacts, error) {
	facts := ScoreboardFacts{RegionCode: region, FiscalYear: year, Phase: phase}
	if err := s.read.GetContext(ctx, &facts.RegionName, `SELECT COALESCE(MAX(name), '') FROM regions WHERE code = ?`, region); err != nil {
		return facts, fmt.Errorf("store: unable to read region %s: %w", region, err)
	}
	var err error
	if facts.List, facts.ListYear, err = s.DepartmentList(ctx, region, year); err != nil {
		return facts, err
	}
	if facts.Approvals, err = s.Approvals(ctx, region, year, phase); err != nil {
		return facts, err
	}
	var rows []struct {
		ID          int64        `db:"id"`
		DeptCode    string       `db:"dept_code"`
		DeptName    string       `db:"dept_name"`
		Version     int          `db:"version"`
		PublishedAt sql.NullTime `db:"published_at"`
		HasTP       int          `db:"has_tp"`
		TPNulls     int          `db:"tp_nulls"`
	}
	counts := ""
	if phase == models.PhaseFinal {
		// 中办发〔2016〕13号: a final states the groups and persons abroad, the vehicles bought and held, the receptions.
		counts = ` + ` + nullCount("t.trip_groups", "t.trip_persons", "t.vehicles_purchased", "t.vehicles_held",
			"t.reception_batches", "t.reception_persons")
	}
	if err := s.read.SelectContext(ctx, &rows, `SELECT f.id, f.dept_code, f.dept_name, f.version, f.published_at,
		CASE WHEN t.filing_id IS NULL THEN 0 ELSE 1 END AS has_tp,
		CASE WHEN t.filing_id IS NULL THEN 0 ELSE `+nullCount("t.total", "t.outbound_trips", "t.vehicle_purchase",
		"t.vehicle_operation", "t.reception")+counts+` END AS tp_nulls
		FROM filings f LEFT JOIN three_public t ON t.filing_id = f.id
		WHERE f.region_code = ? AND f.fiscal_year = ? AND f.phase = ? AND f.status = 'published' ORDER BY f.dept_code`,
		region, year, phase); err != nil {
		return facts, fmt.Errorf("store: unable to read the scoreboard's filings: %w", err)
	}
	// Every version ever published, for the first publication of each
	// department (not MIN(published_at): SQLite answers it as text).
	var versions []struct {
		DeptCode    string    `db:"dept_code"`
		PublishedAt time.Time `db:"published_at"`
	}
	if err := s.read.SelectContext(ctx, &versions, `SELECT dept_code, published_at FROM filings
		WHERE region_code = ? AND fiscal_year = ? AND phase = ? AND published_at IS NOT NULL`, region, year, phase); err != nil {
		return facts, fmt.Errorf("store: unable to read the scoreboard's publication dates: %w", err)
	}
	first := map[string]time.Time{}
	for _, v := range versions {
		if t, ok := first[v.DeptCode]; !ok || v.PublishedAt.Before(t) {
			first[v.DeptCode] = v.PublishedAt
		}
	}
	ids := make([]int64, len(rows))
	byID := map[int64]int{}
	for i, r := range rows {
		ids[i] = r.ID
		byID[r.ID] = i
		facts.Filings = append(facts.Filings, ScoreboardFiling{FilingID: r.ID, DeptCode: r.DeptCode, DeptName: r.DeptName,
			Version: r.Version, FirstPublished: first[r.DeptCode], PublishedAt: r.PublishedAt.Time, ThreePublic: r.HasTP == 1,
			ThreePublicNulls: r.TPNulls, Tables: map[models.Table]ScoreboardTable{}})
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		var tables []struct {
			FilingID int64        `db:"filing_id"`
			Table    models.Table `db:"tbl"`
			Rows     int          `db:"n"`
			Money    int          `db:"money"`
			Nulls    int          `db:"nulls"`
			Detail   int          `db:"detail"`
		}
		q, args := inInt64(`SELECT filing_id, tbl, COUNT(*) AS n,
			SUM(CASE WHEN amount IS NOT NULL AND amount <> 0 THEN 1 ELSE 0 END) AS money,
			SUM(CASE WHEN amount IS NULL THEN 1 ELSE 0 END) AS nulls,
			SUM(CASE WHEN code <> 'total' THEN 1 ELSE 0 END) AS detail
			FROM line_items WHERE filing_id IN (%s) GROUP BY filing_id, tbl`, chunk)
		if err := s.read.SelectContext(ctx, &tables, q, args...); err != nil {
			return facts, fmt.Errorf("store: unable to count the scoreboard's tables: %w", err)
		}
		for _, t := range tables {
			f := &facts.Filings[byID[t.FilingID]]
			f.Tables[t.Table] = ScoreboardTable{Rows: t.Rows, Money: t.Money, Nulls: t.Nulls, Detail: t.Detail}
		}
		var notes []struct {
			FilingID int64        `db:"filing_id"`
			Table    models.Table `db:"tbl"`
			Note     string       `db:"note"`
		}
		q, args = inInt64(`SELECT filing_id, tbl, note FROM table_notes WHERE filing_id IN (%s) ORDER BY id`, chunk)
		if err := s.read.SelectContext(ctx, &notes, q, args...); err != nil {
			return facts, fmt.Errorf("store: unable to read the scoreboard's table notes: %w", err)
		}
		for _, n := range notes {
			f := &facts.Filings[byID[n.FilingID]]
			t := f.Tables[n.Table]
			t.Notes = append(t.Notes, n.Note)
			f.Tables[n.Table] = t
		}
	}
	warnings, err := s.FindingCounts(ctx, ids)
	if err != nil {
		return facts, err
	}
	for i := range facts.Filings {
		facts.Filings[i].Warnings = warnings[facts.Filings[i].FilingID].Warnings
	}
	return facts, nil
}

// nullCount is SQL counting the NULLs among columns.
func nullCount(cols ...string) string {
	out := ""
	for i, c := range cols {
		if i > 0 {
			out += " + "
		}
		out += "(CASE WHEN " + c + " IS NULL THEN 1 ELSE 0 END)"
	}
	return out
}
