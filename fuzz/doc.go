// Package fuzz holds black-box fuzz targets that go through HTTP: the whole
// service, built as `sunshine serve` builds it (handlers.New over a real
// SQLite database holding the demo city and the repository's test data), is
// sent fuzzed query strings, cursors, desk forms and upload bodies. Every
// target asserts that no input gets a 5xx (a 503 only as the documented
// "database busy, retry" answer), that no panic is recovered, and what the
// answer promises: valid JSON where JSON is served, an error object with a
// Chinese message on a refusal, a next link that works, an accepted upload
// that stored filings.
//
// The package has no code of its own; its targets are in service_fuzz_test.go
// and run with `make fuzz` (docs/reliability.md, "Fuzzing").
package fuzz
