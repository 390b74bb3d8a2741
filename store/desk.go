package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"sunshine/models"
)

// The upload desk's state (migration 00009): its sessions, kept here so that
// a restart keeps clerks signed in and every replica knows every session, and
// the drafts submitted for review, which the admins' queue lists. Package web
// decides the sessions' lifetimes; this file only stores them.

// DeskSession is a desk session as stored: never the cookie's value, only its SHA-256.
type DeskSession struct {
	IDHash    string    `db:"id_hash"`    // SHA-256 (hex) of the cookie value
	TokenHash string    `db:"token_hash"` // SHA-256 of the token that signed in
	CSRF      string    `db:"csrf"`       // the session's form token
	CreatedAt time.Time `db:"created_at"`
	SeenAt    time.Time `db:"seen_at"`
	ExpiresAt time.Time `db:"expires_at"` // the earlier of SeenAt + idle limit and CreatedAt + longest life
}

const deskSessionColumns = `id_hash, token_hash, csrf, created_at, seen_at, expires_at`

// dbTime is a time as the store writes it: UTC, to the microsecond MySQL keeps.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// CreateDeskSession stores a new session. In the same transaction it ends the
// session it replaces (replaces, the hash of the id the browser held before
// signing in; "" for none), purges the expired sessions, and ends the least
// recently used ones while max or more would otherwise be left, so that at
// most max sessions live at once (max <= 0: no limit).
func (s *Store) CreateDeskSession(ctx context.Context, sess DeskSession, replaces string, max int) error {
	sess.CreatedAt, sess.SeenAt, sess.ExpiresAt = dbTime(sess.CreatedAt), dbTime(sess.SeenAt), dbTime(sess.ExpiresAt)
	return s.Write(ctx, func(tx *Tx) error {
		if replaces != "" {
			if _, err := tx.tx.ExecContext(ctx, `DELETE FROM desk_sessions WHERE id_hash = ?`, replaces); err != nil {
				return fmt.Errorf("store: unable to end desk session: %w", err)
			}
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM desk_sessions WHERE expires_at <= ?`, sess.CreatedAt); err != nil {
			return fmt.Errorf("store: unable to purge desk sessions: %w", err)
		}
		if max > 0 {
			var n int
			if err := tx.tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM desk_sessions`); err != nil {
				return fmt.Errorf("store: unable to count desk sessions: %w", err)
			}
			if over := n - max + 1; over > 0 {
				var oldest []string
				if err := tx.tx.SelectContext(ctx, &oldest, fmt.Sprintf(`SELECT id_hash FROM desk_sessions
					ORDER BY seen_at, id_hash LIMIT %d`, over)); err != nil {
					return fmt.Errorf("store: unable to find the oldest desk sessions: %w", err)
				}
				for start := 0; start < len(oldest); start += 500 {
					part := oldest[start:min(start+500, len(oldest))]
					args := make([]any, len(part))
					for i, h := range part {
						args[i] = h
					}
					if _, err := tx.tx.ExecContext(ctx, `DELETE FROM desk_sessions WHERE id_hash IN (`+placeholders(len(part))+`)`, args...); err != nil {
						return fmt.Errorf("store: unable to end the oldest desk sessions: %w", err)
					}
				}
			}
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO desk_sessions (`+deskSessionColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
			sess.IDHash, sess.TokenHash, sess.CSRF, sess.CreatedAt, sess.SeenAt, sess.ExpiresAt); err != nil {
			return fmt.Errorf("store: unable to store desk session: %w", err)
		}
		return nil
	})
}

// DeskSession returns the stored session with this id hash, expired or not.
// Returns ENOTFOUND when there is none.
func (s *Store) DeskSession(ctx context.Context, idHash string) (DeskSession, error) {
	var d DeskSession
	err := s.read.GetContext(ctx, &d, `SELECT `+deskSessionColumns+` FROM desk_sessions WHERE id_hash = ?`, idHash)
	if errors.Is(err, sql.ErrNoRows) {
		return d, notFound("上传台会话")
	}
	if err != nil {
		return d, fmt.Errorf("store: unable to fetch desk session: %w", err)
	}
	return d, nil
}

// TouchDeskSession records a use of a session: its last use and new expiry.
func (s *Store) TouchDeskSession(ctx context.Context, idHash string, seen, expires time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE desk_sessions SET seen_at = ?, expires_at = ? WHERE id_hash = ?`,
			dbTime(seen), dbTime(expires), idHash); err != nil {
			return fmt.Errorf("store: unable to touch desk session: %w", err)
		}
		return nil
	})
}

