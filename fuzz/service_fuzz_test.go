package fuzz

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/codes"
	"sunshine/demo"
	"sunshine/filings"
	"sunshine/handlers"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
)

// service is the whole HTTP surface over one real SQLite database, built
// once per process (each fuzz worker is a process) and shared by the targets.
type service struct {
	h          http.Handler
	log        *syncBuffer
	adminToken string
	upToken    string // an uploader of the demo region
	filingIDs  []int64
	datasetIDs []string
	desk       deskSession
}

// deskSession is a signed-in desk (as the admin): its cookie and form token.
type deskSession struct {
	cookie *http.Cookie
	csrf   string
}

// syncBuffer is the service's log, read by the targets to spot recovered panics.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		b.buf.Reset() // only the lines of the request under test matter
	}
	return b.buf.Write(p)
}

// take returns and forgets what was logged.
func (b *syncBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}

var (
	svcOnce sync.Once
	svc     *service
	svcErr  error
	svcDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if svcDir != "" {
		os.RemoveAll(svcDir)
	}
	os.Exit(code)
}

// hangGuard turns a request that runs past a minute into a crash, which the
// fuzzer saves in testdata/fuzz (it has no time limit per input of its own).
func hangGuard(t *testing.T, input ...any) (stop func()) {
	name := t.Name()
	timer := time.AfterFunc(time.Minute, func() { panic(fmt.Sprintf("%s: one input ran over a minute: %q", name, input)) })
	return func() { timer.Stop() }
}

// prepare builds the service before f.Fuzz in a process that runs the fuzz
// function: go's fuzz worker allows one call 10 s before it calls the worker
// deadlocked, and building (the demo city's uploads and publications) can
// take that long on a busy machine. The coordinating process of `go test
// -fuzz` (test.fuzz set, test.fuzzworker not) never calls it, so it skips the build.
func prepare(f *testing.F) {
	fuzzing := flag.Lookup("test.fuzz") != nil && flag.Lookup("test.fuzz").Value.String() != ""
	worker := flag.Lookup("test.fuzzworker") != nil && flag.Lookup("test.fuzzworker").Value.String() == "true"
	if !fuzzing || worker {
		theService(f)
	}
}

// theService builds the service the first time a target asks for it.
func theService(t testing.TB) *service {
	t.Helper()
	svcOnce.Do(func() { svc, svcErr = build() })
	if svcErr != nil {
		t.Fatalf("building the service: %v", svcErr)
	}
	return svc
}

