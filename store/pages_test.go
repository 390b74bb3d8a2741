package store_test

import (
	"testing"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

func TestPages_PublishedYearsFindingCountsAndDepartment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		seedDept(t, s, "002")
		var published, draft, clean models.Filing
		err := s.Write(ctx, func(tx *store.Tx) error {
			var err error
			if published, _, err = tx.OpenDraft(ctx, key("001", 2023, models.PhaseFinal), "t"); err != nil {
				return err
			}
			if err := tx.ReplaceFindings(ctx, published.ID, []models.Finding{
				{Rule: "final.over_budget", Severity: models.SeverityWarning, Message: "超预算"},
				{Rule: "change.reason_missing", Severity: models.SeverityWarning, Message: "未说明原因"},
				{Rule: "final.over_budget", Severity: models.SeverityInfo, Message: "四舍五入"},
			}); err != nil {
				return err
			}
			if _, err := tx.Publish(ctx, published.ID, "t", ""); err != nil {
				return err
			}
			if clean, _, err = tx.OpenDraft(ctx, key("002", 2021, models.PhaseBudget), "t"); err != nil {
				return err
			}
			if err := tx.NameDraft(ctx, clean.ID, "示例市（演示数据）", "财政局"); err != nil {
				return err
			}
			if _, err := tx.Publish(ctx, clean.ID, "t", ""); err != nil {
				return err
			}
			// A draft of another year: not public, so its year is not listed.
			if draft, _, err = tx.OpenDraft(ctx, key("002", 2025, models.PhaseBudget), "t"); err != nil {
				return err
			}
			return tx.ReplaceFindings(ctx, draft.ID, []models.Finding{{Rule: "three_public.total", Severity: models.SeverityError, Message: "错"}})
		})
		if err != nil {
			t.Fatal(err)
		}

		years, err := s.PublishedYears(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.RegionYear{{RegionCode: "431081", FiscalYear: 2023}, {RegionCode: "431081", FiscalYear: 2021}}
		if len(years) != len(want) || years[0] != want[0] || years[1] != want[1] {
			t.Fatalf("published years: %+v", years)
		}

		counts, err := s.FindingCounts(ctx, []int64{published.ID, draft.ID, clean.ID, 99999})
		if err != nil {
			t.Fatal(err)
		}
		if got := counts[published.ID]; got != (models.ReportStats{Warnings: 2, Infos: 1}) {
			t.Errorf("published: %+v", got)
		}
		if got := counts[draft.ID]; got != (models.ReportStats{Errors: 1}) {
			t.Errorf("draft: %+v", got)
		}
		if _, ok := counts[clean.ID]; ok || len(counts) != 2 {
			t.Errorf("filings without findings are absent: %+v", counts)
		}
		if none, err := s.FindingCounts(ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("no ids: %v %v", none, err)
		}

		d, err := s.Department(ctx, "431081", "002")
		if err != nil || d.Name != "财政局" || d.Code != "002" {
			t.Fatalf("department: %+v %v", d, err)
		}
		if _, err := s.Department(ctx, "431081", "404"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("unknown department: %v", err)
		}
	})
}
