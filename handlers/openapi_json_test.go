package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"sunshine/docs"
	"sunshine/store/storetest"
)

// canonical is a document as plain JSON values, for comparing two documents.
func canonical(t *testing.T, doc *openapi3.T) any {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOpenAPIJSON_IsTheYAMLDocument: /openapi.json is docs/openapi.yaml, as
// JSON, and valid OpenAPI; the binary embeds the file as it is on disk.
func TestOpenAPIJSON_IsTheYAMLDocument(t *testing.T) {
	onDisk, err := os.ReadFile("../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(onDisk, docs.OpenAPI) {
		t.Fatal("the embedded document differs from docs/openapi.yaml: rebuild")
	}
	yamlDoc, _ := loadSpec(t)

	a := newAPI(t, storetest.SQLite(t))
	w := a.get(t, "/openapi.json")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") || w.Header().Get("ETag") == "" ||
		w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	if !json.Valid(w.Body.Bytes()) {
		t.Fatal("not JSON")
	}
	loader := openapi3.NewLoader()
	jsonDoc, err := loader.LoadFromData(w.Body.Bytes())
	if err != nil {
		t.Fatalf("/openapi.json does not load: %v", err)
	}
	if err := jsonDoc.Validate(context.Background()); err != nil {
		t.Fatalf("/openapi.json is not valid OpenAPI: %v", err)
	}
	if got, want := canonical(t, jsonDoc), canonical(t, yamlDoc); !reflect.DeepEqual(got, want) {
		t.Fatal("/openapi.json differs from docs/openapi.yaml")
	}
	var raw struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	json.Unmarshal(w.Body.Bytes(), &raw)
	if raw.OpenAPI != yamlDoc.OpenAPI || len(raw.Paths) != yamlDoc.Paths.Len() || raw.Paths["/openapi.json"] == nil {
		t.Fatalf("openapi %q, %d paths (want %d)", raw.OpenAPI, len(raw.Paths), yamlDoc.Paths.Len())
	}

	req := httptest.NewRequest("GET", "/openapi.json", nil)
	req.Header.Set("If-None-Match", w.Header().Get("ETag"))
	rw := httptest.NewRecorder()
	a.h.ServeHTTP(rw, req)
	if rw.Code != 304 {
		t.Fatalf("revalidation: %d", rw.Code)
	}
}