func build() (*service, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sunshine-fuzz-*")
	if err != nil {
		return nil, err
	}
	svcDir = dir
	s, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "sunshine.db"))
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		return nil, err
	}
	opts := ingest.DefaultOptions()
	opts.TempDir = dir
	fs := &filings.Service{Store: s, Checker: &filings.Rules{Codes: codes.NewSet()}, Options: opts}

	// The demo city, published, and the repository's real documents, uploaded as drafts.
	demoDir := filepath.Join(dir, "demo")
	if err := os.Mkdir(demoDir, 0o755); err != nil {
		return nil, err
	}
	if _, err := demo.Load(ctx, fs, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), demoDir, nil); err != nil {
		return nil, err
	}
	real, _ := filepath.Glob("../testdata/real/*/*.csv")
	for _, p := range real {
		if _, err := fs.Upload(ctx, filings.File{Path: p, Name: filepath.Base(p)}, filings.Actor{Name: "fuzz"}, nil); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}

	out := &service{log: &syncBuffer{}}
	for _, tok := range []*models.Token{
		{Name: "fuzz-admin", Role: models.RoleAdmin},
		{Name: "fuzz-uploader", Role: models.RoleUploader, RegionCode: demo.Region.Code},
	} {
		secret, hash, err := models.NewTokenSecret()
		if err != nil {
			return nil, err
		}
		tok.Hash = hash
		if _, err := s.CreateToken(ctx, *tok, "fuzz"); err != nil {
			return nil, err
		}
		if tok.Role == models.RoleAdmin {
			out.adminToken = secret
		} else {
			out.upToken = secret
		}
	}
	log := slog.New(slog.NewJSONHandler(out.log, nil))
	out.h = handlers.New(handlers.Deps{Store: s, Log: log, Registry: prometheus.NewRegistry(), Filings: fs,
		Limits: handlers.UploadLimits{MaxBytes: 4 << 20, TempDir: dir, BodyTimeout: time.Minute}})

	// Ids a client can find: filings from the change log, datasets from the catalogue.
	var changes struct {
		Data []struct {
			FilingID  int64  `json:"filing_id"`
			DatasetID string `json:"dataset_id"`
		} `json:"data"`
	}
	w := out.serve(httptest.NewRequest("GET", "/api/v1/changes?limit=20", nil))
	if err := json.Unmarshal(w.Body.Bytes(), &changes); err != nil || len(changes.Data) == 0 {
		return nil, fmt.Errorf("change log: %d %s", w.Code, w.Body)
	}
	for _, c := range changes.Data {
		out.filingIDs = append(out.filingIDs, c.FilingID)
		out.datasetIDs = append(out.datasetIDs, c.DatasetID)
	}
	if out.desk, err = out.signIn(out.adminToken); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *service) serve(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return w
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn goes through the desk's sign-in as a browser does.
func (s *service) signIn(secret string) (deskSession, error) {
	w := s.serve(httptest.NewRequest("GET", "/desk", nil))
	m := csrfInput.FindStringSubmatch(w.Body.String())
	if m == nil {
		return deskSession{}, fmt.Errorf("sign-in page without a form token: %d", w.Code)
	}
	r := httptest.NewRequest("POST", "/desk/login", strings.NewReader(url.Values{"csrf": {m[1]}, "token": {secret}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range w.Result().Cookies() {
		r.AddCookie(c)
	}
	w = s.serve(r)
	var sess deskSession
	for _, c := range w.Result().Cookies() {
		if c.Name == "sunshine_desk" && c.Value != "" {
			sess.cookie = c
		}
	}
	if w.Code != http.StatusSeeOther || sess.cookie == nil {
		return sess, fmt.Errorf("sign-in: %d %s", w.Code, w.Body)
	}
	r = httptest.NewRequest("GET", "/desk", nil)
	r.AddCookie(sess.cookie)
	w = s.serve(r)
	if m = csrfInput.FindStringSubmatch(w.Body.String()); m == nil {
		return sess, fmt.Errorf("desk page without a form token: %d", w.Code)
	}
	sess.csrf = m[1]
	return sess, nil
}

// check asserts what every answer promises, whatever was asked: no 5xx but a
// 503 that says to retry, no recovered panic, and for JSON answers a
// well-formed body; a refusal carries an error object with a Chinese message.
func (s *service) check(t *testing.T, r *http.Request, w *httptest.ResponseRecorder) {
	t.Helper()
	logged := s.log.take()
	what := r.Method + " " + r.URL.String()
	if strings.Contains(logged, `"msg":"panic"`) {
		t.Fatalf("%s: a panic was recovered (%d):\n%s", what, w.Code, logged)
	}
	ctype := w.Header().Get("Content-Type")
	isJSON := strings.HasPrefix(ctype, "application/json") || strings.HasPrefix(ctype, "application/problem+json")
	switch {
	case w.Code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") != "":
		// The documented answer to a busy database: retry later.
	case w.Code >= 500:
		t.Fatalf("%s: %d\n%s\nlog:\n%s", what, w.Code, truncate(w.Body.String()), logged)
	}
	if strings.Contains(logged, `"level":"ERROR"`) {
		// A handler that logs an error after its status line was sent (a feed
		// cut short) answers 200 with a broken body: as bad as a 500.
		t.Fatalf("%s: %d but an error was logged:\n%s", what, w.Code, logged)
	}
	if w.Header().Get("X-Request-ID") == "" {
		t.Fatalf("%s: no X-Request-ID", what)
	}
	if isJSON && w.Code != http.StatusNoContent && r.Method != "HEAD" {
		var v any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("%s: %d with a JSON body that does not parse (%v):\n%s", what, w.Code, err, truncate(w.Body.String()))
		}
		if w.Code >= 400 {
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			_ = json.Unmarshal(w.Body.Bytes(), &e)
			if e.Error.Code == "" || !hasHan(e.Error.Message) {
				t.Fatalf("%s: %d without an error object with a Chinese message:\n%s", what, w.Code, truncate(w.Body.String()))
			}
		}
	}
}

func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

func truncate(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// --- query parameters and cursors

// queryPaths are the GET routes whose query strings strangers write.
var queryPaths = []string{
	"/api/v1/three-public", "/api/v1/three-public.csv", "/api/v1/line-items", "/api/v1/line-items.csv",
	"/api/v1/datasets", "/api/v1/changes", "/feeds/changes.atom", "/datasets", "/changes",
	"/api/v1/charts/three-public/composition", "/api/v1/charts/three-public/trend.svg", "/api/v1/charts/three-public/ranking.csv",
	"/embed/three-public/budget-vs-final", "/api/v1/bulk/three_public.zip", "/catalog.jsonld", "/data.json",
	"/", "/rules", "/api/v1/rules", "/desk/open", "/regions/990101/2024", "/regions/990101/departments/001",
}

// FuzzQuery sends fuzzed query strings to the feeds, the catalogue, the
// change log, their HTML pages and the charts. A 200 JSON page's next link
// must itself answer 200.
func FuzzQuery(f *testing.F) {
	// Every path with no query, and each query on a few paths: enough to
	// start from, few enough that `make test` runs them in seconds.
	for i := range queryPaths {
		f.Add(uint8(i), "")
	}
	for j, q := range []string{"limit=1", "region=990101&year=2024&phase=budget", "region=990101&year=2024&phase=final&release=1",
		"sort=-total&limit=2", "sort=dept_code&limit=1&after=eyJpZCI6MSwicyI6IjAwMSJ9", "unit=万元&encoding=gb18030&bom=1&headers=zh",
		"table=expenditure&code=2010601&dept=001", "year=99999999999999999999", "limit=-1", "after=%%%", "phase=决算&unit=亿元",
		"region=990101&dept=001&year=2023&phase=final", "id=1", "kind=line_items&region=990101"} {
		for k := 0; k < 3; k++ {
			f.Add(uint8(j*3+k), q)
		}
	}
	prepare(f)
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		s := theService(t)
		defer hangGuard(t, which, query)()
		path := queryPaths[int(which)%len(queryPaths)]
		r, ok := request("GET", path, query)
		if !ok {
			return
		}
		w := s.serve(r)
		s.check(t, r, w)
		s.followNext(t, w)
	})
}

// request builds a request the way a client's URL reaches the server; ok is
// false for a query no HTTP client could send (a space, a control character).
func request(method, path, query string) (*http.Request, bool) {
	if strings.ContainsFunc(query, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '#' }) {
		return nil, false
	}
	u, err := url.Parse(path + "?" + query)
	if err != nil {
		return nil, false
	}
	r, err := http.NewRequest(method, u.String(), nil)
	if err != nil {
		return nil, false
	}
	r.RequestURI = u.RequestURI()
	r.RemoteAddr = "192.0.2.1:1234"
	return r, true
}

// followNext requests a JSON page's next link, which must answer 200.
func (s *service) followNext(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		return
	}
	var page struct {
		Next *string `json:"next"`
	}
	if json.Unmarshal(w.Body.Bytes(), &page) != nil || page.Next == nil {
		return
	}
	u, err := url.Parse(*page.Next)
	if err != nil {
		t.Fatalf("next link %q does not parse: %v", *page.Next, err)
	}
	r := httptest.NewRequest("GET", u.RequestURI(), nil)
	next := s.serve(r)
	s.check(t, r, next)
	if next.Code != http.StatusOK {
		t.Fatalf("the next link %s answers %d:\n%s", *page.Next, next.Code, truncate(next.Body.String()))
	}
}

