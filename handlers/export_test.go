package handlers

import (
	"github.com/gin-gonic/gin"

	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
)

// NewForTest builds the router over a stand-in database for tests of readiness.
func NewForTest(db Pinger, log *slog.Logger, reg *prometheus.Registry) http.Handler {
	return newRouter(db, Deps{Log: log, Registry: reg})
}

// RoutesForTest lists the routes the handler serves, for the OpenAPI test.
func RoutesForTest(d Deps) gin.RoutesInfo { return Routes(d) }
