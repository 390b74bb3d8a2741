package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"sunshine/models"
)

// Dataset, Release, DatasetID and the release actions are domain types of
// package models; these names keep the store's signatures short.
type (
	Dataset = models.Dataset
	Release = models.Release
)

// DatasetID is models.DatasetID.
func DatasetID(region string, year int, phase models.Phase, kind models.Kind) string {
	return models.DatasetID(region, year, phase, kind)
}

// Release actions (models.ActionPublish, …).
const (
	ActionPublish    = models.ActionPublish
	ActionCorrection = models.ActionCorrection
	ActionWithdrawal = models.ActionWithdrawal
)

// Membership makes a release's member filing versions from those of the
// release before it; hasData says whether the filing has rows of the
// dataset's kind. The rule is the workflow's (filings.NextMembers).
type Membership func(members []int64, hasData bool) []int64

// RecordRelease makes the next release of every dataset the filing has data
// in (or its superseded version had), after it was published (superseding
// prev, when prev.ID != 0) or withdrawn, with the members next gives. Each
// release lists the member filing versions, so any release can be rebuilt later.
func (tx *Tx) RecordRelease(ctx context.Context, f models.Filing, prev models.Filing, action, note, by string, next Membership) ([]Release, error) {
	var out []Release
	for _, kind := range models.Kinds {
		has, err := tx.hasKind(ctx, f.ID, kind)
		if err != nil {
			return nil, err
		}
		prevHad := false
		if prev.ID != 0 {
			if prevHad, err = tx.hasKind(ctx, prev.ID, kind); err != nil {
				return nil, err
			}
		}
		if !has && !prevHad {
			continue // this filing never was part of that dataset
		}
		id := DatasetID(f.RegionCode, f.FiscalYear, f.Phase, kind)
		// The dataset row is made if missing (race-free), then advanced first
		// and read back: the UPDATE locks it, so two publications into one
		// dataset take numbers one after the other, and the second builds on
		// the members the first committed (READ COMMITTED on MySQL).
		if _, err := tx.tx.ExecContext(ctx, insertIgnore(tx.driver, "datasets",
			[]string{"id", "region_code", "fiscal_year", "phase", "kind", "latest_release", "updated_at"}, []string{"id"}),
			id, f.RegionCode, f.FiscalYear, f.Phase, kind, 0, tx.now); err != nil {
			return nil, fmt.Errorf("store: unable to create dataset %s: %w", id, err)
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE datasets SET latest_release = latest_release + 1, updated_at = ? WHERE id = ?`,
			tx.now, id); err != nil {
			return nil, fmt.Errorf("store: unable to advance dataset %s: %w", id, err)
		}
		var latest int
		if err := tx.tx.GetContext(ctx, &latest, `SELECT latest_release - 1 FROM datasets WHERE id = ?`, id); err != nil {
			return nil, fmt.Errorf("store: unable to read dataset %s: %w", id, err)
		}
		var regionName string
		if err := tx.tx.GetContext(ctx, &regionName, `SELECT name FROM regions WHERE code = ?`, f.RegionCode); err != nil {
			return nil, fmt.Errorf("store: unable to read region %s: %w", f.RegionCode, err)
		}
		members, err := tx.releaseMembers(ctx, id, latest)
		if err != nil {
			return nil, err
		}
		kept := next(members, has)
		r := Release{DatasetID: id, Number: latest + 1, Action: action, FilingID: f.ID, Note: note, CreatedAt: tx.now, CreatedBy: by,
			RegionName: regionName}
		if r.Rows, err = tx.countRows(ctx, kind, kept); err != nil {
			return nil, err
		}
		res, err := tx.tx.ExecContext(ctx, `INSERT INTO releases (dataset_id, number, action, filing_id, note, row_count, created_at, created_by,
			region_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.DatasetID, r.Number, r.Action, r.FilingID, r.Note, r.Rows, r.CreatedAt, r.CreatedBy,
			r.RegionName)
		if err != nil {
			return nil, fmt.Errorf("store: unable to record release %s/%d: %w", id, r.Number, err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return nil, err
		}
		for _, m := range kept {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO release_filings (release_id, filing_id) VALUES (?, ?)`, r.ID, m); err != nil {
				return nil, fmt.Errorf("store: unable to record release members: %w", err)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func (tx *Tx) hasKind(ctx context.Context, filingID int64, kind models.Kind) (bool, error) {
	q := `SELECT COUNT(*) FROM three_public WHERE filing_id = ?`
	if kind == models.KindLineItems {
		q = `SELECT COUNT(*) FROM line_items WHERE filing_id = ?`
	}
	var n int
	if err := tx.tx.GetContext(ctx, &n, q, filingID); err != nil {
		return false, fmt.Errorf("store: unable to count %s of filing %d: %w", kind, filingID, err)
	}
	return n > 0, nil
}

func (tx *Tx) countRows(ctx context.Context, kind models.Kind, filingIDs []int64) (int, error) {
	if len(filingIDs) == 0 {
		return 0, nil
	}
	table := "three_public"
	if kind == models.KindLineItems {
		table = "line_items"
	}
	q, args := inInt64(`SELECT COUNT(*) FROM `+table+` WHERE filing_id IN (%s)`, filingIDs)
	var n int
	if err := tx.tx.GetContext(ctx, &n, q, args...); err != nil {
		return 0, fmt.Errorf("store: unable to count release rows: %w", err)
	}
	return n, nil
}

// releaseMembers lists the filing versions of a dataset's release (none for release 0).
func (tx *Tx) releaseMembers(ctx context.Context, datasetID string, number int) ([]int64, error) {
	return releaseMembers(ctx, tx.tx, datasetID, number)
}

func releaseMembers(ctx context.Context, q queryer, datasetID string, number int) ([]int64, error) {
	ids := []int64{}
	if number == 0 {
		return ids, nil
	}
	err := q.SelectContext(ctx, &ids, `SELECT rf.filing_id FROM release_filings rf JOIN releases r ON r.id = rf.release_id
		WHERE r.dataset_id = ? AND r.number = ? ORDER BY rf.filing_id`, datasetID, number)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list release members: %w", err)
	}
	return ids, nil
}

// ReleaseMembers lists the filing versions that make up a release. Returns
// ENOTFOUND when the dataset has no such release.
func (s *Store) ReleaseMembers(ctx context.Context, datasetID string, number int) ([]int64, error) {
	d, err := s.Dataset(ctx, datasetID)
	if err != nil {
		return nil, err
	}
	if number < 1 || number > d.LatestRelease {
		return nil, models.Errorf(models.ENOTFOUND, "数据集 %s 没有第 %d 版（最新为第 %d 版）", datasetID, number, d.LatestRelease)
	}
	return releaseMembers(ctx, s.read, datasetID, number)
}

func inInt64(format string, ids []int64) (string, []any) {
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "?", id
	}
	return fmt.Sprintf(format, strings.Join(marks, ", ")), args
}

// A dataset is named as its latest release was published: never from a draft.
const datasetColumns = `d.id, d.region_code, COALESCE(lr.region_name, '') AS region_name, d.fiscal_year, d.phase, d.kind,
	d.latest_release, d.updated_at`

const datasetJoins = ` FROM datasets d LEFT JOIN releases lr ON lr.dataset_id = d.id AND lr.number = d.latest_release`

// Dataset returns one dataset. Returns ENOTFOUND if there is none with that id.
func (s *Store) Dataset(ctx context.Context, id string) (Dataset, error) {
	var d Dataset
	err := s.read.GetContext(ctx, &d, `SELECT `+datasetColumns+datasetJoins+` WHERE d.id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return d, notFound("数据集 " + id + " ")
	}
	if err != nil {
		return d, fmt.Errorf("store: unable to fetch dataset: %w", err)
	}
	return d, nil
}

// DatasetFilter selects datasets for the catalogue; zero fields match all.
type DatasetFilter struct {
	Region string
	Year   int
	Phase  models.Phase
	Kind   string
	// After is the keyset cursor: the (updated_at, id) of the last dataset of the previous page.
	AfterTime time.Time
	AfterID   string
	Limit     int
}

// Datasets lists datasets newest first (by their latest release), keyset-paged.
func (s *Store) Datasets(ctx context.Context, f DatasetFilter) ([]Dataset, error) {
	where := []string{"d.latest_release > 0"}
	var args []any
	if f.Region != "" {
		where, args = append(where, "d.region_code = ?"), append(args, f.Region)
	}
	if f.Year != 0 {
		where, args = append(where, "d.fiscal_year = ?"), append(args, f.Year)
	}
	if f.Phase != "" {
		where, args = append(where, "d.phase = ?"), append(args, f.Phase)
	}
	if f.Kind != "" {
		where, args = append(where, "d.kind = ?"), append(args, f.Kind)
	}
	if f.AfterID != "" {
		where = append(where, "(d.updated_at < ? OR (d.updated_at = ? AND d.id < ?))")
		args = append(args, f.AfterTime, f.AfterTime, f.AfterID)
	}
	limit := clampLimit(f.Limit, 100, 1000)
	ds := []Dataset{}
	err := s.read.SelectContext(ctx, &ds, `SELECT `+datasetColumns+datasetJoins+`
		WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY d.updated_at DESC, d.id DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list datasets: %w", err)
	}
	return ds, nil
}

func clampLimit(n, def, max int) int {
	if n <= 0 {
		return def
	}
	return min(n, max)
}

// A release is named as it was published: the region name it recorded and
// the department name of the filing version it added or withdrew.
const releaseColumns = `r.id, r.dataset_id, r.number, r.action, r.filing_id, r.note, r.row_count, r.created_at, r.created_by,
	f.dept_code, f.dept_name, d.region_code, r.region_name, d.fiscal_year, d.phase, d.kind`

const releaseJoins = ` FROM releases r JOIN datasets d ON d.id = r.dataset_id JOIN filings f ON f.id = r.filing_id`

// Releases lists a dataset's releases, newest first.
func (s *Store) Releases(ctx context.Context, datasetID string) ([]Release, error) {
	rs := []Release{}
	err := s.read.SelectContext(ctx, &rs, `SELECT `+releaseColumns+releaseJoins+` WHERE r.dataset_id = ? ORDER BY r.number DESC`, datasetID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list releases: %w", err)
	}
	return rs, nil
}
