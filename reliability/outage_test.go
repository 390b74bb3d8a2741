//go:build reliability

package reliability_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"sunshine/store"
	"sunshine/store/storetest"
)

// The MySQL server goes away for three seconds (every connection closed,
// new ones refused, as in a restart) under 4 uploaders and 8 readers: every
// answer is 2xx or a 503 with Retry-After and a Chinese message — no 500,
// no hang —, /readyz says 503 meanwhile, and the service recovers by itself.
func TestOutage_MySQLGoesAwayDuringUploadsAndReads(t *testing.T) {
	dsn, proxy := storetest.MySQLViaProxy(t)
	s := storetest.Open(t, dsn)
	v := startService(t, s)
	v.loadDemo(t)
	w := &workload{v: v, paths: readPaths(t, v), tally: newTally(), rows: 200}
	stop := make(chan struct{})
	wg := w.run(4, 8, stop)

	time.Sleep(1500 * time.Millisecond)
	proxy.Cut()
	cut := time.Now()
	notReady := 0
	for time.Since(cut) < 3*time.Second {
		a := v.get("/readyz")
		if a.status != http.StatusServiceUnavailable || check503(a) != "" {
			t.Errorf("/readyz with the database gone: %d %s", a.status, a.body)
		} else {
			notReady++
		}
		time.Sleep(200 * time.Millisecond)
	}
	acksBefore := len(w.acks)
	proxy.Restore(t)
	back := time.Now()
	for v.get("/readyz").status != http.StatusOK {
		if time.Since(back) > 10*time.Second {
			t.Fatal("/readyz still not ready 10 s after the database came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	ready := time.Since(back)
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()

	t.Logf("answers: %s; %d uploads acknowledged (%d after the outage), %d answered 503 nothing saved; /readyz 503 ×%d while down, ready %s after",
		w.tally, len(w.acks), len(w.acks)-acksBefore, len(w.lost), notReady, ready.Round(time.Millisecond))
	for _, s := range w.tally.surprises {
		t.Error(s)
	}
	if w.tally.bad() > 0 || w.tally.count(http.StatusServiceUnavailable) == 0 || len(w.acks) == acksBefore {
		t.Fatalf("%d wrong answers, %d 503s, %d uploads acknowledged after the outage", w.tally.bad(),
			w.tally.count(http.StatusServiceUnavailable), len(w.acks)-acksBefore)
	}
	w.verify(t)
}

// Every connection the service holds is killed (KILL CONNECTION) every 300 ms
// under 4 uploaders and 8 readers: no 500, no hang, and what was
// acknowledged is stored whole. A transaction whose connection is killed
// before COMMIT is run again, so most uploads still succeed.
func TestOutage_MySQLConnectionsKilled(t *testing.T) {
	dsn := storetest.NewMySQLDatabase(t)
	s := storetest.Open(t, dsn)
	cfg, err := store.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sqlx.Open("mysql", cfg.MySQL.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	v := startService(t, s)
	v.loadDemo(t)
	w := &workload{v: v, paths: readPaths(t, v), tally: newTally(), rows: 200}
	stop := make(chan struct{})
	wg := w.run(4, 8, stop)
	killed := 0
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(300 * time.Millisecond) {
		var ids []int64
		if err := admin.Select(&ids, `SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()`, cfg.MySQL.DBName); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if _, err := admin.Exec("KILL CONNECTION ?", id); err == nil {
				killed++
			}
		}
	}
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	t.Logf("%d connections killed; answers: %s; %d uploads acknowledged, %d answered 503 nothing saved",
		killed, w.tally, len(w.acks), len(w.lost))
	for _, s := range w.tally.surprises {
		t.Error(s)
	}
	if w.tally.bad() > 0 || killed == 0 || len(w.acks) == 0 {
		t.Fatalf("%d wrong answers, %d connections killed, %d uploads acknowledged", w.tally.bad(), killed, len(w.acks))
	}
	w.verify(t)
}
