package ingest_test

import (
	"errors"
	"io"
	"path/filepath"
	"sunshine/ingest/pdfgrid/pdfgridtest"
	"testing"

	"sunshine/checks"
	"sunshine/ingest"
	"sunshine/models"
)

// filingOf reads files into one filing as checks/fixtures_test.go does.
func filingOf(t *testing.T, opts ingest.Options, paths ...string) (*checks.Filing, int) {
	t.Helper()
	f := &checks.Filing{Filing: models.Filing{ID: 1, Version: 1, Status: models.StatusDraft}}
	parse := 0
	for _, p := range paths {
		rd, err := ingest.OpenFile(p, opts)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			f.FilingKey, f.DeptName = rec.Key, rec.DeptName
			if rec.Note != nil {
				f.Notes = append(f.Notes, *rec.Note)
			}
			if rec.ThreePublic != nil {
				tp := *rec.ThreePublic
				f.ThreePublic = &tp
			}
			if rec.LineItem != nil {
				f.Items = append(f.Items, *rec.LineItem)
			}
		}
		parse += len(rd.Findings())
		rd.Close()
	}
	return f, parse
}

// withoutProse takes out of a transcription the figures its document gives
// only in its prose, which a PDF is not read for (docs/formats.md): the
// 政府采购 and 机关运行经费 lines the PDF reading has no table for, and the
// 三公 counts it has not read.
func withoutProse(tf, pf *checks.Filing) {
	read := map[models.Table]bool{}
	for _, it := range pf.Items {
		read[it.Table] = true
	}
	kept := tf.Items[:0]
	for _, it := range tf.Items {
		if read[it.Table] || (it.Table != models.TableProcurement && it.Table != models.TableOperatingCost) {
			kept = append(kept, it)
		}
	}
	tf.Items = kept
	if tf.ThreePublic != nil && pf.ThreePublic != nil {
		for _, c := range models.ThreePublicCounts {
			if !c.Get(pf.ThreePublic).Valid {
				*c.Get(tf.ThreePublic) = models.NullCount{}
			}
		}
	}
}

func severities(fs []models.Finding) (errs, warns int) {
	for _, f := range fs {
		switch f.Severity {
		case models.SeverityError:
			errs++
		case models.SeverityWarning:
			warns++
		}
	}
	return
}

// TestPDF_ChecksAsTheTranscription runs every rule over what each real PDF
// reads to and over its transcription. While tables are left unread (the
// parse findings say which) the counts differ: the test shows them and
// holds that a PDF read whole (no parse finding) checks to the error and
// warning counts of its transcription.
func TestPDF_ChecksAsTheTranscription(t *testing.T) {
	for _, doc := range []struct{ name, region, dept string }{
		{"2024-final-shanghai-putuo-finance-bureau", "310107", "CZJ"},
		{"2025-budget-shanghai-putuo-finance-bureau", "310107", "CZJ"},
		{"2025-budget-shanghai-municipal-finance-bureau", "310000", "SCZJ"},
		{"2025-budget-shanghai-putuo-wanli-subdistrict", "310107", "WLJD"},
		{"2024-budget-shanghai-putuo-social-welfare-home", "310107", "SHFLY"},
		{"2023-budget-shanghai-putuo-wanli-subdistrict", "310107", "WLJD"},
		{"2024-budget-shanghai-putuo-wanli-subdistrict", "310107", "WLJD"},
	} {
		t.Run(doc.name, func(t *testing.T) {
			pdfgridtest.NeedPoppler(t)
			opts, _ := ingest.Options{}.WithFilingFields(map[string]string{"region_code": doc.region, "dept_code": doc.dept})
			pf, parse := filingOf(t, opts, filepath.Join("..", "testdata", "pdf", doc.name+".pdf"))
			csvs, _ := filepath.Glob(filepath.Join("..", "testdata", "real", doc.name, "*.csv"))
			tf, _ := filingOf(t, ingest.Options{}, csvs...)
			withoutProse(tf, pf)
			pfs, tfs := checks.Run(pf, checks.Env{}), checks.Run(tf, checks.Env{})
			pe, pw := severities(pfs)
			te, tw := severities(tfs)
			t.Logf("pdf: %d parse findings, %d errors, %d warnings; transcription: %d errors, %d warnings", parse, pe, pw, te, tw)
			if parse == 0 && (pe != te || pw != tw) {
				t.Errorf("the PDF read whole checks to %d errors and %d warnings, its transcription to %d and %d", pe, pw, te, tw)
			}
			trips := map[string]bool{}
			for _, f := range tfs {
				trips[f.Rule] = true
			}
			ptrips := map[string]bool{}
			for _, f := range pfs {
				ptrips[f.Rule] = true
			}
			for _, f := range tfs {
				if f.Severity != models.SeverityInfo && !ptrips[f.Rule] {
					t.Logf("  transcription only: %s %s %s", f.Severity, f.Rule, f.Message)
				}
			}
			for _, f := range pfs {
				if f.Severity == models.SeverityInfo || trips[f.Rule] {
					continue
				}
				t.Logf("  %s %s %s", f.Severity, f.Rule, f.Message)
				if parse == 0 && f.Severity == models.SeverityError {
					t.Errorf("the PDF read whole trips %s, the transcription does not: %s", f.Rule, f.Message)
				}
			}
		})
	}
}
