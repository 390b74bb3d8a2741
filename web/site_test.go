package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"sunshine/models"
)

// serve runs h on a router of its own, as handlers/routes.go mounts it.
func serve(t *testing.T, path string, hs ...gin.HandlerFunc) *httptest.ResponseRecorder {
	t.Helper()
	r := gin.New()
	r.GET(path, hs...)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// An error page has the status of the error's domain code and shows its
// message; the text of a failure underneath never reaches the page.
func TestPageError_StatusOfTheCodeWithoutInternalText(t *testing.T) {
	s := NewSite(Config{})
	cases := []struct {
		err    error
		status int
		shown  string
	}{
		{models.Errorf(models.ENOTFOUND, "区划 990199 不存在"), http.StatusNotFound, "区划 990199 不存在"},
		{models.Wrap(errors.New("dial tcp 10.9.8.7:3306: connection refused"), models.EUNAVAILABLE, "数据库无法访问"),
			http.StatusServiceUnavailable, "数据库无法访问"},
		{errors.New("sql: Scan error on column index 3 (10.9.8.7)"), http.StatusInternalServerError, "服务器内部错误"},
	}
	for _, tc := range cases {
		w := serve(t, "/x", func(c *gin.Context) { s.pageError(c, tc.err) })
		body := w.Body.String()
		if w.Code != tc.status || !strings.Contains(body, tc.shown) {
			t.Errorf("%v: %d, want %d showing %q", tc.err, w.Code, tc.status, tc.shown)
		}
		if strings.Contains(body, "10.9.8.7") {
			t.Errorf("%v: the page shows the internal text", tc.err)
		}
		if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%v: content type %q", tc.err, w.Header().Get("Content-Type"))
		}
	}
}

// The desk may be neither framed nor cached; the public pages may be cached
// but are revalidated; both allow only the service's own files.
func TestHeaders_DeskAndPages(t *testing.T) {
	ok := func(c *gin.Context) { c.Status(http.StatusNoContent) }
	desk := serve(t, "/desk", Headers(true), ok).Header()
	pages := serve(t, "/", Headers(false), ok).Header()
	if !strings.Contains(desk.Get("Content-Security-Policy"), "frame-ancestors 'none'") || desk.Get("X-Frame-Options") != "DENY" ||
		desk.Get("Cache-Control") != "no-store" {
		t.Errorf("desk headers: %v", desk)
	}
	if strings.Contains(pages.Get("Content-Security-Policy"), "frame-ancestors") || pages.Get("Cache-Control") != "no-cache" ||
		!strings.HasPrefix(pages.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Errorf("page headers: %v", pages)
	}
}

// Every template parses (NewSite panics otherwise) and the stylesheet the
// layout names by its content hash is the one served.
func TestNewSite_StylesheetByItsHash(t *testing.T) {
	s := NewSite(Config{})
	if len(s.pages) != len(templatePages) {
		t.Fatalf("%d pages parsed, want %d", len(s.pages), len(templatePages))
	}
	if !strings.HasPrefix(s.css, "/static/site.css?v=") || len(s.css) != len("/static/site.css?v=")+12 {
		t.Fatalf("stylesheet URL %q", s.css)
	}
	r := gin.New()
	r.GET("/static/*file", s.Static)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, s.css, nil))
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") || w.Body.Len() == 0 {
		t.Fatalf("%s: %d %q", s.css, w.Code, w.Header().Get("Content-Type"))
	}
}
