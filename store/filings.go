package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"sunshine/models"
)

const filingColumns = `id, region_code, dept_code, fiscal_year, phase, version, status,
	created_at, created_by, updated_at, published_at, published_by, note, region_name, dept_name`

// OpenDraft returns the open draft of the key, creating it when there is
// none: version 1 for a new key, else one past the newest version. created
// reports whether it was made now. The department must exist.
func (tx *Tx) OpenDraft(ctx context.Context, key models.FilingKey, by string) (f models.Filing, created bool, err error) {
	return tx.openDraft(ctx, key, by, "", "")
}

// OpenNamedDraft is OpenDraft and NameDraft in one: a new draft is created
// with the names (one statement fewer per filing of an upload), an existing
// one is renamed.
func (tx *Tx) OpenNamedDraft(ctx context.Context, key models.FilingKey, by, regionName, deptName string) (f models.Filing, created bool, err error) {
	if err := validDraftNames(regionName, deptName); err != nil {
		return f, false, err
	}
	if f, created, err = tx.openDraft(ctx, key, by, regionName, deptName); err != nil || created {
		return f, created, err
	}
	return f, false, tx.NameDraft(ctx, f.ID, regionName, deptName)
}

func (tx *Tx) openDraft(ctx context.Context, key models.FilingKey, by, regionName, deptName string) (f models.Filing, created bool, err error) {
	if err := key.Validate(); err != nil {
		return f, false, err
	}
	// Locked until the upload commits, so that a publication of this draft
	// waits for the upload (and then judges its findings) instead of
	// publishing under it.
	// The text is fixed per dialect, so the statement is prepared once per transaction.
	err = tx.p.GetContext(ctx, &f, `SELECT `+filingColumns+` FROM filings
		WHERE region_code = ? AND dept_code = ? AND fiscal_year = ? AND phase = ? AND open_draft = 1`+forUpdate(tx.driver),
		key.RegionCode, key.DeptCode, key.FiscalYear, key.Phase)
	if err == nil {
		return f, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return f, false, fmt.Errorf("store: unable to fetch draft: %w", err)
	}
	var last sql.NullInt64
	if err := tx.p.GetContext(ctx, &last, `SELECT MAX(version) FROM filings
		WHERE region_code = ? AND dept_code = ? AND fiscal_year = ? AND phase = ?`,
		key.RegionCode, key.DeptCode, key.FiscalYear, key.Phase); err != nil {
		return f, false, fmt.Errorf("store: unable to fetch versions: %w", err)
	}
	f = models.Filing{FilingKey: key, Version: int(last.Int64) + 1, Status: models.StatusDraft,
		CreatedAt: tx.now, CreatedBy: by, UpdatedAt: tx.now}
	res, err := tx.p.ExecContext(ctx, `INSERT INTO filings (region_code, dept_code, fiscal_year, phase, version, status,
		open_draft, created_at, created_by, updated_at, region_name, dept_name) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
		key.RegionCode, key.DeptCode, key.FiscalYear, key.Phase, f.Version, f.Status, f.CreatedAt, by, f.UpdatedAt,
		regionName, deptName)
	if isUniqueViolation(err) {
		// Another upload created this draft (or the next version) at the same
		// time and won: Write runs this transaction again, which then finds it.
		return f, false, &retryError{models.Errorf(models.ECONFLICT, "该部门 %d 年%s已有草稿正在创建，请重试", key.FiscalYear, key.Phase.Chinese())}
	}
	if err != nil {
		return f, false, fmt.Errorf("store: unable to create draft: %w", err)
	}
	if f.ID, err = res.LastInsertId(); err != nil {
		return f, false, fmt.Errorf("store: unable to read draft id: %w", err)
	}
	return f, true, nil
}

// Touch marks drafts as changed now (an upload's hundreds of drafts in a few statements).
func (tx *Tx) Touch(ctx context.Context, filingIDs ...int64) error {
	return eachChunk(filingIDs, func(part []int64) error {
		args := append([]any{tx.now}, int64Args(part)...)
		_, err := tx.p.ExecContext(ctx, `UPDATE filings SET updated_at = ? WHERE id IN (`+placeholders(len(part))+`) AND status = 'draft'`, args...)
		if err != nil {
			return fmt.Errorf("store: unable to touch filings %d…: %w", part[0], err)
		}
		return nil
	})
}

// FilingsByID reads filings inside the transaction, in the order of ids.
func (tx *Tx) FilingsByID(ctx context.Context, ids []int64) ([]models.Filing, error) {
	byID := make(map[int64]models.Filing, len(ids))
	err := eachChunk(ids, func(part []int64) error {
		var fs []models.Filing
		if err := tx.p.SelectContext(ctx, &fs, `SELECT `+filingColumns+` FROM filings WHERE id IN (`+placeholders(len(part))+`)`,
			int64Args(part)...); err != nil {
			return fmt.Errorf("store: unable to fetch filings %d…: %w", part[0], err)
		}
		for _, f := range fs {
			byID[f.ID] = f
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]models.Filing, 0, len(ids))
	for _, id := range ids {
		f, ok := byID[id]
		if !ok {
			return nil, notFound(fmt.Sprintf("申报 %d ", id))
		}
		out = append(out, f)
	}
	return out, nil
}

// idChunk is how many ids one IN (…) list carries: a few statement texts,
// each prepared once per transaction, cover any number of ids.
const idChunk = 500

// eachChunk calls fn with ids in parts of idChunk and a remainder.
func eachChunk(ids []int64, fn func([]int64) error) error {
	for start := 0; start < len(ids); start += idChunk {
		if err := fn(ids[start:min(start+idChunk, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// Filing returns one filing version. Returns ENOTFOUND if it does not exist.
func (s *Store) Filing(ctx context.Context, id int64) (models.Filing, error) {
	return getFiling(ctx, s.read, id)
}

// Filing reads a filing inside the transaction.
func (tx *Tx) Filing(ctx context.Context, id int64) (models.Filing, error) {
	return getFiling(ctx, tx.p, id)
}

func getFiling(ctx context.Context, q queryer, id int64) (models.Filing, error) {
	var f models.Filing
	err := q.GetContext(ctx, &f, `SELECT `+filingColumns+` FROM filings WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return f, notFound(fmt.Sprintf("申报 %d ", id))
	}
	if err != nil {
		return f, fmt.Errorf("store: unable to fetch filing %d: %w", id, err)
	}
	return f, nil
}

