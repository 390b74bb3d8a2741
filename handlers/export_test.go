package handlers

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
)

// NewForTest builds the router over a stand-in database for tests of readiness.
func NewForTest(db Pinger, log *slog.Logger, reg *prometheus.Registry) http.Handler {
	return newRouter(db, Deps{Log: log, Registry: reg})
}
