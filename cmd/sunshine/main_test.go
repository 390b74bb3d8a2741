package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"sunshine/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// runCmd runs the CLI in-process with the given environment.
func runCmd(t *testing.T, envv map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return envv[k] }
	code = run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestMigrate_CreatesSQLiteDatabaseAndIsIdempotent(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "sub", "dir", "s.db")
	code, out, errOut := runCmd(t, nil, "migrate", "--db", db)
	if code != 0 || !strings.Contains(out, "升级到") {
		t.Fatalf("first migrate: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, map[string]string{"SUNSHINE_DB": db}, "migrate")
	if code != 0 || !strings.Contains(out, "已是最新") {
		t.Fatalf("second migrate (via SUNSHINE_DB): %d %q", code, out)
	}
}

func TestMigrate_OnMySQL(t *testing.T) {
	dsn := storetest.NewMySQLDatabase(t)
	code, out, errOut := runCmd(t, nil, "migrate", "--db", dsn)
	if code != 0 || !strings.Contains(out, "升级到") {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}
}

func TestStartup_BadInputIsOneClearSentence(t *testing.T) {
	cases := map[string][]string{
		"无法识别":    {"migrate", "--db", "postgres://localhost/x"},
		"无法连接数据库": {"serve", "--db", "mysql://root@tcp(127.0.0.1:1)/sunshine", "--addr", "127.0.0.1:0"},
		"缺少库名":    {"serve", "--db", "mysql://root@tcp(127.0.0.1:3306)/"},
	}
	for want, args := range cases {
		code, _, errOut := runCmd(t, nil, args...)
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if code != exitFailure || len(lines) != 1 || !strings.Contains(errOut, want) || strings.Contains(errOut, "goroutine") {
			t.Errorf("%v: exit %d, stderr %q (want one line containing %q)", args, code, errOut, want)
		}
	}
}

func TestStartup_RefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	if code, _, e := runCmd(t, nil, "migrate", "--db", "sqlite:"+path); code != 0 {
		t.Fatal(e)
	}
	// A newer sunshine has migrated this database further.
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, 1)`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCmd(t, nil, "serve", "--db", "sqlite:"+path, "--addr", "127.0.0.1:0")
	if code != exitFailure || !strings.Contains(errOut, "更新版本的 sunshine") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Fatalf("exit %d: %q", code, errOut)
	}
}

func TestUsage(t *testing.T) {
	if code, _, _ := runCmd(t, nil); code != exitUsage {
		t.Fatalf("no args: %d", code)
	}
	if code, _, e := runCmd(t, nil, "frobnicate"); code != exitUsage || !strings.Contains(e, "未知的子命令") {
		t.Fatalf("unknown: %d %q", code, e)
	}
	if code, _, _ := runCmd(t, nil, "migrate", "--nope"); code != exitUsage {
		t.Fatalf("bad flag: %d", code)
	}
}

var listening = regexp.MustCompile(`http://(\S+)`)

func TestServeUntilDone_LetsInFlightRequestsFinish(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(800 * time.Millisecond)
		io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	var logBuf bytes.Buffer
	served := make(chan error, 1)
	go func() { served <- serveUntilDone(ctx, ln, slow, slog.New(slog.NewTextHandler(&logBuf, nil))) }()

	type result struct {
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			done <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{body: string(b)}
	}()
	<-started
	cancel() // as SIGTERM does
	if r := <-done; r.err != nil || r.body != "done" {
		t.Fatalf("in-flight request cut off: %+v", r)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
		t.Fatal("still accepting connections after shutdown")
	}
	if !strings.Contains(logBuf.String(), "stopped") {
		t.Fatalf("log: %s", logBuf.String())
	}
}

// TestServe_ExitsCleanlyOnSIGTERM runs the real binary, as an operator would.
func TestServe_ExitsCleanlyOnSIGTERM(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "sunshine")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
	cmd.Env = append(os.Environ(), "SUNSHINE_METRICS_ADDR=127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewReader(stdout)
	line, err := lines.ReadString('\n')
	if err != nil {
		t.Fatalf("no start line: %v; stderr: %s", err, stderr.String())
	}
	m := listening.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("start line: %q", line)
	}
	resp, err := http.Get("http://" + m[1] + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", resp, err)
	}
	resp.Body.Close()
	// /metrics: a token on the service's address, none on its own (--metrics-addr).
	if resp, err := http.Get("http://" + m[1] + "/metrics"); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("metrics on the public address: %v %v", resp, err)
	}
	line, err = lines.ReadString('\n')
	mm := regexp.MustCompile(`http://(\S+)/metrics`).FindStringSubmatch(line)
	if err != nil || mm == nil {
		t.Fatalf("metrics line: %q %v", line, err)
	}
	resp, err = http.Get("http://" + mm[1] + "/metrics")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("metrics on their own address: %v %v", resp, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `sunshine_http_requests_total{code="401",method="GET",route="/metrics"} 1`) {
		t.Fatalf("metrics: %s", body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v; stderr: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopped") {
		t.Fatalf("log: %s", stderr.String())
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