// FilingFilter selects filings; zero fields match everything. AfterID pages
// by key (ids ascending), so no page costs an offset scan.
type FilingFilter struct {
	Region   string
	Dept     string
	Year     int
	Phase    models.Phase
	Statuses []models.Status
	AfterID  int64
	Limit    int // default 100, at most 10,000
}

// Filings lists filings matching the filter, ordered by id.
func (s *Store) Filings(ctx context.Context, f FilingFilter) ([]models.Filing, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Region != "" {
		add("region_code = ?", f.Region)
	}
	if f.Dept != "" {
		add("dept_code = ?", f.Dept)
	}
	if f.Year != 0 {
		add("fiscal_year = ?", f.Year)
	}
	if f.Phase != "" {
		add("phase = ?", f.Phase)
	}
	if len(f.Statuses) > 0 {
		marks := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			marks[i] = "?"
			args = append(args, st)
		}
		where = append(where, "status IN ("+strings.Join(marks, ", ")+")")
	}
	if f.AfterID > 0 {
		add("id > ?", f.AfterID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 10000)
	query := `SELECT ` + filingColumns + ` FROM filings`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += fmt.Sprintf(" ORDER BY id LIMIT %d", limit)
	fs := []models.Filing{}
	if err := s.read.SelectContext(ctx, &fs, query, args...); err != nil {
		return nil, fmt.Errorf("store: unable to list filings: %w", err)
	}
	return fs, nil
}

// LatestPublished returns the published version of a key. Returns ENOTFOUND when none is.
func (s *Store) LatestPublished(ctx context.Context, key models.FilingKey) (models.Filing, error) {
	return latestPublished(ctx, s.read, key)
}

// LatestPublished reads the published version of a key inside the transaction.
func (tx *Tx) LatestPublished(ctx context.Context, key models.FilingKey) (models.Filing, error) {
	return latestPublished(ctx, tx.p, key)
}

func latestPublished(ctx context.Context, q queryer, key models.FilingKey) (models.Filing, error) {
	var f models.Filing
	err := q.GetContext(ctx, &f, `SELECT `+filingColumns+` FROM filings
		WHERE region_code = ? AND dept_code = ? AND fiscal_year = ? AND phase = ? AND status = 'published'`,
		key.RegionCode, key.DeptCode, key.FiscalYear, key.Phase)
	if errors.Is(err, sql.ErrNoRows) {
		return f, notFound("已公开的申报")
	}
	if err != nil {
		return f, fmt.Errorf("store: unable to fetch published filing: %w", err)
	}
	return f, nil
}