// cursorPaths are the routes that take an opaque `after` cursor.
var cursorPaths = []string{"/api/v1/three-public", "/api/v1/line-items", "/api/v1/datasets", "/api/v1/changes", "/datasets", "/changes"}

// FuzzCursor sends cursors a client did not get from a next link: fuzzed JSON
// under valid base64, so the decoding reaches the keyset queries, with each
// sort order of the 三公 feed.
func FuzzCursor(f *testing.F) {
	for i, c := range []string{`{"id":1}`, `{"id":9223372036854775807}`, `{"id":-1}`, `{"id":3,"s":"001"}`, `{"id":3,"n":100}`,
		`{"id":3,"s":"001","n":5}`, `{"t":"2026-03-01T00:00:00Z","id":"990101-2024-budget-three_public"}`, `{"t":"0001-01-01T00:00:00Z"}`,
		`{"t":"not a time","id":7}`, `{"id":"1"}`, `[]`, `null`, `{"id":1e400}`, `{"n":null,"s":null}`} {
		for k, sort := range []string{"", "dept_code", "-total", "fiscal_year"} {
			f.Add(uint8(i+k), []byte(c), sort, uint8(2))
		}
	}
	prepare(f)
	f.Fuzz(func(t *testing.T, which uint8, cursor []byte, sort string, limit uint8) {
		s := theService(t)
		defer hangGuard(t, which, cursor, sort, limit)()
		q := url.Values{"after": {base64.RawURLEncoding.EncodeToString(cursor)}, "limit": {fmt.Sprint(limit)}}
		if sort != "" {
			q.Set("sort", sort)
		}
		r, ok := request("GET", cursorPaths[int(which)%len(cursorPaths)], q.Encode())
		if !ok {
			return
		}
		w := s.serve(r)
		s.check(t, r, w)
		s.followNext(t, w)
	})
}

