package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sunshine/demo"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// liveServer is `sunshine serve` run in-process on a free port.
type liveServer struct {
	base string
	stop func()
}

func serveForTest(t *testing.T, db, cacheDir string) *liveServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--rate-limit", "0",
			"--base-url", "http://sunshine.test", "--cache-dir", cacheDir}, func(string) string { return "" },
			strings.NewReader(""), pw, &errb)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	m := listening.FindStringSubmatch(line)
	if err != nil || m == nil {
		cancel()
		t.Fatalf("serve did not start: %q %v %s", line, err, errb.String())
	}
	go io.Copy(io.Discard, pr)
	s := &liveServer{base: "http://" + m[1]}
	s.stop = func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d", code)
		}
	}
	return s
}

var plainClient = &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableCompression: true}}

func (s *liveServer) get(t *testing.T, path string) []byte {
	t.Helper()
	resp, err := plainClient.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v %s", path, resp.StatusCode, err, b)
	}
	return b
}

func (s *liveServer) post(path, token, ctype string, body []byte) (int, []byte, error) {
	req, _ := http.NewRequest(http.MethodPost, s.base+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ctype)
	resp, err := plainClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// uploadRegion uploads a synthetic region's two files (the demo's 40
// departments) and publishes the first n departments; it returns the ids of
// the published filings.
func (s *liveServer) uploadRegion(region, token string, n int) ([]int64, error) {
	fs := demo.Synthetic(1, 2024, models.PhaseBudget)
	for i := range fs {
		fs[i].Key.RegionCode = region
		fs[i].RegionName = "备份" + region + "市（演示数据）"
	}
	var ids []int64
	for _, write := range []func(io.Writer, []demo.Filing) error{demo.WriteThreePublicCSV, demo.WriteLineItemsCSV} {
		var file, body bytes.Buffer
		if err := write(&file, fs); err != nil {
			return nil, err
		}
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", region+".csv")
		fw.Write(file.Bytes())
		mw.Close()
		status, b, err := s.post("/api/v1/uploads", token, mw.FormDataContentType(), body.Bytes())
		if err != nil || status != 201 {
			return nil, fmt.Errorf("upload %s: %d %v %s", region, status, err, b)
		}
		var ans struct {
			Filings []struct {
				ID int64 `json:"id"`
			} `json:"filings"`
		}
		if err := json.Unmarshal(b, &ans); err != nil {
			return nil, err
		}
		ids = ids[:0]
		for _, f := range ans.Filings {
			ids = append(ids, f.ID)
		}
	}
	for _, id := range ids[:n] {
		status, b, err := s.post("/api/v1/filings/"+strconv.FormatInt(id, 10)+"/publish", token, "application/json", []byte("{}"))
		if err != nil || status != 200 {
			return nil, fmt.Errorf("publish %d: %d %v %s", id, status, err, b)
		}
	}
	return ids[:n], nil
}

var releaseFileNames = []string{"data.csv", "data.json", "data.ndjson", "data.xlsx", "filings.csv", "datapackage.json"}

// releasePaths lists every file of every release a server has.
func (s *liveServer) releasePaths(t *testing.T) []string {
	t.Helper()
	var ans struct {
		Data []models.Dataset `json:"data"`
	}
	if err := json.Unmarshal(s.get(t, "/api/v1/datasets?limit=1000"), &ans); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range ans.Data {
		for n := 1; n <= d.LatestRelease; n++ {
			for _, f := range releaseFileNames {
				out = append(out, fmt.Sprintf("/api/v1/datasets/%s/releases/%d/%s", d.ID, n, f))
			}
		}
	}
	return out
}

// sameBytes fetches each path from both servers and compares the bodies.
func sameBytes(t *testing.T, a, b *liveServer, paths []string) {
	t.Helper()
	for _, p := range paths {
		x, y := a.get(t, p), b.get(t, p)
		if !bytes.Equal(x, y) {
			t.Errorf("%s: %d bytes from the original, %d from the restored copy, not the same", p, len(x), len(y))
		}
	}
}

// publicFeeds are answers that hold every published figure and release.
var publicFeeds = []string{
	"/api/v1/three-public.csv", "/api/v1/line-items.csv", "/api/v1/datasets?limit=1000", "/api/v1/changes?limit=1000",
	"/catalog.jsonld", "/data.json",
}

// TestBackupRestore_DuringUploadsRestoresTheSamePublishedData backs up a
// running service while another client uploads and publishes, restores the
// copy into a new directory and serves it: every release in the copy is the
// same bytes as the original's, and every publication acknowledged before the
// backup started is in it. Then, with the writers stopped, a second round trip
// serves the very same public feeds.
func TestBackupRestore_DuringUploadsRestoresTheSamePublishedData(t *testing.T) {
	dir := t.TempDir()
	live := "sqlite:" + filepath.Join(dir, "live", "sunshine.db")
	liveCache := filepath.Join(dir, "live", "cache")
	if code, _, errOut := runCmd(t, nil, "migrate", "--db", live); code != 0 {
		t.Fatal(errOut)
	}
	_, out, _ := runCmd(t, nil, "token", "create", "--db", live, "--name", "备份测试管理员", "--role", "admin")
	token := lastLine(out)
	orig := serveForTest(t, live, liveCache)
	defer orig.stop()
	if _, err := orig.uploadRegion("990201", token, 5); err != nil {
		t.Fatal(err)
	}
	for _, p := range orig.releasePaths(t) {
		orig.get(t, p) // into the file cache
	}

	var mu sync.Mutex
	var acked []int64
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		for i := 2; ; i++ {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			ids, err := orig.uploadRegion(fmt.Sprintf("9902%02d", i), token, 2)
			if err != nil {
				writerDone <- err
				return
			}
			mu.Lock()
			acked = append(acked, ids...)
			mu.Unlock()
			for _, p := range orig.releasePaths(t)[:6] {
				orig.get(t, p)
			}
		}
	}()
	// Back up once the writer has published a few regions, while it goes on.
	var before []int64
	for deadline := time.Now().Add(30 * time.Second); len(before) < 4 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		before = append(before[:0], acked...)
		mu.Unlock()
	}
	archive := filepath.Join(dir, "backup1.tar")
	code, out, errOut := runCmd(t, nil, "backup", "--db", live, "--cache-dir", liveCache, archive)
	if code != 0 {
		t.Fatalf("backup: %d %s", code, errOut)
	}
	t.Log(strings.TrimSpace(out))
	time.Sleep(200 * time.Millisecond)
	close(stop)
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
	if len(before) == 0 {
		t.Fatal("no upload was acknowledged before the backup: nothing was written concurrently")
	}

	restored := "sqlite:" + filepath.Join(dir, "restored", "sunshine.db")
	restoredCache := filepath.Join(dir, "restored", "cache")
	code, out, errOut = runCmd(t, nil, "restore", "--db", restored, "--cache-dir", restoredCache, archive)
	if code != 0 {
		t.Fatalf("restore: %d %s", code, errOut)
	}
	t.Log(strings.TrimSpace(out))
	cached, _ := os.ReadDir(restoredCache)
	copy1 := serveForTest(t, restored, restoredCache)
	paths := copy1.releasePaths(t)
	if len(paths) < 6*2*5 {
		t.Fatalf("the restored copy has only %d release files", len(paths))
	}
	sameBytes(t, orig, copy1, paths)
	for _, id := range before {
		var ans struct {
			Filing models.Filing `json:"filing"`
		}
		if err := json.Unmarshal(copy1.get(t, "/api/v1/filings/"+strconv.FormatInt(id, 10)), &ans); err != nil || ans.Filing.Status != models.StatusPublished {
			t.Errorf("publication %d, acknowledged before the backup, is %+v in the copy (%v)", id, ans.Filing, err)
		}
	}
	t.Logf("during uploads: %d release files the same bytes, %d publications acknowledged before the backup present, %d release files restored into the cache",
		len(paths), len(before), len(cached))
	copy1.stop()

	// Quiet: the same public feeds, byte for byte. The target is not empty now.
	archive2 := filepath.Join(dir, "backup2.tar")
	if code, _, errOut := runCmd(t, nil, "backup", "--db", live, "--cache-dir", liveCache, archive2); code != 0 {
		t.Fatal(errOut)
	}
	code, _, errOut = runCmd(t, nil, "restore", "--db", restored, "--cache-dir", restoredCache, archive2)
	if code != exitFailure || !strings.Contains(errOut, "--force") || !strings.Contains(errOut, "已存在且不为空") {
		t.Fatalf("restore over a database without --force: %d %s", code, errOut)
	}
	if code, _, errOut := runCmd(t, nil, "restore", "--db", restored, "--cache-dir", restoredCache, "--force", archive2); code != 0 {
		t.Fatal(errOut)
	}
	copy2 := serveForTest(t, restored, restoredCache)
	defer copy2.stop()
	sameBytes(t, orig, copy2, append(publicFeeds, orig.releasePaths(t)...))
	if code, _, errOut := runCmd(t, nil, "backup", "--db", live, archive2); code != exitFailure || !strings.Contains(errOut, "已存在") {
		t.Errorf("backup over an existing file: %d %s", code, errOut)
	}
}

