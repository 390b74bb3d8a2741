package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"sunshine/demo"
	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

// figureLines prints what a filing's figures are — amounts, counts, the
// source's unit, names and reasons — one line per record, sorted, leaving out
// what an upload does not carry (ids, source rows, printed precision).
func threePublicLine(dept string, tp *models.ThreePublic) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s unit=%s", dept, tp.Unit)
	for _, a := range models.ThreePublicAmounts {
		fmt.Fprintf(&b, " %s=%v", a.Key, *a.Get(tp))
	}
	for _, c := range models.ThreePublicCounts {
		fmt.Fprintf(&b, " %s=%v", c.Key, *c.Get(tp))
	}
	return b.String() + " reason=" + tp.ChangeReason
}

func lineItemLine(dept string, li *models.LineItem) string {
	return fmt.Sprintf("%s %s/%s/%s name=%s amount=%v unit=%s", dept, li.Table, li.Code, li.Column, li.Name, li.Amount, li.Unit)
}

// publishedFigures are the published figures of a region-year-phase.
func publishedFigures(t *testing.T, s *store.Store, kind models.Kind, ff store.FeedFilter) []string {
	t.Helper()
	var out []string
	var err error
	if kind == models.KindThreePublic {
		err = s.EachThreePublic(context.Background(), ff, func(r store.ThreePublicRow) error {
			out = append(out, threePublicLine(r.DeptCode, &r.ThreePublic))
			return nil
		})
	} else {
		err = s.EachLineItem(context.Background(), ff, func(r store.LineItemRow) error {
			out = append(out, lineItemLine(r.DeptCode, &r.LineItem))
			return nil
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// draftFigures are the figures an upload stored in the drafts it answered with.
func draftFigures(t *testing.T, s *store.Store, kind models.Kind, refs []handlers.FilingRef) []string {
	t.Helper()
	var out []string
	for _, f := range refs {
		if kind == models.KindThreePublic {
			tp, err := s.ThreePublic(context.Background(), f.ID)
			if err != nil || tp == nil {
				t.Fatalf("filing %d: %v", f.ID, err)
			}
			out = append(out, threePublicLine(f.DeptCode, tp))
			continue
		}
		items, err := s.LineItems(context.Background(), f.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := range items {
			out = append(out, lineItemLine(f.DeptCode, &items[i]))
		}
	}
	sort.Strings(out)
	return out
}

// withoutReleaseColumns reads a CSV export (UTF-8, BOM or GB18030) and drops
// the columns only a release has (ids, versions, permalinks), which differ
// between two services by construction.
func withoutReleaseColumns(t *testing.T, b []byte, gb bool) [][]string {
	t.Helper()
	if gb {
		var err error
		if b, err = io.ReadAll(simplifiedchinese.GB18030.NewDecoder().Reader(bytes.NewReader(b))); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("csv: %v (%d records)", err, len(recs))
	}
	var keep []int
	for i, h := range recs[0] {
		if !slices.Contains([]string{"filing_id", "version", "release", "permalink", "公开编号", "版本", "发布号", "永久链接"}, h) {
			keep = append(keep, i)
		}
	}
	out := make([][]string, len(recs))
	for r, rec := range recs {
		for _, i := range keep {
			out[r] = append(out[r], rec[i])
		}
	}
	return out
}

// Every export variant of a demo region — English and Chinese headers, 元 and
// 万元, UTF-8, UTF-8 with BOM, GB18030, XLSX — uploads back through the API to
// the same figures, and the new service exports them again with the same
// bytes apart from the release-only columns.
func TestExports_EveryVariantUploadsBackToTheSameFigures(t *testing.T) {
	longRun(t)
	t.Parallel() // the suite's longest test: sixteen uploads and publications, each into a database of its own
	src := newWebSite(t, storetest.SQLite(t))
	loadDemo(t, src)
	region, year, phase := demo.Region.Code, 2024, models.PhaseFinal
	ff := store.FeedFilter{Region: region, Year: year, Phase: phase}
	q := fmt.Sprintf("region=%s&year=%d&phase=%s", region, year, phase)
	type variant struct {
		name, path string
		kind       models.Kind
		gb, xlsx   bool
	}
	var variants []variant
	for _, kind := range []models.Kind{models.KindThreePublic, models.KindLineItems} {
		feed := "/api/v1/three-public.csv?"
		if kind == models.KindLineItems {
			feed = "/api/v1/line-items.csv?"
		}
		for _, opt := range []struct {
			name, query string
			gb          bool
		}{
			{"en-yuan", "", false}, {"zh-yuan", "&headers=zh", false},
			{"en-wanyuan", "&unit=万元", false}, {"zh-wanyuan-bom", "&headers=zh&unit=万元&bom=1", false},
			{"zh-gb18030", "&headers=zh&encoding=gb18030", true}, {"en-yiyuan-gb18030", "&unit=亿元&encoding=gb18030", true},
		} {
			variants = append(variants, variant{name: string(kind) + "-" + opt.name, path: feed + q + opt.query, kind: kind, gb: opt.gb})
		}
		id := store.DatasetID(region, year, phase, kind)
		for _, u := range []string{"", "?unit=万元"} {
			variants = append(variants, variant{name: string(kind) + "-xlsx" + u, path: "/api/v1/datasets/" + id + "/latest/data.xlsx" + u, kind: kind, xlsx: true})
		}
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel() // each variant writes only its own database; src is only read
			want := publishedFigures(t, src.s, v.kind, ff)
			if len(want) == 0 {
				t.Fatal("the demo has nothing to export")
			}
			body := fetch(t, src.h, v.path)
			name := "export.csv"
			if v.xlsx {
				name = "export.xlsx"
			}
			dst := newAPI(t, storetest.SQLite(t))
			w := dst.upload(t, dst.admin, name, body, "")
			if w.Code != 201 && w.Code != 200 {
				t.Fatalf("upload: %d %s", w.Code, w.Body.String()[:min(w.Body.Len(), 2000)])
			}
			ans := decode[handlers.UploadAnswer](t, w)
			got := draftFigures(t, dst.s, v.kind, ans.Filings)
			if !slices.Equal(got, want) {
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] {
						t.Fatalf("%d of %d records differ; first:\n got %s\nwant %s", len(want), len(got), got[i], want[i])
					}
				}
				t.Fatalf("%d records stored, %d published", len(got), len(want))
			}
			if v.xlsx {
				return
			}
			dst.publishAll(t, ans.Filings) // in one act, as a region publishes (统一公开)
			again := fetch(t, dst.h, v.path)
			if a, b := withoutReleaseColumns(t, again, v.gb), withoutReleaseColumns(t, body, v.gb); !slices.EqualFunc(a, b, slices.Equal) {
				t.Fatalf("re-export differs:\n%q\n%q", a[:min(3, len(a))], b[:min(3, len(b))])
			}
		})
	}
}

// fetch GETs a path, following redirects within the service.
func fetch(t *testing.T, h http.Handler, path string) []byte {
	t.Helper()
	for range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code == 302 {
			path = strings.TrimPrefix(rec.Header().Get("Location"), "http://example.com")
			continue
		}
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
		return rec.Body.Bytes()
	}
	t.Fatalf("GET %s: too many redirects", path)
	return nil
}
