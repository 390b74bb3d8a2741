package handlers_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"sunshine/exports/exportstest"
	"sunshine/handlers"
	"sunshine/store"
	"sunshine/store/storetest"
)

type feedPage struct {
	AmountUnit string           `json:"amount_unit"`
	Release    int              `json:"release"`
	Data       []map[string]any `json:"data"`
	Next       *string          `json:"next"`
}

func TestThreePublicFeed_PagesFiltersUnitsAndReleases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		publishedFixture(t, a)
		p := decode[feedPage](t, a.get(t, "/api/v1/three-public?region=431081&year=2024&phase=final&limit=1"))
		if len(p.Data) != 1 || p.Next == nil || p.AmountUnit != "元" {
			t.Fatalf("first page: %+v", p)
		}
		// Rows come by filing id: 002 (filing 2), then 001's correction (filing 3).
		if first := p.Data[0]; first["dept_code"] != "002" || first["total_yuan"] != 10205000.0 || first["release"] != nil {
			t.Fatalf("first row: %+v", first)
		}
		p2 := decode[feedPage](t, a.get(t, strings.TrimPrefix(*p.Next, "http://example.com")))
		if len(p2.Data) != 1 {
			t.Fatalf("second page: %+v", p2)
		}
		second := p2.Data[0]
		if second["dept_code"] != "001" || second["total_yuan"] != 120000.0 || second["budget_total_yuan"] != nil ||
			!strings.HasSuffix(second["permalink"].(string), "/api/v1/filings/3") || second["version"] != 2.0 {
			t.Fatalf("second row: %+v", second)
		}
		if p2.Next != nil {
			if rest := decode[feedPage](t, a.get(t, strings.TrimPrefix(*p2.Next, "http://example.com"))); len(rest.Data) != 0 {
				t.Fatalf("third page: %+v", rest)
			}
		}
		// The raw text keeps two decimals exactly: 1,020.50 万元 is 10205000.00 元.
		raw := a.get(t, "/api/v1/three-public?region=431081&dept=002").Body.String()
		if !strings.Contains(raw, `"total_yuan":10205000.00`) {
			t.Fatalf("exact amount: %s", raw)
		}
		wan := a.get(t, "/api/v1/three-public?region=431081&dept=002&unit=万元").Body.String()
		if !strings.Contains(wan, `"total_wanyuan":1020.50`) || !strings.Contains(wan, `"amount_unit":"万元"`) {
			t.Fatalf("万元: %s", wan)
		}
		old := decode[feedPage](t, a.get(t, "/api/v1/three-public?region=431081&year=2024&phase=final&release=2&dept=001"))
		if old.Release != 2 || len(old.Data) != 1 || old.Data[0]["total_yuan"] != 123500.0 {
			t.Fatalf("as of release 2: %+v", old)
		}
		if w := a.get(t, "/api/v1/three-public?release=2"); w.Code != 422 {
			t.Fatalf("release without dataset: %d", w.Code)
		}
	})
}

func TestThreePublicCSV_ExcelVariants(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	publishedFixture(t, a)
	plain := a.get(t, "/api/v1/three-public.csv?region=431081").Body.String()
	if !strings.HasPrefix(plain, "filing_id,") || !strings.Contains(plain, ",10205000.00,") {
		t.Fatalf("csv: %q", plain[:min(200, len(plain))])
	}
	bom := a.get(t, "/api/v1/three-public.csv?region=431081&bom=1&headers=zh").Body.String()
	if !strings.HasPrefix(bom, "\ufeff") || !strings.Contains(bom, "合计") || !strings.Contains(bom, "\r\n") {
		t.Fatalf("bom: %q", bom[:min(200, len(bom))])
	}
	gbw := a.get(t, "/api/v1/three-public.csv?region=431081&encoding=gb18030")
	utf, err := simplifiedchinese.GB18030.NewDecoder().Bytes(gbw.Body.Bytes())
	if err != nil || !strings.Contains(string(utf), "资兴市教育局") || !strings.Contains(gbw.Header().Get("Content-Type"), "gb18030") {
		t.Fatalf("gb18030: %v %q", err, gbw.Header())
	}
}

