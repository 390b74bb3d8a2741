//go:build faults

package faults

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// trials reads FAULTS_SQLITE_TRIALS / FAULTS_MYSQL_TRIALS (make faults sets them).
func trials(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n >= 0 {
		return n
	}
	return def
}

func seed(t *testing.T) uint64 {
	s := uint64(time.Now().UnixNano())
	if v, err := strconv.ParseUint(os.Getenv("FAULTS_SEED"), 10, 64); err == nil {
		s = v
	}
	t.Logf("FAULTS_SEED=%d", s)
	return s
}

// TestCrash_SQLite kills `sunshine serve` on a SQLite file at random moments.
func TestCrash_SQLite(t *testing.T) {
	n := trials("FAULTS_SQLITE_TRIALS", 10)
	if n == 0 {
		t.Skip("FAULTS_SQLITE_TRIALS=0")
	}
	dir := t.TempDir()
	bin := builtBin
	d := newDeployment(t, bin, "sqlite:"+filepath.Join(dir, "sunshine.db"), dir)
	runTrials(t, d, n)
}

// TestCrash_MariaDB does the same on a fresh MariaDB database (TEST_MYSQL_DSN).
func TestCrash_MariaDB(t *testing.T) {
	n := trials("FAULTS_MYSQL_TRIALS", 10)
	if n == 0 {
		t.Skip("FAULTS_MYSQL_TRIALS=0")
	}
	dsn := mysqlDeploymentDSN(t)
	dir := t.TempDir()
	bin := builtBin
	d := newDeployment(t, bin, dsn, dir)
	runTrials(t, d, n)
}

func newWorld(t *testing.T, d *deployment) *world {
	return &world{d: d, templates: loadTemplates(t), owners: make([][]*slot, 2), rnd: rand.New(rand.NewPCG(seed(t), 1)),
		observed: map[string]string{}, etagKey: map[string]string{}, verifiedRl: map[string]bool{},
		uploadSent: make(chan struct{}, 1)}
}

// drive runs the two writers and the reader until stop returns, then waits for them.
func (w *world) drive(ctx context.Context, stop func()) {
	w.killed.Store(false)
	wctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for owner := range w.owners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for wctx.Err() == nil {
				w.step(wctx, owner)
			}
		}()
	}
	wg.Add(1)
	go func() { defer wg.Done(); w.reader(wctx) }()
	stop()
	cancel()
	wg.Wait()
}

func runTrials(t *testing.T, d *deployment, n int) {
	ctx := context.Background()
	w := newWorld(t, d)
	start := time.Now()
	reported := 0
	report := func(when string) {
		for _, f := range w.st.Failures[reported:] {
			t.Errorf("%s: %s", when, f)
		}
		reported = len(w.st.Failures)
	}
	for trial := 0; trial < n; trial++ {
		srv := d.start(t, d.cacheDir)
		w.verify(ctx)
		report("after restart " + strconv.Itoa(trial))

		select {
		case <-w.uploadSent:
		default:
		}
		w.drive(ctx, func() {
			// Half the kills come at a random moment, half just after a large
			// upload (a group's, or a line-item file) started to be sent.
			if trial%2 == 0 {
				time.Sleep(time.Duration(20+w.rnd.IntN(2500)) * time.Millisecond)
			} else {
				select {
				case <-w.uploadSent:
					time.Sleep(time.Duration(w.rnd.IntN(250)) * time.Millisecond)
				case <-time.After(3 * time.Second):
				}
			}
			w.killed.Store(true)
			if w.inFlight.Load() > 0 {
				w.st.KillsInFlight++
			}
			srv.kill()
		})
		w.st.Trials++
		if d.sqlitePath != "" {
			res, err := integrityCheck(d.sqlitePath)
			if err != nil || res != "ok" {
				w.fail("trial %d: PRAGMA integrity_check = %q, %v", trial, res, err)
			}
			w.st.IntegrityChecks++
		}
		report("trial " + strconv.Itoa(trial))
	}
	// The last restart: everything again, then the release files generated
	// afresh by a server without the cache must equal what was served.
	srv := d.start(t, d.cacheDir)
	w.verify(ctx)
	srv.stop()
	report("final check")
	ref := d.start(t, "off")
	files := w.referenceCheck(ctx)
	ref.stop()
	report("fresh generation")

	out, _ := json.MarshalIndent(w.st, "", "  ")
	t.Logf("%d trials in %s on %s (%d CPUs): %s", n, time.Since(start).Round(time.Second), d.dsnKind(), runtime.NumCPU(), out)
	t.Logf("release files compared with a fresh generation: %d", files)
	if p := os.Getenv("FAULTS_REPORT"); p != "" {
		f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			json.NewEncoder(f).Encode(map[string]any{"db": d.dsnKind(), "trials": n, "seconds": int(time.Since(start).Seconds()),
				"fresh_files": files, "date": time.Now().UTC().Format(time.RFC3339), "stats": w.st})
			f.Close()
		}
	}
}

func (d *deployment) dsnKind() string {
	if d.sqlitePath != "" {
		return "sqlite"
	}
	return "mariadb"
}
