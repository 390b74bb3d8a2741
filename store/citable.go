package store

import (
	"context"
	"fmt"

	"sunshine/models"
)

// FilingSources lists the uploaded files that wrote into a filing version,
// oldest first, for its citation (the SHA-256 a reader can check an original
// against). A version copied from the one before lists only the files
// uploaded into it; the rest came with the copy. Filenames and uploaders are
// left out: they are the bureau's, not the publication's.
func (s *Store) FilingSources(ctx context.Context, filingID int64) ([]models.Upload, error) {
	out := []models.Upload{}
	err := s.read.SelectContext(ctx, &out, `SELECT u.id, u.sha256, '' AS filename, u.kind, u.size, u.row_count, u.created_at, '' AS created_by
		FROM uploads u JOIN upload_filings uf ON uf.upload_id = u.id WHERE uf.filing_id = ? ORDER BY u.id`, filingID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the uploads of filing %d: %w", filingID, err)
	}
	return out, nil
}
