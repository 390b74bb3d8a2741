package codes

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func mustLoad(t *testing.T, kind, csv string) *List {
	t.Helper()
	l, err := Load(strings.NewReader(csv), kind)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestSetOrigin_LoadedThenOfficialThenStarter(t *testing.T) {
	f := func(name string) *List { return mustLoad(t, Functional, "code,name,level\n210,"+name+",类\n") }
	off2018, off2020, off2024 := f("医疗卫生与计划生育支出"), f("卫生健康支出"), f("卫生健康支出")
	own2019, own2020 := f("卫生健康支出"), f("卫生健康")
	econ2024 := mustLoad(t, Economic, "code,name,level,three_public\n302,商品和服务支出,类,\n30217,公务接待费,款,reception\n")

	s := newSet(map[string]map[int]*List{
		Functional: {2018: off2018, 2020: off2020, 2024: off2024},
		Economic:   {2024: econ2024},
	})
	s.Add(2019, own2019)
	s.Add(2020, own2020)

	cases := []struct {
		name string
		kind string
		year int
		want *List
		o    Origin
	}{
		{"before every list: the starter, never a later year", Functional, 2017, Starter(Functional), Origin{0, SourceStarter, false}},
		{"official list of the year", Functional, 2018, off2018, Origin{2018, SourceOfficial, true}},
		{"loaded list of the year", Functional, 2019, own2019, Origin{2019, SourceLoaded, true}},
		{"loaded wins over official of the same year", Functional, 2020, own2020, Origin{2020, SourceLoaded, true}},
		{"nearest earlier: loaded 2020 before official 2024", Functional, 2023, own2020, Origin{2020, SourceLoaded, true}},
		{"nearest earlier: official 2024 after loaded 2020", Functional, 2026, off2024, Origin{2024, SourceOfficial, true}},
		{"economic before its official list", Economic, 2023, Starter(Economic), Origin{0, SourceStarter, false}},
		{"economic official", Economic, 2025, econ2024, Origin{2024, SourceOfficial, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, from := s.For(c.kind, c.year)
			if l != c.want || from != c.o.Year {
				t.Errorf("For(%s, %d) = list of %d; want the list of %d", c.kind, c.year, from, c.o.Year)
			}
			if o := s.Origin(c.kind, c.year); o != c.o {
				t.Errorf("Origin(%s, %d) = %+v; want %+v", c.kind, c.year, o, c.o)
			}
		})
	}
}

func TestSetOrigin_NilSetAnswersWithTheShippedListsElseTheStarter(t *testing.T) {
	var none *Set
	for _, kind := range Kinds {
		for _, year := range []int{1990, 2018, 2024, 2026, 2100} {
			l, from := none.For(kind, year)
			o := none.Origin(kind, year)
			want, _ := newSet(official()).For(kind, year)
			if l != want || from != o.Year {
				t.Errorf("nil Set For(%s, %d) = list of %d; want the one a new Set gives", kind, year, from)
			}
			switch {
			case o.Source == SourceStarter && (l != Starter(kind) || o.Year != 0 || o.Complete):
				t.Errorf("nil Set Origin(%s, %d) = %+v with the wrong list", kind, year, o)
			case o.Source == SourceOfficial && (l != Official(kind, o.Year) || o.Year > year || !o.Complete):
				t.Errorf("nil Set Origin(%s, %d) = %+v with the wrong list", kind, year, o)
			case o.Source != SourceStarter && o.Source != SourceOfficial:
				t.Errorf("nil Set Origin(%s, %d) = %+v; a nil Set has nothing loaded", kind, year, o)
			}
		}
		if ys := OfficialYears(kind); len(ys) == 0 {
			if o := none.Origin(kind, 2025); o != (Origin{0, SourceStarter, false}) {
				t.Errorf("no %s list shipped: Origin = %+v; want the starter", kind, o)
			}
		}
	}
	if ys := none.Years(Functional); ys != nil {
		t.Errorf("nil Set Years = %v; want none", ys)
	}
}

func TestLoadOfficial_ReadsYearAndKindFromTheFileName(t *testing.T) {
	fsys := fstest.MapFS{
		"off/README.md":            {Data: []byte("# notes")},
		"off/2024_functional.csv":  {Data: []byte("code,name,level\n201,一般公共服务支出,类\n")},
		"off/2025_economic.csv":    {Data: []byte("code,name,level,three_public\n302,商品和服务支出,类,\n30217,公务接待费,款,reception\n")},
		"off/2025_functional.csv":  {Data: []byte("code,name,level\n201,一般公共服务支出,类\n20101,人大事务,款\n")},
		"off/notes/2023_extra.txt": {Data: []byte("ignored")},
	}
	lists, err := loadOfficial(fsys, "off")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(yearsOf(lists[Functional]), yearsOf(lists[Economic])); got != "[2024 2025] [2025]" {
		t.Errorf("years = %s; want [2024 2025] [2025]", got)
	}
	if e := lists[Economic][2025]; e.ThreePublicCodes(ThreePublicReception)[0] != "30217" {
		t.Errorf("three_public column lost: %+v", e.Codes())
	}

	bad := []struct{ name, file, data, want string }{
		{"misnamed", "off/functional_2025.csv", "code,name\n201,x\n", "<year>_functional.csv"},
		{"unknown kind", "off/2025_gov_economic.csv", "code,name\n501,x\n", "<year>_functional.csv"},
		{"bad row", "off/2025_functional.csv", "code,name,level\n2010601,行政运行,项\n", "2025_functional.csv: 第 2 行"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadOfficial(fstest.MapFS{c.file: {Data: []byte(c.data)}}, "off")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("loadOfficial = %v; want an error containing %q", err, c.want)
			}
		})
	}
}

