package handlers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/handlers"
	"sunshine/store/storetest"
)

// publicGETs gives every public GET route a path to request; a new GET route
// without an entry here fails the test. The desk and /metrics are not public.
var publicGETs = map[string]string{
	"/healthz":                               "/healthz",
	"/readyz":                                "/readyz",
	"/favicon.ico":                           "/favicon.ico",
	"/api/v1/templates/:file":                "/api/v1/templates/three_public.csv",
	"/api/v1/rules":                          "/api/v1/rules",
	"/api/v1/filings/:id":                    "/api/v1/filings/%d",
	"/api/v1/filings/:id/report":             "/api/v1/filings/%d/report",
	"/api/v1/datasets":                       "/api/v1/datasets",
	"/api/v1/datasets/:id":                   "/api/v1/datasets/431081-2024-final-three_public",
	"/api/v1/datasets/:id/diff":              "/api/v1/datasets/431081-2024-final-three_public/diff?from=1&to=3",
	"/api/v1/changes":                        "/api/v1/changes",
	"/feeds/changes.atom":                    "/feeds/changes.atom",
	"/api/v1/three-public":                   "/api/v1/three-public?region=431081",
	"/api/v1/three-public.csv":               "/api/v1/three-public.csv",
	"/api/v1/line-items":                     "/api/v1/line-items",
	"/api/v1/line-items.csv":                 "/api/v1/line-items.csv",
	"/api/v1/datasets/:id/releases/:n/:file": "/api/v1/datasets/431081-2024-final-three_public/releases/3/data.csv",
	"/api/v1/datasets/:id/latest/:file":      "/api/v1/datasets/431081-2024-final-three_public/latest/data.json",
	"/api/v1/charts/three-public/:chart":     "/api/v1/charts/three-public/ranking?region=431081&year=2024&phase=final",
	"/embed/three-public/:chart":             "/embed/three-public/ranking?region=431081&year=2024&phase=final",
	"/embed/embed.css":                       "/embed/embed.css",
	"/api/v1/bulk/:file":                     "/api/v1/bulk/431081-2024.zip",
	"/catalog.jsonld":                        "/catalog.jsonld",
	"/data.json":                             "/data.json",
	"/openapi.json":                          "/openapi.json",
	"/static/*file":                          "/static/site.css",
	"/":                                      "/",
	"/regions/:code/:year":                   "/regions/431081/2024",
	"/regions/:code/departments/:dept":       "/regions/431081/departments/001",
	"/datasets":                              "/datasets",
	"/changes":                               "/changes",
	"/rules":                                 "/rules",
	"/api/v1/regions":                        "/api/v1/regions",
	"/api/v1/regions/:code/departments":      "/api/v1/regions/431081/departments",
	"/api/v1/scoreboard":                     "/api/v1/scoreboard?region=431081&year=2024&phase=final",
	"/api/v1/scoreboard.csv":                 "/api/v1/scoreboard.csv?region=431081&year=2024&phase=final",
	"/embed/scoreboard":                      "/embed/scoreboard?region=431081&year=2024&phase=final",
	"/scoreboard":                            "/scoreboard",
	"/search":                                "/search?q=资兴",
	"/datasets/:id":                          "/datasets/431081-2024-final-three_public",
	"/datasets/:id/releases/:n":              "/datasets/431081-2024-final-three_public/releases/3",
	"/datasets/:id/diff":                     "/datasets/431081-2024-final-three_public/diff?from=1&to=3",
	"/filings/:id":                           "/filings/%d",
	"/regions/:code/departments/:dept/:year/:phase/:version": "/regions/431081/departments/001/2024/final/v2",
	// No published version of the fixture cites a PDF: the anonymous answer is a 404, and so must a bad token's be.
	"/api/v1/sources/:sha256/source.pdf": "404 /api/v1/sources/" + strings.Repeat("ab", 32) + "/source.pdf",
}

var volatile = regexp.MustCompile(`[0-9a-f]{16}|"updated":"[^"]*"|<updated>[^<]*</updated>`)