// Publish freezes a draft as published and marks the version it replaces as
// superseded. A draft that would supersede another needs a correction note
// (EINVALID without one). Returns ENOTFOUND for an unknown id and ECONFLICT
// when the filing is not a draft. Whether the findings allow publication is
// the caller's business.
func (tx *Tx) Publish(ctx context.Context, id int64, by, note string) (models.Filing, error) {
	f, err := tx.LockFiling(ctx, id)
	if err != nil {
		return f, err
	}
	if f.Status != models.StatusDraft {
		return f, models.Errorf(models.ECONFLICT, "申报 %d 的状态是 %s，只有草稿可以公开", id, f.Status)
	}
	prev, err := tx.LatestPublished(ctx, f.FilingKey)
	hasPrev := err == nil
	if err != nil && models.ErrorCode(err) != models.ENOTFOUND {
		return f, err
	}
	var withdrawn int
	if err := tx.tx.GetContext(ctx, &withdrawn, `SELECT COUNT(*) FROM filings WHERE region_code = ? AND dept_code = ?
		AND fiscal_year = ? AND phase = ? AND status IN ('withdrawn', 'superseded')`,
		f.RegionCode, f.DeptCode, f.FiscalYear, f.Phase); err != nil {
		return f, fmt.Errorf("store: unable to count versions: %w", err)
	}
	if (hasPrev || withdrawn > 0) && strings.TrimSpace(note) == "" {
		return f, models.Errorf(models.EINVALID, "这是第 %d 版，公开更正版本必须填写更正说明（note）", f.Version)
	}
	if hasPrev {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE filings SET status = 'superseded', updated_at = ? WHERE id = ? AND status = 'published'`,
			tx.now, prev.ID); err != nil {
			return f, fmt.Errorf("store: unable to supersede filing %d: %w", prev.ID, err)
		}
	}
	if err := tx.publishNames(ctx, &f); err != nil {
		return f, err
	}
	var notePtr *string
	if strings.TrimSpace(note) != "" {
		notePtr = &note
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE filings SET status = 'published', open_draft = NULL,
		published_at = ?, published_by = ?, note = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
		tx.now, by, notePtr, tx.now, id)
	if err != nil {
		return f, fmt.Errorf("store: unable to publish filing %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return f, models.Errorf(models.ECONFLICT, "申报 %d 已不是草稿（可能刚被另一请求公开），未重复公开", id)
	}
	return tx.Filing(ctx, id)
}

// LockFiling reads a filing and locks it until the transaction ends, so that
// what is decided from it (its status, its findings) still holds at commit: a
// publication and an upload to the same draft, or two publications, run one
// after the other. Returns ENOTFOUND if it does not exist.
func (tx *Tx) LockFiling(ctx context.Context, id int64) (models.Filing, error) {
	var f models.Filing
	err := tx.tx.GetContext(ctx, &f, `SELECT `+filingColumns+` FROM filings WHERE id = ?`+forUpdate(tx.driver), id)
	if errors.Is(err, sql.ErrNoRows) {
		return f, notFound(fmt.Sprintf("申报 %d ", id))
	}
	if err != nil {
		return f, fmt.Errorf("store: unable to fetch filing %d: %w", id, err)
	}
	return f, nil
}

// Withdraw takes a published filing back with a note; it stays readable.
// Returns EINVALID without a note and ECONFLICT unless the filing is published.
func (tx *Tx) Withdraw(ctx context.Context, id int64, by, note string) (models.Filing, error) {
	f, err := tx.LockFiling(ctx, id)
	if err != nil {
		return f, err
	}
	if strings.TrimSpace(note) == "" {
		return f, models.Errorf(models.EINVALID, "撤回必须填写说明（note）")
	}
	if f.Status != models.StatusPublished {
		return f, models.Errorf(models.ECONFLICT, "申报 %d 的状态是 %s，只有已公开的申报可以撤回", id, f.Status)
	}
	// The reason is kept with the release the withdrawal makes (and in the audit
	// log), not on the filing: the filing's note is its correction note, which
	// the files of earlier releases print and must keep printing.
	if _, err := tx.tx.ExecContext(ctx, `UPDATE filings SET status = 'withdrawn', updated_at = ? WHERE id = ? AND status = 'published'`,
		tx.now, id); err != nil {
		return f, fmt.Errorf("store: unable to withdraw filing %d: %w", id, err)
	}
	return tx.Filing(ctx, id)
}

// PublishedFilings returns the published version of every department's filing
// for a region, year and phase, by department code.
func (tx *Tx) PublishedFilings(ctx context.Context, region string, year int, phase models.Phase) ([]models.Filing, error) {
	return publishedFilings(ctx, tx.tx, region, year, phase)
}

// PublishedFilings reads the published filings of a region, year and phase outside any transaction.
func (s *Store) PublishedFilings(ctx context.Context, region string, year int, phase models.Phase) ([]models.Filing, error) {
	return publishedFilings(ctx, s.read, region, year, phase)
}

func publishedFilings(ctx context.Context, q queryer, region string, year int, phase models.Phase) ([]models.Filing, error) {
	fs := []models.Filing{}
	err := q.SelectContext(ctx, &fs, `SELECT `+filingColumns+` FROM filings
		WHERE region_code = ? AND fiscal_year = ? AND phase = ? AND status = 'published' ORDER BY dept_code`, region, year, phase)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list published filings: %w", err)
	}
	return fs, nil
}

// DependentDrafts returns the open drafts whose cross-filing checks read the
// given filing: the same department's drafts of the same fiscal year (a final
// against its budget) and of the next year (changes against last year).
func (tx *Tx) DependentDrafts(ctx context.Context, f models.Filing) ([]models.Filing, error) {
	fs := []models.Filing{}
	err := tx.tx.SelectContext(ctx, &fs, `SELECT `+filingColumns+` FROM filings
		WHERE region_code = ? AND dept_code = ? AND fiscal_year IN (?, ?) AND status = 'draft' AND id <> ? ORDER BY id`,
		f.RegionCode, f.DeptCode, f.FiscalYear, f.FiscalYear+1, f.ID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list dependent drafts: %w", err)
	}
	return fs, nil
}
