package store_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// A finding whose actual value lists 300 unknown codes (code.unknown against
// the starter lists) is stored, cut to 200 characters ending in "…", on both
// dialects: MySQL used to refuse the whole upload with 1406 (a 500).
func TestFindings_LongTextsAreClippedNotRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		var codes []string
		for i := 0; i < 300; i++ {
			codes = append(codes, "2010601")
		}
		long := strings.Join(codes, ",")
		var f models.Filing
		err := s.Write(ctx, func(tx *store.Tx) error {
			var err error
			if f, _, err = tx.OpenDraft(ctx, key("001", 2024, models.PhaseBudget), "t"); err != nil {
				return err
			}
			return tx.ReplaceFindings(ctx, f.ID, []models.Finding{{Rule: "code.unknown", Severity: models.SeverityWarning,
				Message: "查不到 300 个科目编码", Actual: long, Expected: "科目" + long}})
		})
		if err != nil {
			t.Fatalf("a finding with a %d-character actual value: %v", len(long), err)
		}
		got, err := s.Findings(ctx, f.ID)
		if err != nil || len(got) != 1 {
			t.Fatalf("%+v %v", got, err)
		}
		if n := utf8.RuneCountInString(got[0].Actual); n != 200 || !strings.HasSuffix(got[0].Actual, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got[0].Actual, "…")) {
			t.Fatalf("actual stored as %d characters: %q", n, got[0].Actual)
		}
		if n := utf8.RuneCountInString(got[0].Expected); n != 200 || !strings.HasPrefix(got[0].Expected, "科目2010601,") {
			t.Fatalf("expected stored as %d characters: %q", n, got[0].Expected)
		}
	})
}
