package codes

import (
	"bytes"
	"embed"
	"fmt"
	"sort"
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

// Set holds the lists a deployment has loaded, per kind and fiscal year. Lists
// may be added while others read, e.g. after `sunshine codes load`.
// A nil *Set holds nothing, so it always answers with the starter lists.
type Set struct {
	mu    sync.RWMutex
	lists map[string]map[int]*List // kind → year → list
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{lists: map[string]map[int]*List{}} }

// Add makes l the list of its kind for the fiscal year, replacing any earlier one.
func (s *Set) Add(year int, l *List) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lists[l.kind] == nil {
		s.lists[l.kind] = map[int]*List{}
	}
	s.lists[l.kind][year] = l
}

// For returns the list of a kind that applies to a fiscal year: that year's,
// else the nearest earlier year's (code lists change little from year to year),
// else the starter list. from is the year of the list returned, 0 for the starter.
// A year before every loaded list gets the starter list, never a later year's list:
// a code introduced later must not look valid for an earlier year.
func (s *Set) For(kind string, year int) (l *List, from int) {
	if s != nil {
		s.mu.RLock()
		defer s.mu.RUnlock()
		for y, cand := range s.lists[kind] {
			if y <= year && y > from {
				l, from = cand, y
			}
		}
	}
	if l == nil {
		return Starter(kind), 0
	}
	return l, from
}

// Years returns the years that have a loaded list of the kind, ascending.
func (s *Set) Years(kind string) []int {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ys []int
	for y := range s.lists[kind] {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}
