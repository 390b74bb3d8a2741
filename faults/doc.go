// Package faults holds the crash-durability harness: tests behind the build
// tag "faults" that build the real sunshine binary, run `sunshine serve`
// against SQLite and MariaDB, drive uploads, corrections and publications
// over HTTP and kill the process with SIGKILL at random moments, then check
// after each restart that nothing acknowledged was lost and nothing was
// half-written. Run with `make faults` (the full run) or `make faults-short`
// (10 trials, for CI); docs/reliability.md has the results.
package faults
