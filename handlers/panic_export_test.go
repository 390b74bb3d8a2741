package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzhttp"

	"sunshine/httpx"
)

// NewWithExtraRouteForTest is New(d) with one more GET route on the same
// middleware chain (request id, recovery, metrics, access log), for tests of
// what the chain does when a handler misbehaves — a panic — which no real
// route does on purpose.
func NewWithExtraRouteForTest(d Deps, path string, h gin.HandlerFunc) http.Handler {
	compress, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.SuffixETag(httpx.GzipETagSuffix))
	if err != nil {
		panic(err)
	}
	r := newRouter(d.Store, d)
	r.GET(path, h)
	return retryAfter(compress(r))
}
