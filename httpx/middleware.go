package httpx

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// RequestIDHeader carries the request id in and out, so a clerk's screenshot
// of an error can be matched with the log line.
const RequestIDHeader = "X-Request-ID"

const loggerKey = "sunshine.logger"

// RequestID takes the caller's X-Request-ID when it looks sane, else makes
// one, echoes it in the answer and puts a logger carrying it on the context.
func RequestID(base *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(RequestIDHeader)
		if len(id) == 0 || len(id) > 64 || !printableASCII(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Header(RequestIDHeader, id)
		c.Set(loggerKey, base.With(slog.String("request_id", id)))
		c.Next()
	}
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Logger returns the request's logger.
func Logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(loggerKey); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// AccessLog writes one structured line per request; a request that panics
// gets its line too (status 500, as Recovery above it answers), and the
// panic goes on to Recovery.
func AccessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				accessLine(c, start, http.StatusInternalServerError)
				panic(p)
			}
		}()
		c.Next()
		accessLine(c, start, c.Writer.Status())
	}
}

func accessLine(c *gin.Context, start time.Time, status int) {
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	Logger(c).LogAttrs(c.Request.Context(), level, "request",
		slog.String("method", Method(c.Request)),
		slog.String("path", c.Request.URL.Path),
		slog.String("route", routeOf(c)),
		slog.Int("status", status),
		slog.Int("bytes", c.Writer.Size()),
		slog.Duration("duration", time.Since(start)),
	)
}

// routeOf is the route pattern, so that metrics and logs group /filings/1 and /filings/2.
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

// Metrics are the service's own Prometheus collectors.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	panics   prometheus.Counter
}

// NewMetrics registers the HTTP request metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sunshine_http_requests_total",
			Help: "HTTP requests by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sunshine_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route pattern.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route"}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sunshine_http_panics_total",
			Help: "Panics recovered while serving a request; each was answered 500 and logged with its request id.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.panics)
	return m
}

// Middleware counts every request by route and status. It runs inside
// Recovery: a panic below it is counted (sunshine_http_panics_total, and the
// request as the 500 Recovery answers) and passed on to Recovery unchanged.
func (m *Metrics) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				m.panics.Inc()
				m.observe(c, start, http.StatusInternalServerError)
				panic(p)
			}
		}()
		c.Next()
		m.observe(c, start, c.Writer.Status())
	}
}

func (m *Metrics) observe(c *gin.Context, start time.Time, status int) {
	route := routeOf(c)
	m.requests.WithLabelValues(Method(c.Request), route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(Method(c.Request), route).Observe(time.Since(start).Seconds())
}

// Recovery turns a panic into the JSON 500 every other error gets, logged
// with the request id (which the answer carries in X-Request-ID and its message) and the stack.
func Recovery() gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, p any) {
		Logger(c).Error("panic", slog.Any("panic", p), slog.String("method", Method(c.Request)),
			slog.String("path", c.Request.URL.Path), slog.String("stack", string(debug.Stack())))
		// The id in the message too: a clerk's screenshot of the answer finds the log line.
		c.AbortWithStatusJSON(http.StatusInternalServerError, ErrorBody{ErrorDetail{Code: "internal",
			Message: "服务器内部错误，请稍后再试；报告此问题时请附上请求编号 " + c.Writer.Header().Get(RequestIDHeader)}})
	})
}

// PublicRead marks open data: any origin may read it from a browser (the
// portal's own pages call it), and the headers scripts need are exposed.
func PublicRead(c *gin.Context) {
	c.Header("Access-Control-Allow-Origin", "*")
	c.Header("Access-Control-Expose-Headers", ExposedHeaders)
	c.Next()
}
