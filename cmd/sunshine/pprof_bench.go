//go:build benchpprof

package main

// Profiling for bench builds only: `go build -tags benchpprof ./cmd/sunshine`
// and SUNSHINE_PPROF_ADDR=127.0.0.1:6060 serve net/http/pprof on a listener of
// its own, never on the service's routes. A deployment's binary has none of it.

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux
	"os"
)

func init() {
	if addr := os.Getenv("SUNSHINE_PPROF_ADDR"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
}
