package handlers_test

import (
	"context"
	"encoding/xml"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"sunshine/exports"
	"sunshine/filings"
	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store"
	"sunshine/store/storetest"
)

func (a *api) get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	return w
}

func (a *api) publish(t *testing.T, id int64, note string) {
	t.Helper()
	svc := &filings.Service{Store: a.s}
	if _, err := svc.Publish(context.Background(), id, filings.Actor{Name: "管理员"}, note); err != nil {
		t.Fatal(err)
	}
}

// publishAll publishes drafts in one publication act, as a region publishes its departments together.
func (a *api) publishAll(t *testing.T, fs []handlers.FilingRef) {
	t.Helper()
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	svc := &filings.Service{Store: a.s}
	if _, err := svc.PublishSet(context.Background(), ids, filings.Actor{Name: "管理员"}, ""); err != nil {
		t.Fatal(err)
	}
}

const correctedThreePublic = "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n" +
	"431081,001,资兴市财政局,2024,决算,万元,12.00,0,0,8.50,3.50\n"

// publishedFixture publishes the two departments of three_public_gbk.csv, then a correction of department 001.
func publishedFixture(t *testing.T, a *api) {
	t.Helper()
	up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "three_public_gbk.csv", nil, ""))
	for _, f := range up.Filings {
		a.publish(t, f.ID, "")
	}
	fix := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "fix.csv", []byte(correctedThreePublic), ""))
	a.publish(t, fix.Filings[0].ID, "更正公务接待费：原表多记 0.35 万元")
}

func TestDatasets_CatalogueReleasesAndPaging(t *testing.T) {
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		publishedFixture(t, a)
		w := a.get(t, "/api/v1/datasets?region=431081")
		if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "*" || w.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("%d %v", w.Code, w.Header())
		}
		cat := decode[struct {
			Data []handlers.DatasetEntry `json:"data"`
			Next *string                 `json:"next"`
		}](t, w)
		if len(cat.Data) != 1 || cat.Next != nil {
			t.Fatalf("catalogue: %+v", cat)
		}
		d := cat.Data[0]
		if d.ID != "431081-2024-final-three_public" || d.Release != 3 || d.Kind != models.KindThreePublic ||
			d.RegionName != "资兴市（演示）" || !strings.HasSuffix(d.Links["csv"], "/api/v1/datasets/431081-2024-final-three_public/releases/3/data.csv") ||
			!strings.HasPrefix(d.Links["csv"], "http://") || !strings.Contains(d.Title, "2024 年决算 三公经费") {
			t.Fatalf("entry: %+v", d)
		}
		w = a.get(t, "/api/v1/datasets/"+d.ID)
		detail := decode[struct {
			handlers.DatasetEntry
			Releases []handlers.ReleaseEntry `json:"releases"`
		}](t, w)
		if len(detail.Releases) != 3 || detail.Releases[0].Action != store.ActionCorrection || detail.Releases[0].Note == "" ||
			detail.Releases[0].Links["diff"] == "" || detail.Releases[2].Links["diff"] != "" {
			t.Fatalf("releases: %+v", detail.Releases)
		}
		if w := a.get(t, "/api/v1/datasets/nope"); w.Code != 404 {
			t.Fatalf("unknown dataset: %d", w.Code)
		}
		// Paging the change log one entry at a time visits every release once.
		seen := 0
		next := "/api/v1/changes?limit=1"
		for next != "" && seen < 10 {
			page := decode[struct {
				Data []handlers.ReleaseEntry `json:"data"`
				Next *string                 `json:"next"`
			}](t, a.get(t, next))
			seen += len(page.Data)
			next = ""
			if page.Next != nil {
				next = strings.TrimPrefix(*page.Next, "http://example.com")
			}
		}
		if seen != 3 {
			t.Fatalf("change log entries: %d", seen)
		}
		if w := a.get(t, "/api/v1/changes?after=garbage"); w.Code != 422 {
			t.Fatalf("bad cursor: %d", w.Code)
		}
	})
}

