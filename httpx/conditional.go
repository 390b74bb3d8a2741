package httpx

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// State is what a public answer is computed from: the newest release it can
// read (its id and when it was made). Published data changes only by a new
// release — a publication, a correction or a withdrawal — so two answers to
// the same request over the same State are the same bytes.
type State struct {
	ReleaseID int64
	At        time.Time
}

// StateFunc reads the newest release of a region ("" for every region).
type StateFunc func(c *gin.Context, region string) (State, error)

// StrongETag is a strong entity tag naming the parts: the same parts, the same bytes.
func StrongETag(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// CanonicalQuery is the query with its keys sorted, so ?a=1&b=2 and ?b=2&a=1 tag alike.
func CanonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString("&" + k + "=" + strings.Join(q[k], ","))
	}
	return b.String()
}

// Conditional tags a public answer with a strong ETag computed before the
// handler runs — from the route, the query, the base URL and the newest
// release the answer can read (State) — so a streamed answer is tagged without
// being buffered, and sets Last-Modified to that release's time. A request
// whose If-None-Match matches (weak comparison, RFC 9110 §13.1.2), or, without
// one, whose If-Modified-Since is not older, is answered 304 without running
// the handler. An answer other than 200 loses the tags. format names the way
// the bytes are written (exports.FormatVersion): a version that writes the
// same data differently tags it differently.
func Conditional(state StateFunc, base, format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		st, err := state(c, c.Query("region"))
		if err != nil {
			RespondError(c, err)
			c.Abort()
			return
		}
		etag := StrongETag(format, c.FullPath(), c.Request.URL.Path, CanonicalQuery(c.Request.URL.Query()), BaseURL(c, base),
			strconv.FormatInt(st.ReleaseID, 10))
		h := c.Writer.Header()
		h.Set("ETag", etag)
		if !st.At.IsZero() {
			h.Set("Last-Modified", st.At.UTC().Format(http.TimeFormat))
		}
		if NotModified(c.Request, etag, st.At) {
			c.AbortWithStatus(http.StatusNotModified)
			return
		}
		c.Writer = &untagOnError{ResponseWriter: c.Writer}
		c.Next()
	}
}

// NotModified reports whether the request's validators match: If-None-Match
// by weak comparison, else If-Modified-Since against lastModified.
func NotModified(r *http.Request, etag string, lastModified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return ETagMatches(inm, etag)
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !lastModified.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !lastModified.Truncate(time.Second).After(t)
	}
	return false
}

// untagOnError drops the validators from an answer that is not the tagged
// representation (a 400 for a bad parameter, a 404).
type untagOnError struct{ gin.ResponseWriter }

func (w *untagOnError) WriteHeader(code int) {
	if code != http.StatusOK {
		w.Header().Del("ETag")
		w.Header().Del("Last-Modified")
	}
	w.ResponseWriter.WriteHeader(code)
}

// PublicMethods are the methods the open data answers.
const PublicMethods = "GET, HEAD, OPTIONS"

// PublicRequestHeaders are the request headers a browser may send to the open
// data from another origin: the validators and a range.
const PublicRequestHeaders = "If-None-Match, If-Modified-Since, Range, Accept, Accept-Language"

// ExposedHeaders are the response headers a script of another origin may read.
const ExposedHeaders = "ETag, Last-Modified, Link, RateLimit, RateLimit-Policy, Retry-After, X-Request-ID, Content-Disposition"

// HeadAndPreflight answers what the router does not: HEAD as the GET it
// stands for, without a body (RFC 9110 §9.3.2), and an OPTIONS preflight for
// the public paths with 204 and the CORS headers a browser asks for before a
// conditional fetch from another origin.
func HeadAndPreflight(public func(path string) bool, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodHead:
			g := r.Clone(context.WithValue(r.Context(), headKey{}, true))
			g.Method = http.MethodGet
			h.ServeHTTP(&headWriter{ResponseWriter: w}, g)
		case http.MethodOptions:
			if !public(r.URL.Path) {
				h.ServeHTTP(w, r)
				return
			}
			hd := w.Header()
			hd.Set("Access-Control-Allow-Origin", "*")
			hd.Set("Access-Control-Allow-Methods", PublicMethods)
			hd.Set("Access-Control-Allow-Headers", PublicRequestHeaders)
			hd.Set("Access-Control-Max-Age", "86400")
			hd.Set("Allow", PublicMethods)
			hd.Set("Cache-Control", "public, max-age=86400")
			w.WriteHeader(http.StatusNoContent)
		default:
			h.ServeHTTP(w, r)
		}
	})
}

type headKey struct{}

// Method is the request's method as the client sent it: HEAD for a HEAD
// served as its GET (HeadAndPreflight), for the access log and the metrics.
func Method(r *http.Request) string {
	if head, _ := r.Context().Value(headKey{}).(bool); head {
		return http.MethodHead
	}
	return r.Method
}

// headWriter keeps the status and headers of a GET and drops its body.
type headWriter struct{ http.ResponseWriter }

func (w *headWriter) Write(b []byte) (int, error)       { return len(b), nil }
func (w *headWriter) WriteString(s string) (int, error) { return len(s), nil }
func (w *headWriter) Flush()                            {}
func (w *headWriter) Unwrap() http.ResponseWriter       { return w.ResponseWriter }

// AllowParams refuses a query parameter the route does not read, with a 400
// naming it and the ones allowed: a misspelt regoin= must not quietly answer
// every row.
func AllowParams(allowed ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		var unknown []string
		for k := range c.Request.URL.Query() {
			if !slices.Contains(allowed, k) {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) == 0 {
			c.Next()
			return
		}
		sort.Strings(unknown)
		msg := "未知的参数“" + strings.Join(unknown, "”“") + "”："
		if len(allowed) == 0 {
			msg += "此地址不接受查询参数"
		} else {
			msg += "可用的参数为 " + strings.Join(allowed, "、")
		}
		c.AbortWithStatusJSON(http.StatusBadRequest, ErrorBody{ErrorDetail{Code: "unknown_parameter", Message: msg}})
	}
}

// ContentDisposition is an RFC 6266 Content-Disposition: disposition
// ("attachment" or "inline") with an ASCII filename for old clients and the
// real name as filename* (RFC 8187: UTF-8, percent-encoded), which browsers prefer.
func ContentDisposition(disposition, name, ascii string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("!#$&+-.^_`|~", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	safe := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, ascii)
	return disposition + `; filename="` + safe + `"; filename*=UTF-8''` + b.String()
}
