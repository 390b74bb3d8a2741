package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// regionsFixture publishes, in 431081 示例市: 001 财政局 (2024 budget, 2023
// final), 002 教育局_100% (2024 budget), 004 退回局 (2024 budget, then
// withdrawn); in 110101 东城区: 001 东城财政局 (2024 budget). Drafts: 003, a
// department that exists only in a draft (仅草稿秘密部门), a draft renaming
// 001 and its region (草稿改名局, 草稿改名市), and region 220000 with nothing
// published.
func regionsFixture(t *testing.T, s *store.Store) {
	t.Helper()
	k := func(region, dept string, year int, phase models.Phase) models.FilingKey {
		return models.FilingKey{RegionCode: region, DeptCode: dept, FiscalYear: year, Phase: phase}
	}
	publishNamed(t, s, k("431081", "001", 2024, models.PhaseBudget), "示例市", "财政局")
	publishNamed(t, s, k("431081", "001", 2023, models.PhaseFinal), "示例市", "财政局")
	publishNamed(t, s, k("431081", "002", 2024, models.PhaseBudget), "示例市", "教育局_100%")
	withdrawn := publishNamed(t, s, k("431081", "004", 2024, models.PhaseBudget), "示例市", "退回局")
	publishNamed(t, s, k("110101", "001", 2024, models.PhaseBudget), "东城区", "东城财政局")
	err := s.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Withdraw(ctx, withdrawn.ID, "admin", "撤回"); err != nil {
			return err
		}
		for _, d := range []struct {
			key          models.FilingKey
			region, name string
		}{
			{k("431081", "003", 2024, models.PhaseBudget), "示例市", "仅草稿秘密部门"},
			{k("431081", "001", 2025, models.PhaseBudget), "草稿改名市", "草稿改名局"},
			{k("220000", "001", 2024, models.PhaseBudget), "草稿省", "草稿省财政厅"},
		} {
			if err := tx.PutDepartment(ctx, models.Department{RegionCode: d.key.RegionCode, Code: d.key.DeptCode, Name: d.name}); err != nil {
				return err
			}
			f, _, err := tx.OpenDraft(ctx, d.key, "clerk")
			if err != nil {
				return err
			}
			if err := tx.NameDraft(ctx, f.ID, d.region, d.name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRegionSummaries_PublishedOnlyWithCountsAndPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		regionsFixture(t, s)
		rs, err := s.RegionSummaries(ctx, store.RegionPage{})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, r := range rs {
			got += fmt.Sprintf("%s %s d%d f%d s%d %v|", r.Code, r.Name, r.Departments, r.Filings, r.Datasets, r.Years)
		}
		// 431081: 001 and 002 published now (004 withdrawn), three filings, two datasets (2024 budget, 2023 final).
		want := "110101 东城区 d1 f1 s1 [2024]|431081 示例市 d2 f3 s2 [2024 2023]|"
		if got != want {
			t.Fatalf("regions:\n got %s\nwant %s", got, want)
		}
		// Paging by code: one at a time, then nothing.
		p1, err := s.RegionSummaries(ctx, store.RegionPage{Limit: 1})
		if err != nil || len(p1) != 1 || p1[0].Code != "110101" {
			t.Fatalf("page 1: %+v %v", p1, err)
		}
		p2, err := s.RegionSummaries(ctx, store.RegionPage{Limit: 1, After: p1[0].Code})
		if err != nil || len(p2) != 1 || p2[0].Code != "431081" {
			t.Fatalf("page 2: %+v %v", p2, err)
		}
		if p3, err := s.RegionSummaries(ctx, store.RegionPage{Limit: 1, After: p2[0].Code}); err != nil || len(p3) != 0 {
			t.Fatalf("page 3: %+v %v", p3, err)
		}

		ds, err := s.DepartmentSummaries(ctx, "431081", store.RegionPage{})
		if err != nil {
			t.Fatal(err)
		}
		got = ""
		for _, d := range ds {
			got += fmt.Sprintf("%s %s f%d %v|", d.Code, d.Name, d.Filings, d.Years)
		}
		// 004 was public once: it stays listed, with nothing published now; 003 exists only in a draft.
		want = "001 财政局 f2 [2024 2023]|002 教育局_100% f1 [2024]|004 退回局 f0 []|"
		if got != want {
			t.Fatalf("departments:\n got %s\nwant %s", got, want)
		}
		page, err := s.DepartmentSummaries(ctx, "431081", store.RegionPage{After: "001", Limit: 1})
		if err != nil || len(page) != 1 || page[0].Code != "002" {
			t.Fatalf("departments after 001: %+v %v", page, err)
		}
		if none, err := s.DepartmentSummaries(ctx, "220000", store.RegionPage{}); err != nil || len(none) != 0 {
			t.Fatalf("a draft-only region's departments: %+v %v", none, err)
		}
	})
}

func TestSearch_PublishedNamesAndCodesOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		regionsFixture(t, s)
		find := func(q string) string {
			t.Helper()
			r, err := s.Search(ctx, q, 0)
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			var parts []string
			for _, x := range r.Regions {
				parts = append(parts, "r:"+x.Code+" "+x.Name)
			}
			for _, x := range r.Departments {
				parts = append(parts, "d:"+x.RegionCode+"/"+x.Code+" "+x.Name+" ("+x.RegionName+")")
			}
			for _, x := range r.Datasets {
				parts = append(parts, "s:"+x.ID)
			}
			slices.Sort(parts)
			return strings.Join(parts, "|")
		}
		for _, c := range []struct{ q, want string }{
			{"财政", "d:110101/001 东城财政局 (东城区)|d:431081/001 财政局 (示例市)"},
			{"东城", "d:110101/001 东城财政局 (东城区)|r:110101 东城区|s:110101-2024-budget-three_public"},
			{"示例 2023", "s:431081-2023-final-three_public"},
			// A year written 2024年, a phase and a kind in Chinese, as a dataset's title names them.
			{"2024年 预算 三公", "s:110101-2024-budget-three_public|s:431081-2024-budget-three_public"},
			{"东城 预算", "s:110101-2024-budget-three_public"},
			{"示例 决算", "s:431081-2023-final-three_public"},
			{"公开表", ""},
			{"4310", "r:431081 示例市|s:431081-2023-final-three_public|s:431081-2024-budget-three_public"},
			{"003", ""},
			// Drafts' names, a draft-only department and a draft-only region are found nowhere.
			{"草稿", ""}, {"秘密", ""}, {"草稿改名局", ""}, {"220000", ""},
			// LIKE's wildcards are matched as themselves.
			{"财_局", ""}, {"%", "d:431081/002 教育局_100% (示例市)"}, {"_100", "d:431081/002 教育局_100% (示例市)"},
			{"!", ""}, {"   ", ""},
			// A withdrawn department was public: it is found by its published name.
			{"退回", "d:431081/004 退回局 (示例市)"},
		} {
			if got := find(c.q); got != c.want {
				t.Errorf("search %q:\n got %s\nwant %s", c.q, got, c.want)
			}
		}
		r, err := s.Search(ctx, "0", 1)
		if err != nil || !r.More || len(r.Regions) != 1 || len(r.Departments) != 1 || len(r.Datasets) != 1 {
			t.Fatalf("a limit of 1: %+v %v", r, err)
		}
	})
}

func TestLikePattern_EscapesWildcards(t *testing.T) {
	for q, want := range map[string]string{"财政": "%财政%", "a%b": "%a!%b%", "_": "%!_%", "!x": "%!!x%"} {
		if got := store.LikePattern(q); got != want {
			t.Errorf("LikePattern(%q) = %q, want %q", q, got, want)
		}
	}
}
