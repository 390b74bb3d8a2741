package main

import (
	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/store"
)

// newFilingService is the one place the upload path is assembled, so that
// serve, import and demo store files the same way.
func newFilingService(s *store.Store, e env) *filings.Service {
	opts := ingest.DefaultOptions()
	opts.TempDir = e.getenv("SUNSHINE_TMPDIR")
	return &filings.Service{Store: s, Checker: &filings.Rules{}, Options: opts}
}
