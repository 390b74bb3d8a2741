//go:build faults

package faults

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// baseURL is fixed so that release files (which hold absolute links) have the
// same bytes whichever server generates them.
const baseURL = "http://sunshine.test"

// builtBin is the binary TestMain built for every test of the run.
var builtBin string

// TestMain builds the real sunshine command once (unless FAULTS_BIN names one).
func TestMain(m *testing.M) {
	if b := os.Getenv("FAULTS_BIN"); b != "" {
		builtBin = b
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "sunshine-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	builtBin = filepath.Join(dir, "sunshine")
	if out, err := exec.Command("go", "build", "-o", builtBin, "sunshine/cmd/sunshine").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// deployment is one database with its cache directory and tokens.
type deployment struct {
	bin, dsn, dir, cacheDir, sqlitePath string
	addr                                string
	admin                               string // an admin token's secret
	uploader                            string // an uploader of region 990102 (the layouts' region)
	log                                 *os.File
}

func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// sunshine runs a short command of the binary and returns its stdout.
func (d *deployment) sunshine(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command(d.bin, append(args, "--db", d.dsn)...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("sunshine %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func newDeployment(t testing.TB, bin, dsn, dir string) *deployment {
	d := &deployment{bin: bin, dsn: dsn, dir: dir, cacheDir: filepath.Join(dir, "cache"), addr: freeAddr(t)}
	if p, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		d.sqlitePath = p
	}
	var err error
	if d.log, err = os.Create(filepath.Join(dir, "serve.log")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.log.Close() })
	d.sunshine(t, "migrate")
	d.admin = lastLine(d.sunshine(t, "token", "create", "--name", "故障测试管理员", "--role", "admin"))
	d.uploader = lastLine(d.sunshine(t, "token", "create", "--name", "示例县财政局", "--role", "uploader", "--region", "990102"))
	return d
}

// server is one running `sunshine serve`.
type server struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// start runs serve and waits until /readyz answers 200.
func (d *deployment) start(t testing.TB, cacheDir string) *server {
	t.Helper()
	cmd := exec.Command(d.bin, "serve", "--db", d.dsn, "--addr", d.addr, "--rate-limit", "0",
		"--base-url", baseURL, "--cache-dir", cacheDir)
	cmd.Env = append(os.Environ(), "SUNSHINE_TMPDIR="+filepath.Join(d.dir, "tmp"))
	os.MkdirAll(filepath.Join(d.dir, "tmp"), 0o755)
	cmd.Stdout, cmd.Stderr = d.log, d.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			t.Fatalf("serve exited at start-up (see %s)", d.log.Name())
		default:
		}
		resp, err := http.Get("http://" + d.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.kill()
	t.Fatalf("serve not ready within 60 s (see %s)", d.log.Name())
	return nil
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// stop sends SIGTERM (graceful) and waits.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(40 * time.Second):
		s.kill()
	}
}

// integrityCheck runs PRAGMA integrity_check on the SQLite file while no server runs.
func integrityCheck(path string) (string, error) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var res []string
	rows, err := db.QueryContext(context.Background(), "PRAGMA integrity_check")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", err
		}
		res = append(res, s)
	}
	return strings.Join(res, "; "), rows.Err()
}

// mysqlDeploymentDSN creates a fresh database on the server of TEST_MYSQL_DSN
// and returns its address; the database is dropped when the test ends.
func mysqlDeploymentDSN(t testing.TB) string {
	base := os.Getenv("TEST_MYSQL_DSN")
	if base == "" {
		t.Skip("TEST_MYSQL_DSN is not set: the MariaDB trials need a server, e.g. mysql://root@tcp(127.0.0.1:3306)/mysql")
	}
	raw := strings.TrimPrefix(base, "mysql://")
	db, err := sql.Open("mysql", raw)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("sunshine_faults_%d", time.Now().UnixNano())
	if _, err := db.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Exec("DROP DATABASE " + name)
		db.Close()
	})
	slash := strings.LastIndex(raw, "/")
	rest := raw[slash+1:]
	q := ""
	if i := strings.Index(rest, "?"); i >= 0 {
		q = rest[i:]
	}
	return "mysql://" + raw[:slash+1] + name + q
}
