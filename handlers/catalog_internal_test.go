package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"sunshine/models"
	"sunshine/store"
)

// manyDatasets is a Catalogue of n datasets that pages as the store does:
// newest first by (updated_at, id), keyset after the cursor, Limit at most 1000.
type manyDatasets struct {
	all   []store.Dataset
	pages int
}

func newManyDatasets(n int) *manyDatasets {
	m := &manyDatasets{}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		region := fmt.Sprintf("%06d", 110000+i/6)
		phase := []models.Phase{models.PhaseBudget, models.PhaseFinal, models.PhaseAdjusted}[i%3]
		kind := []string{models.KindThreePublic, models.KindLineItems}[i/3%2]
		m.all = append(m.all, store.Dataset{ID: store.DatasetID(region, 2024, phase, kind), RegionCode: region, RegionName: "测试区" + region,
			FiscalYear: 2024, Phase: phase, Kind: kind, LatestRelease: 1 + i%4,
			UpdatedAt: t0.Add(time.Duration(i/10) * time.Hour)}) // ten datasets share each instant, as one publication makes several
	}
	sort.Slice(m.all, func(i, j int) bool {
		a, b := m.all[i], m.all[j]
		return a.UpdatedAt.After(b.UpdatedAt) || (a.UpdatedAt.Equal(b.UpdatedAt) && a.ID > b.ID)
	})
	return m
}

func (m *manyDatasets) Datasets(_ context.Context, f store.DatasetFilter) ([]store.Dataset, error) {
	m.pages++
	if f.Limit <= 0 || f.Limit > 1000 {
		return nil, fmt.Errorf("limit %d outside 1..1000", f.Limit)
	}
	out := []store.Dataset{}
	for _, d := range m.all {
		if f.AfterID != "" && !(d.UpdatedAt.Before(f.AfterTime) || (d.UpdatedAt.Equal(f.AfterTime) && d.ID < f.AfterID)) {
			continue
		}
		if len(out) == f.Limit {
			break
		}
		out = append(out, d)
	}
	return out, nil
}

func (m *manyDatasets) Dataset(context.Context, string) (store.Dataset, error) { panic("not used") }
func (m *manyDatasets) Releases(context.Context, string) ([]store.Release, error) {
	panic("not used")
}
func (m *manyDatasets) Changes(context.Context, store.ChangeFilter) ([]store.Release, error) {
	panic("not used")
}
func (m *manyDatasets) ReleaseMembers(context.Context, string, int) ([]int64, error) {
	panic("not used")
}
func (m *manyDatasets) CheckPublic(context.Context, string, string) error { panic("not used") }

// The catalogues read the store page by page until a short page, and list
// every dataset exactly once, whatever the number of pages.
func TestCatalogues_PageThroughEveryDataset(t *testing.T) {
	for _, n := range []int{0, 999, 1000, 2345} {
		for path, list := range map[string]string{"/catalog.jsonld": "dcat:dataset", "/data.json": "dataset"} {
			t.Run(fmt.Sprintf("%s/%d", path, n), func(t *testing.T) {
				cat := newManyDatasets(n)
				r := gin.New()
				o := openData{publisher: DefaultPublisher}
				r.GET("/catalog.jsonld", getCatalogJSONLD(cat, o))
				r.GET("/data.json", getDataJSON(cat, o))
				w := httptest.NewRecorder()
				r.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
				var doc map[string]json.RawMessage
				if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || w.Code != 200 {
					t.Fatalf("%d, not JSON: %v", w.Code, err)
				}
				var items []map[string]any
				if err := json.Unmarshal(doc[list], &items); err != nil {
					t.Fatal(err)
				}
				seen := map[any]bool{}
				for _, it := range items {
					id := it["dct:identifier"]
					if id == nil {
						id = it["identifier"]
					}
					if seen[id] {
						t.Fatalf("%v listed twice", id)
					}
					seen[id] = true
				}
				if len(items) != n || cat.pages != n/catalogPageSize+1 {
					t.Fatalf("%d datasets in %d queries, want %d in %d", len(items), cat.pages, n, n/catalogPageSize+1)
				}
			})
		}
	}
}