// The one rule for a bad token: on every public GET route a malformed, unknown
// or revoked token is ignored — the answer is the anonymous caller's — and a
// draft stays invisible to it; a write with one is refused with 401.
func TestBadToken_IgnoredOnEveryPublicGETRoute(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	a.deps.SignInLimit = handlers.SignInLimit{Every: time.Millisecond, Burst: 100000} // this test fails many tokens on purpose
	a.deps.Registry = prometheus.NewRegistry()
	a.h = handlers.New(a.deps)
	publishedFixture(t, a)
	up := decode[handlers.UploadAnswer](t, a.upload(t, a.zixing, "draft.csv", []byte(strings.ReplaceAll(correctedThreePublic, "12.00,0,0,8.50,3.50", "13.00,0,0,9.50,3.50")), ""))
	draft := up.Filings[0].ID

	bad := map[string]string{"malformed": "Basic abc", "empty bearer": "Bearer ", "unknown": "Bearer 0123456789abcdef",
		"revoked": "Bearer " + a.revoked}
	seen := map[string]bool{}
	for _, r := range handlers.RoutesForTest(a.deps) {
		if r.Method != "GET" || strings.HasPrefix(r.Path, "/desk") || r.Path == "/metrics" || r.Path == "/api/v1/publications/:id" || r.Path == "/api/v1/publications" { // admin only
			continue
		}
		seen[r.Path] = true
		path, ok := publicGETs[r.Path]
		if !ok {
			t.Errorf("GET %s has no entry in publicGETs: say how a bad token is answered there", r.Path)
			continue
		}
		if strings.Contains(path, "%d") {
			path = fmt.Sprintf(path, 1)
		}
		wantMissing := strings.HasPrefix(path, "404 ")
		path = strings.TrimPrefix(path, "404 ")
		anon := a.get(t, path)
		if wantMissing && anon.Code != 404 {
			t.Errorf("%s: anonymous %d, want 404", path, anon.Code)
		} else if !wantMissing && anon.Code >= 400 {
			t.Errorf("%s: anonymous %d %s", path, anon.Code, anon.Body)
		}
		for kind, h := range bad {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", h)
			w := serveReq(a.h, req)
			if w.Code != anon.Code || volatile.ReplaceAllString(w.Body.String(), "") != volatile.ReplaceAllString(anon.Body.String(), "") {
				t.Errorf("%s with a %s token: %d, anonymous %d", path, kind, w.Code, anon.Code)
			}
		}
	}
	for route := range publicGETs {
		if !seen[route] {
			t.Errorf("publicGETs names %s, which the router does not serve", route)
		}
	}
	// A draft is answered to a bad token as to anyone without one (401: drafts need a token).
	anon := a.get(t, fmt.Sprintf("/api/v1/filings/%d", draft))
	if anon.Code != 401 || strings.Contains(anon.Body.String(), "13") {
		t.Fatalf("draft, anonymous: %d %s", anon.Code, anon.Body)
	}
	for kind, h := range bad {
		req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/filings/%d", draft), nil)
		req.Header.Set("Authorization", h)
		if w := serveReq(a.h, req); w.Code != anon.Code || w.Body.String() != anon.Body.String() {
			t.Errorf("draft with a %s token: %d %s", kind, w.Code, w.Body)
		}
		req = httptest.NewRequest("POST", fmt.Sprintf("/api/v1/filings/%d/publish", draft), strings.NewReader(`{"note":"x"}`))
		req.Header.Set("Authorization", h)
		if w := serveReq(a.h, req); w.Code != 401 || w.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("publish with a %s token: %d %s", kind, w.Code, w.Body)
		}
	}
}

// Wrong tokens are limited per client, on the API and at the desk's sign-in
// alike: past the limit the client waits, told so in Chinese with Retry-After.
func TestSignIn_WrongTokensLimitedPerClient(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	a.deps.SignInLimit = handlers.SignInLimit{Every: time.Hour, Burst: 3}
	a.deps.Registry = prometheus.NewRegistry()
	a.h = handlers.New(a.deps)
	try := func(addr, token string) int {
		req := httptest.NewRequest("POST", "/api/v1/filings/1/publish", strings.NewReader(`{}`))
		req.RemoteAddr = addr
		req.Header.Set("Authorization", "Bearer "+token)
		w := serveReq(a.h, req)
		if w.Code == 429 {
			body := decode[handlers.ErrorBody](t, w)
			if w.Header().Get("Retry-After") == "" || !strings.Contains(body.Error.Message, "令牌错误次数过多") {
				t.Fatalf("429 without Retry-After or a clear message: %v %s", w.Header(), w.Body)
			}
		}
		return w.Code
	}
	for i := 0; i < 3; i++ {
		if c := try("192.0.2.1:1000", "guess"); c != 401 {
			t.Fatalf("attempt %d: %d", i+1, c)
		}
	}
	if c := try("192.0.2.1:1000", "guess"); c != 429 {
		t.Fatalf("fourth wrong token: %d", c)
	}
	if c := try("192.0.2.1:1000", a.admin); c != 429 {
		t.Fatalf("while limited, the client waits whatever it sends: %d", c)
	}
	if c := try("192.0.2.2:1000", a.admin); c == 429 || c == 401 {
		t.Fatalf("another client is not limited: %d", c)
	}

	// The desk's sign-in form counts the same failures.
	b := newBrowser(t, a.h)
	b.header["X-Forwarded-For"] = "" // not trusted anyway: the client is RemoteAddr
	for i := 0; i < 4; i++ {
		b.get("/desk")
		req := httptest.NewRequest("POST", "/desk/login", strings.NewReader(url.Values{"csrf": {b.csrf()}, "token": {"guess"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = "192.0.2.3:1000"
		w := b.do(req)
		want := 401
		if i == 3 {
			want = 429
		}
		if w.Code != want {
			t.Fatalf("desk sign-in %d: %d", i+1, w.Code)
		}
		if i == 3 && (w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "令牌错误次数过多")) {
			t.Fatalf("desk: no clear message: %v %s", w.Header(), w.Body)
		}
	}
}

func serveReq(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}
