//go:build benchpprof

package main

// Profiling for bench builds only: `go build -tags benchpprof ./cmd/sunshine`
// and SUNSHINE_PPROF_ADDR=127.0.0.1:6060 serve net/http/pprof on a listener of
// its own, never on the service's routes; SUNSHINE_CPUPROFILE=FILE writes a CPU
// profile of the whole process (an import, say) to FILE, SUNSHINE_TRACE=FILE an execution trace of it
// (`go tool trace -pprof=sched FILE` shows where goroutines waited for a core). A deployment's binary has none of it.

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux
	"os"
	"runtime/pprof"
	"runtime/trace"
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
	if path := os.Getenv("SUNSHINE_TRACE"); path != "" {
		f, err := os.Create(path)
		if err == nil && trace.Start(f) == nil {
			stop := stopProfile
			stopProfile = func() { stop(); trace.Stop(); f.Close() }
		}
	}
}