func TestReleaseDownloads_EveryFormatCachedForeverAndDescribed(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	publishedFixture(t, a)
	base := "/api/v1/datasets/431081-2024-final-three_public/releases/2/"
	csvw := a.get(t, base+"data.csv")
	if csvw.Code != 200 || !strings.Contains(csvw.Header().Get("Cache-Control"), "immutable") || csvw.Header().Get("ETag") == "" {
		t.Fatalf("csv: %d %v", csvw.Code, csvw.Header())
	}
	if !strings.Contains(csvw.Body.String(), ",123500.00,") {
		t.Fatalf("release 2 must hold the figure before the correction: %s", csvw.Body)
	}
	req := httptest.NewRequest("GET", base+"data.csv", nil)
	req.Header.Set("If-None-Match", csvw.Header().Get("ETag"))
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	if w.Code != 304 {
		t.Fatalf("revalidation: %d", w.Code)
	}
	var js struct {
		Release int              `json:"release"`
		Data    []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(a.get(t, base+"data.json").Body.Bytes(), &js); err != nil || js.Release != 2 || len(js.Data) != 2 {
		t.Fatalf("json: %v %+v", err, js)
	}
	nd := a.get(t, base+"data.ndjson").Body.String()
	if strings.Count(nd, "\n") != 2 {
		t.Fatalf("ndjson: %q", nd)
	}
	xw := a.get(t, base+"data.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(xw.Body.Bytes()))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	if len(rows) != 3 {
		t.Fatalf("xlsx rows: %d", len(rows))
	}
	filingsCSV := a.get(t, base+"filings.csv").Body.String()
	dp := a.get(t, base+"datapackage.json")
	if dp.Code != 200 {
		t.Fatalf("datapackage: %d %s", dp.Code, dp.Body)
	}
	files := fstest.MapFS{"data.csv": {Data: csvw.Body.Bytes()}, "filings.csv": {Data: []byte(filingsCSV)}}
	if err := exportstest.ValidatePackage(dp.Body.Bytes(), files); err != nil {
		t.Fatalf("the descriptor does not describe the files: %v\n%s", err, dp.Body)
	}
	latest := a.get(t, "/api/v1/datasets/431081-2024-final-three_public/latest/data.csv?bom=1")
	if latest.Code != 302 || !strings.HasSuffix(latest.Header().Get("Location"), "/releases/3/data.csv?bom=1") {
		t.Fatalf("latest: %d %v", latest.Code, latest.Header())
	}
	for path, code := range map[string]int{base + "data.pdf": 404, "/api/v1/datasets/431081-2024-final-three_public/releases/9/data.csv": 404,
		"/api/v1/datasets/431081-2024-final-three_public/releases/x/data.csv": 404} {
		if w := a.get(t, path); w.Code != code {
			t.Errorf("%s: %d, want %d", path, w.Code, code)
		}
	}
}

func TestLineItemsFeed_FiltersByTableAndCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "line_items_utf8.csv", nil, ""))
		a.publish(t, up.Filings[0].ID, "")
		p := decode[feedPage](t, a.get(t, "/api/v1/line-items?region=431081&table=general_expenditure&code=2010601"))
		if len(p.Data) != 2 || p.Data[0]["amount_yuan"] != 800000.0 || p.Data[0]["column"] != "total" || p.Data[0]["name"] != "行政运行" {
			t.Fatalf("filtered: %+v", p.Data)
		}
		all := decode[feedPage](t, a.get(t, "/api/v1/line-items?region=431081&limit=5"))
		if len(all.Data) != 5 || all.Next == nil {
			t.Fatalf("page: %d %v", len(all.Data), all.Next)
		}
		csv := a.get(t, "/api/v1/line-items.csv?region=431081&unit=万元").Body.String()
		if strings.Count(csv, "\n") != 14 || !strings.Contains(csv, ",80.00,") {
			t.Fatalf("csv: %s", csv)
		}
		ds := a.get(t, "/api/v1/datasets/431081-2025-budget-line_items/releases/1/datapackage.json")
		data := a.get(t, "/api/v1/datasets/431081-2025-budget-line_items/releases/1/data.csv")
		filings := a.get(t, "/api/v1/datasets/431081-2025-budget-line_items/releases/1/filings.csv")
		if err := exportstest.ValidatePackage(ds.Body.Bytes(), fstest.MapFS{"data.csv": {Data: data.Body.Bytes()}, "filings.csv": {Data: filings.Body.Bytes()}}); err != nil {
			t.Fatalf("line-item package: %v", err)
		}
	})
}