// rewriteArchive copies a backup, changing the members edit asks for.
func rewriteArchive(t *testing.T, src, dst string, edit func(name string, b []byte) []byte) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	tr, tw := tar.NewReader(in), tar.NewWriter(out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		if b = edit(h.Name, b); b == nil {
			continue
		}
		h.Size = int64(len(b))
		tw.WriteHeader(h)
		tw.Write(b)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestRestore_RefusesADamagedOrNewerBackup: a changed release file, a
// member missing, a cut-off file and a database from a newer schema are each
// refused with one Chinese sentence, and the target is left alone.
func TestRestore_RefusesADamagedOrNewerBackup(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "live", "sunshine.db")
	live := "sqlite:" + dbPath
	cacheDir := filepath.Join(dir, "live", "cache")
	if code, _, errOut := runCmd(t, nil, "import", "--db", live, "../../testdata/layouts/final-yuan/line_items.csv"); code != 0 {
		t.Fatal(errOut)
	}
	os.MkdirAll(cacheDir, 0o755)
	os.WriteFile(filepath.Join(cacheDir, "0123abcd"), []byte("release,file\n1,2\n"), 0o644)
	archive := filepath.Join(dir, "good.tar")
	if code, _, errOut := runCmd(t, nil, "backup", "--db", live, archive); code != 0 {
		t.Fatal(errOut)
	}
	cases := map[string]struct {
		edit func(string, []byte) []byte
		want string
	}{
		"a changed release file": {func(n string, b []byte) []byte {
			if strings.HasPrefix(n, "cache/") {
				b[0] ^= 1
			}
			return b
		}, "SHA-256 与清单不符"},
		"the database missing": {func(n string, b []byte) []byte {
			if n == "sunshine.db" {
				return nil
			}
			return b
		}, "不在备份中"},
		"the manifest missing": {func(n string, b []byte) []byte {
			if n == "manifest.json" {
				return nil
			}
			return b
		}, "没有清单"},
		"a release file cut short": {func(n string, b []byte) []byte {
			if n == "cache/0123abcd" {
				return []byte("x")
			}
			return b
		}, "有 1 字节"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.tar")
			rewriteArchive(t, archive, bad, c.edit)
			target := filepath.Join(t.TempDir(), "r", "sunshine.db")
			code, _, errOut := runCmd(t, nil, "restore", "--db", "sqlite:"+target, bad)
			if code != exitFailure || !strings.Contains(errOut, c.want) {
				t.Fatalf("restore: %d %q, want %q", code, errOut, c.want)
			}
			if _, err := os.Stat(target); err == nil {
				t.Fatal("a refused restore left a database behind")
			}
		})
	}
	for name, c := range map[string]struct{ member, want string }{
		"a file not in the manifest": {"cache/0123abce", "不在清单中"},
		"a path out of the backup":   {"../../evil", "不属于备份"},
	} {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.tar")
			rewriteArchive(t, archive, bad, func(n string, b []byte) []byte { return b })
			appendMember(t, bad, c.member, []byte("extra"))
			code, _, errOut := runCmd(t, nil, "restore", "--db", "sqlite:"+filepath.Join(t.TempDir(), "r", "sunshine.db"), bad)
			if code != exitFailure || !strings.Contains(errOut, c.want) {
				t.Fatalf("restore: %d %q, want %q", code, errOut, c.want)
			}
		})
	}
	t.Run("cut off", func(t *testing.T) {
		b, _ := os.ReadFile(archive)
		bad := filepath.Join(t.TempDir(), "cut.tar")
		os.WriteFile(bad, b[:len(b)/2], 0o644)
		code, _, errOut := runCmd(t, nil, "restore", "--db", "sqlite:"+filepath.Join(t.TempDir(), "sunshine.db"), bad)
		if code != exitFailure || !strings.Contains(errOut, "无效") {
			t.Fatalf("restore: %d %q", code, errOut)
		}
	})
	t.Run("a newer schema", func(t *testing.T) {
		// The database of a newer sunshine: a migration this binary does not know.
		raw, err := sql.Open("sqlite", "file:"+dbPath)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)`); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		code, _, errOut := runCmd(t, nil, "backup", "--db", live, filepath.Join(t.TempDir(), "newer.tar"))
		if code != exitFailure || !strings.Contains(errOut, "比本程序支持的") {
			t.Fatalf("backup of a newer schema: %d %q", code, errOut)
		}
		// An archive made by the newer binary, with a correct manifest.
		newer := filepath.Join(t.TempDir(), "newer.tar")
		rewriteArchive(t, archive, newer, func(n string, b []byte) []byte {
			switch n {
			case "sunshine.db":
				copyDB := filepath.Join(t.TempDir(), "copy.db")
				s, err := store.Open(context.Background(), live)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.BackupSQLite(context.Background(), copyDB); err != nil {
					t.Fatal(err)
				}
				s.Close()
				nb, _ := os.ReadFile(copyDB)
				return nb
			case "manifest.json":
				return nil // written again below
			}
			return b
		})
		fixManifest(t, newer)
		target := filepath.Join(t.TempDir(), "sunshine.db")
		code, _, errOut = runCmd(t, nil, "restore", "--db", "sqlite:"+target, newer)
		if code != exitFailure || !strings.Contains(errOut, "结构版本是 9999") {
			t.Fatalf("restore of a newer schema: %d %q", code, errOut)
		}
	})
}

// appendMember adds a member at the end of an archive.
func appendMember(t *testing.T, p, name string, b []byte) {
	t.Helper()
	in, _ := os.ReadFile(p)
	tr := tar.NewReader(bytes.NewReader(in))
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		tw.WriteHeader(h)
		tw.Write(body)
	}
	tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg})
	tw.Write(b)
	tw.Close()
	os.WriteFile(p, out.Bytes(), 0o644)
}

// fixManifest appends a manifest matching the archive's members.
func fixManifest(t *testing.T, p string) {
	t.Helper()
	in, _ := os.ReadFile(p)
	tr := tar.NewReader(bytes.NewReader(in))
	man := backupManifestDoc{Format: backupFormat, CreatedAt: time.Now().UTC()}
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		tmp := filepath.Join(t.TempDir(), "m")
		b, _ := io.ReadAll(tr)
		os.WriteFile(tmp, b, 0o644)
		ent, err := addFile(tw, tmp, h.Name)
		if err != nil {
			t.Fatal(err)
		}
		man.Files = append(man.Files, ent)
	}
	mb, _ := json.Marshal(man)
	tw.WriteHeader(&tar.Header{Name: backupManifest, Mode: 0o644, Size: int64(len(mb)), Typeflag: tar.TypeReg})
	tw.Write(mb)
	tw.Close()
	os.WriteFile(p, out.Bytes(), 0o644)
}

// TestMariadbDump_RestoredDumpServesTheSameReleases is the MySQL backup of
// docs/reliability.md: mariadb-dump --single-transaction of a running
// service, loaded into an empty database, serves the same release files and
// feeds byte for byte.
func TestMariadbDump_RestoredDumpServesTheSameReleases(t *testing.T) {
	dsnA := storetest.NewMySQLDatabase(t) // skips without TEST_MYSQL_DSN
	dump, err := exec.LookPath("mariadb-dump")
	if err != nil {
		t.Skip("mariadb-dump is not installed")
	}
	client, err := exec.LookPath("mariadb")
	if err != nil {
		t.Skip("the mariadb client is not installed")
	}
	dsnB := storetest.NewMySQLDatabase(t)
	if code, _, errOut := runCmd(t, nil, "migrate", "--db", dsnA); code != 0 {
		t.Fatal(errOut)
	}
	_, out, _ := runCmd(t, nil, "token", "create", "--db", dsnA, "--name", "备份测试管理员", "--role", "admin")
	token := lastLine(out)
	dir := t.TempDir()
	orig := serveForTest(t, dsnA, filepath.Join(dir, "cacheA"))
	defer orig.stop()
	for i, region := range []string{"990301", "990302"} {
		if _, err := orig.uploadRegion(region, token, 3+i); err != nil {
			t.Fatal(err)
		}
	}
	args := func(dsn string) []string {
		c, err := store.ParseDSN(dsn)
		if err != nil {
			t.Fatal(err)
		}
		host, port, _ := strings.Cut(c.MySQL.Addr, ":")
		a := []string{"-h", host, "-P", port, "-u", c.MySQL.User}
		if c.MySQL.Passwd != "" {
			a = append(a, "-p"+c.MySQL.Passwd)
		}
		return append(a, c.MySQL.DBName)
	}
	dumpFile := filepath.Join(dir, "dump.sql")
	f, _ := os.Create(dumpFile)
	cmd := exec.Command(dump, append([]string{"--single-transaction"}, args(dsnA)...)...)
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = f, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("mariadb-dump: %v %s", err, errb.String())
	}
	f.Close()
	in, _ := os.Open(dumpFile)
	defer in.Close()
	cmd = exec.Command(client, args(dsnB)...)
	cmd.Stdin, cmd.Stderr = in, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("mariadb < dump: %v %s", err, errb.String())
	}
	copyB := serveForTest(t, dsnB, filepath.Join(dir, "cacheB"))
	defer copyB.stop()
	paths := orig.releasePaths(t)
	sameBytes(t, orig, copyB, append(publicFeeds, paths...))
	t.Logf("mariadb-dump round trip: %d release files and %d feeds the same bytes", len(paths), len(publicFeeds))
}
