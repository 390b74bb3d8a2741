package handlers

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

// authenticate reads "Authorization: Bearer <token>" when present and puts an
// active token on the context. A missing header is fine here (public reads);
// a malformed, unknown or revoked token is a 401 at once, so a caller with a
// broken token is told rather than silently served as the public.
func authenticate(tokens TokenFinder) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		if h == "" {
			c.Next()
			return
		}
		scheme, secret, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			unauthorized(c, "Authorization 头应为“Bearer <令牌>”")
			return
		}
		t, err := tokens.TokenByHash(c.Request.Context(), models.HashToken(strings.TrimSpace(secret)))
		if models.ErrorCode(err) == models.ENOTFOUND {
			unauthorized(c, "令牌无效")
			return
		}
		if err != nil {
			respondError(c, err)
			return
		}
		if !t.Active() {
			unauthorized(c, "令牌已被吊销")
			return
		}
		c.Set(tokenKey, &t)
		c.Next()
	}
}

// requireToken refuses requests without a valid token (401).
func requireToken(c *gin.Context) {
	if tokenOf(c) == nil {
		unauthorized(c, "此操作需要令牌：请在请求头中加上“Authorization: Bearer <令牌>”")
		return
	}
	c.Next()
}

// requireAdmin refuses requests whose token is not an admin's (403).
func requireAdmin(c *gin.Context) {
	t := tokenOf(c)
	if t == nil {
		unauthorized(c, "此操作需要管理员令牌")
		return
	}
	if t.Role != models.RoleAdmin {
		respondError(c, models.Errorf(models.EFORBIDDEN, "此操作需要管理员（admin）令牌"))
		return
	}
	c.Next()
}

// tokenOf returns the request's token, or nil for the public.
func tokenOf(c *gin.Context) *models.Token {
	if t, ok := c.Get(tokenKey); ok {
		return t.(*models.Token)
	}
	return nil
}

func unauthorized(c *gin.Context, msg string) {
	c.Header("WWW-Authenticate", `Bearer realm="sunshine"`)
	c.AbortWithStatusJSON(http.StatusUnauthorized, ErrorBody{ErrorDetail{Code: models.EUNAUTHORIZED, Message: msg}})
}
