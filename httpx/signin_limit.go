package httpx

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// SignInLimit bounds failed sign-ins per client: the desk's token sign-in and
// API requests with a wrong token alike. A client may fail Burst times at
// once, then once per Every; past that its token attempts are refused (429,
// Retry-After) until a failure is allowed again. Successful sign-ins cost nothing.
type SignInLimit struct {
	Every time.Duration
	Burst int
}

// DefaultSignInLimit allows ten wrong tokens at once, then one a minute: a
// clerk who mistypes is never stopped, a guesser gets 1,440 tries a day
// against 2^256.
var DefaultSignInLimit = SignInLimit{Every: time.Minute, Burst: 10}

// SignInLimiter keeps one bucket of allowed failures per client address,
// forgetting clients whose bucket has been full for an hour.
type SignInLimiter struct {
	limit   SignInLimit
	mu      sync.Mutex
	clients map[string]*client
	swept   time.Time
	now     func() time.Time
}

func NewSignInLimiter(l SignInLimit) *SignInLimiter {
	if l.Every <= 0 || l.Burst < 1 {
		l = DefaultSignInLimit
	}
	return &SignInLimiter{limit: l, clients: map[string]*client{}, now: time.Now}
}

func (sl *SignInLimiter) bucket(key string, now time.Time) *client {
	if now.Sub(sl.swept) > time.Minute {
		for k, c := range sl.clients {
			if now.Sub(c.seen) > time.Hour {
				delete(sl.clients, k)
			}
		}
		sl.swept = now
	}
	c := sl.clients[key]
	if c == nil {
		c = &client{bucket: rate.NewLimiter(rate.Every(sl.limit.Every), sl.limit.Burst)}
		sl.clients[key] = c
	}
	return c
}

// Wait reports how many seconds the client must wait before its next attempt; 0 lets it try now.
func (sl *SignInLimiter) Wait(key string) int {
	now := sl.now()
	sl.mu.Lock()
	defer sl.mu.Unlock()
	c, ok := sl.clients[key]
	if !ok {
		return 0
	}
	tokens := c.bucket.TokensAt(now)
	if tokens >= 1 {
		return 0
	}
	return max(int(math.Ceil((1-tokens)*sl.limit.Every.Seconds())), 1)
}

// Fail records a failed attempt by the client.
func (sl *SignInLimiter) Fail(key string) {
	now := sl.now()
	sl.mu.Lock()
	defer sl.mu.Unlock()
	c := sl.bucket(key, now)
	c.seen = now
	c.bucket.AllowN(now, 1)
}

// SignInMessage is what a client past the limit is told.
func SignInMessage(wait int) string {
	return "令牌错误次数过多，请 " + strconv.Itoa(wait) + " 秒后再试；如忘记令牌，请向管理员申请新的令牌"
}

// RefuseSignIn answers a client past the limit with 429 and Retry-After.
func RefuseSignIn(c *gin.Context, wait int) {
	c.Header("Retry-After", strconv.Itoa(wait))
	c.AbortWithStatusJSON(429, ErrorBody{ErrorDetail{Code: "rate_limited", Message: SignInMessage(wait)}})
}
