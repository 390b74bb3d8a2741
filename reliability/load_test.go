//go:build reliability

package reliability_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"sunshine/demo"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// LoadDurationEnv sets how long TestLoad runs on each database (a Go
// duration); 10 s when unset, the short version CI runs. `make load` runs 60 s.
const LoadDurationEnv = "LOAD_DURATION"

// Eight uploaders (each upload a new department's 200 line items, checked
// and stored in one transaction) and 32 readers (pages, catalogue, feeds,
// release files of the published demo city), for LOAD_DURATION on SQLite and
// on MySQL: no 5xx at all, and every acknowledged upload is stored whole.
// Reports what docs/reliability.md records: answers by status, uploads and
// reads per second, read latency p50/p99 while the uploads run.
func TestLoad(t *testing.T) {
	d := loadDuration(t)
	storetest.Each(t, func(t *testing.T, s *store.Store) { load(t, s, d) })
}

func loadDuration(t *testing.T) time.Duration {
	d := 10 * time.Second
	if e := os.Getenv(LoadDurationEnv); e != "" {
		var err error
		if d, err = time.ParseDuration(e); err != nil {
			t.Fatalf("%s: %v", LoadDurationEnv, err)
		}
	}
	return d
}

func load(t *testing.T, s *store.Store, d time.Duration) {
	v := startService(t, s)
	v.loadDemo(t)
	w := &workload{v: v, paths: readPaths(t, v), tally: newTally(), rows: 200}
	stop := make(chan struct{})
	start := time.Now()
	wg := w.run(8, 32, stop)
	time.Sleep(d)
	close(stop)
	wg.Wait()
	el := time.Since(start)
	reads := len(w.tally.reads)
	t.Logf("%s, %s, 8 uploaders + 32 readers: answers %s; %d uploads acknowledged (%.1f/s), %d reads (%.0f/s), read p50 %s p99 %s; 5xx %d, 503 %d, 429 %d",
		s.Config().Driver, el.Round(time.Second), w.tally, len(w.acks), float64(len(w.acks))/el.Seconds(), reads, float64(reads)/el.Seconds(),
		w.tally.percentile(50).Round(100*time.Microsecond), w.tally.percentile(99).Round(100*time.Microsecond),
		w.tally.fives(), w.tally.count(http.StatusServiceUnavailable), w.tally.count(http.StatusTooManyRequests))
	for _, s := range w.tally.surprises {
		t.Error(s)
	}
	if w.tally.fives() != 0 || w.tally.bad() != 0 || len(w.acks) == 0 {
		t.Fatalf("%d answers 5xx, %d without answer, %d uploads acknowledged", w.tally.fives(), w.tally.noAnswer, len(w.acks))
	}
	w.verify(t)
	t.Logf("%s: all %d acknowledged uploads present, whole", s.Config().Driver, len(w.acks))
	rows, took := bigUpload(t, v)
	t.Logf("%s: one %d-row upload alone: %s (%.0f rows/s)", s.Config().Driver, rows, took.Round(time.Millisecond), float64(rows)/took.Seconds())
}

// bigUpload times one upload of realistic line items alone — the demo
// city's departments copied under eight region codes for a year without data,
// about 47,000 rows checked by every rule — and returns the rows and the
// time: rows per second into the database, the figure docs/scaling.md multiplies.
func bigUpload(t *testing.T, v *service) (int, time.Duration) {
	t.Helper()
	var b bytes.Buffer
	if err := demo.WriteLineItemsCSV(&b, demo.Synthetic(8, 2026, models.PhaseBudget)); err != nil {
		t.Fatal(err)
	}
	rows := bytes.Count(b.Bytes(), []byte("\n")) - 1
	a := v.upload("big.csv", b.Bytes())
	if a.status != http.StatusCreated {
		t.Fatalf("a %d-row upload: %d %.300s", rows, a.status, a.body)
	}
	u, _, err := v.s.UploadBySHA256(context.Background(), ackOf(b.Bytes(), 0, 0).sha256)
	if err != nil || u.Rows != rows {
		t.Fatalf("the %d-row upload is stored with %d rows (%v)", rows, u.Rows, err)
	}
	return rows, a.took
}
