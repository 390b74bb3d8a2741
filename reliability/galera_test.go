package reliability_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// GaleraDSNsEnv names the three nodes of a Galera cluster, comma-separated
// ("mysql://root@tcp(127.0.0.1:13306)/mysql,…"), as `reliability/galera.sh
// dsns` prints them; `make test-galera` starts the cluster and sets it.
const GaleraDSNsEnv = "TEST_GALERA_DSNS"

// galera is one test database on the cluster, reachable through each node.
type galera struct {
	nodes []string // the database's DSN on each node
	admin []*sqlx.DB
	name  string
}

func newGalera(t *testing.T) *galera {
	t.Helper()
	env := os.Getenv(GaleraDSNsEnv)
	if env == "" {
		t.Skip("Galera test skipped: " + GaleraDSNsEnv + " is not set (make test-galera)")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	g := &galera{name: "sunshine_galera_" + hex.EncodeToString(b)}
	for i, dsn := range strings.Split(env, ",") {
		cfg, err := store.ParseDSN(dsn)
		if err != nil {
			t.Fatalf("%s: %v", GaleraDSNsEnv, err)
		}
		db, err := sqlx.Open("mysql", cfg.MySQL.FormatDSN())
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(2)
		t.Cleanup(func() { db.Close() })
		g.admin = append(g.admin, db)
		if i == 0 {
			// DDL is replicated to every node (total order isolation).
			if _, err := db.Exec("CREATE DATABASE " + g.name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
				t.Fatalf("create database on the cluster: %v", err)
			}
		}
		own := *cfg.MySQL
		g.nodes = append(g.nodes, fmt.Sprintf("mysql://%s@tcp(%s)/%s", own.User, own.Addr, g.name))
	}
	if len(g.nodes) != 3 {
		t.Fatalf("%s names %d nodes, want 3", GaleraDSNsEnv, len(g.nodes))
	}
	t.Cleanup(func() {
		for _, db := range g.admin {
			if _, err := db.Exec("DROP DATABASE IF EXISTS " + g.name); err == nil {
				return
			}
		}
	})
	return g
}

// open opens the database through node i. Node 1 (i = 0) migrates it; the
// others wait until the schema has reached them: a read on one node may not
// yet see what another committed a moment ago (replication is applied
// asynchronously after certification; wsrep_sync_wait makes reads wait).
func (g *galera) open(t *testing.T, i int) *store.Store {
	t.Helper()
	if i == 0 {
		return storetest.Open(t, g.nodes[0])
	}
	ctx := context.Background()
	s, err := store.Open(ctx, g.nodes[i])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		st, err := s.SchemaStatus(ctx)
		if err == nil && st.Current == st.Latest {
			return s
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("node %d has schema %+v (%v) 30 s after node 1 migrated", i+1, st, err)
		}
	}
}

// causal opens the database through node i for reads that wait until the
// node has applied every write the cluster committed before them
// (wsrep_sync_wait=1), to check what other nodes acknowledged.
func (g *galera) causal(t *testing.T, i int) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), g.nodes[i]+"?wsrep_sync_wait=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// conflicts is the number of transactions the cluster refused or aborted for
// a write set another node committed first, summed over the nodes up.
func (g *galera) conflicts(t *testing.T) int {
	t.Helper()
	n := 0
	for _, db := range g.admin {
		var vs []struct {
			Name  string `db:"Variable_name"`
			Value int    `db:"Value"`
		}
		if err := db.Select(&vs, "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_cert_failures', 'wsrep_local_bf_aborts')"); err != nil {
			continue // a node that is down
		}
		for _, v := range vs {
			n += v.Value
		}
	}
	return n
}