func TestDiff_ShowsOldAndNewValuePerField(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	publishedFixture(t, a)
	w := a.get(t, "/api/v1/datasets/431081-2024-final-three_public/diff?from=2&to=3")
	ans := decode[handlers.DiffAnswer](t, w)
	if w.Code != 200 || len(ans.Added) != 0 || len(ans.Removed) != 0 || len(ans.Changed) != 1 {
		t.Fatalf("%d %+v", w.Code, ans)
	}
	ch := ans.Changed[0]
	got := map[string][2]string{}
	for _, c := range ch.Changes {
		var o, n string
		if c.Old != nil {
			o = *c.Old
		}
		if c.New != nil {
			n = *c.New
		}
		got[c.Field] = [2]string{o, n}
	}
	if ch.Key["dept_code"] != "001" || got["total_yuan"] != [2]string{"123500.00", "120000.00"} || got["reception_yuan"] != [2]string{"38500.00", "35000.00"} {
		t.Fatalf("changes: %+v", got)
	}
	// The 预算数 columns were dropped by the correction: old value, no new one.
	if got["budget_total_yuan"] != [2]string{"150000.00", ""} {
		t.Fatalf("budget_total: %+v", got["budget_total_yuan"])
	}
	w = a.get(t, "/api/v1/datasets/431081-2024-final-three_public/diff?from=0&to=3")
	if w.Code != 404 {
		t.Fatalf("release 0: %d", w.Code)
	}
	w = a.get(t, "/api/v1/datasets/431081-2024-final-three_public/diff?from=1&to=2")
	ans = decode[handlers.DiffAnswer](t, w)
	if len(ans.Added) != 1 || ans.Added[0]["dept_code"] != "002" {
		t.Fatalf("1→2: %+v", ans)
	}
}

func TestChangesAtom_IsAValidFeed(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	publishedFixture(t, a)
	w := a.get(t, "/feeds/changes.atom")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Entries []struct {
			Title   string `xml:"title"`
			ID      string `xml:"id"`
			Summary string `xml:"summary"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &feed); err != nil {
		t.Fatalf("not Atom: %v", err)
	}
	if len(feed.Entries) != 3 || !strings.Contains(feed.Entries[0].Summary, "更正公务接待费") || !strings.Contains(feed.Entries[0].Title, "第 3 版") {
		t.Fatalf("entries: %+v", feed.Entries)
	}
}

// Every file of exports.ReleaseFiles is served at its release URL with its
// media type, and every distribution is linked from the dataset: one list
// drives the downloads and the links.
func TestReleaseFiles_EveryEntryServedAndLinked(t *testing.T) {
	a := newAPI(t, storetest.SQLite(t))
	publishedFixture(t, a)
	id := "431081-2024-final-three_public"
	ds := decode[handlers.DatasetEntry](t, a.get(t, "/api/v1/datasets/"+id))
	for _, f := range exports.ReleaseFiles {
		w := a.get(t, "/api/v1/datasets/"+id+"/releases/1/"+f.Name)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), f.MediaType) || w.Body.Len() == 0 {
			t.Errorf("%s: %d %q", f.Name, w.Code, w.Header().Get("Content-Type"))
		}
		if cd := w.Header().Get("Content-Disposition"); (f.Attachment != "") != strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''") {
			t.Errorf("%s: Content-Disposition %q, attachment %q", f.Name, cd, f.Attachment)
		}
		if f.Key != "" && !strings.HasSuffix(ds.Links[f.Key], "/releases/"+strconv.Itoa(ds.Release)+"/"+f.Name) {
			t.Errorf("%s: dataset link %q", f.Key, ds.Links[f.Key])
		}
	}
	if w := a.get(t, "/api/v1/datasets/"+id+"/releases/1/data.pdf"); w.Code != 404 || !strings.Contains(w.Body.String(), exports.ReleaseFileNames()) {
		t.Errorf("unknown file: %d %s", w.Code, w.Body)
	}
}
