package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"sunshine/docs"
	"sunshine/exports"
	"sunshine/httpx"
)

// openAPIJSON is docs/openapi.yaml (embedded, the source of truth) loaded and
// validated as OpenAPI and written as JSON, once per process.
var openAPIJSON = sync.OnceValues(func() ([]byte, error) {
	return openAPIFromYAML(docs.OpenAPI)
})

// openAPIFromYAML converts an OpenAPI document in YAML to JSON. Returns an error
// when the document does not load or is not valid OpenAPI.
func openAPIFromYAML(yamlDoc []byte) ([]byte, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(yamlDoc)
	if err != nil {
		return nil, fmt.Errorf("handlers: docs/openapi.yaml does not load: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("handlers: docs/openapi.yaml is not valid OpenAPI: %w", err)
	}
	return exports.MarshalUnescaped(doc)
}

// getOpenAPIJSON serves the API description. It changes only with the binary,
// so caches may keep it a while and revalidate by its ETag.
func getOpenAPIJSON(body []byte, loadErr error) gin.HandlerFunc {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	return func(c *gin.Context) {
		if loadErr != nil {
			httpx.RespondError(c, loadErr) // a broken document is a bug: logged, answered 500
			return
		}
		c.Header("ETag", etag)
		c.Header("Cache-Control", "public, max-age=300")
		if httpx.ETagMatches(c.GetHeader("If-None-Match"), etag) {
			c.Status(http.StatusNotModified)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", body)
	}
}
