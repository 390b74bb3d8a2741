//go:build benchpprof

package main

// Profiling for bench builds only: `go build -tags benchpprof ./cmd/sunshine`
// and SUNSHINE_PPROF_ADDR=127.0.0.1:6060 serve net/http/pprof on a listener of
// its own, never on the service's routes; SUNSHINE_CPUPROFILE=FILE writes a CPU
// profile of the whole process (an import, say) to FILE. A deployment's binary has none of it.

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux
	"os"
	"runtime/pprof"
)

func init() {
	if addr := os.Getenv("SUNSHINE_PPROF_ADDR"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
	if path := os.Getenv("SUNSHINE_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		}
	}
}
