package ingest

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"sunshine/models"
)

// readAll drains a reader.
func readAll(t testing.TB, rd Reader) []Record {
	t.Helper()
	var recs []Record
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		recs = append(recs, rec)
	}
}

// openString opens CSV text held in a string.
func openString(t testing.TB, s string, opts Options) Reader {
	t.Helper()
	rd, err := Open(strings.NewReader(s), "test.csv", opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { rd.Close() })
	return rd
}

// openTestdata opens a file under testdata/.
func openTestdata(t testing.TB, name string, opts Options) Reader {
	t.Helper()
	rd, err := OpenFile(filepath.Join("testdata", name), opts)
	if err != nil {
		t.Fatalf("OpenFile(%s): %v", name, err)
	}
	t.Cleanup(func() { rd.Close() })
	return rd
}

// parseAll reads CSV text and returns its records and findings.
func parseAll(t testing.TB, s string, opts Options) ([]Record, []models.Finding) {
	t.Helper()
	rd := openString(t, s, opts)
	recs := readAll(t, rd)
	return recs, rd.Findings()
}

// mustFind fails unless a finding has the rule, row and column, and returns it.
func mustFind(t testing.TB, fs []models.Finding, rule string, row int, column string) models.Finding {
	t.Helper()
	for _, f := range fs {
		if f.Rule == rule && f.Row == row && f.Column == column {
			if f.Severity != models.SeverityError {
				t.Errorf("finding %s has severity %q, want error", rule, f.Severity)
			}
			if f.Message == "" {
				t.Errorf("finding %s has no message", rule)
			}
			return f
		}
	}
	t.Fatalf("no %s finding at row %d column %q; got:\n%s", rule, row, column, dump(fs))
	return models.Finding{}
}

func noFindings(t testing.TB, fs []models.Finding) {
	t.Helper()
	if len(fs) > 0 {
		t.Fatalf("unexpected findings:\n%s", dump(fs))
	}
}

func dump(fs []models.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Rule + " row=" + itoa(f.Row) + " col=" + f.Column + " value=" + f.Value + " : " + f.Message + "\n")
	}
	return b.String()
}

func money(t testing.TB, s string, u models.Unit) models.NullMoney {
	t.Helper()
	m, err := models.ParseMoney(s, u)
	if err != nil {
		t.Fatal(err)
	}
	return models.Disclosed(m)
}
