package codes

import (
	"os"
	"strings"
	"testing"

	"sunshine/models"
)

func TestLevelOf_FollowsTheLengthOfTheCode(t *testing.T) {
	cases := []struct {
		code   string
		level  Level
		ok     bool
		parent string
	}{
		{"201", LevelClass, true, ""},
		{"20106", LevelSection, true, "201"},
		{"2010601", LevelItem, true, "20106"},
		{"30231", LevelSection, true, "302"},
		{"2010", 0, false, ""},
		{"20", 0, false, ""},
		{"", 0, false, ""},
		{"20A01", 0, false, ""},
		{"total", 0, false, ""},
		{"２０１", 0, false, ""},
	}
	for _, c := range cases {
		l, ok := LevelOf(c.code)
		if l != c.level || ok != c.ok {
			t.Errorf("LevelOf(%q) = %v, %v; want %v, %v", c.code, l, ok, c.level, c.ok)
		}
		if p := Parent(c.code); p != c.parent {
			t.Errorf("Parent(%q) = %q; want %q", c.code, p, c.parent)
		}
	}
	if LevelClass.String() != "类" || LevelSection.String() != "款" || LevelItem.String() != "项" {
		t.Errorf("level names = %s %s %s; want 类 款 项", LevelClass, LevelSection, LevelItem)
	}
}

func TestStarter_HoldsTheSharedListsWithLevelsAndThreePublicItems(t *testing.T) {
	f := Starter(Functional)
	if f == nil || f.Len() != 60 {
		t.Fatalf("Starter(functional) has %v codes; want the 60 of shared/data", f.Len())
	}
	c, ok := f.Lookup("2010601")
	if !ok || c.Name != "行政运行" || c.Level != LevelItem {
		t.Errorf("Lookup(2010601) = %+v, %v; want 行政运行 at 项", c, ok)
	}
	if !f.HasChildren("20106") || !f.HasChildren("201") || f.HasChildren("205") || f.HasChildren("2010601") {
		t.Errorf("HasChildren: 20106, 201 have children; 205 and 2010601 have none in the starter list")
	}

	e := Starter(Economic)
	if e == nil || e.Len() != 60 {
		t.Fatalf("Starter(economic) has %v codes; want 60", e.Len())
	}
	want := map[string][]string{
		ThreePublicOutboundTrips:    {"30212"},
		ThreePublicReception:        {"30217"},
		ThreePublicVehicleOperation: {"30231"},
		ThreePublicVehiclePurchase:  {"30913", "31013"},
	}
	for item, codes := range want {
		if got := e.ThreePublicCodes(item); strings.Join(got, ",") != strings.Join(codes, ",") {
			t.Errorf("ThreePublicCodes(%s) = %v; want %v", item, got, codes)
		}
	}
	if Starter("other") != nil {
		t.Errorf("Starter(other) should be nil")
	}
}

func TestStarter_IsTheSharedDataVerbatim(t *testing.T) {
	for _, kind := range Kinds {
		shared, err := os.ReadFile("../../shared/data/" + kind + "_codes.csv")
		if err != nil {
			t.Skipf("shared/data not available: %v", err)
		}
		embedded, err := starterFiles.ReadFile("data/" + kind + "_codes.csv")
		if err != nil {
			t.Fatal(err)
		}
		if string(shared) != string(embedded) {
			t.Errorf("codes/data/%s_codes.csv differs from shared/data; copy it again", kind)
		}
	}
}

func TestLoad_AcceptsChineseHeadersInAnyOrderWithBOMAndBlankLevel(t *testing.T) {
	in := "\ufeff科目名称,级次,科目编码\n一般公共服务支出,类,201\n财政事务,,20106\n 行政运行 ,项, 2010601\n"
	l, err := Load(strings.NewReader(in), Functional)
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 3 || l.Kind() != Functional {
		t.Fatalf("Len = %d, Kind = %s; want 3 functional", l.Len(), l.Kind())
	}
	if c, _ := l.Lookup("2010601"); c.Name != "行政运行" || c.Level != LevelItem {
		t.Errorf("Lookup(2010601) = %+v; want trimmed name 行政运行 at 项", c)
	}
	got := l.Codes()
	if got[0].Code != "201" || got[1].Code != "20106" || got[2].Code != "2010601" {
		t.Errorf("Codes() = %v; want file order", got)
	}
}

