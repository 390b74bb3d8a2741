package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"sunshine/models"
)

// RecordUpload stores a received file's record and the filings it touched.
// Returns ECONFLICT when a file with the same content hash is already recorded.
func (tx *Tx) RecordUpload(ctx context.Context, u models.Upload, filingIDs []int64) (models.Upload, error) {
	u.CreatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO uploads (sha256, filename, kind, size, row_count, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, u.SHA256, u.Filename, u.Kind, u.Size, u.Rows, u.CreatedAt, u.CreatedBy)
	if isUniqueViolation(err) {
		return u, models.Errorf(models.ECONFLICT, "同一文件已上传过")
	}
	if err != nil {
		return u, fmt.Errorf("store: unable to record upload: %w", err)
	}
	if u.ID, err = res.LastInsertId(); err != nil {
		return u, err
	}
	if err := insertRows(ctx, tx, "upload_filings", "upload_id, filing_id", 2, filingIDs, func(_ int, id int64) []any {
		return []any{u.ID, id}
	}); err != nil {
		return u, fmt.Errorf("store: unable to link upload %d to its filings: %w", u.ID, err)
	}
	return u, nil
}

// UploadBySHA256 finds an earlier upload of the same bytes and the filings it
// touched. Returns ENOTFOUND when there is none.
func (s *Store) UploadBySHA256(ctx context.Context, sum string) (models.Upload, []int64, error) {
	var u models.Upload
	err := s.read.GetContext(ctx, &u, `SELECT id, sha256, filename, kind, size, row_count, created_at, created_by
		FROM uploads WHERE sha256 = ?`, sum)
	if errors.Is(err, sql.ErrNoRows) {
		return u, nil, notFound("上传记录")
	}
	if err != nil {
		return u, nil, fmt.Errorf("store: unable to fetch upload: %w", err)
	}
	ids := []int64{}
	if err := s.read.SelectContext(ctx, &ids, `SELECT filing_id FROM upload_filings WHERE upload_id = ? ORDER BY filing_id`, u.ID); err != nil {
		return u, nil, fmt.Errorf("store: unable to fetch upload filings: %w", err)
	}
	return u, ids, nil
}
