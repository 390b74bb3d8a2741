package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"sunshine/store"
	"sunshine/store/storetest"
)

// A kept original is written and read in pieces of 1 MiB: read whole, and
// at offsets on both sides of each piece's edge, it gives back its bytes.
// Migration 00014 moves originals kept before it into pieces, and back down.
func TestSourceFile_PiecesSeeksAndMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		data := make([]byte, 5<<19+123) // 2.5 MiB and a bit: three pieces
		for i := range data {
			data[i] = byte(i*7 + i>>11)
		}
		path := filepath.Join(t.TempDir(), "big.pdf")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		sha := hex.EncodeToString(sum[:])
		for range 2 { // the second time is a no-op: the bytes are kept once
			if err := s.Write(ctx, func(tx *store.Tx) error { return tx.PutSourceFile(ctx, sha, "application/pdf", path) }); err != nil {
				t.Fatal(err)
			}
		}
		readBack := func(when string) {
			t.Helper()
			f, _, err := s.SourceFile(ctx, sha)
			if err != nil || f.Size != int64(len(data)) || f.MediaType != "application/pdf" {
				t.Fatalf("%s: %+v %v", when, f, err)
			}
			whole, err := io.ReadAll(s.OpenSource(ctx, f))
			if err != nil || !bytes.Equal(whole, data) {
				t.Fatalf("%s: read whole: %d bytes of %d, %v", when, len(whole), len(data), err)
			}
			r := s.OpenSource(ctx, f)
			for _, off := range []int64{0, 1<<20 - 3, 1 << 20, 2<<20 - 1, 2<<20 + 5, int64(len(data)) - 10} {
				if _, err := r.Seek(off, io.SeekStart); err != nil {
					t.Fatal(err)
				}
				buf := make([]byte, 20)
				n, err := io.ReadFull(r, buf)
				if want := data[off:min(off+20, int64(len(data)))]; !bytes.Equal(buf[:n], want) || (err != nil && n == 20) {
					t.Fatalf("%s: at %d: %d bytes %v", when, off, n, err)
				}
			}
			if end, err := r.Seek(0, io.SeekEnd); err != nil || end != int64(len(data)) {
				t.Fatalf("%s: end %d %v", when, end, err)
			}
			if n, err := r.Read(make([]byte, 1)); n != 0 || err != io.EOF {
				t.Fatalf("%s: read at the end: %d %v", when, n, err)
			}
		}
		readBack("kept")
		if n, err := store.CountForTest(ctx, s, `SELECT COUNT(*) FROM source_file_chunks WHERE sha256 = ?`, sha); err != nil || n != 3 {
			t.Fatalf("%d pieces (%v), want 3", n, err)
		}
		if err := store.MigrateToForTest(ctx, s, 13); err != nil {
			t.Fatalf("down to 13: %v", err)
		}
		if n, err := store.CountForTest(ctx, s, `SELECT LENGTH(content) FROM source_files WHERE sha256 = ?`, sha); err != nil || n != len(data) {
			t.Fatalf("down to 13: content of %d bytes (%v), want %d", n, err, len(data))
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("up again: %v", err)
		}
		if n, err := store.CountForTest(ctx, s, `SELECT LENGTH(content) FROM source_files WHERE sha256 = ?`, sha); err != nil || n != 0 {
			t.Fatalf("up again: content of %d bytes (%v), want 0 (the pieces hold it)", n, err)
		}
		readBack("migrated down and up")
	})
}