func TestLoad_RefusesBadRowsNamingTheRow(t *testing.T) {
	cases := []struct {
		name, kind, in, want string
	}{
		{"unknown kind", "功能", "code,name\n201,x\n", "科目表类型"},
		{"empty file", Functional, "", "科目表为空"},
		{"header only", Functional, "code,name,level\n", "没有数据行"},
		{"unknown header", Functional, "code,name,remark\n201,x,y\n", "未知的列“remark”"},
		{"no name column", Functional, "code,level\n201,类\n", "缺少“name”列"},
		{"three_public on functional", Functional, "code,name,level,three_public\n201,x,类,\n", "没有 three_public"},
		{"bad code", Functional, "code,name,level\n201,一般公共服务支出,类\n20A01,人大事务,款\n", "第 3 行：科目编码“20A01”应为 3、5 或 7 位数字"},
		{"7-digit economic", Economic, "code,name,level\n302,商品和服务支出,类\n3021201,x,项\n", "第 3 行：科目编码“3021201”应为 3 或 5 位数字"},
		{"level disagrees", Functional, "code,name,level\n201,一般公共服务支出,款\n", "第 2 行：科目“201”是 3 位编码，级次应为“类”，不是“款”"},
		{"blank name", Functional, "code,name,level\n201,,类\n", "第 2 行：科目“201”缺少科目名称"},
		{"duplicate", Functional, "code,name,level\n201,一般公共服务支出,类\n201,一般公共服务,类\n", "第 3 行：科目编码“201”与第 2 行重复"},
		{"orphan", Functional, "code,name,level\n201,一般公共服务支出,类\n2010601,行政运行,项\n", "第 3 行：科目“2010601”的上级科目“20106”不在表中"},
		{"bad three_public", Economic, "code,name,level,three_public\n302,商品和服务支出,类,\n30217,公务接待费,款,接待\n", "第 3 行：科目“30217”的三公经费项目“接待”无效"},
		{"too many fields", Functional, "code,name\n201,一般公共服务支出,类\n", "第 2 行：有 3 列，多于表头的 2 列"},
		{"broken quote", Functional, "code,name\n201,\"一般\n", "CSV 格式错误"},
		{"not utf-8", Functional, "code,name\n201,\xd2\xbb\xb0\xe3\n", "UTF-8"},
		{"after a cell on two lines", Functional, "code,name\n201,\"一般公共\n服务支出\"\n20A01,x\n", "第 4 行：科目编码“20A01”"},
		{"short row", Functional, "code,name,level\n201,一般公共服务支出,类\n20101\n", "第 3 行：科目“20101”缺少科目名称"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := Load(strings.NewReader(c.in), c.kind)
			if err == nil {
				t.Fatalf("Load = %d codes; want an error containing %q", l.Len(), c.want)
			}
			if models.ErrorCode(err) != models.EINVALID {
				t.Errorf("error code = %s; want invalid", models.ErrorCode(err))
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %q; want it to contain %q", err, c.want)
			}
		})
	}
}

func TestSetFor_FallsBackToTheNearestEarlierYearThenTheStarter(t *testing.T) {
	load := func(name string) *List {
		l, err := Load(strings.NewReader("code,name,level\n210,"+name+",类\n"), Functional)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	s := newSet(nil) // no shipped official list: TestSetOrigin covers those
	old, renamed := load("医疗卫生与计划生育支出"), load("卫生健康支出")
	s.Add(2018, old)
	s.Add(2019, renamed)

	cases := []struct {
		year int
		want *List
		from int
	}{
		{2017, Starter(Functional), 0}, // never a later year's list
		{2018, old, 2018},
		{2019, renamed, 2019},
		{2025, renamed, 2019},
	}
	for _, c := range cases {
		l, from := s.For(Functional, c.year)
		if l != c.want || from != c.from {
			t.Errorf("For(functional, %d) = list from %d; want from %d", c.year, from, c.from)
		}
	}
	if l, from := s.For(Economic, 2019); l != Starter(Economic) || from != 0 {
		t.Errorf("For(economic) with no economic list loaded should be the starter list")
	}
	if ys := s.Years(Functional); len(ys) != 2 || ys[0] != 2018 || ys[1] != 2019 {
		t.Errorf("Years = %v; want [2018 2019]", ys)
	}
}

func TestSameName_IgnoresSpacesBracketWidthAndATrailingZhichu(t *testing.T) {
	cases := []struct {
		printed, official string
		same              bool
	}{
		{"一般公共服务支出", "一般公共服务支出", true},
		{"一般公共服务", "一般公共服务支出", true},
		{"  行政运行", "行政运行", true},
		{"行政　运行", "行政运行", true},
		{"政府办公厅（室）及相关机构事务", "政府办公厅(室)及相关机构事务", true},
		{"因公出国（境）费用", "因公出国(境)费用", true},
		{"维修（护）费", "维修(护)费", true},
		{"\u00a0住房公积金\u200b", "住房公积金", true},
		{"其他支出", "其他支出", true},
		{"行政运行", "一般行政管理事务", false},
		{"医疗卫生与计划生育支出", "卫生健康支出", false},
		{"因公出国(境)费", "因公出国(境)费用", false},
		{"支出", "转移性支出", false},
		{"一般公共服务支出支出", "一般公共服务支出", false}, // only one trailing 支出 goes
	}
	for _, c := range cases {
		if got := SameName(c.printed, c.official); got != c.same {
			t.Errorf("SameName(%q, %q) = %v; want %v", c.printed, c.official, got, c.same)
		}
	}
}

// WriteCSV writes what Load reads back: the starter lists go round unchanged.
func TestWriteCSV_LoadReadsItBack(t *testing.T) {
	for _, kind := range Kinds {
		var b strings.Builder
		if err := WriteCSV(&b, kind, Starter(kind).Codes()); err != nil {
			t.Fatal(err)
		}
		l, err := Load(strings.NewReader(b.String()), kind)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		want := Starter(kind).Codes()
		got := l.Codes()
		if len(got) != len(want) || len(got) == 0 {
			t.Fatalf("%s: %d codes back, want %d", kind, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: code %d = %+v, want %+v", kind, i, got[i], want[i])
			}
		}
		header, _, _ := strings.Cut(b.String(), "\n")
		if (kind == Economic) != (header == "code,name,three_public") {
			t.Errorf("%s: header %q", kind, header)
		}
	}
	if err := WriteCSV(new(strings.Builder), "功能", nil); models.ErrorCode(err) != models.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
}
