package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/httpx"
)

// Pinger is what the readiness check needs from the store.
type Pinger interface {
	Ping(ctx context.Context) error
}

// healthz answers while the process is up, whatever the database does.
func healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 when the database answers within two seconds, else 503;
// it asks again on every call, so it recovers by itself when the database does.
func readyz(db Pinger) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			c.JSON(http.StatusServiceUnavailable, ErrorBody{Error: ErrorDetail{Code: "unavailable", Message: "数据库无法访问"}})
			httpx.Logger(c).Warn("not ready", "err", err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	}
}