// The 类 every complete functional list has, by the years they exist
// (DOMAIN.md §4). 210 was 医疗卫生与计划生育 before 2019; 224 灾害防治及应急管理
// from 2019; 234 抗疫特别国债安排的支出 from 2020.
func functionalClassesOf(year int) []string {
	classes := []string{"201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212",
		"213", "214", "215", "216", "217", "219", "220", "221", "222", "223", "227", "229", "230", "231", "232", "233"}
	if year >= 2019 {
		classes = append(classes, "224")
	}
	return classes
}

// plausiblyComplete says why a shipped list does not look complete for its
// year, or "" when it does.
func plausiblyComplete(kind string, year int, l *List) string {
	var missing []string
	count := map[Level]int{}
	for _, c := range l.Codes() {
		count[c.Level]++
	}
	switch kind {
	case Functional:
		if count[LevelItem] < 1000 || count[LevelSection] < 150 {
			return fmt.Sprintf("only %d 款 and %d 项; a complete functional list has about 200 款 and well over 1,000 项",
				count[LevelSection], count[LevelItem])
		}
		for _, c := range append(functionalClassesOf(year), "20101", "2010101", "20106", "2010601", "20805",
			"2080501", "2080505", "2080506", "21011", "2101101", "22102", "2210201", "2210203") {
			if _, ok := l.Lookup(c); !ok {
				missing = append(missing, c)
			}
		}
		if c, _ := l.Lookup("210"); year >= 2019 && !SameName(c.Name, "卫生健康支出") {
			return fmt.Sprintf("210 is %q; from 2019 it is 卫生健康支出", c.Name)
		}
	case Economic:
		if count[LevelSection] < 80 {
			return fmt.Sprintf("only %d 款; a complete economic list has about 100", count[LevelSection])
		}
		for _, c := range []string{"301", "30101", "30102", "30108", "30113", "302", "30201", "30211", "30212",
			"30217", "30231", "30299", "303", "30302", "307", "309", "30913", "310", "31002", "31013", "399"} {
			if _, ok := l.Lookup(c); !ok {
				missing = append(missing, c)
			}
		}
		for item, want := range map[string]string{
			ThreePublicOutboundTrips:    "30212",
			ThreePublicReception:        "30217",
			ThreePublicVehicleOperation: "30231",
			ThreePublicVehiclePurchase:  "30913,31013",
		} {
			if got := strings.Join(l.ThreePublicCodes(item), ","); got != want {
				return fmt.Sprintf("three_public %s marks %q; want %q as in the starter list", item, got, want)
			}
		}
	}
	if len(missing) > 0 {
		return "missing " + strings.Join(missing, ", ")
	}
	return ""
}

func TestOfficial_ShippedListsLoadAndLookComplete(t *testing.T) {
	lists, err := loadOfficial(officialFiles, officialDir) // the same files official() panics on
	if err != nil {
		t.Fatal(err)
	}
	shipped := 0
	for _, kind := range Kinds {
		for year, l := range lists[kind] {
			shipped++
			if year < 2007 || year > 2100 {
				t.Errorf("%d_%s.csv: the year is not a fiscal year of this classification (2007 on)", year, kind)
			}
			if why := plausiblyComplete(kind, year, l); why != "" {
				t.Errorf("%d_%s.csv does not look complete: %s", year, kind, why)
			}
			if Official(kind, year) != nil && Official(kind, year).Len() != l.Len() {
				t.Errorf("%d_%s.csv: Official() disagrees with the file", year, kind)
			}
		}
	}
	readme, err := officialFiles.ReadFile(officialDir + "/README.md")
	if err != nil {
		t.Fatal("codes/data/official/README.md must say where each shipped list comes from")
	}
	for _, kind := range Kinds {
		for year := range lists[kind] {
			if name := fmt.Sprintf("%d_%s.csv", year, kind); !strings.Contains(string(readme), name) {
				t.Errorf("README.md does not list %s and its source", name)
			}
		}
	}
	t.Logf("%d official lists shipped", shipped)
}

func TestPlausiblyComplete_RefusesTheStarterSubset(t *testing.T) {
	for _, kind := range Kinds {
		if why := plausiblyComplete(kind, 2025, Starter(kind)); why == "" {
			t.Errorf("the %s starter list passes as complete; the check is too weak", kind)
		}
	}
}
