package reliability_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/demo"
	"sunshine/filings"
	"sunshine/handlers"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// service is the real HTTP handler on a loopback socket over a store.
type service struct {
	s      *store.Store
	svc    *filings.Service
	url    string
	admin  string // an admin token's secret
	client *http.Client
}

// startService serves handlers.New over s on a loopback port until the test ends.
func startService(t testing.TB, s *store.Store) *service {
	t.Helper()
	svc := &filings.Service{Store: s, Checker: &filings.Rules{}, Options: ingest.DefaultOptions()}
	cache, err := handlers.NewFileCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// RELIABILITY_LOG=1 shows the service's log (every 5xx with its cause).
	var logTo io.Writer = io.Discard
	if os.Getenv("RELIABILITY_LOG") != "" {
		logTo = os.Stderr
	}
	h := handlers.New(handlers.Deps{Store: s, Log: slog.New(slog.NewTextHandler(logTo, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Registry: prometheus.NewRegistry(), Filings: svc,
		Limits: handlers.UploadLimits{MaxBytes: 64 << 20, TempDir: t.TempDir()},
		// As `sunshine serve` runs by default: release files cached on disk, the
		// query API limited per client; each reader is its own client (X-Forwarded-For
		// from a trusted proxy on loopback).
		Cache: cache, RateLimit: handlers.DefaultRateLimit, TrustedProxies: []string{"127.0.0.1"}})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	secret, hash, err := models.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateToken(context.Background(), models.Token{Name: "可靠性测试" + secret[:8], Role: models.RoleAdmin, Hash: hash}, "test"); err != nil {
		t.Fatal(err)
	}
	// A client that never waits forever: a hang is a failure the tests count.
	return &service{s: s, svc: svc, url: srv.URL, admin: secret,
		client: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
}

// loadDemo puts the demo city's published filings in the store, for the readers to read.
func (v *service) loadDemo(t testing.TB) {
	t.Helper()
	if _, err := demo.Load(context.Background(), v.svc, time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC), t.TempDir(), nil); err != nil {
		t.Fatalf("demo: %v", err)
	}
}

// answer is what a client saw.
type answer struct {
	status int
	header http.Header
	body   []byte
	took   time.Duration
	err    error // no answer at all: a refused connection or a hang past the client's timeout
}

func (v *service) do(req *http.Request) answer {
	start := time.Now()
	resp, err := v.client.Do(req)
	if err != nil {
		return answer{err: err, took: time.Since(start)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: body, took: time.Since(start), err: err}
}

func (v *service) get(path string) answer {
	req, _ := http.NewRequest("GET", v.url+path, nil)
	return v.do(req)
}

// getAs reads as client number n (its own address for the per-client limit).
func (v *service) getAs(n int, path string) answer {
	req, _ := http.NewRequest("GET", v.url+path, nil)
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.%d.%d", n/250, n%250+1))
	return v.do(req)
}

func (v *service) upload(name string, content []byte) answer {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", v.url+"/api/v1/uploads", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+v.admin)
	return v.do(req)
}

// lineItemsFile is a department's line-item file of n rows, unique to
// (uploader, seq): its own region and department, its own amounts.
func lineItemsFile(uploader, seq, n int) (region, dept string, content []byte, total models.Money) {
	region = fmt.Sprintf("97%02d%02d", uploader%100, seq/1000%100)
	dept = fmt.Sprintf("%03d", seq%1000)
	var b strings.Builder
	b.WriteString("region_code,dept_code,dept_name,fiscal_year,phase,unit,table,code,name,column,amount\n")
	for i := 0; i < n; i++ {
		fen := int64(uploader*1_000_000 + seq*1000 + i + 1)
		total += models.Money(fen)
		fmt.Fprintf(&b, "%s,%s,负载局%s,2024,budget,元,general_expenditure,%d,科目%d,total,%d.%02d\n",
			region, dept, dept, 2010601+i*100, i, fen/100, fen%100)
	}
	return region, dept, []byte(b.String()), total
}

// acked is an upload the service answered 2xx: it must be in the database afterwards.
type acked struct {
	sha256 string
	rows   int
	total  models.Money
}

func ackOf(content []byte, rows int, total models.Money) acked {
	sum := sha256.Sum256(content)
	return acked{sha256: hex.EncodeToString(sum[:]), rows: rows, total: total}
}

// verifyAcked checks that every acknowledged upload is stored whole: its
// record, and in its draft exactly its rows with its amounts.
func verifyAcked(t testing.TB, s *store.Store, acks []acked) {
	t.Helper()
	ctx := context.Background()
	for _, a := range acks {
		_, ids, err := s.UploadBySHA256(ctx, a.sha256)
		if err != nil {
			t.Fatalf("acknowledged upload %s… missing: %v", a.sha256[:12], err)
		}
		if len(ids) != 1 {
			t.Fatalf("acknowledged upload %s… touched %d filings, want 1", a.sha256[:12], len(ids))
		}
		items, err := s.LineItems(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		var total models.Money
		for _, li := range items {
			total += li.Amount.Money
		}
		if len(items) != a.rows || total != a.total {
			t.Fatalf("acknowledged upload %s…: %d rows totalling %d fen stored, want %d rows totalling %d",
				a.sha256[:12], len(items), total, a.rows, a.total)
		}
	}
}

// readPaths are what the readers read: the home page and every local link
// on it, the catalogue, the feeds, and the release files the catalogue names.
func readPaths(t testing.TB, v *service) []string {
	t.Helper()
	paths := map[string]bool{"/": true, "/api/v1/datasets": true, "/api/v1/three-public?limit=100": true,
		"/api/v1/line-items?limit=500": true, "/api/v1/changes": true, "/readyz": true}
	home := v.get("/")
	for _, m := range regexp.MustCompile(`href="(/[^"#]*)"`).FindAllStringSubmatch(string(home.body), -1) {
		if !strings.HasPrefix(m[1], "/desk") && !strings.HasSuffix(m[1], ".css") {
			paths[m[1]] = true
		}
	}
	cat := v.get("/api/v1/datasets?limit=100")
	for _, m := range regexp.MustCompile(`"(?:https?://[^/"]+)?(/api/v1/datasets/[^"]+/releases/[^"]+)"`).FindAllStringSubmatch(string(cat.body), -1) {
		paths[m[1]] = true
	}
	var out []string
	for p := range paths {
		if a := v.get(p); a.status == 200 {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	if len(out) < 8 {
		t.Fatalf("only %d readable paths: %v", len(out), out)
	}
	return out
}

// tally counts answers by class, safely from many goroutines, and keeps the
// read latencies and the first few surprises.
type tally struct {
	mu        sync.Mutex
	byStatus  map[int]int
	noAnswer  int
	wrong     int             // no answer, or a 5xx that is not a well-formed 503
	reads     []time.Duration // 2xx reads only
	surprises []string
}

func newTally() *tally { return &tally{byStatus: map[int]int{}} }

func (y *tally) add(what string, a answer, read bool) {
	y.mu.Lock()
	defer y.mu.Unlock()
	if a.err != nil {
		y.noAnswer++
		y.wrong++
		y.note("%s: no answer after %s: %v", what, a.took.Round(time.Millisecond), a.err)
		return
	}
	y.byStatus[a.status]++
	if read && a.status < 300 {
		y.reads = append(y.reads, a.took)
	}
	if a.status >= 500 {
		if problem := check503(a); problem != "" {
			y.wrong++
			y.note("%s: %s", what, problem)
		}
	}
}

func (y *tally) note(format string, args ...any) {
	if len(y.surprises) < 10 {
		y.surprises = append(y.surprises, fmt.Sprintf(format, args...))
	}
}

// check503 says what is wrong with a 5xx answer: it must be a 503 with
// Retry-After and a Chinese message under the code "unavailable" (a page:
// the Chinese sentence about the database in the page).
func check503(a answer) string {
	if a.status != http.StatusServiceUnavailable {
		return fmt.Sprintf("%d %s", a.status, a.body)
	}
	if a.header.Get("Retry-After") == "" {
		return fmt.Sprintf("503 without Retry-After: %s", a.body)
	}
	if strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
		// A page: the message is in the page, in Chinese.
		if !strings.Contains(string(a.body), "数据库") {
			return fmt.Sprintf("503 page without the Chinese message: %.300s", a.body)
		}
		return ""
	}
	var e handlers.ErrorBody
	if err := json.Unmarshal(a.body, &e); err != nil || e.Error.Code != models.EUNAVAILABLE || !chinese(e.Error.Message) {
		return fmt.Sprintf("503 without a Chinese message under code unavailable: %s", a.body)
	}
	return ""
}

func chinese(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// bad counts the answers that must never happen: none at all (a refused
// connection, a hang), a 5xx other than 503, a 503 without Retry-After or a
// Chinese message.
func (y *tally) bad() int {
	y.mu.Lock()
	defer y.mu.Unlock()
	return y.wrong
}

// fives counts every 5xx answer, 503 included.
func (y *tally) fives() int {
	y.mu.Lock()
	defer y.mu.Unlock()
	n := 0
	for st, c := range y.byStatus {
		if st >= 500 {
			n += c
		}
	}
	return n
}

// count is how many answers had the status.
func (y *tally) count(status int) int {
	y.mu.Lock()
	defer y.mu.Unlock()
	return y.byStatus[status]
}

// percentile of the 2xx read latencies (p in 0…100).
func (y *tally) percentile(p float64) time.Duration {
	y.mu.Lock()
	defer y.mu.Unlock()
	if len(y.reads) == 0 {
		return 0
	}
	d := append([]time.Duration(nil), y.reads...)
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[min(len(d)-1, int(float64(len(d))*p/100))]
}

func (y *tally) String() string {
	y.mu.Lock()
	defer y.mu.Unlock()
	var codes []int
	for st := range y.byStatus {
		codes = append(codes, st)
	}
	sort.Ints(codes)
	var parts []string
	for _, st := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", y.byStatus[st], st))
	}
	if y.noAnswer > 0 {
		parts = append(parts, fmt.Sprintf("%d without answer", y.noAnswer))
	}
	return strings.Join(parts, " ")
}

// workload runs uploaders and readers against v until stop is closed. Every
// answer goes into the tally; every 2xx upload into acks; every upload
// answered 503 "nothing saved" into lost, which must then be absent.
type workload struct {
	v     *service
	paths []string
	tally *tally
	mu    sync.Mutex
	acks  []acked
	lost  []lostUpload
	seq   atomic.Int64
	rows  int
	// first is the first uploader's number: workloads on one database number
	// their uploaders apart, so that their departments never meet.
	first int
}

type lostUpload struct {
	sha256, region, dept string
}

func (w *workload) run(uploaders, readers int, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for u := 0; u < uploaders; u++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				seq := int(w.seq.Add(1))
				region, dept, content, total := lineItemsFile(w.first+u, seq, w.rows)
				a := w.v.upload("load.csv", content)
				w.tally.add("upload", a, false)
				w.mu.Lock()
				switch {
				case a.err == nil && (a.status == http.StatusCreated || a.status == http.StatusOK):
					w.acks = append(w.acks, ackOf(content, w.rows, total))
				case a.status == http.StatusServiceUnavailable && strings.Contains(string(a.body), "未保存任何内容"):
					w.lost = append(w.lost, lostUpload{ackOf(content, 0, 0).sha256, region, dept})
				case a.err == nil && a.status != http.StatusServiceUnavailable && a.status != http.StatusTooManyRequests:
					w.tally.mu.Lock()
					w.tally.wrong++
					w.tally.note("upload: %d %s", a.status, a.body)
					w.tally.mu.Unlock()
				}
				w.mu.Unlock()
			}
		}()
	}
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(r), 7))
			for {
				select {
				case <-stop:
					return
				default:
				}
				p := w.paths[rnd.IntN(len(w.paths))]
				w.tally.add("GET "+p, w.v.getAs(r, p), true)
			}
		}()
	}
	return &wg
}

// verify checks what the service acknowledged is stored whole, and what it
// said it did not save left nothing behind.
func (w *workload) verify(t testing.TB) {
	t.Helper()
	verifyAcked(t, w.v.s, w.acks)
	ctx := context.Background()
	for _, l := range w.lost {
		if _, _, err := w.v.s.UploadBySHA256(ctx, l.sha256); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("an upload answered 503 “nothing saved” is recorded: %v", err)
		}
		fs, err := w.v.s.Filings(ctx, store.FilingFilter{Region: l.region, Dept: l.dept})
		if err != nil || len(fs) != 0 {
			t.Fatalf("an upload answered 503 “nothing saved” left %d filings (%v)", len(fs), err)
		}
	}
}