func TestRateLimit_QueryAPIAnswers429WithHeadersReleaseFilesAreExempt(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	a.rateLimit = handlers.RateLimit{Rate: 0.5, Burst: 3}
	a.h = a.handler(t)
	publishedFixture(t, a)
	var last *httptest.ResponseRecorder
	for i := 0; i < 4; i++ {
		last = a.get(t, "/api/v1/three-public?region=431081")
		if i < 3 && (last.Code != 200 || last.Header().Get("RateLimit-Policy") != `"query";q=3;w=6` || !strings.HasPrefix(last.Header().Get("RateLimit"), `"query";r=`+strconv.Itoa(2-i)+";t=")) {
			t.Fatalf("request %d: %d %v", i, last.Code, last.Header())
		}
	}
	if last.Code != 429 || last.Header().Get("Retry-After") == "" || !strings.Contains(last.Body.String(), "请求过于频繁") {
		t.Fatalf("past the limit: %d %v %s", last.Code, last.Header(), last.Body)
	}
	// Another client is not affected, and release files are never limited.
	req := httptest.NewRequest("GET", "/api/v1/three-public?region=431081", nil)
	req.RemoteAddr = "10.9.8.7:5555"
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	if w.Code != 200 {
		t.Fatalf("other client: %d", w.Code)
	}
	if w := a.get(t, "/api/v1/datasets/431081-2024-final-three_public/releases/3/data.csv"); w.Code != 200 || w.Header().Get("RateLimit") != "" {
		t.Fatalf("release file: %d %v", w.Code, w.Header())
	}
}

func TestGzip_CompressedAnswersKeepCORSAndRevalidate(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	publishedFixture(t, a)
	path := "/api/v1/datasets/431081-2024-final-three_public/releases/3/data.json"
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("gzip: %d %v", w.Code, w.Header())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !strings.Contains(string(plain), `"release":3`) {
		t.Fatalf("body: %s", plain)
	}
	etag := w.Header().Get("ETag")
	if !strings.Contains(etag, "-gzip") {
		t.Fatalf("compressed ETag must differ from the plain one: %q", etag)
	}
	req = httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("If-None-Match", etag)
	w = httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	if w.Code != 304 {
		t.Fatalf("revalidating the compressed answer: %d", w.Code)
	}
	csvw := a.get(t, "/api/v1/three-public.csv?region=431081")
	if csvw.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("CORS on CSV: %v", csvw.Header())
	}
}

// TestDrafts_NeverVisibleOnAnyPublicEndpoint uploads drafts and publishes
// nothing, then asks every public endpoint without a token.
func TestDrafts_NeverVisibleOnAnyPublicEndpoint(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "three_public_gbk.csv", nil, ""))
	decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "line_items_utf8.csv", nil, ""))
	id := strconv.FormatInt(up.Filings[0].ID, 10)
	for _, path := range []string{
		"/api/v1/three-public", "/api/v1/three-public?region=431081&year=2024&phase=final", "/api/v1/three-public.csv",
		"/api/v1/line-items", "/api/v1/line-items.csv?region=431081", "/api/v1/datasets", "/api/v1/changes",
		"/feeds/changes.atom", "/api/v1/charts/three-public/ranking?region=431081&year=2024&phase=final",
		"/api/v1/charts/three-public/trend?region=431081&dept=001", "/api/v1/charts/three-public/budget-vs-final.csv?region=431081&year=2024",
		"/embed/three-public/composition?region=431081&year=2024&phase=final", "/api/v1/filings/" + id,
		"/api/v1/filings/" + id + "/report", "/api/v1/datasets/431081-2024-final-three_public",
		"/api/v1/datasets/431081-2024-final-three_public/latest/data.csv",
	} {
		w := a.get(t, path)
		body := w.Body.String()
		for _, secret := range []string{"资兴市财政局", "资兴市教育局", "123500", "1,020.50", "10205000"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s (%d) shows draft content %q", path, w.Code, secret)
			}
		}
	}
}

