// Package httpx holds what the API (package handlers) and the pages (package
// web) share at the HTTP level: the one mapping of domain error codes to
// statuses (errors.go), the middleware (request id, access log, metrics,
// recovery, CORS for open data), token authentication, the per-client rate
// and sign-in limits, the body deadline and upload form, the release-file
// cache, and small request helpers. It knows nothing of routes.
package httpx

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/models"
)

// GzipETagSuffix marks the ETag of a compressed answer: its bytes differ from
// the plain one's, so its strong ETag must too.
const GzipETagSuffix = "-gzip"

// BaseURL is the service's own address for absolute links: the configured one, else the request's.
func BaseURL(c *gin.Context, configured string) string {
	if configured != "" {
		return strings.TrimRight(configured, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// EncodeCursor makes an opaque keyset position: clients copy the next link, they do not build it.
func EncodeCursor(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a position made by EncodeCursor.
func DecodeCursor(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return models.Errorf(models.EINVALID, "参数 after 无效：请使用上一页返回的 next 链接")
	}
	return nil
}

// DatasetCursor is a position in the catalogue (newest first by update time, then id); the API and the pages share it.
type DatasetCursor struct {
	T  time.Time `json:"t"`
	ID string    `json:"id"`
}

// ChangeCursor is a position in the change log (newest release first).
type ChangeCursor struct {
	ID int64 `json:"id"`
}

// NextLink is the request's own URL with the cursor replaced. It is also
// sent as `Link: <…>; rel="next"` (RFC 8288) while the answer's headers are
// not yet written: always for a list answered at once, and for a streamed
// page that fits the encoder's buffer; the body's next member says it always.
func NextLink(c *gin.Context, base, cursor string) string {
	q := c.Request.URL.Query()
	q.Set("after", cursor)
	u := base + c.Request.URL.Path + "?" + q.Encode()
	if !c.Writer.Written() {
		c.Header("Link", "<"+u+`>; rel="next"`)
	}
	return u
}

// IntParam reads a non-negative integer query parameter; absent is 0.
func IntParam(c *gin.Context, name string) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, models.Errorf(models.EINVALID, "参数 %s 应为非负整数，而不是“%s”", name, v)
	}
	return n, nil
}

// Clamp is n within 1..max, with def for 0.
func Clamp(n, def, max int) int {
	if n <= 0 {
		return def
	}
	return min(n, max)
}

// ETagMatches compares If-None-Match with an ETag by the weak comparison
// RFC 9110 §13.1.2 prescribes for it (W/"x" matches "x"), taking the
// compressed variant's ETag (see GzipETagSuffix) as naming the same bytes.
func ETagMatches(header, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == "*" || v == etag || strings.Replace(v, GzipETagSuffix+`"`, `"`, 1) == etag {
			return true
		}
	}
	return false
}

// FilingID reads the :id parameter of a filing route; a bad one is answered 404 here.
func FilingID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		RespondError(c, models.Errorf(models.ENOTFOUND, "申报编号“%s”无效", c.Param("id")))
		return 0, false
	}
	return id, true
}
