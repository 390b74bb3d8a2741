package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sunshine/models"
)

// Provenance of figures read from PDFs (migration 00010): where each was
// printed (figure_sources) and the PDFs themselves (source_files).

const figureSourceColumns = "filing_id, tbl, code, col, sha256, page, x0, y0, x1, y1"

// sourcePageColumn is the page a line item x (of a query over line_items x)
// was read from, NULL when none: the feed rows' source_page.
const sourcePageColumn = `(SELECT MIN(s.page) FROM figure_sources s
	WHERE s.filing_id = x.filing_id AND s.tbl = x.tbl AND s.code = x.code AND s.col = x.col)`

// threePublicPageColumn is the first page the 三公 record x (of a query over
// three_public x) was read from, NULL when none.
const threePublicPageColumn = `(SELECT MIN(s.page) FROM figure_sources s
	WHERE s.filing_id = x.filing_id AND s.tbl = 'three_public')`

// InsertFigureSources records where figures of a draft were printed. The
// upload replaces a table's sources with its lines (DeleteTable clears both).
func (tx *Tx) InsertFigureSources(ctx context.Context, srcs []models.FigureSource) error {
	err := insertRows(ctx, tx, "figure_sources", figureSourceColumns, 10, srcs, func(_ int, s models.FigureSource) []any {
		return []any{s.FilingID, string(s.Table), s.Code, s.Column, s.SHA256, s.Page, s.X0, s.Y0, s.X1, s.Y1}
	})
	if err != nil {
		return fmt.Errorf("store: unable to save where the figures were printed: %w", err)
	}
	return nil
}

// deleteFigureSources clears the sources of one table of a filing.
func deleteFigureSources(ctx context.Context, tx *Tx, filingID int64, table models.Table) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM figure_sources WHERE filing_id = ? AND tbl = ?`, filingID, string(table)); err != nil {
		return fmt.Errorf("store: unable to clear the sources of table %s of filing %d: %w", table, filingID, err)
	}
	return nil
}

// copyFigureSources copies a filing's sources into the draft copied from it.
func copyFigureSources(ctx context.Context, tx *Tx, from, to int64) error {
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO figure_sources (`+figureSourceColumns+`)
		SELECT ?, tbl, code, col, sha256, page, x0, y0, x1, y1 FROM figure_sources WHERE filing_id = ? ORDER BY id`, to, from); err != nil {
		return fmt.Errorf("store: unable to copy the figures' sources %d → %d: %w", from, to, err)
	}
	return nil
}

// FigureSources returns where a filing's figures were printed, by table,
// code and column; empty for a filing with no figure from a PDF.
func (s *Store) FigureSources(ctx context.Context, filingID int64) ([]models.FigureSource, error) {
	out := []models.FigureSource{}
	if err := s.read.SelectContext(ctx, &out, `SELECT `+figureSourceColumns+` FROM figure_sources WHERE filing_id = ?
		ORDER BY tbl, code, col, id`, filingID); err != nil {
		return nil, fmt.Errorf("store: unable to fetch the sources of filing %d: %w", filingID, err)
	}
	return out, nil
}

// PutSourceFile keeps the original of an uploaded PDF, read from path, under
// its SHA-256, in pieces of sourceChunk bytes written as they are read (the
// file is never whole in memory); a file kept already is left as it is.
func (tx *Tx) PutSourceFile(ctx context.Context, sha256, mediaType, path string) error {
	var n int
	if err := tx.tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM source_files WHERE sha256 = ?`, sha256); err != nil {
		return fmt.Errorf("store: unable to look up source file %s: %w", sha256, err)
	}
	if n > 0 {
		return nil
	}
	return keepPieces(ctx, tx, path, `INSERT INTO source_file_chunks (sha256, seq, data) VALUES (?, ?, ?)`, sha256, func(size int64) error {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO source_files (sha256, media_type, size, content, created_at) VALUES (?, ?, ?, ?, ?)`,
			sha256, mediaType, size, []byte{}, tx.now); err != nil {
			return fmt.Errorf("store: unable to keep source file %s: %w", sha256, err)
		}
		return nil
	})
}

// keepPieces stores the file at path: head, given its size, writes the row
// the pieces belong to, then the bytes go in with insertPiece (see
// insertChunks) under key. A file that changes while it is read is an error.
func keepPieces(ctx context.Context, tx *Tx, path, insertPiece, key string, head func(size int64) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := head(st.Size()); err != nil {
		return err
	}
	size, err := insertChunks(ctx, tx, insertPiece, key, f)
	if err != nil {
		return fmt.Errorf("store: unable to keep %s: %w", filepath.Base(path), err)
	}
	if size != st.Size() {
		return fmt.Errorf("store: %s changed while it was kept (%d bytes, then %d)", filepath.Base(path), st.Size(), size)
	}
	return nil
}

// sourceChunk is the size of the pieces an original is kept in (migration
// 00014), and a desk upload waiting for its fields (00016).
const sourceChunk = 1 << 20