// FuzzPaths sends fuzzed path segments to the routes with parameters:
// filings, reports, datasets, releases, diffs, regions, departments, charts.
func FuzzPaths(f *testing.F) {
	routes := []string{"/api/v1/filings/%s", "/api/v1/filings/%s/report", "/api/v1/datasets/%s", "/api/v1/datasets/%s/diff",
		"/api/v1/datasets/%s/releases/1/%s", "/api/v1/datasets/%s/latest/%s", "/regions/%s/%s", "/regions/990101/departments/%s",
		"/api/v1/charts/three-public/%s", "/embed/three-public/%s", "/desk/filings/%s", "/api/v1/templates/%s", "/static/%s"}
	for i := range routes {
		for _, a := range []string{"1", "0", "-1", "99999999999999999999", "990101-2024-budget-three_public", "990101-2024-final-line_items",
			"x", "%E4%B8%AD", "..", "2024"} {
			f.Add(uint8(i), a, "data.csv", "from=1&to=2")
		}
	}
	f.Add(uint8(4), "990101-2024-budget-three_public", "datapackage.json", "encoding=gb18030")
	f.Add(uint8(11), "line_items.xlsx", "", "")
	prepare(f)
	f.Fuzz(func(t *testing.T, which uint8, a, b, query string) {
		s := theService(t)
		defer hangGuard(t, which, a, b, query)()
		route := routes[int(which)%len(routes)]
		path := route
		for _, seg := range []string{a, b} {
			path = strings.Replace(path, "%s", url.PathEscape(seg), 1)
		}
		r, ok := request("GET", path, query)
		if !ok {
			return
		}
		if strings.HasPrefix(path, "/desk/") {
			r.AddCookie(s.desk.cookie)
		}
		s.check(t, r, s.serve(r))
	})
}

