package store_test

import (
	"slices"
	"strings"
	"testing"

	"sunshine/codes"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

func mustList(t *testing.T, kind, csv string) *codes.List {
	t.Helper()
	l, err := codes.Load(strings.NewReader(csv), kind)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestCodeLists_RoundTripReplaceAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		functional := mustList(t, codes.Functional,
			"code,name,level\n201,一般公共服务支出,类\n20106,财政事务,款\n2010601,行政运行,项\n2010650,事业运行（新增）,项\n")
		economic := mustList(t, codes.Economic,
			"code,name,level,three_public\n302,商品和服务支出,类\n30217,公务接待费,款,reception\n30231,公务用车运行维护费,款,vehicle_operation\n")

		if rev, err := s.CodeListRevision(ctx); err != nil || rev != 0 {
			t.Fatalf("revision before any load = %d, %v; want 0", rev, err)
		}
		info, err := s.ReplaceCodeList(ctx, 2025, functional, "2025功能分类.csv", "张三")
		if err != nil {
			t.Fatal(err)
		}
		if info.Kind != codes.Functional || info.FiscalYear != 2025 || info.Codes != 4 || info.Classes != 1 ||
			info.Sections != 1 || info.Items != 2 || info.Source != "2025功能分类.csv" || info.LoadedBy != "张三" ||
			!info.LoadedAt.Equal(storetest.NewClock().T) {
			t.Fatalf("info = %+v", info)
		}
		if _, err := s.ReplaceCodeList(ctx, 2025, economic, "economic.csv", "张三"); err != nil {
			t.Fatal(err)
		}

		set := codes.NewSet()
		rev, err := s.LoadCodes(ctx, set)
		if err != nil || rev != 2 {
			t.Fatalf("LoadCodes = %d, %v; want revision 2", rev, err)
		}
		got, from := set.For(codes.Functional, 2026) // the nearest earlier year's list
		if from != 2025 || !slices.Equal(got.Codes(), functional.Codes()) {
			t.Fatalf("functional list read back from %d: %+v", from, got.Codes())
		}
		if c, _ := got.Lookup("2010650"); c.Name != "事业运行（新增）" || c.Level != codes.LevelItem {
			t.Errorf("2010650 = %+v", c)
		}
		e, _ := set.For(codes.Economic, 2025)
		if !slices.Equal(e.ThreePublicCodes(codes.ThreePublicReception), []string{"30217"}) || e.Len() != 3 {
			t.Errorf("economic list read back: %+v", e.Codes())
		}
		if _, from := set.For(codes.Functional, 2024); from != 0 {
			t.Errorf("2024 has no list: got the one of %d, want the starter list", from)
		}

		// Loading 2025's functional list again replaces it whole.
		smaller := mustList(t, codes.Functional, "code,name\n201,一般公共服务支出\n20106,财政事务\n")
		info, err = s.ReplaceCodeList(ctx, 2025, smaller, "更正.csv", "李四")
		if err != nil || info.Codes != 2 || info.Revision != 3 {
			t.Fatalf("replace: %+v, %v", info, err)
		}
		set = codes.NewSet()
		if _, err := s.LoadCodes(ctx, set); err != nil {
			t.Fatal(err)
		}
		if l, _ := set.For(codes.Functional, 2025); l.Len() != 2 {
			t.Errorf("after replacing, %d codes; want 2", l.Len())
		}
		all, err := s.CodeLists(ctx, 0)
		if err != nil || len(all) != 2 || all[0].Kind != codes.Functional || all[1].Kind != codes.Economic || all[1].ThreePublic != 2 {
			t.Fatalf("CodeLists = %+v, %v", all, err)
		}
		if none, _ := s.CodeLists(ctx, 2024); len(none) != 0 {
			t.Errorf("CodeLists(2024) = %+v; want none", none)
		}

		log, _ := s.AuditLog(ctx, "codes:functional:2025", 10)
		if len(log) != 2 || log[0].Action != "codes.load" || log[0].Actor != "李四" ||
			!strings.Contains(log[0].Detail, `"replaced":4`) || !strings.Contains(log[0].Detail, `"codes":2`) {
			t.Fatalf("audit log: %+v", log)
		}
	})
}

func TestCodeLists_RefusesAYearOutOfRange(t *testing.T) {
	s := storetest.SQLite(t)
	l := mustList(t, codes.Functional, "code,name\n201,一般公共服务支出\n")
	if _, err := s.ReplaceCodeList(ctx, 1999, l, "x.csv", "cli"); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("year 1999: %v; want EINVALID", err)
	}
	if lists, _ := s.CodeLists(ctx, 0); len(lists) != 0 {
		t.Fatalf("stored a refused list: %+v", lists)
	}
}
