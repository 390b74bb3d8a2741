//go:build reliability

package reliability_test

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// The load of TestLoad on the Galera cluster, spread over its three nodes as a
// load balancer would (uploaders 3/3/2, readers 11/11/10, a service per
// node): no 5xx, every acknowledged upload on every node; and one
// 50,000-row upload alone, for docs/scaling.md.
func TestGalera_Load(t *testing.T) {
	g := newGalera(t)
	d := loadDuration(t)
	var vs []*service
	for i := range g.nodes {
		vs = append(vs, startService(t, g.open(t, i)))
	}
	vs[0].loadDemo(t)
	paths := readPaths(t, vs[0])
	uploaders, readers := []int{3, 3, 2}, []int{11, 11, 10}
	var ws []*workload
	var wgs []*sync.WaitGroup
	stop := make(chan struct{})
	start := time.Now()
	for i, v := range vs {
		w := &workload{v: v, paths: paths, tally: newTally(), rows: 200, first: 10 * i}
		ws = append(ws, w)
		wgs = append(wgs, w.run(uploaders[i], readers[i], stop))
	}
	time.Sleep(d)
	close(stop)
	for _, wg := range wgs {
		wg.Wait()
	}
	el := time.Since(start)
	all := newTally()
	var acks []acked
	for i, w := range ws {
		t.Logf("node %d: %s; %d uploads acknowledged; read p50 %s p99 %s", i+1, w.tally, len(w.acks),
			w.tally.percentile(50).Round(100*time.Microsecond), w.tally.percentile(99).Round(100*time.Microsecond))
		for _, s := range w.tally.surprises {
			t.Error(s)
		}
		acks = append(acks, w.acks...)
		all.wrong += w.tally.bad()
		for st, n := range w.tally.byStatus {
			all.byStatus[st] += n
		}
		all.reads = append(all.reads, w.tally.reads...)
	}
	t.Logf("galera, %s, 8 uploaders + 32 readers over 3 nodes: answers %s; %d uploads acknowledged (%.1f/s), %d reads (%.0f/s), read p50 %s p99 %s; 5xx %d, 503 %d, 429 %d",
		el.Round(time.Second), all, len(acks), float64(len(acks))/el.Seconds(), len(all.reads), float64(len(all.reads))/el.Seconds(),
		all.percentile(50).Round(100*time.Microsecond), all.percentile(99).Round(100*time.Microsecond),
		all.fives(), all.count(http.StatusServiceUnavailable), all.count(http.StatusTooManyRequests))
	if all.fives() != 0 || all.bad() != 0 || len(acks) == 0 {
		t.Fatalf("%d answers 5xx, %d wrong, %d uploads acknowledged", all.fives(), all.bad(), len(acks))
	}
	for i := range g.nodes {
		verifyAcked(t, g.causal(t, i), acks)
	}
	t.Logf("all %d acknowledged uploads present, whole, on each of the 3 nodes", len(acks))
	rows, took := bigUpload(t, vs[0])
	t.Logf("galera: one %d-row upload alone through node 1: %s (%.0f rows/s)", rows, took.Round(time.Millisecond), float64(rows)/took.Seconds())
}
