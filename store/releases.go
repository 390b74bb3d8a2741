package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
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

// ReleaseChange is one filing version a publication act published
// (ActionPublish, ActionCorrection) or withdrew (ActionWithdrawal).
type ReleaseChange struct {
	Filing models.Filing // as published or withdrawn, with its published names
	Action string
}

// memberChange is what a release does to one department of its dataset:
// takes out its member version (out), puts in a new one (in), or both.
type memberChange struct {
	out, in int64
}

// RecordReleases makes one release per dataset the changes touch, all with the
// same note and publication (0: none, as for a withdrawal). A change touches a
// dataset when it adds, replaces or takes out the department's member there: a
// first version with rows of the dataset's kind is added; a correction whose
// rows of that kind (its notes and published names too) are those of the
// member it would replace leaves the dataset alone — a correction of one
// table makes no release of the other dataset; a withdrawal takes the member out.
//
// Membership is stored by intervals (release_members: a version is a member of
// releases added_in ≤ n < removed_in), one row per filing version per dataset.
func (tx *Tx) RecordReleases(ctx context.Context, changes []ReleaseChange, publicationID int64, note, by string) ([]Release, error) {
	type group struct {
		region string
		year   int
		phase  models.Phase
		items  []ReleaseChange
	}
	var groups []*group
	index := map[string]*group{}
	for _, c := range changes {
		k := fmt.Sprintf("%s|%d|%s", c.Filing.RegionCode, c.Filing.FiscalYear, c.Filing.Phase)
		g := index[k]
		if g == nil {
			g = &group{region: c.Filing.RegionCode, year: c.Filing.FiscalYear, phase: c.Filing.Phase}
			index[k] = g
			groups = append(groups, g)
		}
		g.items = append(g.items, c)
	}
	var out []Release
	for _, g := range groups {
		for _, kind := range models.Kinds {
			id := DatasetID(g.region, g.year, g.phase, kind)
			plan, err := tx.planRelease(ctx, id, kind, g.items)
			if err != nil || len(plan) == 0 {
				if err != nil {
					return nil, err
				}
				continue // nothing of this dataset changes: no release
			}
			r, err := tx.recordRelease(ctx, id, kind, g.region, g.year, g.phase, g.items, publicationID, note, by)
			if err != nil {
				return nil, err
			}
			if r.ID != 0 {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// recordRelease advances the dataset (made if missing) and records its next
// release. The UPDATE locks the dataset row, so two acts on one dataset take
// numbers one after the other; the plan is made again under that lock, so the
// second builds on the members the first committed (READ COMMITTED on MySQL).
func (tx *Tx) recordRelease(ctx context.Context, id string, kind models.Kind, region string, year int, phase models.Phase,
	items []ReleaseChange, publicationID int64, note, by string) (Release, error) {
	if _, err := tx.tx.ExecContext(ctx, insertIgnore(tx.driver, "datasets",
		[]string{"id", "region_code", "fiscal_year", "phase", "kind", "latest_release", "updated_at"}, []string{"id"}),
		id, region, year, phase, kind, 0, tx.now); err != nil {
		return Release{}, fmt.Errorf("store: unable to create dataset %s: %w", id, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE datasets SET latest_release = latest_release + 1, updated_at = ? WHERE id = ?`,
		tx.now, id); err != nil {
		return Release{}, fmt.Errorf("store: unable to advance dataset %s: %w", id, err)
	}
	var number int
	if err := tx.tx.GetContext(ctx, &number, `SELECT latest_release FROM datasets WHERE id = ?`, id); err != nil {
		return Release{}, fmt.Errorf("store: unable to read dataset %s: %w", id, err)
	}
	plan, err := tx.planRelease(ctx, id, kind, items)
	if err != nil {
		return Release{}, err
	}
	if len(plan) == 0 { // another act made the same change first
		_, err := tx.tx.ExecContext(ctx, `UPDATE datasets SET latest_release = latest_release - 1 WHERE id = ?`, id)
		return Release{}, err
	}
	var regionName string
	if err := tx.tx.GetContext(ctx, &regionName, `SELECT name FROM regions WHERE code = ?`, region); err != nil {
		return Release{}, fmt.Errorf("store: unable to read region %s: %w", region, err)
	}
	action := ActionPublish
	var first int64
	for i, c := range items {
		if _, ok := plan[i]; !ok {
			continue
		}
		if first == 0 {
			first = c.Filing.ID
		}
		switch {
		case c.Action == ActionWithdrawal && action == ActionPublish:
			action = ActionWithdrawal
		case c.Action == ActionCorrection:
			action = ActionCorrection
		}
	}
	for _, ch := range plan {
		if ch.out != 0 {
			if _, err := tx.tx.ExecContext(ctx, `UPDATE release_members SET removed_in = ? WHERE dataset_id = ? AND filing_id = ?`,
				number, id, ch.out); err != nil {
				return Release{}, fmt.Errorf("store: unable to record release members: %w", err)
			}
		}
		if ch.in != 0 {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO release_members (dataset_id, filing_id, added_in) VALUES (?, ?, ?)`,
				id, ch.in, number); err != nil {
				return Release{}, fmt.Errorf("store: unable to record release members: %w", err)
			}
		}
	}
	r := Release{DatasetID: id, Number: number, Action: action, FilingID: first, Filings: len(plan), Note: note, CreatedAt: tx.now,
		CreatedBy: by, RegionName: regionName}
	if publicationID != 0 {
		r.PublicationID = &publicationID
	}
	table := "three_public"
	if kind == models.KindLineItems {
		table = "line_items"
	}
	if err := tx.tx.GetContext(ctx, &r.Rows, `SELECT COUNT(*) FROM `+table+` t JOIN release_members m ON m.filing_id = t.filing_id
		WHERE m.dataset_id = ? AND m.removed_in IS NULL`, id); err != nil {
		return Release{}, fmt.Errorf("store: unable to count release rows: %w", err)
	}
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO releases (dataset_id, number, action, filing_id, filing_count, publication_id, note,
		row_count, created_at, created_by, region_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.DatasetID, r.Number, r.Action,
		r.FilingID, r.Filings, r.PublicationID, r.Note, r.Rows, r.CreatedAt, r.CreatedBy, r.RegionName)
	if err != nil {
		return Release{}, fmt.Errorf("store: unable to record release %s/%d: %w", id, r.Number, err)
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return Release{}, err
	}
	return r, nil
}

// planRelease says, per change (by its index), what it does to the dataset's
// members; a change absent from the map leaves the dataset alone.
func (tx *Tx) planRelease(ctx context.Context, id string, kind models.Kind, items []ReleaseChange) (map[int]memberChange, error) {
	plan := map[int]memberChange{}
	for i, c := range items {
		var open int64
		err := tx.tx.GetContext(ctx, &open, `SELECT m.filing_id FROM release_members m JOIN filings f ON f.id = m.filing_id
			WHERE m.dataset_id = ? AND m.removed_in IS NULL AND f.dept_code = ?`, id, c.Filing.DeptCode)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("store: unable to read release members: %w", err)
		}
		if open == c.Filing.ID && c.Action != ActionWithdrawal {
			continue // already in (the same act named it twice)
		}
		has := false
		if c.Action != ActionWithdrawal {
			if has, err = tx.hasKind(ctx, c.Filing.ID, kind); err != nil {
				return nil, err
			}
		}
		switch {
		case has && open != 0:
			same, err := tx.sameContent(ctx, open, c.Filing, kind)
			if err != nil {
				return nil, err
			}
			if !same {
				plan[i] = memberChange{out: open, in: c.Filing.ID}
			}
		case has:
			plan[i] = memberChange{in: c.Filing.ID}
		case open != 0:
			plan[i] = memberChange{out: open}
		}
	}
	return plan, nil
}

// sameContent reports whether filing version a holds, in the dataset of kind,
// exactly what f holds: the same rows and notes (as printed, wherever in the
// file they came from) under the same published names.
func (tx *Tx) sameContent(ctx context.Context, a int64, f models.Filing, kind models.Kind) (bool, error) {
	old, err := tx.Filing(ctx, a)
	if err != nil {
		return false, err
	}
	if old.RegionName != f.RegionName || old.DeptName != f.DeptName {
		return false, nil
	}
	oldRows, err := tx.kindContent(ctx, a, kind)
	if err != nil {
		return false, err
	}
	newRows, err := tx.kindContent(ctx, f.ID, kind)
	if err != nil {
		return false, err
	}
	return reflect.DeepEqual(oldRows, newRows), nil
}

// kindContent is a filing's rows and table notes of one kind, without the
// filing id and source rows, for comparison.
func (tx *Tx) kindContent(ctx context.Context, id int64, kind models.Kind) ([]any, error) {
	var out []any
	notes, err := tx.TableNotes(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		if (n.Table == models.TableThreePublic) == (kind == models.KindThreePublic) {
			n.FilingID, n.SourceRow = 0, 0
			out = append(out, n)
		}
	}
	if kind == models.KindThreePublic {
		tp, err := tx.ThreePublic(ctx, id)
		if err != nil || tp == nil {
			return out, err
		}
		c := *tp
		c.FilingID, c.SourceRow = 0, 0
		return append(out, c), nil
	}
	items, err := tx.LineItems(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, li := range items {
		li.FilingID, li.SourceRow = 0, 0
		out = append(out, li)
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

// releaseMembers lists the filing versions of a dataset's release (none for release 0).
func releaseMembers(ctx context.Context, q queryer, datasetID string, number int) ([]int64, error) {
	ids := []int64{}
	if number == 0 {
		return ids, nil
	}
	err := q.SelectContext(ctx, &ids, `SELECT filing_id FROM release_members
		WHERE dataset_id = ? AND added_in <= ? AND (removed_in IS NULL OR removed_in > ?) ORDER BY filing_id`, datasetID, number, number)
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
const releaseColumns = `r.id, r.dataset_id, r.number, r.action, r.filing_id, r.filing_count, r.publication_id, r.note, r.row_count, r.created_at, r.created_by,
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
