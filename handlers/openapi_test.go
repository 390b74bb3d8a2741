package handlers_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"sunshine/handlers"
	"sunshine/store/storetest"
)

func loadSpec(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../docs/openapi.yaml")
	if err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("docs/openapi.yaml is not valid OpenAPI: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

var ginParam = regexp.MustCompile(`:(\w+)`)

// isAPI tells the machine-readable surface from the HTML pages.
func isAPI(path string) bool {
	for _, p := range []string{"/api/", "/feeds/", "/embed/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	switch path {
	case "/healthz", "/readyz", "/metrics", "/openapi.json", "/catalog.jsonld", "/data.json":
		return true
	}
	return false
}

// TestOpenAPI_DescribesEveryRoute keeps the document and routes.go in step.
func TestOpenAPI_DescribesEveryRoute(t *testing.T) {
	doc, _ := loadSpec(t)
	a := newAPI(t, storetest.SQLite(t))
	for _, r := range handlers.RoutesForTest(a.deps) {
		if !isAPI(r.Path) {
			continue // the HTML pages for people are not part of the API
		}
		path := ginParam.ReplaceAllString(r.Path, "{$1}")
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s %s is served but not in docs/openapi.yaml", r.Method, path)
		}
	}
}

// TestOpenAPI_AnswersMatchTheDocument validates real answers against the schemas.
func TestOpenAPI_AnswersMatchTheDocument(t *testing.T) {
	_, router := loadSpec(t)
	a := newAPI(t, storetest.SQLite(t))
	check := func(req *http.Request, w *httptest.ResponseRecorder) {
		t.Helper()
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.URL, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: w.Code, Header: w.Header(),
			Body: io.NopCloser(bytes.NewReader(w.Body.Bytes()))}
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s %s → %d does not match the document: %v\n%s", req.Method, req.URL, w.Code, err, w.Body)
		}
	}
	get := func(path, token string) {
		req := httptest.NewRequest("GET", "http://localhost:8080"+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, req)
		check(req, w)
	}
	up := a.upload(t, a.admin, "three_public_gbk.csv", nil, "")
	check(httptest.NewRequest("POST", "http://localhost:8080/api/v1/uploads", nil), up)
	bad := a.upload(t, a.admin, "bad.csv", []byte("区划代码,未知列\n431081,x\n"), "")
	check(httptest.NewRequest("POST", "http://localhost:8080/api/v1/uploads", nil), bad)
	get("/api/v1/filings/1", a.admin)
	get("/api/v1/filings/1/report", a.admin)
	get("/api/v1/filings/1", "")
	get("/api/v1/filings/999", a.admin)
	get("/healthz", "")
	get("/readyz", "")
	req := httptest.NewRequest("POST", "http://localhost:8080/api/v1/filings/1/publish", strings.NewReader(`{"note":""}`))
	req.Header.Set("Authorization", "Bearer "+a.admin)
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	check(req, w)
}