// --- the desk's forms

// deskForms are the desk's form posts; %d is a filing id.
var deskForms = []string{"/desk/login", "/desk/logout", "/desk/filings/%d/publish", "/desk/filings/%d/withdraw", "/desk/upload"}

// FuzzDeskForm posts fuzzed form bodies to the desk, signed in as an admin
// with a valid form token (so the handlers behind the CSRF check are reached),
// or without one when withCSRF is false (which must be a 403).
func FuzzDeskForm(f *testing.F) {
	for i := range deskForms {
		for _, body := range []string{"", "note=更正说明", "token=x", "note=" + strings.Repeat("长", 3000), "csrf=bogus", "note=%ZZ",
			"token=&note=&note=", "a=b&a=c"} {
			f.Add(uint8(i), uint8(0), body, true, "application/x-www-form-urlencoded")
		}
	}
	f.Add(uint8(2), uint8(1), "note=", false, "application/x-www-form-urlencoded")
	f.Add(uint8(3), uint8(2), "--x\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n撤回\r\n--x--\r\n", true, "multipart/form-data; boundary=x")
	f.Add(uint8(4), uint8(0), "", true, "text/plain")
	prepare(f)
	f.Fuzz(func(t *testing.T, which, filing uint8, body string, withCSRF bool, ctype string) {
		s := theService(t)
		defer hangGuard(t, which, filing, body, withCSRF, ctype)()
		route := deskForms[int(which)%len(deskForms)]
		if strings.Contains(route, "%d") {
			id := int64(filing)
			if int(filing) < len(s.filingIDs)*4 {
				id = s.filingIDs[int(filing)%len(s.filingIDs)]
			}
			route = fmt.Sprintf(route, id)
		}
		if withCSRF && strings.HasPrefix(ctype, "application/x-www-form-urlencoded") {
			body = "csrf=" + url.QueryEscape(s.desk.csrf) + "&" + body
		}
		r := httptest.NewRequest("POST", route, strings.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		if route != "/desk/logout" {
			// Signing out would end the shared session; that route is posted without it.
			r.AddCookie(s.desk.cookie)
		}
		w := s.serve(r)
		s.check(t, r, w)
		if !withCSRF && route != "/desk/login" && w.Code != http.StatusForbidden && w.Code != http.StatusUnauthorized {
			t.Fatalf("POST %s without the form token: %d; want 403", route, w.Code)
		}
	})
}

// --- uploads

// uploadSeeds are the repository's upload files, as bytes.
func uploadSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, glob := range []string{"../testdata/layouts/*/*.csv", "../testdata/real/*/*.csv", "../ingest/testdata/*"} {
		paths, _ := filepath.Glob(glob)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > 4<<10 && !bytes.HasPrefix(b, []byte("PK")) && !bytes.HasPrefix(b, []byte{0xD0, 0xCF}) {
				// The header and first rows: one upload must stay well inside the
				// 10 s go's fuzz worker allows a call, even on a busy machine.
				b = b[:bytes.LastIndexByte(b[:4<<10], '\n')+1]
			}
			out = append(out, b)
		}
	}
	return out
}

