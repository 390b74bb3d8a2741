package exports

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"sunshine/models"
	"sunshine/store"
)

// manyDatasets is a DatasetLister of n datasets that pages as the store does:
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
		kind := models.Kinds[i/3%2]
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

// The catalogues read the store page by page until a short page, and list
// every dataset exactly once, whatever the number of pages.
func TestCatalogues_PageThroughEveryDataset(t *testing.T) {
	for _, n := range []int{0, 999, 1000, 2345} {
		for path, list := range map[string]string{"/catalog.jsonld": "dcat:dataset", "/data.json": "dataset"} {
			t.Run(fmt.Sprintf("%s/%d", path, n), func(t *testing.T) {
				cat := newManyDatasets(n)
				write := Publisher{}.WriteDCAT
				if path == "/data.json" {
					write = Publisher{}.WriteDataJSON
				}
				var w bytes.Buffer
				if err := write(context.Background(), &w, cat, "https://data.example.gov.cn", nil); err != nil {
					t.Fatal(err)
				}
				var doc map[string]json.RawMessage
				if err := json.Unmarshal(w.Bytes(), &doc); err != nil {
					t.Fatalf("not JSON: %v", err)
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
				if len(items) != n || cat.pages != n/CatalogPageSize+1 {
					t.Fatalf("%d datasets in %d queries, want %d in %d", len(items), cat.pages, n, n/CatalogPageSize+1)
				}
			})
		}
	}
}
