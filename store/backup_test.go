package store_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// TestBackupSQLite_IsOneMomentWhileWritersCommit takes copies while
// publications commit: each copy passes integrity_check, is at the binary's
// schema version, holds every version published before it started, and holds
// each version it has exactly as the live database does.
func TestBackupSQLite_IsOneMomentWhileWritersCommit(t *testing.T) {
	s := storetest.SQLite(t)
	for i := range 5 {
		publishVersion(t, s, fmt.Sprintf("B%d", i), models.Money(100000+int64(i)), "")
	}
	var published atomic.Int64
	published.Store(5)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 5; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			publishVersion(t, s, fmt.Sprintf("B%d", i), models.Money(100000+int64(i)), "")
			published.Add(1)
		}
	}()
	dir := t.TempDir()
	var copies []string
	var before []int64
	for i := range 3 {
		before = append(before, published.Load())
		p := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		if err := s.BackupSQLite(ctx, p); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, p)
	}
	close(stop)
	wg.Wait()

	for i, p := range copies {
		c, err := store.OpenSQLiteReadOnly(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.IntegrityCheck(ctx); err != nil {
			t.Fatalf("copy %d: %v", i, err)
		}
		st, err := c.SchemaStatus(ctx)
		if err != nil || st.Current != st.Latest || st.Current == 0 {
			t.Fatalf("copy %d: schema %+v %v", i, st, err)
		}
		fs, err := c.Filings(ctx, store.FilingFilter{Statuses: []models.Status{models.StatusPublished}, Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(fs)) < before[i] {
			t.Errorf("copy %d has %d published versions; %d were published before it started", i, len(fs), before[i])
		}
		for _, f := range fs {
			got, err := c.ThreePublic(ctx, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.ThreePublic(ctx, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || want == nil || got.Total != want.Total {
				t.Errorf("copy %d, filing %d: 三公 %+v, live %+v", i, f.ID, got, want)
			}
			rs, err := c.Releases(ctx, store.DatasetID(f.RegionCode, f.FiscalYear, f.Phase, models.KindThreePublic))
			if err != nil || len(rs) == 0 {
				t.Errorf("copy %d: no release for filing %d: %v", i, f.ID, err)
			}
		}
		// Writes are refused: the copy was only read.
		if err := c.Write(ctx, func(tx *store.Tx) error {
			return tx.PutRegion(ctx, models.Region{Code: "990199", Name: "不应写入"})
		}); err == nil {
			t.Errorf("copy %d opened read-only took a write", i)
		}
		c.Close()
		for _, side := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(p + side); err == nil {
				t.Errorf("checking copy %d left %s beside it", i, side)
			}
		}
	}
	if published.Load() <= before[len(before)-1] {
		t.Logf("no publication committed during the copies (a slow machine); the copies are still checked")
	}
}

func TestBackupSQLite_RefusesAnExistingFile(t *testing.T) {
	s := storetest.SQLite(t)
	p := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(p, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := s.BackupSQLite(ctx, p)
	if models.ErrorCode(err) != models.ECONFLICT || !strings.Contains(models.ErrorMessage(err), "已存在") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "keep me" {
		t.Fatalf("the existing file was changed: %q", b)
	}
}

// TestIntegrityCheck_NamesADamagedFile overwrites pages in the middle of a
// copy; the check must refuse it in one Chinese sentence.
func TestIntegrityCheck_NamesADamagedFile(t *testing.T) {
	s := storetest.SQLite(t)
	for i := range 30 {
		publishVersion(t, s, fmt.Sprintf("C%d", i), models.Money(5000+int64(i)), "")
	}
	p := filepath.Join(t.TempDir(), "copy.db")
	if err := s.BackupSQLite(ctx, p); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	if len(b) < 6*page {
		t.Fatalf("copy is only %d bytes", len(b))
	}
	for i := 3 * page; i < 5*page; i++ {
		b[i] = byte(i * 7)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := store.OpenSQLiteReadOnly(ctx, p)
	if err == nil {
		err = c.IntegrityCheck(ctx)
		c.Close()
	}
	if models.ErrorCode(err) != models.EINVALID || !strings.Contains(models.ErrorMessage(err), p) {
		t.Fatalf("a damaged copy: err = %v", err)
	}
	t.Logf("refused: %s", models.ErrorMessage(err))
}

func TestBackupSQLite_OnMySQLPointsToMariadbDump(t *testing.T) {
	if os.Getenv("TEST_MYSQL_DSN") == "" {
		t.Skip("TEST_MYSQL_DSN is not set")
	}
	s := storetest.MySQL(t)
	err := s.BackupSQLite(ctx, filepath.Join(t.TempDir(), "copy.db"))
	if models.ErrorCode(err) != models.EINVALID || !strings.Contains(models.ErrorMessage(err), "mariadb-dump --single-transaction") {
		t.Fatalf("err = %v", err)
	}
}
