// Package docs carries the documents the service serves as they are written
// here: openapi.yaml is the source of truth of the HTTP API, embedded so the
// binary serves the very document the tests check against the routes.
package docs

import _ "embed"

// OpenAPI is docs/openapi.yaml, byte for byte.
//
//go:embed openapi.yaml
var OpenAPI []byte
