package httpx

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"sunshine/models"
)

// TokenFinder is what authentication needs from the store.
type TokenFinder interface {
	TokenByHash(ctx context.Context, hash string) (models.Token, error)
}

const tokenKey = "sunshine.token"

const authErrorKey = "sunshine.auth_error"

// Authenticate reads "Authorization: Bearer <token>" when present and puts an
// active token on the context. One rule for a bad token (malformed, unknown
// or revoked): a GET or HEAD is answered as for an anonymous caller — public
// data is public whatever a caller sends, and a draft stays invisible to it —
// while a write (POST) is refused with 401 saying what is wrong with the
// token. Every bad token counts against the client's sign-in limit; past it,
// a request carrying a token is refused with 429 and Retry-After.
func Authenticate(tokens TokenFinder, limits *SignInLimiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		if h == "" {
			c.Next()
			return
		}
		if wait := limits.Wait(c.ClientIP()); wait > 0 {
			RefuseSignIn(c, wait)
			return
		}
		bad := func(msg string) {
			limits.Fail(c.ClientIP())
			if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
				c.Set(authErrorKey, msg)
				c.Next()
				return
			}
			Unauthorized(c, msg)
		}
		scheme, secret, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			bad("Authorization 头应为“Bearer <令牌>”")
			return
		}
		t, err := tokens.TokenByHash(c.Request.Context(), models.HashToken(strings.TrimSpace(secret)))
		if models.ErrorCode(err) == models.ENOTFOUND {
			bad("令牌无效")
			return
		}
		if err != nil {
			RespondError(c, err)
			return
		}
		if !t.Active() {
			bad("令牌已被吊销")
			return
		}
		c.Set(tokenKey, &t)
		c.Next()
	}
}

// RequireToken refuses requests without a valid token (401).
func RequireToken(c *gin.Context) {
	if TokenOf(c) == nil {
		Unauthorized(c, "此操作需要令牌：请在请求头中加上“Authorization: Bearer <令牌>”")
		return
	}
	c.Next()
}

// RequireAdmin refuses requests whose token is not an admin's (403).
func RequireAdmin(c *gin.Context) {
	t := TokenOf(c)
	if t == nil {
		Unauthorized(c, "此操作需要管理员令牌")
		return
	}
	if t.Role != models.RoleAdmin {
		RespondError(c, models.Errorf(models.EFORBIDDEN, "此操作需要管理员（admin）令牌"))
		return
	}
	c.Next()
}

// TokenOf returns the request's token, or nil for the public.
func TokenOf(c *gin.Context) *models.Token {
	if t, ok := c.Get(tokenKey); ok {
		return t.(*models.Token)
	}
	return nil
}

func Unauthorized(c *gin.Context, msg string) {
	c.Header("WWW-Authenticate", `Bearer realm="sunshine"`)
	c.AbortWithStatusJSON(http.StatusUnauthorized, ErrorBody{ErrorDetail{Code: models.EUNAUTHORIZED, Message: msg}})
}
