package httpx

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// RateLimit is the per-client limit on the query API: Rate requests per second
// on average, in bursts of up to Burst. A zero Rate turns it off.
type RateLimit struct {
	Rate  float64
	Burst int
}

// DefaultRateLimit suits a journalist's script and a portal's page views alike:
// 10 requests a second, 100 at once. Release files and bulk downloads are not limited.
var DefaultRateLimit = RateLimit{Rate: 10, Burst: 100}

// clientLimiter keeps one token bucket per client address, forgetting clients idle for ten minutes.
type clientLimiter struct {
	limit   RateLimit
	mu      sync.Mutex
	clients map[string]*client
	swept   time.Time
	now     func() time.Time
}

type client struct {
	bucket *rate.Limiter
	seen   time.Time
}

func newClientLimiter(l RateLimit) *clientLimiter {
	return &clientLimiter{limit: l, clients: map[string]*client{}, now: time.Now}
}

// take spends one token of the client's bucket; it reports whether the request
// may go on, the tokens left and the seconds until the bucket is full again.
func (cl *clientLimiter) take(key string) (ok bool, remaining int, reset int) {
	now := cl.now()
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if now.Sub(cl.swept) > time.Minute {
		for k, c := range cl.clients {
			if now.Sub(c.seen) > 10*time.Minute {
				delete(cl.clients, k)
			}
		}
		cl.swept = now
	}
	c := cl.clients[key]
	if c == nil {
		c = &client{bucket: rate.NewLimiter(rate.Limit(cl.limit.Rate), cl.limit.Burst)}
		cl.clients[key] = c
	}
	c.seen = now
	ok = c.bucket.AllowN(now, 1)
	tokens := c.bucket.TokensAt(now)
	remaining = max(int(math.Floor(tokens)), 0)
	reset = int(math.Ceil((float64(cl.limit.Burst) - tokens) / cl.limit.Rate))
	return ok, remaining, max(reset, 0)
}

// RateLimited limits a client's requests to the query API and says where it
// stands as the IETF httpapi draft (draft-ietf-httpapi-ratelimit-headers-09)
// has it: RateLimit-Policy: "query";q=100;w=10 (a quota of q requests, refilled
// over w seconds) and RateLimit: "query";r=42;t=6 (r left, full again in t
// seconds); past the limit it answers 429 with Retry-After.
func RateLimited(l RateLimit) gin.HandlerFunc {
	if l.Rate <= 0 {
		return func(c *gin.Context) { c.Next() }
	}
	cl := newClientLimiter(l)
	policy := `"query";q=` + strconv.Itoa(l.Burst) + ";w=" + strconv.Itoa(max(int(math.Ceil(float64(l.Burst)/l.Rate)), 1))
	return func(c *gin.Context) {
		ok, remaining, reset := cl.take(c.ClientIP())
		h := c.Writer.Header()
		h.Set("RateLimit-Policy", policy)
		h.Set("RateLimit", `"query";r=`+strconv.Itoa(remaining)+";t="+strconv.Itoa(reset))
		if !ok {
			retry := max(int(math.Ceil(1/l.Rate)), 1)
			h.Set("Retry-After", strconv.Itoa(retry))
			c.AbortWithStatusJSON(http.StatusTooManyRequests, ErrorBody{ErrorDetail{Code: "rate_limited",
				Message: "请求过于频繁，请 " + strconv.Itoa(retry) + " 秒后再试；整批数据请下载发布文件（不限速）"}})
			return
		}
		c.Next()
	}
}
