package reliability_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	_ "modernc.org/sqlite"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// An upload into a SQLite database whose disk fills up mid-transaction is
// answered 503 with a Chinese sentence about the disk (never 500); the
// database stays intact (integrity_check ok), the upload left nothing, what
// was acknowledged before is there, and once there is room again the same
// running service takes uploads. The upload is small and the write large: a
// correction to a published 8,000-row filing, which opens the next version
// as a copy of the published one. Two ways to fill the disk: a tmpfs shrunk
// to what it holds plus 256 KiB (ENOSPC, SQLITE_FULL; needs the right to
// mount, else skipped) and a 256 KiB file-size limit on the process
// (RLIMIT_FSIZE: EFBIG, SQLITE_IOERR), which the small upload's spool file fits.
func TestDiskFull_SQLiteUpload(t *testing.T) {
	t.Run("tmpfs", func(t *testing.T) {
		dir := t.TempDir()
		if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=256m"); err != nil {
			t.Skipf("cannot mount a tmpfs here (%v); the file-size limit test covers a full disk", err)
		}
		t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
		diskFull(t, dir, func() {
			var st syscall.Statfs_t
			if err := syscall.Statfs(dir, &st); err != nil {
				t.Fatal(err)
			}
			used := (st.Blocks - st.Bfree) * uint64(st.Bsize)
			if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT, fmt.Sprintf("size=%d", used+256<<10)); err != nil {
				t.Fatalf("shrink the tmpfs: %v", err)
			}
		}, func() {
			if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT, "size=256m"); err != nil {
				t.Fatalf("grow the tmpfs: %v", err)
			}
		})
	})
	t.Run("fsize", func(t *testing.T) {
		var old syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
			t.Fatal(err)
		}
		restore := func() {
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				t.Fatalf("lift the file-size limit: %v", err)
			}
		}
		t.Cleanup(restore)
		diskFull(t, t.TempDir(), func() {
			lim := syscall.Rlimit{Cur: 256 << 10, Max: old.Max}
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
				t.Skipf("cannot set a file-size limit: %v", err)
			}
		}, restore)
	})
}

// diskFull runs the scenario on a database in dir; fill makes the disk
// full (or acts as if), room gives space back.
func diskFull(t *testing.T, dir string, fill, room func()) {
	path := filepath.Join(dir, "sunshine.db")
	s := storetest.Open(t, "sqlite:"+path)
	v := startService(t, s)
	ctx := context.Background()

	region, dept, big, bigTotal := lineItemsFile(1, 1, 8000)
	a := v.upload("big.csv", big)
	if a.status != http.StatusCreated {
		t.Fatalf("first upload: %d %.300s", a.status, a.body)
	}
	var res struct {
		Filings []struct{ ID int64 } `json:"filings"`
	}
	if err := json.Unmarshal(a.body, &res); err != nil || len(res.Filings) != 1 {
		t.Fatalf("first upload: %v %.300s", err, a.body)
	}
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/filings/%d/publish", v.url, res.Filings[0].ID), strings.NewReader(`{"note":"公开"}`))
	req.Header.Set("Authorization", "Bearer "+v.admin)
	req.Header.Set("Content-Type", "application/json")
	if p := v.do(req); p.status != http.StatusOK {
		t.Fatalf("publish: %d %.300s", p.status, p.body)
	}
	// A one-row correction to the published filing: the new draft copies 8,000 rows.
	fix := []byte(fmt.Sprintf("region_code,dept_code,dept_name,fiscal_year,phase,unit,table,code,name,column,amount\n"+
		"%s,%s,负载局%s,2024,budget,元,general_expenditure,2010601,科目0,total,0.01\n", region, dept, dept))
	fill()
	a = v.upload("fix.csv", fix)
	room()
	if a.status != http.StatusServiceUnavailable || check503(a) != "" || !strings.Contains(string(a.body), "磁盘") {
		t.Fatalf("upload onto a full disk: %d %.300s, want 503 saying the disk is full", a.status, a.body)
	}
	t.Logf("answer on a full disk: %d Retry-After %s %s", a.status, a.header.Get("Retry-After"), a.body)

	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check after the full disk: %q %v", check, err)
	}
	if _, _, err := s.UploadBySHA256(ctx, ackOf(fix, 0, 0).sha256); models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatalf("the refused upload is recorded: %v", err)
	}
	drafts, err := s.Filings(ctx, store.FilingFilter{Region: region, Statuses: []models.Status{models.StatusDraft}})
	if err != nil || len(drafts) != 0 {
		t.Fatalf("the refused upload left %d drafts (%v)", len(drafts), err)
	}
	verifyAcked(t, s, []acked{ackOf(big, 8000, bigTotal)})

	// Room again: the same service, not restarted, takes the correction.
	if a := v.upload("fix.csv", fix); a.status != http.StatusCreated {
		t.Fatalf("the correction once there is room again: %d %.300s", a.status, a.body)
	}
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check after the correction: %q %v", check, err)
	}
}