// galeraSh runs reliability/galera.sh with the arguments.
func galeraSh(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command("./galera.sh", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("galera.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// sameDraftFile is a new version of one department's line items: the same
// draft every time, different amounts each time (so no two files are the same bytes).
func sameDraftFile(writer, seq, n int) ([]byte, models.Money) {
	var b strings.Builder
	var total models.Money
	b.WriteString("region_code,dept_code,dept_name,fiscal_year,phase,unit,table,code,name,column,amount\n")
	for i := 0; i < n; i++ {
		fen := int64(writer*1_000_000 + seq*1000 + i + 1)
		total += models.Money(fen)
		fmt.Fprintf(&b, "960001,001,冲突局,2024,budget,元,general_expenditure,%d,科目%d,total,%d.%02d\n", 2010601+i*100, i, fen/100, fen%100)
	}
	return []byte(b.String()), total
}

// The same draft written through two nodes at once (two uploaders on each):
// Galera refuses one of two conflicting commits (error 1213 at COMMIT, or a
// local transaction aborted by a replicated one) and the store's transaction
// helper runs it again. Every answer is 2xx, or — when one upload lost all 8
// attempts, which this sustained contention on one draft makes possible — a
// 503 with Retry-After saying nothing was saved, and then nothing of it is;
// never a 500. At least 90 % are 2xx, and both nodes end with the same draft,
// one acknowledged version whole.
func TestGalera_CertificationConflictsRetried(t *testing.T) {
	g := newGalera(t)
	a := startService(t, g.open(t, 0))
	b := startService(t, g.open(t, 1))
	before := g.conflicts(t)
	const writersPerNode, rounds, rows = 2, 12, 300
	var mu sync.Mutex
	var wrong []string
	var wg sync.WaitGroup
	totals := map[models.Money]bool{} // of the acknowledged versions
	var gaveUp []string               // SHA-256 of uploads answered 503
	for node, v := range []*service{a, b} {
		for w := 0; w < writersPerNode; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := 0; r < rounds; r++ {
					content, total := sameDraftFile(node*10+w, r, rows)
					ans := v.upload("conflict.csv", content)
					mu.Lock()
					switch {
					case ans.err == nil && (ans.status == http.StatusCreated || ans.status == http.StatusOK):
						totals[total] = true
					case ans.err == nil && check503(ans) == "" && strings.Contains(string(ans.body), "未保存任何内容"):
						gaveUp = append(gaveUp, ackOf(content, 0, 0).sha256)
					default:
						wrong = append(wrong, fmt.Sprintf("node %d: %d %v %s", node+1, ans.status, ans.err, ans.body))
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	conflicts := g.conflicts(t) - before
	n := 2 * writersPerNode * rounds
	t.Logf("%d uploads of the same draft through two nodes: %d answered 2xx, %d answered 503 after 8 lost attempts; %d certification failures and brute-force aborts on the cluster",
		n, len(totals), len(gaveUp), conflicts)
	for _, w := range wrong {
		t.Error(w)
	}
	if conflicts == 0 {
		t.Fatal("no certification conflict was provoked: the test proves nothing")
	}
	if len(totals)*10 < n*9 {
		t.Fatalf("only %d of %d uploads answered 2xx", len(totals), n)
	}
	s := g.causal(t, 1)
	for _, sum := range gaveUp {
		if _, _, err := s.UploadBySHA256(context.Background(), sum); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("an upload answered 503 is recorded: %v", err)
		}
	}
	// One open draft, the same on both nodes: one acknowledged version, whole.
	for i := range g.admin[:2] {
		var got struct {
			N     int          `db:"n"`
			Total models.Money `db:"total"`
		}
		err := g.admin[i].Get(&got, `SELECT COUNT(*) AS n, COALESCE(SUM(x.amount), 0) AS total FROM `+g.name+`.line_items x
			JOIN `+g.name+`.filings f ON f.id = x.filing_id WHERE f.region_code = '960001' AND f.open_draft = 1`)
		if err != nil {
			t.Fatal(err)
		}
		if got.N != rows || !totals[got.Total] {
			t.Fatalf("node %d: the draft has %d rows totalling %d fen: not one acknowledged version", i+1, got.N, got.Total)
		}
	}
}

// One node of three is killed (kill -9) under uploads and reads through
// services on each node: no upload any service acknowledged is lost, the
// services on the other two nodes keep answering 2xx, the one on the dead
// node answers 503 (never 500 or a hang), the node rejoins with every
// acknowledged upload, and the service on it serves again without a restart.
func TestGalera_LosingANodeLosesNothing(t *testing.T) {
	g := newGalera(t)
	var vs []*service
	for i := range g.nodes {
		vs = append(vs, startService(t, g.open(t, i)))
	}
	vs[0].loadDemo(t)
	paths := readPaths(t, vs[0])
	var ws []*workload
	stop := make(chan struct{})
	var wgs []*sync.WaitGroup
	for i, v := range vs {
		w := &workload{v: v, paths: paths, tally: newTally(), rows: 200, first: 10 * i}
		ws = append(ws, w)
		wgs = append(wgs, w.run(2, 4, stop))
	}
	time.Sleep(3 * time.Second)
	acksAt := func() []int {
		var n []int
		for _, w := range ws {
			w.mu.Lock()
			n = append(n, len(w.acks))
			w.mu.Unlock()
		}
		return n
	}
	galeraSh(t, "kill", "3")
	killed := acksAt()
	time.Sleep(5 * time.Second)
	close(stop)
	for _, wg := range wgs {
		wg.Wait()
	}
	after := acksAt()
	for i, w := range ws {
		t.Logf("service on node %d: %s; %d uploads acknowledged (%d after node 3 was killed); read p50 %s p99 %s",
			i+1, w.tally, after[i], after[i]-killed[i], w.tally.percentile(50), w.tally.percentile(99))
		for _, s := range w.tally.surprises {
			t.Error(s)
		}
		if w.tally.bad() > 0 {
			t.Errorf("service on node %d: %d wrong answers", i+1, w.tally.bad())
		}
	}
	for i := 0; i < 2; i++ {
		if after[i] == killed[i] {
			t.Fatalf("the service on node %d acknowledged nothing after node 3 was killed", i+1)
		}
	}
	// Everything acknowledged, by any service, is on node 1 …
	var all []acked
	for _, w := range ws {
		all = append(all, w.acks...)
	}
	verifyAcked(t, g.causal(t, 0), all)
	// … and on node 3 once it has rejoined.
	galeraSh(t, "restart", "3")
	verifyAcked(t, g.causal(t, 2), all)
	// The service on node 3, never restarted, serves again: a real mariadbd restart.
	for start := time.Now(); vs[2].get("/readyz").status != http.StatusOK; time.Sleep(100 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatal("the service on node 3 is not ready 10 s after the node rejoined")
		}
	}
	_, _, content, total := lineItemsFile(29, 1, 200)
	if a := vs[2].upload("back.csv", content); a.status != http.StatusCreated {
		t.Fatalf("upload through node 3 after it rejoined: %d %.300s", a.status, a.body)
	}
	verifyAcked(t, g.causal(t, 0), []acked{ackOf(content, 200, total)})
	t.Logf("%d acknowledged uploads present on node 1 and on node 3 after it rejoined", len(all))
}
