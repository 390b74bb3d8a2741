package demo_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"sunshine/demo"
	"sunshine/filings"
	"sunshine/ingest"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// The demo publishes each year and phase in one act (统一公开): one release
// per dataset, not one per department; the correction of 024's 2024 final
// makes a release of the 三公 dataset alone. A second load changes nothing.
func TestLoad_OneReleasePerDatasetPerAct(t *testing.T) {
	ctx := context.Background()
	s := storetest.SQLite(t)
	svc := &filings.Service{Store: s, Checker: &filings.Rules{}, Options: ingest.DefaultOptions()}
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	sum, err := demo.Load(ctx, svc, now, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.LeftAsDrafts != 2 || sum.Published != 399 {
		t.Fatalf("load: %+v", sum)
	}
	releases := func(kind models.Kind, year int, phase models.Phase) []store.Release {
		t.Helper()
		rs, err := s.Releases(ctx, store.DatasetID(demo.Region.Code, year, phase, kind))
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	for _, kind := range models.Kinds {
		rs := releases(kind, 2025, models.PhaseFinal)
		if len(rs) != 1 || rs[0].Filings != 39 || rs[0].Note != "阳光市2025年决算统一公开" || rs[0].PublicationID == nil {
			t.Fatalf("2025 final %s: %+v", kind, rs)
		}
	}
	if rs := releases(models.KindThreePublic, 2024, models.PhaseFinal); len(rs) != 2 || rs[0].Action != models.ActionCorrection ||
		rs[0].Filings != 1 || rs[0].DeptCode != "024" || rs[0].Rows != 40 {
		t.Fatalf("2024 final 三公: %+v", rs)
	}
	if rs := releases(models.KindLineItems, 2024, models.PhaseFinal); len(rs) != 1 {
		t.Fatalf("a 三公 correction made a line-item release: %+v", rs)
	}
	db, err := sql.Open("sqlite", "file:"+s.Config().Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// 20 datasets, one act each, and the correction: 21 releases. Membership: one row per
	// filing version per dataset it is in (399 versions × 2 kinds, less the correction's line items).
	if n := count(`SELECT COUNT(*) FROM releases`); n != 21 {
		t.Fatalf("releases: %d", n)
	}
	if n := count(`SELECT COUNT(*) FROM release_members`); n != 797 {
		t.Fatalf("release_members rows: %d", n)
	}
	again, err := demo.Load(ctx, svc, now, t.TempDir(), nil)
	if err != nil || again.Changed() {
		t.Fatalf("second load: %+v %v", again, err)
	}
	if n := count(`SELECT COUNT(*) FROM releases`); n != 21 {
		t.Fatalf("releases after a second load: %d", n)
	}
}