// EndDeskSession deletes a session (sign-out, a revoked token, expiry); an unknown id is no error.
func (s *Store) EndDeskSession(ctx context.Context, idHash string) error {
	return s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM desk_sessions WHERE id_hash = ?`, idHash); err != nil {
			return fmt.Errorf("store: unable to end desk session: %w", err)
		}
		return nil
	})
}

// PurgeDeskSessions deletes every session expired at now and says how many.
func (s *Store) PurgeDeskSessions(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM desk_sessions WHERE expires_at <= ?`, dbTime(now))
		if err != nil {
			return fmt.Errorf("store: unable to purge desk sessions: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// CountDeskSessions counts the stored sessions, expired ones not yet purged included.
func (s *Store) CountDeskSessions(ctx context.Context) (int, error) {
	var n int
	if err := s.read.GetContext(ctx, &n, `SELECT COUNT(*) FROM desk_sessions`); err != nil {
		return 0, fmt.Errorf("store: unable to count desk sessions: %w", err)
	}
	return n, nil
}

// ReviewRequest is a draft submitted for review.
type ReviewRequest struct {
	FilingID    int64     `db:"filing_id"`
	SubmittedAt time.Time `db:"submitted_at"`
	SubmittedBy string    `db:"submitted_by"`
	// Current is false once the draft was uploaded into after it was
	// submitted: it then waits for a new submission and is not queued.
	Current bool `db:"current"`
}

// SubmitForReview records that a draft is submitted for review by whom, now,
// as it stands (its updated_at and newest upload); a request made earlier is replaced. Whether
// the draft may be submitted (a draft, no error) is the caller's business.
func (tx *Tx) SubmitForReview(ctx context.Context, filingID int64, by string) (ReviewRequest, error) {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM review_requests WHERE filing_id = ?`, filingID); err != nil {
		return ReviewRequest{}, fmt.Errorf("store: unable to replace review request: %w", err)
	}
	// The draft's updated_at is copied by the database, so that it compares equal to itself in both dialects.
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO review_requests (filing_id, submitted_at, submitted_by, draft_updated_at, last_upload_id)
		SELECT id, ?, ?, updated_at, `+lastUpload+` FROM filings f WHERE id = ? AND status = 'draft'`, tx.now, by, filingID)
	if err != nil {
		return ReviewRequest{}, fmt.Errorf("store: unable to submit filing %d for review: %w", filingID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ReviewRequest{}, models.Errorf(models.ECONFLICT, "申报 %d 不是草稿，不能提交审核", filingID)
	}
	return ReviewRequest{FilingID: filingID, SubmittedAt: tx.now, SubmittedBy: by, Current: true}, nil
}

// lastUpload is the newest upload that wrote into the draft f (0: none).
const lastUpload = `(SELECT COALESCE(MAX(u.upload_id), 0) FROM upload_filings u WHERE u.filing_id = f.id)`

// waiting holds while a submitted draft is as it was submitted: still a
// draft, and neither touched (updated_at) nor uploaded into since.
const waiting = `f.status = 'draft' AND f.updated_at = r.draft_updated_at AND r.last_upload_id = ` + lastUpload

const reviewColumns = `r.filing_id, r.submitted_at, r.submitted_by, CASE WHEN ` + waiting + ` THEN 1 ELSE 0 END AS current`

// ReviewRequests returns the review requests of the given drafts, by filing id
// (drafts never submitted are absent).
func (s *Store) ReviewRequests(ctx context.Context, filingIDs []int64) (map[int64]ReviewRequest, error) {
	out := map[int64]ReviewRequest{}
	for start := 0; start < len(filingIDs); start += 500 {
		q, args := inInt64(`SELECT `+reviewColumns+` FROM review_requests r JOIN filings f ON f.id = r.filing_id
			WHERE r.filing_id IN (%s)`, filingIDs[start:min(start+500, len(filingIDs))])
		var rs []ReviewRequest
		if err := s.read.SelectContext(ctx, &rs, q, args...); err != nil {
			return nil, fmt.Errorf("store: unable to fetch review requests: %w", err)
		}
		for _, r := range rs {
			out[r.FilingID] = r
		}
	}
	return out, nil
}

// QueuedDraft is a draft waiting in the review queue.
type QueuedDraft struct {
	Filing  models.Filing
	Request ReviewRequest
}

// ReviewQueue lists the drafts waiting for review — submitted, still drafts,
// and not uploaded into since — of a region ("" every region), the longest
// waiting first, at most limit (default 1,000).
func (s *Store) ReviewQueue(ctx context.Context, region string, limit int) ([]QueuedDraft, error) {
	if limit <= 0 {
		limit = 1000
	}
	q := `SELECT r.filing_id, r.submitted_at, r.submitted_by, f.id FROM review_requests r JOIN filings f ON f.id = r.filing_id
		WHERE ` + waiting
	var args []any
	if region != "" {
		q += ` AND f.region_code = ?`
		args = append(args, region)
	}
	q += fmt.Sprintf(` ORDER BY r.submitted_at, r.filing_id LIMIT %d`, limit)
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the review queue: %w", err)
	}
	var reqs []ReviewRequest
	for rows.Next() {
		var r ReviewRequest
		var id int64
		if err := rows.Scan(&r.FilingID, &r.SubmittedAt, &r.SubmittedBy, &id); err != nil {
			rows.Close()
			return nil, unavailable(fmt.Errorf("store: unable to read the review queue: %w", err))
		}
		r.Current = true
		reqs = append(reqs, r)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, unavailable(fmt.Errorf("store: unable to read the review queue: %w", err))
	}
	out := make([]QueuedDraft, 0, len(reqs))
	for start := 0; start < len(reqs); start += 500 {
		part := reqs[start:min(start+500, len(reqs))]
		ids := make([]int64, len(part))
		for i, r := range part {
			ids[i] = r.FilingID
		}
		q, args := inInt64(`SELECT `+filingColumns+` FROM filings WHERE id IN (%s)`, ids)
		var fs []models.Filing
		if err := s.read.SelectContext(ctx, &fs, q, args...); err != nil {
			return nil, fmt.Errorf("store: unable to fetch queued drafts: %w", err)
		}
		byID := map[int64]models.Filing{}
		for _, f := range fs {
			byID[f.ID] = f
		}
		for _, r := range part {
			if f, ok := byID[r.FilingID]; ok {
				out = append(out, QueuedDraft{Filing: f, Request: r})
			}
		}
	}
	return out, nil
}

// DiscardedDraft is what discarding a draft removed.
type DiscardedDraft struct {
	Filing    models.Filing
	LineItems int
	Uploads   []int64 // the upload records forgotten with it
}

// DiscardDraft deletes a draft and everything in it: its 三公 record, line
// items, notes, findings, review request, and its place in publication acts
// that failed or were cancelled (one still scheduled refuses, ECONFLICT). The uploads that wrote into it
// are forgotten whole (their records and links to every draft), so that the
// same file uploaded again is read anew instead of being answered as a
// duplicate of what no longer exists; the audit log keeps them. Returns
// ENOTFOUND for an unknown id and ECONFLICT when the filing is not a draft.
func (tx *Tx) DiscardDraft(ctx context.Context, id int64) (DiscardedDraft, error) {
	var d DiscardedDraft
	f, err := tx.LockFiling(ctx, id)
	if err != nil {
		return d, err
	}
	if f.Status != models.StatusDraft {
		return d, models.Errorf(models.ECONFLICT, "申报 %d 的状态是%s，只有草稿可以放弃", id, statusName(f.Status))
	}
	d.Filing = f
	// A scheduled publication act that names the draft keeps it: the act is cancelled first.
	var acts []int64
	if err := tx.tx.SelectContext(ctx, &acts, `SELECT p.id FROM publication_filings pf JOIN publications p ON p.id = pf.publication_id
		WHERE pf.filing_id = ? AND p.state = 'scheduled' ORDER BY p.id`, id); err != nil {
		return d, fmt.Errorf("store: unable to find the publication acts of filing %d: %w", id, err)
	}
	if len(acts) > 0 {
		return d, models.Errorf(models.ECONFLICT, "草稿 %d 已列入定时公开的公开批次 %d，不能放弃；请管理员先取消该批次", id, acts[0])
	}
	if err := tx.tx.GetContext(ctx, &d.LineItems, `SELECT COUNT(*) FROM line_items WHERE filing_id = ?`, id); err != nil {
		return d, fmt.Errorf("store: unable to count line items of filing %d: %w", id, err)
	}
	if err := tx.tx.SelectContext(ctx, &d.Uploads, `SELECT upload_id FROM upload_filings WHERE filing_id = ? ORDER BY upload_id`, id); err != nil {
		return d, fmt.Errorf("store: unable to find the uploads of filing %d: %w", id, err)
	}
	for _, u := range d.Uploads {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM upload_filings WHERE upload_id = ?`, u); err != nil {
			return d, fmt.Errorf("store: unable to forget upload %d: %w", u, err)
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM uploads WHERE id = ?`, u); err != nil {
			return d, fmt.Errorf("store: unable to forget upload %d: %w", u, err)
		}
	}
	// Children first, whatever the foreign keys cascade.
	for _, table := range []string{"review_requests", "publication_filings", "findings", "figure_sources", "figure_cells", "explanations", "table_notes", "line_items", "three_public"} {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE filing_id = ?`, id); err != nil {
			return d, fmt.Errorf("store: unable to discard %s of filing %d: %w", table, id, err)
		}
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM filings WHERE id = ? AND status = 'draft'`, id); err != nil {
		return d, fmt.Errorf("store: unable to discard filing %d: %w", id, err)
	}
	return d, nil
}

func statusName(s models.Status) string {
	switch s {
	case models.StatusPublished:
		return "已公开"
	case models.StatusSuperseded:
		return "已被新版本取代"
	case models.StatusWithdrawn:
		return "已撤回"
	}
	return string(s)
}
