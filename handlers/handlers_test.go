package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type server struct {
	h   http.Handler
	log *bytes.Buffer
	s   *store.Store
}

func newServer(t *testing.T, s *store.Store) server {
	t.Helper()
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	return server{h: handlers.New(handlers.Deps{Store: s, Log: log, Registry: prometheus.NewRegistry()}), log: &buf, s: s}
}

func (s server) do(t *testing.T, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	return w
}

func TestHealthz_AnswersOK(t *testing.T) {
	srv := newServer(t, storetest.SQLite(t))
	w := srv.do(t, "GET", "/healthz", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"ok"`) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

func TestReadyz_FollowsTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := newServer(t, s)
		if w := srv.do(t, "GET", "/readyz", nil); w.Code != 200 {
			t.Fatalf("ready: %d %s", w.Code, w.Body)
		}
		s.Close() // the database goes away
		w := srv.do(t, "GET", "/readyz", nil)
		if w.Code != http.StatusServiceUnavailable {
			t.Fatalf("after close: %d %s", w.Code, w.Body)
		}
		var body handlers.ErrorBody
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != "unavailable" || body.Error.Message == "" {
			t.Fatalf("error body: %s", w.Body)
		}
	})
}

// flakyDB fails while down is set, like a MySQL server that restarts.
type flakyDB struct{ down bool }

func (f *flakyDB) Ping(context.Context) error {
	if f.down {
		return io.ErrUnexpectedEOF
	}
	return nil
}

func TestReadyz_RecoversByItself(t *testing.T) {
	db := &flakyDB{down: true}
	r := handlers.NewForTest(db, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	get := func() int {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
		return w.Code
	}
	if c := get(); c != 503 {
		t.Fatalf("down: %d", c)
	}
	db.down = false
	if c := get(); c != 200 {
		t.Fatalf("back up: %d", c)
	}
}

func TestRequestID_EchoedAndLogged(t *testing.T) {
	srv := newServer(t, storetest.SQLite(t))
	w := srv.do(t, "GET", "/healthz", map[string]string{"X-Request-ID": "clerk-42"})
	if got := w.Header().Get("X-Request-ID"); got != "clerk-42" {
		t.Fatalf("echo: %q", got)
	}
	if !strings.Contains(srv.log.String(), `"request_id":"clerk-42"`) || !strings.Contains(srv.log.String(), `"route":"/healthz"`) {
		t.Fatalf("log: %s", srv.log)
	}
	w = srv.do(t, "GET", "/healthz", map[string]string{"X-Request-ID": "bad id\x01"})
	if got := w.Header().Get("X-Request-ID"); got == "" || strings.Contains(got, " ") {
		t.Fatalf("a bad id must be replaced: %q", got)
	}
}

func TestMetrics_CountRequestsByRoute(t *testing.T) {
	srv := newServer(t, storetest.SQLite(t))
	srv.do(t, "GET", "/healthz", nil)
	srv.do(t, "GET", "/healthz", nil)
	srv.do(t, "GET", "/no/such/page", nil)
	if w := srv.do(t, "GET", "/metrics", nil); w.Code != 401 {
		t.Fatalf("metrics without a token: %d", w.Code)
	}
	uploader := makeToken(t, srv.s, models.Token{Name: "上传员", Role: models.RoleUploader, RegionCode: "431081"})
	if w := srv.do(t, "GET", "/metrics", map[string]string{"Authorization": "Bearer " + uploader}); w.Code != 403 {
		t.Fatalf("metrics with an uploader's token: %d", w.Code)
	}
	admin := makeToken(t, srv.s, models.Token{Name: "管理员", Role: models.RoleAdmin})
	w := srv.do(t, "GET", "/metrics", map[string]string{"Authorization": "Bearer " + admin})
	body := w.Body.String()
	for _, want := range []string{
		`sunshine_http_requests_total{code="200",method="GET",route="/healthz"} 2`,
		`sunshine_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`sunshine_http_request_duration_seconds_count{method="GET",route="/healthz"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestNoRoute_AnswersJSONError(t *testing.T) {
	srv := newServer(t, storetest.SQLite(t))
	w := srv.do(t, "GET", "/api/v1/nothing", nil)
	var body handlers.ErrorBody
	if w.Code != 404 || json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Error.Code != "not_found" {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	w = srv.do(t, "POST", "/healthz", nil)
	if w.Code != 405 {
		t.Fatalf("method not allowed: %d", w.Code)
	}
}