// TestRelease_OneReadsBackByteIdenticalAfterACorrection is the promise to a
// journalist who cited release 1: it never changes.
func TestRelease_OneReadsBackByteIdenticalAfterACorrection(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "three_public_gbk.csv", nil, ""))
	a.publish(t, up.Filings[0].ID, "")
	paths := []string{"data.csv", "data.csv?bom=1&headers=zh", "data.json", "data.ndjson", "filings.csv", "datapackage.json"}
	before := map[string]string{}
	for _, p := range paths {
		before[p] = a.get(t, "/api/v1/datasets/431081-2024-final-three_public/releases/1/"+p).Body.String()
	}
	a.publish(t, up.Filings[1].ID, "")
	fix := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "fix.csv", []byte(correctedThreePublic), ""))
	a.publish(t, fix.Filings[0].ID, "更正")
	for _, p := range paths {
		if after := a.get(t, "/api/v1/datasets/431081-2024-final-three_public/releases/1/"+p).Body.String(); after != before[p] {
			t.Errorf("release 1 %s changed after a correction:\nbefore %s\nafter  %s", p, before[p], after)
		}
	}
	if latest := a.get(t, "/api/v1/datasets/431081-2024-final-three_public/releases/3/data.csv").Body.String(); latest == before["data.csv"] {
		t.Fatal("release 3 should hold the correction")
	}
}

func TestFileCache_ReleaseFilesServedFromDiskAfterTheFirstRequest(t *testing.T) {
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	dir := t.TempDir()
	cache, err := handlers.NewFileCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	a.cache = cache
	a.h = a.handler(t)
	publishedFixture(t, a)
	path := "/api/v1/datasets/431081-2024-final-three_public/releases/3/data.csv?bom=1"
	first := a.get(t, path)
	entries, _ := os.ReadDir(dir)
	if first.Code != 200 || len(entries) != 1 {
		t.Fatalf("first request: %d, %d cached files", first.Code, len(entries))
	}
	// Change the database behind the cache's back: the cached bytes must be what is served.
	if err := os.WriteFile(filepath.Join(dir, entries[0].Name()), append(first.Body.Bytes(), []byte("cached")...), 0o644); err != nil {
		t.Fatal(err)
	}
	second := a.get(t, path)
	if !strings.HasSuffix(second.Body.String(), "cached") || second.Header().Get("ETag") != first.Header().Get("ETag") ||
		second.Header().Get("Content-Type") != first.Header().Get("Content-Type") {
		t.Fatalf("not served from the cache: %q %v", second.Body.String()[max(0, second.Body.Len()-20):], second.Header())
	}
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Range", "bytes=0-2")
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	if w.Code != 206 || w.Body.String() != "\ufeff" {
		t.Fatalf("range: %d %q", w.Code, w.Body.String())
	}
	// Different options are different files.
	if plain := a.get(t, "/api/v1/datasets/431081-2024-final-three_public/releases/3/data.csv"); strings.HasPrefix(plain.Body.String(), "\ufeff") {
		t.Fatal("the BOM variant was served for the plain CSV")
	}
}

func TestThreePublicFeed_SortsWithKeysetPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		publishedFixture(t, a)
		up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "three_public_bom.csv", nil, ""))
		a.publish(t, up.Filings[0].ID, "")
		order := func(sort string) []string {
			var got []string
			next := "/api/v1/three-public?region=431081&limit=1&sort=" + sort
			for next != "" && len(got) < 10 {
				p := decode[feedPage](t, a.get(t, next))
				for _, r := range p.Data {
					got = append(got, fmt.Sprintf("%v/%v/%v", r["dept_code"], r["fiscal_year"], r["total_yuan"]))
				}
				next = ""
				if p.Next != nil {
					next = strings.TrimPrefix(*p.Next, "http://example.com")
				}
			}
			return got
		}
		// Three rows: 001/2024 (120000.00), 002/2024 (10205000.00), 001/2025 (123500.00).
		if got := strings.Join(order("-total"), " "); got != "002/2024/1.0205e+07 001/2025/123500 001/2024/120000" {
			t.Fatalf("-total: %s", got)
		}
		if got := strings.Join(order("dept_code"), " "); !strings.HasPrefix(got, "001/") || !strings.HasSuffix(got, " 002/2024/1.0205e+07") {
			t.Fatalf("dept_code: %s", got)
		}
		if got := strings.Join(order("-fiscal_year"), " "); !strings.HasPrefix(got, "001/2025/") {
			t.Fatalf("-fiscal_year: %s", got)
		}
		if w := a.get(t, "/api/v1/three-public?sort=name"); w.Code != 422 {
			t.Fatalf("bad sort: %d", w.Code)
		}
		// The line items have no sort: the parameter is unknown there.
		if w := a.get(t, "/api/v1/line-items?sort=total"); w.Code != 400 || !strings.Contains(w.Body.String(), "“sort”") {
			t.Fatalf("line items sort: %d %s", w.Code, w.Body)
		}
	})
}
