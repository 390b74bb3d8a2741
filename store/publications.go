package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"sunshine/models"
)

const publicationColumns = `id, state, note, run_at, created_at, created_by, done_at, done_by, reason, token_id`

// CreatePublication stores a publication act (published at once, or
// scheduled for p.RunAt) with the drafts it names.
func (tx *Tx) CreatePublication(ctx context.Context, p models.Publication) (models.Publication, error) {
	p.CreatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO publications (state, note, run_at, created_at, created_by, done_at, done_by, reason, token_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.State, p.Note, p.RunAt, p.CreatedAt, p.CreatedBy, p.DoneAt, p.DoneBy, p.Reason, p.TokenID)
	if err != nil {
		return p, fmt.Errorf("store: unable to record publication: %w", err)
	}
	if p.ID, err = res.LastInsertId(); err != nil {
		return p, err
	}
	for _, id := range p.Filings {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO publication_filings (publication_id, filing_id) VALUES (?, ?)`, p.ID, id); err != nil {
			return p, fmt.Errorf("store: unable to record the drafts of publication %d: %w", p.ID, err)
		}
	}
	return p, nil
}

// LockPublication reads a publication and its drafts, locking its row until
// the transaction ends: a cancellation and the scheduler never both act on it.
func (tx *Tx) LockPublication(ctx context.Context, id int64) (models.Publication, error) {
	var p models.Publication
	err := tx.tx.GetContext(ctx, &p, `SELECT `+publicationColumns+` FROM publications WHERE id = ?`+forUpdate(tx.driver), id)
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound(fmt.Sprintf("公开批次 %d ", id))
	}
	if err != nil {
		return p, fmt.Errorf("store: unable to fetch publication %d: %w", id, err)
	}
	p.Filings, err = publicationFilings(ctx, tx.tx, id)
	return p, err
}

// FinishPublication moves a publication to its final state (published,
// cancelled or failed with a reason), stamped with the transaction's time.
func (tx *Tx) FinishPublication(ctx context.Context, id int64, state, by, reason string) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE publications SET state = ?, done_at = ?, done_by = ?, reason = ? WHERE id = ?`,
		state, tx.now, by, reason, id); err != nil {
		return fmt.Errorf("store: unable to update publication %d: %w", id, err)
	}
	return nil
}

// Publication returns a publication with its drafts and the releases it made.
// Returns ENOTFOUND for an unknown id.
func (s *Store) Publication(ctx context.Context, id int64) (models.Publication, error) {
	var p models.Publication
	err := s.read.GetContext(ctx, &p, `SELECT `+publicationColumns+` FROM publications WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound(fmt.Sprintf("公开批次 %d ", id))
	}
	if err != nil {
		return p, fmt.Errorf("store: unable to fetch publication %d: %w", id, err)
	}
	if p.Filings, err = publicationFilings(ctx, s.read, id); err != nil {
		return p, err
	}
	p.Releases = []Release{}
	if err := s.read.SelectContext(ctx, &p.Releases, `SELECT `+releaseColumns+releaseJoins+` WHERE r.publication_id = ?
		ORDER BY r.id`, id); err != nil {
		return p, fmt.Errorf("store: unable to list the releases of publication %d: %w", id, err)
	}
	return p, nil
}

func publicationFilings(ctx context.Context, q queryer, id int64) ([]int64, error) {
	ids := []int64{}
	if err := q.SelectContext(ctx, &ids, `SELECT filing_id FROM publication_filings WHERE publication_id = ? ORDER BY filing_id`, id); err != nil {
		return nil, fmt.Errorf("store: unable to list the drafts of publication %d: %w", id, err)
	}
	return ids, nil
}

// DuePublications lists the scheduled publications whose time has come (at or before now), oldest first.
func (s *Store) DuePublications(ctx context.Context, now time.Time) ([]int64, error) {
	ids := []int64{}
	if err := s.read.SelectContext(ctx, &ids, `SELECT id FROM publications WHERE state = 'scheduled' AND run_at <= ? ORDER BY run_at, id`,
		now.UTC().Truncate(time.Microsecond)); err != nil {
		return nil, fmt.Errorf("store: unable to list scheduled publications: %w", err)
	}
	return ids, nil
}

// CleanDrafts lists the open drafts of a region, year and phase that have no
// error finding: what a publication of the whole region-year-phase publishes.
func (s *Store) CleanDrafts(ctx context.Context, region string, year int, phase models.Phase) ([]int64, error) {
	ids := []int64{}
	if err := s.read.SelectContext(ctx, &ids, `SELECT f.id FROM filings f WHERE f.region_code = ? AND f.fiscal_year = ? AND f.phase = ?
		AND f.status = 'draft' AND NOT EXISTS (SELECT 1 FROM findings x WHERE x.filing_id = f.id AND x.severity = 'error')
		ORDER BY f.dept_code`, region, year, phase); err != nil {
		return nil, fmt.Errorf("store: unable to list clean drafts: %w", err)
	}
	return ids, nil
}

// Publications lists publication acts newest first, with their drafts and
// releases; state "" lists every state. At most limit (1..500, default 100).
func (s *Store) Publications(ctx context.Context, state string, limit int) ([]models.Publication, error) {
	q := `SELECT id FROM publications`
	var args []any
	if state != "" {
		q, args = q+` WHERE state = ?`, append(args, state)
	}
	ids := []int64{}
	if err := s.read.SelectContext(ctx, &ids, q+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, clampLimit(limit, 100, 500)), args...); err != nil {
		return nil, fmt.Errorf("store: unable to list publications: %w", err)
	}
	out := make([]models.Publication, 0, len(ids))
	for _, id := range ids {
		p, err := s.Publication(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