// FuzzUpload posts fuzzed files to POST /api/v1/uploads as an admin and, for
// the desk's form, as the desk does. An upload is refused with a report
// (422, every finding with a message) or accepted with at least one filing;
// never a 5xx, never "accepted" with nothing stored.
func FuzzUpload(f *testing.F) {
	for i, b := range uploadSeeds(f) {
		kind := []string{"", "three_public", "line_items"}[i%3]
		f.Add(b, kind, "upload.csv", i%2 == 0)
	}
	f.Add([]byte("PK\x03\x04garbage"), "", "x.xlsx", false)
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, "", "old.xls", true)
	prepare(f)
	f.Fuzz(func(t *testing.T, file []byte, kind, name string, desk bool) {
		s := theService(t)
		defer hangGuard(t, len(file), kind, name, desk)()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		if desk {
			if err := mw.WriteField("csrf", s.desk.csrf); err != nil {
				t.Fatal(err)
			}
		}
		if kind != "" {
			if err := mw.WriteField("kind", kind); err != nil {
				t.Fatal(err)
			}
		}
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
		mw.Close()
		path := "/api/v1/uploads"
		if desk {
			path = "/desk/upload"
		}
		r := httptest.NewRequest("POST", path, &body)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		if desk {
			r.AddCookie(s.desk.cookie)
		} else {
			r.Header.Set("Authorization", "Bearer "+s.adminToken)
		}
		w := s.serve(r)
		s.check(t, r, w)
		if desk {
			return // an HTML page; check has seen its status
		}
		switch w.Code {
		case http.StatusOK, http.StatusCreated:
			var ans struct {
				Filings []struct {
					ID int64 `json:"id"`
				} `json:"filings"`
				FilingsTotal int `json:"filings_total"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || len(ans.Filings) == 0 || ans.FilingsTotal < len(ans.Filings) {
				t.Fatalf("upload accepted (%d) without a filing: %v\n%s", w.Code, err, truncate(w.Body.String()))
			}
		case http.StatusUnprocessableEntity:
			var ans struct {
				Error  struct{ Code string } `json:"error"`
				Report struct {
					Findings []models.Finding `json:"findings"`
				} `json:"report"`
			}
			err := json.Unmarshal(w.Body.Bytes(), &ans)
			if err == nil && ans.Error.Code == models.EINVALID {
				break // a file that cannot be read at all (a broken workbook, UTF-16): one message, no report
			}
			if err != nil || ans.Error.Code != models.EUNPROCESSABLE || len(ans.Report.Findings) == 0 {
				t.Fatalf("upload refused without findings: %v\n%s", err, truncate(w.Body.String()))
			}
			for _, fd := range ans.Report.Findings {
				if fd.Rule == "" || !hasHan(fd.Message) {
					t.Fatalf("finding without a rule or a Chinese message: %+v", fd)
				}
			}
		case http.StatusBadRequest, http.StatusForbidden, http.StatusConflict, http.StatusRequestEntityTooLarge,
			http.StatusUnsupportedMediaType, http.StatusServiceUnavailable:
		default:
			t.Fatalf("upload answered %d:\n%s", w.Code, truncate(w.Body.String()))
		}
	})
}

// FuzzUploadBody posts a fuzzed raw body (multipart or not) to the upload
// endpoint, as the uploader of the demo region: the form reader itself.
func FuzzUploadBody(f *testing.F) {
	var seed bytes.Buffer
	mw := multipart.NewWriter(&seed)
	mw.SetBoundary("fuzzboundary")
	mw.WriteField("kind", "three_public")
	fw, _ := mw.CreateFormFile("file", "a.csv")
	fw.Write(uploadSeeds(f)[1])
	mw.Close()
	f.Add(seed.Bytes(), "multipart/form-data; boundary=fuzzboundary")
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--b--"), "multipart/form-data; boundary=b")
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n"), "multipart/form-data; boundary=b")
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n"), "multipart/form-data; boundary=b")
	f.Add([]byte("region_code,dept_code\n"), "text/csv")
	f.Add([]byte(""), "multipart/form-data")
	prepare(f)
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		s := theService(t)
		defer hangGuard(t, len(body), ctype)()
		r := httptest.NewRequest("POST", "/api/v1/uploads", bytes.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		r.Header.Set("Authorization", "Bearer "+s.upToken)
		w := s.serve(r)
		s.check(t, r, w)
		if w.Code < 400 {
			if _, err := io.Copy(io.Discard, w.Body); err != nil {
				t.Fatal(err)
			}
		}
	})
}
