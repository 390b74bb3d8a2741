package codes

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"sync"
)

// The starter lists are copies of shared/data: a subset of the official lists,
// enough for the examples, the tests and the demo. A deployment loads its own.
//
//go:embed data/functional_codes.csv data/economic_codes.csv
var starterFiles embed.FS

var starter = sync.OnceValue(func() map[string]*List {
	lists := map[string]*List{}
	for _, kind := range Kinds {
		b, err := starterFiles.ReadFile("data/" + kind + "_codes.csv")
		if err != nil {
			panic(err)
		}
		l, err := Load(bytes.NewReader(b), kind)
		if err != nil {
			panic(fmt.Sprintf("codes: embedded %s list: %v", kind, err))
		}
		lists[kind] = l
	}
	return lists
})

// Starter returns the embedded starter list of a kind (Functional or
// Economic), or nil for any other kind.
func Starter(kind string) *List { return starter()[kind] }

// The official lists shipped with the program: complete 政府收支分类科目 lists
// of past fiscal years, one file per kind and year named <year>_<kind>.csv
// (2025_functional.csv, 2025_economic.csv) in the format Load reads.
// data/official/README.md says where each file comes from. Only complete lists
// are shipped there; a subset belongs in the starter lists.
//
//go:embed data/official
var officialFiles embed.FS

const officialDir = "data/official"

var officialName = regexp.MustCompile(`^([0-9]{4})_(functional|economic)\.csv$`)

var official = sync.OnceValue(func() map[string]map[int]*List {
	lists, err := loadOfficial(officialFiles, officialDir)
	if err != nil {
		panic(fmt.Sprintf("codes: shipped official lists: %v", err))
	}
	return lists
})

// loadOfficial reads every <year>_<kind>.csv of dir. Other .csv names are an
// error (a misnamed file would silently never be used); other files (README.md)
// are skipped.
func loadOfficial(fsys fs.FS, dir string) (map[string]map[int]*List, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	lists := map[string]map[int]*List{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".csv" {
			continue
		}
		m := officialName.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("%s: the name should be <year>_functional.csv or <year>_economic.csv", name)
		}
		year, _ := strconv.Atoi(m[1])
		kind := m[2]
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		l, err := Load(bytes.NewReader(b), kind)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		if lists[kind] == nil {
			lists[kind] = map[int]*List{}
		}
		lists[kind][year] = l
	}
	return lists, nil
}

// OfficialYears returns the fiscal years that have a shipped official list of
// the kind, ascending.
func OfficialYears(kind string) []int { return yearsOf(official()[kind]) }

// Official returns the shipped official list of a kind for exactly that fiscal
// year, or nil.
func Official(kind string, year int) *List { return official()[kind][year] }

// Where a list used for a fiscal year comes from (Origin.Source).
const (
	SourceLoaded   = "loaded"   // the deployment's own list, added with Set.Add (sunshine codes load)
	SourceOfficial = "official" // a complete official list shipped in codes/data/official
	SourceStarter  = "starter"  // the embedded starter subset of shared/data
)

// Origin says which list Set.For answers with for a kind and fiscal year.
type Origin struct {
	// Year is the fiscal year of the list: the year asked for, or the nearest
	// earlier year that has a list; 0 for the starter list.
	Year int
	// Source is SourceLoaded, SourceOfficial or SourceStarter.
	Source string
	// Complete is false only for the starter list, a subset of the official
	// lists: a code missing from it may well be a real code. A loaded list is
	// taken as the deployment's complete list; a shipped one is complete for its
	// year. A complete list of an earlier Year can still miss a code that is new
	// in the year asked for.
	Complete bool
}

// Set holds the lists a deployment has loaded, per kind and fiscal year, over
// the official lists shipped with the program. Lists may be added while others
// read, e.g. after `sunshine codes load`.
// A nil *Set holds nothing loaded, so it answers with the shipped official
// lists, else the starter lists.
type Set struct {
	mu       sync.RWMutex
	lists    map[string]map[int]*List // kind → year → list
	official map[string]map[int]*List // kind → year → shipped list; never changed
}

// NewSet returns a set with no list loaded; it answers with the shipped
// official lists until lists are added.
func NewSet() *Set { return newSet(official()) }

func newSet(officialLists map[string]map[int]*List) *Set {
	return &Set{lists: map[string]map[int]*List{}, official: officialLists}
}

// Add makes l the list of its kind for the fiscal year, replacing any earlier one.
func (s *Set) Add(year int, l *List) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lists[l.kind] == nil {
		s.lists[l.kind] = map[int]*List{}
	}
	s.lists[l.kind][year] = l
}

// For returns the list of a kind that applies to a fiscal year, and the year
// of that list (0 for the starter list). It is the list of the nearest year at
// or before the fiscal year among the loaded lists and the shipped official
// lists, a loaded list winning over an official one of the same year (code
// lists change little from year to year, and the nearer year is the better
// guess); with neither, the starter list. Origin says which it is.
// A year before every list gets the starter list, never a later year's list:
// a code introduced later must not look valid for an earlier year.
func (s *Set) For(kind string, year int) (l *List, from int) {
	l, o := s.pick(kind, year)
	return l, o.Year
}

// Origin says where the list For answers with for a kind and fiscal year comes
// from: a loaded list, a shipped official list or the starter subset, and of
// which year.
func (s *Set) Origin(kind string, year int) Origin {
	_, o := s.pick(kind, year)
	return o
}

func (s *Set) pick(kind string, year int) (*List, Origin) {
	officialLists := official()
	var l *List
	var o Origin
	if s != nil {
		officialLists = s.official
		s.mu.RLock()
		defer s.mu.RUnlock()
		for y, cand := range s.lists[kind] {
			if y <= year && y > o.Year {
				l, o = cand, Origin{Year: y, Source: SourceLoaded, Complete: true}
			}
		}
	}
	for y, cand := range officialLists[kind] {
		if y <= year && y > o.Year { // a loaded list of the same year wins
			l, o = cand, Origin{Year: y, Source: SourceOfficial, Complete: true}
		}
	}
	if l == nil {
		return Starter(kind), Origin{Source: SourceStarter}
	}
	return l, o
}

// Years returns the years that have a loaded list of the kind, ascending.
// Shipped official lists are not counted: see OfficialYears.
func (s *Set) Years(kind string) []int {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return yearsOf(s.lists[kind])
}

func yearsOf(m map[int]*List) []int {
	var ys []int
	for y := range m {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}
