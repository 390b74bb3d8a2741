package handlers_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store/storetest"
)

// A panic in a handler reaches no client as a dropped connection or a stack
// trace: it is a JSON 500 with a request id (header and message), a log
// line carrying that id and the stack, its access-log line, and a count in /metrics.
func TestPanic_Is500WithRequestIDLoggedAndCounted(t *testing.T) {
	s := storetest.SQLite(t)
	var logs bytes.Buffer
	h := handlers.NewWithExtraRouteForTest(handlers.Deps{Store: s, Log: slog.New(slog.NewJSONHandler(&logs, nil)),
		Registry: prometheus.NewRegistry()}, "/test/panic", func(c *gin.Context) {
		var m map[string]int
		//lint:ignore SA5000 the panic is what this test is about
		m["boom"]++ // a nil map: the kind of bug a fuzzer finds
	})
	admin := makeToken(t, s, models.Token{Name: "管理员", Role: models.RoleAdmin})

	for i := 0; i < 2; i++ {
		w := serveReq(h, httptest.NewRequest("GET", "/test/panic", nil))
		id := w.Header().Get("X-Request-ID")
		var body handlers.ErrorBody
		if w.Code != 500 || json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Error.Code != "internal" ||
			!strings.HasPrefix(body.Error.Message, "服务器内部错误") {
			t.Fatalf("panic answered %d %s", w.Code, w.Body)
		}
		if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) || !strings.HasSuffix(body.Error.Message, "请求编号 "+id) {
			t.Fatalf("the 500 does not carry its request id %q in the header and the message: %s", id, body.Error.Message)
		}
		var line, access map[string]any
		for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && m["request_id"] == id {
				switch m["msg"] {
				case "panic":
					line = m
				case "request":
					access = m
				}
			}
		}
		if access == nil || access["status"] != float64(500) || access["route"] != "/test/panic" {
			t.Fatalf("no access-log line with status 500 for request %s: %s", id, logs.String())
		}
		if line == nil || line["level"] != "ERROR" || !strings.Contains(line["panic"].(string), "nil map") ||
			!strings.Contains(line["stack"].(string), "panic_test.go") || line["path"] != "/test/panic" {
			t.Fatalf("no log line for request %s with the panic and its stack: %s", id, logs.String())
		}
	}
	// The server goes on serving, and counts what happened.
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	w := serveReq(h, req)
	for _, want := range []string{
		"sunshine_http_panics_total 2\n",
		`sunshine_http_requests_total{code="500",method="GET",route="/test/panic"} 2`,
	} {
		if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("metrics lack %q: %d", want, w.Code)
		}
	}
	// A server that never panicked says 0, so an alert can tell "none" from "not measured".
	w = serveReq(handlers.New(handlers.Deps{Store: s, Log: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry()}), req)
	if !strings.Contains(w.Body.String(), "sunshine_http_panics_total 0\n") {
		t.Errorf("a fresh server's metrics lack the panic counter at 0")
	}
}

// A HEAD is served as its GET but logged and counted as the HEAD it was.
func TestHead_LoggedAndCountedAsHead(t *testing.T) {
	s := storetest.SQLite(t)
	var logs bytes.Buffer
	h := handlers.New(handlers.Deps{Store: s, Log: slog.New(slog.NewJSONHandler(&logs, nil)), Registry: prometheus.NewRegistry()})
	admin := makeToken(t, s, models.Token{Name: "管理员", Role: models.RoleAdmin})
	if w := serveReq(h, httptest.NewRequest("HEAD", "/api/v1/rules", nil)); w.Code != 200 || w.Body.Len() != 0 {
		t.Fatalf("HEAD: %d, %d bytes", w.Code, w.Body.Len())
	}
	var methods []string
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" && m["path"] == "/api/v1/rules" {
			methods = append(methods, m["method"].(string))
		}
	}
	if len(methods) != 1 || methods[0] != "HEAD" {
		t.Fatalf("access log methods %v, want [HEAD]", methods)
	}
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	if w := serveReq(h, req); !strings.Contains(w.Body.String(), `sunshine_http_requests_total{code="200",method="HEAD",route="/api/v1/rules"} 1`) {
		t.Errorf("metrics do not count the HEAD as HEAD")
	}
}
