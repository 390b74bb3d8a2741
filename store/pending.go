package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"
)

// PendingUpload is a desk upload kept while the clerk confirms its filing
// fields (migration 00016; web/pending.go decides the ids and the limits).
type PendingUpload struct {
	IDHash     string    `db:"id_hash"`
	SessionTag string    `db:"session_tag"`
	Name       string    `db:"name"`
	Kind       string    `db:"kind"`
	Size       int64     `db:"size"`
	CreatedAt  time.Time `db:"created_at"`
}

// ErrPendingFull is PutPending's answer when maxAll uploads are kept already.
var ErrPendingFull = errors.New("store: too many pending desk uploads")

// PutPending keeps the file at path as p (stamped now), in one transaction:
// the uploads older than ttl go first, then the session's oldest beyond
// perSession − 1; with maxAll kept still, ErrPendingFull.
func (s *Store) PutPending(ctx context.Context, p PendingUpload, path string, ttl time.Duration, perSession, maxAll int) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := deleteExpiredPending(ctx, tx, ttl); err != nil {
			return err
		}
		var mine []string
		if err := tx.tx.SelectContext(ctx, &mine, `SELECT id_hash FROM desk_pending WHERE session_tag = ? ORDER BY created_at, id_hash`,
			p.SessionTag); err != nil {
			return fmt.Errorf("store: unable to list pending uploads: %w", err)
		}
		for len(mine) >= perSession {
			if err := deletePending(ctx, tx.tx, mine[0]); err != nil {
				return err
			}
			mine = mine[1:]
		}
		var all int
		if err := tx.tx.GetContext(ctx, &all, `SELECT COUNT(*) FROM desk_pending`); err != nil {
			return fmt.Errorf("store: unable to count pending uploads: %w", err)
		}
		if all >= maxAll {
			return ErrPendingFull
		}
		return keepPieces(ctx, tx, path, `INSERT INTO desk_pending_chunks (id_hash, seq, data) VALUES (?, ?, ?)`, p.IDHash, func(size int64) error {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO desk_pending (id_hash, session_tag, name, kind, size, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				p.IDHash, p.SessionTag, p.Name, p.Kind, size, tx.now); err != nil {
				return fmt.Errorf("store: unable to keep a pending upload: %w", err)
			}
			return nil
		})
	})
}

// Pending reads a kept upload younger than ttl; ENOTFOUND when there is none.
func (s *Store) Pending(ctx context.Context, idHash string, ttl time.Duration) (PendingUpload, error) {
	var p PendingUpload
	err := s.read.GetContext(ctx, &p, `SELECT id_hash, session_tag, name, kind, size, created_at FROM desk_pending
		WHERE id_hash = ? AND created_at > ?`, idHash, s.now().Add(-ttl))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("暂存的上传文件")
	}
	if err != nil {
		return p, fmt.Errorf("store: unable to read a pending upload: %w", err)
	}
	return p, nil
}

// CopyPending writes a kept upload's bytes to w, a piece at a time.
func (s *Store) CopyPending(ctx context.Context, p PendingUpload, w io.Writer) error {
	rows, err := s.read.QueryContext(ctx, `SELECT data FROM desk_pending_chunks WHERE id_hash = ? ORDER BY seq`, p.IDHash)
	if err != nil {
		return fmt.Errorf("store: unable to read a pending upload: %w", err)
	}
	defer rows.Close()
	var n int64
	var piece []byte
	for rows.Next() {
		if err := rows.Scan(&piece); err != nil {
			return fmt.Errorf("store: unable to read a pending upload: %w", err)
		}
		k, err := w.Write(piece)
		n += int64(k)
		if err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: unable to read a pending upload: %w", err)
	}
	if n != p.Size {
		return fmt.Errorf("store: a pending upload of %d bytes read back as %d", p.Size, n)
	}
	return nil
}

// DeletePending forgets a kept upload (used, or replaced).
func (s *Store) DeletePending(ctx context.Context, idHash string) error {
	return s.Write(ctx, func(tx *Tx) error { return deletePending(ctx, tx.tx, idHash) })
}

// DeletePendingSession forgets a session's kept uploads (at sign-out).
func (s *Store) DeletePendingSession(ctx context.Context, sessionTag string) error {
	return s.Write(ctx, func(tx *Tx) error {
		var ids []string
		if err := tx.tx.SelectContext(ctx, &ids, `SELECT id_hash FROM desk_pending WHERE session_tag = ?`, sessionTag); err != nil {
			return fmt.Errorf("store: unable to list pending uploads: %w", err)
		}
		for _, id := range ids {
			if err := deletePending(ctx, tx.tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteExpiredPending forgets the kept uploads older than ttl.
func (s *Store) DeleteExpiredPending(ctx context.Context, ttl time.Duration) error {
	return s.Write(ctx, func(tx *Tx) error { return deleteExpiredPending(ctx, tx, ttl) })
}

func deleteExpiredPending(ctx context.Context, tx *Tx, ttl time.Duration) error {
	var ids []string
	if err := tx.tx.SelectContext(ctx, &ids, `SELECT id_hash FROM desk_pending WHERE created_at <= ?`, tx.now.Add(-ttl)); err != nil {
		return fmt.Errorf("store: unable to list expired pending uploads: %w", err)
	}
	for _, id := range ids {
		if err := deletePending(ctx, tx.tx, id); err != nil {
			return err
		}
	}
	return nil
}

// deletePending removes a kept upload, its pieces first (whatever the foreign keys cascade).
func deletePending(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, idHash string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM desk_pending_chunks WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("store: unable to drop a pending upload: %w", err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM desk_pending WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("store: unable to drop a pending upload: %w", err)
	}
	return nil
}

// CountPending counts the kept desk uploads and their pieces, expired ones not yet swept included.
func (s *Store) CountPending(ctx context.Context) (uploads, pieces int, err error) {
	if err := s.read.GetContext(ctx, &uploads, `SELECT COUNT(*) FROM desk_pending`); err != nil {
		return 0, 0, fmt.Errorf("store: unable to count pending uploads: %w", err)
	}
	if err := s.read.GetContext(ctx, &pieces, `SELECT COUNT(*) FROM desk_pending_chunks`); err != nil {
		return 0, 0, fmt.Errorf("store: unable to count pending uploads: %w", err)
	}
	return uploads, pieces, nil
}
