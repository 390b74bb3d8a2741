// Package pdfgridtest holds what the tests of every package that reads PDFs
// need; only tests import it.
package pdfgridtest

import (
	"os"
	"os/exec"
	"testing"
)

// NeedPoppler skips where poppler-utils (pdftotext, and prlimit from
// util-linux) is not installed, except in CI, which must have it: the PDF
// reader cannot be tested without the engine it drives.
func NeedPoppler(t testing.TB) {
	t.Helper()
	for _, bin := range []string{"pdftotext", "prlimit"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed; CI needs poppler-utils", bin)
			}
			t.Skipf("%s is not installed (apt-get install poppler-utils)", bin)
		}
	}
}