// insertChunks writes what r reads, in pieces of sourceChunk bytes, with
// insert (three parameters: key, seq from 0, the bytes); only one piece is
// in memory at a time. It returns how many bytes it wrote.
func insertChunks(ctx context.Context, tx *Tx, insert, key string, r io.Reader) (int64, error) {
	buf := make([]byte, sourceChunk)
	var size int64
	for seq := 0; ; seq++ {
		k, err := io.ReadFull(r, buf)
		if k > 0 {
			if _, err := tx.p.ExecContext(ctx, insert, key, seq, buf[:k]); err != nil {
				return size, err
			}
			size += int64(k)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return size, nil
		}
		if err != nil {
			return size, err
		}
	}
}

// SourceFile is a kept original: its name, type and size; its bytes are
// read with Open.
type SourceFile struct {
	SHA256    string `db:"sha256"`
	MediaType string `db:"media_type"`
	Size      int64  `db:"size"`
}

// SourceFile returns the original kept under a SHA-256 and whether a
// published (or superseded, or withdrawn: still readable) filing cites it;
// ENOTFOUND when none is kept.
func (s *Store) SourceFile(ctx context.Context, sha256 string) (SourceFile, bool, error) {
	var f SourceFile
	err := s.read.GetContext(ctx, &f, `SELECT sha256, media_type, size FROM source_files WHERE sha256 = ?`, sha256)
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, models.Errorf(models.ENOTFOUND, "没有这份原始文件")
	}
	if err != nil {
		return f, false, fmt.Errorf("store: unable to read source file %s: %w", sha256, err)
	}
	var n int
	// Its figures or its explanations (explanations.go) cite it.
	if err := s.read.GetContext(ctx, &n, `SELECT (SELECT COUNT(*) FROM figure_sources fs JOIN filings f ON f.id = fs.filing_id
		WHERE fs.sha256 = ? AND f.status <> 'draft') + (SELECT COUNT(*) FROM explanations e JOIN filings f ON f.id = e.filing_id
		WHERE e.sha256 = ? AND f.status <> 'draft')`, sha256, sha256); err != nil {
		return f, false, fmt.Errorf("store: unable to look up who cites source file %s: %w", sha256, err)
	}
	return f, n > 0, nil
}

// OpenSource reads a kept original's bytes: an io.ReadSeeker over its
// pieces that holds one piece (1 MiB) at a time, for http.ServeContent
// (ranges) and the page renderer. Each Read after a Seek elsewhere reads the
// piece it needs from the read pool.
func (s *Store) OpenSource(ctx context.Context, f SourceFile) *SourceReader {
	return &SourceReader{ctx: ctx, s: s, f: f, seq: -1}
}

// SourceReader is an open kept original (see OpenSource).
type SourceReader struct {
	ctx context.Context
	s   *Store
	f   SourceFile
	off int64
	seq int    // the piece in buf, -1: none
	buf []byte // its bytes
}

func (r *SourceReader) Read(p []byte) (int, error) {
	if r.off >= r.f.Size {
		return 0, io.EOF
	}
	seq := int(r.off / sourceChunk)
	if seq != r.seq {
		r.buf = r.buf[:0]
		if err := r.s.read.GetContext(r.ctx, &r.buf, `SELECT data FROM source_file_chunks WHERE sha256 = ? AND seq = ?`,
			r.f.SHA256, seq); err != nil {
			r.seq = -1
			if errors.Is(err, sql.ErrNoRows) {
				return 0, fmt.Errorf("store: source file %s lacks its piece %d", r.f.SHA256, seq)
			}
			return 0, fmt.Errorf("store: unable to read source file %s: %w", r.f.SHA256, err)
		}
		r.seq = seq
	}
	at := int(r.off - int64(seq)*sourceChunk)
	if at >= len(r.buf) {
		return 0, fmt.Errorf("store: source file %s: piece %d is short (%d bytes, reading at %d)", r.f.SHA256, seq, len(r.buf), at)
	}
	n := copy(p, r.buf[at:])
	r.off += int64(n)
	return n, nil
}

func (r *SourceReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.f.Size
	default:
		return r.off, fmt.Errorf("store: seek whence %d", whence)
	}
	if offset < 0 {
		return r.off, fmt.Errorf("store: seek to %d, before the start", offset)
	}
	r.off = offset
	return offset, nil
}

// FilingSourceFiles lists the SHA-256 of the PDFs a filing's figures were
// read from.
func (s *Store) FilingSourceFiles(ctx context.Context, filingID int64) ([]string, error) {
	out := []string{}
	if err := s.read.SelectContext(ctx, &out, `SELECT DISTINCT sha256 FROM figure_sources WHERE filing_id = ? ORDER BY sha256`, filingID); err != nil {
		return nil, fmt.Errorf("store: unable to list the source files of filing %d: %w", filingID, err)
	}
	return out, nil
}

// SourceFilings lists the filings whose figures or explanations cite a PDF, oldest first.
func (s *Store) SourceFilings(ctx context.Context, sha256 string) ([]int64, error) {
	out := []int64{}
	if err := s.read.SelectContext(ctx, &out, `SELECT filing_id FROM figure_sources WHERE sha256 = ?
		UNION SELECT filing_id FROM explanations WHERE sha256 = ? ORDER BY filing_id`, sha256, sha256); err != nil {
		return nil, fmt.Errorf("store: unable to list the filings citing source file %s: %w", sha256, err)
	}
	return out, nil
}
