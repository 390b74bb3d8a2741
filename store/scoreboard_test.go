package store_test

import (
	"strings"
	"testing"
	"time"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// TestScoreboard_ListsApprovalsAndFilingFacts stores a department list, approval
// dates and two published finals (one corrected), and reads back what the
// scoreboard counts: tables with their rows, zero and null figures and notes,
// the 三公 figures a final must state, warnings, the first publication time.
func TestScoreboard_ListsApprovalsAndFilingFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedDept(t, s, "001")
		seedDept(t, s, "002")
		rev0, _, err := s.ScoreboardRevision(ctx, "431081")
		if err != nil || rev0 != 0 {
			t.Fatalf("revision before anything: %d %v", rev0, err)
		}
		if err := s.SetDepartmentList(ctx, "431081", 2023, []store.ListedDepartment{{Code: "002", Name: "教育局"}, {Code: "001", Name: "财政局"}, {Code: "003", Name: "卫生健康局"}}, "admin"); err != nil {
			t.Fatal(err)
		}
		// 2024 has no list of its own: 2023's applies, in the order given.
		list, from, err := s.DepartmentList(ctx, "431081", 2024)
		if err != nil || from != 2023 || len(list) != 3 || list[0].Code != "002" || list[2].Name != "卫生健康局" {
			t.Fatalf("inherited list: %v from %d, %v", list, from, err)
		}
		if list, from, _ := s.DepartmentList(ctx, "431081", 2022); len(list) != 0 || from != 0 {
			t.Fatalf("no list before 2023: %v %d", list, from)
		}
		if err := s.SetApprovals(ctx, []store.Approval{
			{RegionCode: "431081", FiscalYear: 2024, Phase: models.PhaseFinal, Date: "2025-08-01"},
			{RegionCode: "431081", FiscalYear: 2024, Phase: models.PhaseFinal, DeptCode: "002", Date: "2025-07-01"},
			{RegionCode: "431081", FiscalYear: 2024, Phase: models.PhaseBudget, Date: "2024-01-20"},
		}, "admin"); err != nil {
			t.Fatal(err)
		}
		rev1, at, err := s.ScoreboardRevision(ctx, "431081")
		if err != nil || rev1 != 2 || at.IsZero() {
			t.Fatalf("revision after a list and one set of dates: %d %v %v", rev1, at, err)
		}

		s.Now = func() time.Time { return time.Date(2025, 8, 10, 3, 0, 0, 0, time.UTC) }
		var first models.Filing
		err = s.Write(ctx, func(tx *store.Tx) error {
			f, _, err := tx.OpenDraft(ctx, key("001", 2024, models.PhaseFinal), "t")
			if err != nil {
				return err
			}
			first = f
			_, err = tx.Publish(ctx, f.ID, "t", "")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// A correction a month later: the first publication still counts for timeliness.
		s.Now = func() time.Time { return time.Date(2025, 9, 10, 3, 0, 0, 0, time.UTC) }
		var second models.Filing
		err = s.Write(ctx, func(tx *store.Tx) error {
			f, _, err := tx.OpenDraft(ctx, key("001", 2024, models.PhaseFinal), "t")
			if err != nil {
				return err
			}
			second = f
			if err := tx.PutThreePublic(ctx, models.ThreePublic{FilingID: f.ID, Total: models.Disclosed(100), OutboundTrips: models.Disclosed(0),
				VehiclePurchase: models.NotDisclosed, VehicleOperation: models.Disclosed(50), Reception: models.Disclosed(50),
				TripGroups: models.CountOf(0), Unit: models.WanYuan}); err != nil {
				return err
			}
			if err := tx.InsertLineItems(ctx, []models.LineItem{
				{FilingID: f.ID, Table: models.TableGeneralExpenditure, Code: "2010101", Column: "total", Amount: models.Disclosed(500), Unit: models.Yuan},
				{FilingID: f.ID, Table: models.TableGeneralExpenditure, Code: "total", Column: "total", Amount: models.NotDisclosed, Unit: models.Yuan},
				{FilingID: f.ID, Table: models.TableGovFundExpenditure, Code: "total", Column: "total", Amount: models.Disclosed(0), Unit: models.Yuan},
			}); err != nil {
				return err
			}
			if err := tx.InsertTableNotes(ctx, []models.TableNote{{FilingID: f.ID, Table: models.TableStateCapitalExpenditure,
				Note: "本部门无国有资本经营预算财政拨款支出，此表为空表"}}); err != nil {
				return err
			}
			if err := tx.ReplaceFindings(ctx, f.ID, []models.Finding{{Rule: "table.missing", Severity: models.SeverityWarning, Message: "缺表"},
				{Rule: "final.over_budget", Severity: models.SeverityInfo, Message: "四舍五入"}}); err != nil {
				return err
			}
			_, err = tx.Publish(ctx, f.ID, "t", "更正")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// 002 has only a draft: not disclosed, so not among the facts.
		if err := s.Write(ctx, func(tx *store.Tx) error {
			_, _, err := tx.OpenDraft(ctx, key("002", 2024, models.PhaseFinal), "t")
			return err
		}); err != nil {
			t.Fatal(err)
		}

		facts, err := s.Scoreboard(ctx, "431081", 2024, models.PhaseFinal)
		if err != nil {
			t.Fatal(err)
		}
		if facts.ListYear != 2023 || len(facts.List) != 3 || len(facts.Approvals) != 2 || facts.Approvals[0].DeptCode != "" ||
			facts.Approvals[0].Date != "2025-08-01" || facts.Approvals[1].Date != "2025-07-01" {
			t.Fatalf("list and dates: %+v", facts)
		}
		if len(facts.Filings) != 1 {
			t.Fatalf("published filings: %+v", facts.Filings)
		}
		f := facts.Filings[0]
		if f.FilingID != second.ID || f.Version != 2 || f.DeptCode != "001" {
			t.Fatalf("the current version: %+v (first %d, second %d)", f, first.ID, second.ID)
		}
		if !f.FirstPublished.Equal(time.Date(2025, 8, 10, 3, 0, 0, 0, time.UTC)) || !f.PublishedAt.Equal(time.Date(2025, 9, 10, 3, 0, 0, 0, time.UTC)) {
			t.Fatalf("first published %v, current %v", f.FirstPublished, f.PublishedAt)
		}
		// The current version's figures, notes and findings.
		ge := f.Tables[models.TableGeneralExpenditure]
		if ge.Rows != 2 || ge.Money != 1 || ge.Nulls != 1 || ge.Detail != 1 {
			t.Fatalf("general_expenditure: %+v", ge)
		}
		gf := f.Tables[models.TableGovFundExpenditure]
		if gf.Rows != 1 || gf.Money != 0 || gf.Nulls != 0 || gf.Detail != 0 {
			t.Fatalf("gov_fund_expenditure declared by its total at 0: %+v", gf)
		}
		if sc := f.Tables[models.TableStateCapitalExpenditure]; sc.Rows != 0 || len(sc.Notes) != 1 {
			t.Fatalf("state_capital_expenditure by its note: %+v", sc)
		}
		// 三公: vehicle_purchase not disclosed; of the six counts a final states only trip_groups is given.
		if !f.ThreePublic || f.ThreePublicNulls != 1+5 {
			t.Fatalf("三公: present %v, not disclosed %d", f.ThreePublic, f.ThreePublicNulls)
		}

		// A budget counts the five amounts only.
		err = s.Write(ctx, func(tx *store.Tx) error {
			f, _, err := tx.OpenDraft(ctx, key("001", 2024, models.PhaseBudget), "t")
			if err != nil {
				return err
			}
			if err := tx.PutThreePublic(ctx, models.ThreePublic{FilingID: f.ID, Total: models.NotDisclosed, OutboundTrips: models.Disclosed(0),
				VehiclePurchase: models.Disclosed(0), VehicleOperation: models.Disclosed(0), Reception: models.Disclosed(0), Unit: models.WanYuan}); err != nil {
				return err
			}
			_, err = tx.Publish(ctx, f.ID, "t", "")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		bf, err := s.Scoreboard(ctx, "431081", 2024, models.PhaseBudget)
		if err != nil || len(bf.Filings) != 1 || bf.Filings[0].ThreePublicNulls != 1 || len(bf.Approvals) != 1 {
			t.Fatalf("budget facts: %+v %v", bf, err)
		}

		regions, err := s.ScoreboardRegions(ctx, 2024, models.PhaseFinal)
		if err != nil || len(regions) != 1 || regions[0] != "431081" {
			t.Fatalf("regions: %v %v", regions, err)
		}
		years, err := s.ScoreboardYears(ctx, models.PhaseFinal)
		if err != nil || len(years) != 2 || years[0] != 2024 || years[1] != 2023 {
			t.Fatalf("years: %v %v", years, err)
		}

		// Removing a date and replacing the list move the revision; both are audited.
		if err := s.SetApprovals(ctx, []store.Approval{{RegionCode: "431081", FiscalYear: 2024, Phase: models.PhaseFinal, DeptCode: "002"}}, "admin"); err != nil {
			t.Fatal(err)
		}
		if as, _ := s.Approvals(ctx, "431081", 2024, models.PhaseFinal); len(as) != 1 || as[0].DeptCode != "" {
			t.Fatalf("after removing 002's date: %+v", as)
		}
		if err := s.SetDepartmentList(ctx, "431081", 2023, []store.ListedDepartment{{Code: "001", Name: "财政局"}}, "admin"); err != nil {
			t.Fatal(err)
		}
		if list, _, _ := s.DepartmentList(ctx, "431081", 2023); len(list) != 1 {
			t.Fatalf("replaced list: %v", list)
		}
		if rev, _, _ := s.ScoreboardRevision(ctx, ""); rev != 4 {
			t.Fatalf("revision after four changes: %d", rev)
		}
		log, err := s.AuditLog(ctx, "", 20)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range log {
			if e.Action == "scoreboard.departments" || e.Action == "scoreboard.approvals" {
				n++
			}
		}
		if n != 4 {
			t.Fatalf("%d scoreboard audit entries, want 4", n)
		}
	})
}

// TestScoreboard_RefusesBadInputNamingTheEntry checks the Chinese messages of a
// bad list or date, and that nothing of a refused request is stored.
func TestScoreboard_RefusesBadInputNamingTheEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		cases := []struct {
			err  error
			want string
		}{
			{s.SetDepartmentList(ctx, "431081", 2024, []store.ListedDepartment{{Code: "001", Name: "财政局"}, {Code: "001", Name: "教育局"}}, "a"), "第 2 个部门的编码“001”与第 1 个重复"},
			{s.SetDepartmentList(ctx, "431081", 2024, []store.ListedDepartment{{Code: "001", Name: "财政局"}, {Code: "0 1", Name: "教育局"}}, "a"), "部门名单第 2 个部门"},
			{s.SetDepartmentList(ctx, "431081", 2024, []store.ListedDepartment{{Code: "001", Name: ""}}, "a"), "部门名单第 1 个部门"},
			{s.SetDepartmentList(ctx, "4310", 2024, nil, "a"), "区划"},
			{s.SetApprovals(ctx, []store.Approval{{RegionCode: "431081", FiscalYear: 2024, Phase: models.PhaseBudget, Date: "2024-01-20"},
				{RegionCode: "431081", FiscalYear: 2024, Phase: models.PhaseBudget, Date: "2024-02-30"}}, "a"), "第 2 条批复日期：批复日期“2024-02-30”无效"},
			{s.SetApprovals(ctx, []store.Approval{{RegionCode: "431081", FiscalYear: 2024, Phase: "midyear", Date: "2024-01-20"}}, "a"), "第 1 条批复日期：阶段“midyear”无效"},
		}
		for i, c := range cases {
			if models.ErrorCode(c.err) != models.EINVALID || !strings.Contains(models.ErrorMessage(c.err), c.want) {
				t.Errorf("case %d: %v; want EINVALID saying %q", i, c.err, c.want)
			}
		}
		if as, _ := s.Approvals(ctx, "431081", 2024, models.PhaseBudget); len(as) != 0 {
			t.Fatalf("a refused request stored %v", as)
		}
		if list, _, _ := s.DepartmentList(ctx, "431081", 2024); len(list) != 0 {
			t.Fatalf("a refused list stored %v", list)
		}
	})
}
