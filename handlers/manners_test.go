package handlers_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sunshine/exports"
	"sunshine/handlers"
	"sunshine/models"
	"sunshine/store/storetest"
)

func (a *api) req(t *testing.T, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, r)
	return w
}

// The answers computed from published data, each as a harvester or a portal asks for it.
var conditionalPaths = []string{
	"/api/v1/three-public?region=431081",
	"/api/v1/three-public.csv?region=431081&headers=zh",
	"/api/v1/line-items?region=431081",
	"/api/v1/line-items.csv",
	"/api/v1/datasets",
	"/api/v1/datasets/431081-2024-final-three_public",
	"/api/v1/datasets/431081-2024-final-three_public/diff?from=1&to=3",
	"/api/v1/changes",
	"/feeds/changes.atom",
	"/catalog.jsonld",
	"/data.json",
	"/api/v1/charts/three-public/ranking?region=431081&year=2024&phase=final",
	"/api/v1/charts/three-public/ranking.svg?region=431081&year=2024&phase=final",
	"/api/v1/charts/three-public/ranking.csv?region=431081&year=2024&phase=final",
	"/embed/three-public/ranking?region=431081&year=2024&phase=final",
}

// Strong ETags and Last-Modified on every answer computed from published
// data; If-None-Match compared weakly; a new release changes the tag.
func TestConditional_StrongETagsFromTheReleasesRead(t *testing.T) {
	a := newAPI(t, storetest.SQLite(t))
	publishedFixture(t, a)
	tags := map[string]string{}
	for _, p := range conditionalPaths {
		w := a.get(t, p)
		etag, lm := w.Header().Get("ETag"), w.Header().Get("Last-Modified")
		if w.Code != 200 || !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 10 {
			t.Fatalf("%s: %d, ETag %q", p, w.Code, etag)
		}
		if _, err := http.ParseTime(lm); err != nil {
			t.Errorf("%s: Last-Modified %q", p, lm)
		}
		tags[p] = etag
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag} {
			if w := a.req(t, "GET", p, map[string]string{"If-None-Match": inm}); w.Code != 304 || w.Body.Len() != 0 || w.Header().Get("ETag") != etag {
				t.Errorf("%s If-None-Match %s: %d %q", p, inm, w.Code, w.Body.String())
			}
		}
		if w := a.req(t, "GET", p, map[string]string{"If-None-Match": `"other"`}); w.Code != 200 {
			t.Errorf("%s with another tag: %d", p, w.Code)
		}
		if w := a.req(t, "GET", p, map[string]string{"If-Modified-Since": lm}); w.Code != 304 {
			t.Errorf("%s If-Modified-Since its Last-Modified: %d", p, w.Code)
		}
	}
	if tags[conditionalPaths[0]] == tags[conditionalPaths[1]] {
		t.Error("two answers share an ETag")
	}
	// An error answer carries no tag.
	if w := a.get(t, "/api/v1/three-public?year=x"); w.Code == 200 || w.Header().Get("ETag") != "" {
		t.Errorf("error answer: %d, ETag %q", w.Code, w.Header().Get("ETag"))
	}
	// A new release (a withdrawal) changes every tag, so caches fetch afresh.
	time.Sleep(1100 * time.Millisecond) // Last-Modified has whole seconds
	up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "three_public_bom.csv", nil, ""))
	a.publish(t, up.Filings[0].ID, "")
	for _, p := range []string{"/api/v1/three-public?region=431081", "/api/v1/datasets", "/catalog.jsonld", "/feeds/changes.atom"} {
		w := a.req(t, "GET", p, map[string]string{"If-None-Match": tags[p]})
		if w.Code != 200 || w.Header().Get("ETag") == tags[p] {
			t.Errorf("%s after a new release: %d, ETag %s", p, w.Code, w.Header().Get("ETag"))
		}
	}
}

// HEAD answers every GET route as GET would, without a body.
func TestHead_EveryGETRoute(t *testing.T) {
	a := newAPI(t, storetest.SQLite(t))
	publishedFixture(t, a)
	paths := append([]string{"/healthz", "/openapi.json", "/api/v1/rules", "/api/v1/datasets/431081-2024-final-three_public/releases/3/data.csv",
		"/api/v1/bulk/431081-2024.zip", "/", "/datasets", "/changes", "/rules"}, conditionalPaths...)
	for _, p := range paths {
		g, h := a.get(t, p), a.req(t, "HEAD", p, nil)
		if g.Code != 200 || h.Code != 200 || h.Body.Len() != 0 || h.Header().Get("Content-Type") != g.Header().Get("Content-Type") ||
			h.Header().Get("ETag") != g.Header().Get("ETag") {
			t.Errorf("HEAD %s: %d (GET %d), %d bytes, %q vs %q", p, h.Code, g.Code, h.Body.Len(), h.Header().Get("Content-Type"), g.Header().Get("Content-Type"))
		}
	}
	// Every GET route of the router is covered by the same rule: HEAD is the GET without its body.
	for _, r := range handlers.RoutesForTest(a.deps) {
		if r.Method == "GET" && !strings.Contains(r.Path, ":") && !strings.Contains(r.Path, "*") {
			g, h := a.get(t, r.Path), a.req(t, "HEAD", r.Path, nil)
			if h.Code != g.Code || h.Body.Len() != 0 {
				t.Errorf("HEAD %s: %d, GET %d; %d bytes", r.Path, h.Code, g.Code, h.Body.Len())
			}
		}
	}
}

// A preflight is answered 204 with the CORS headers; the answers expose what scripts read.
func TestCORS_PreflightAndExposedHeaders(t *testing.T) {
	a := newAPI(t, storetest.SQLite(t))
	publishedFixture(t, a)
	for _, p := range conditionalPaths {
		w := a.req(t, "OPTIONS", p, map[string]string{"Origin": "https://portal.example", "Access-Control-Request-Method": "GET",
			"Access-Control-Request-Headers": "if-none-match"})
		h := w.Header()
		if w.Code != 204 || h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "GET") ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "If-None-Match") || h.Get("Access-Control-Max-Age") == "" {
			t.Errorf("OPTIONS %s: %d %v", p, w.Code, h)
		}
	}
	w := a.get(t, "/api/v1/three-public")
	for _, name := range []string{"ETag", "Link", "RateLimit", "RateLimit-Policy", "Retry-After", "Last-Modified"} {
		if !strings.Contains(w.Header().Get("Access-Control-Expose-Headers"), name) {
			t.Errorf("%s is not exposed: %q", name, w.Header().Get("Access-Control-Expose-Headers"))
		}
	}
	// The desk is not open data: no preflight there.
	if w := a.req(t, "OPTIONS", "/desk", nil); w.Code == 204 {
		t.Errorf("OPTIONS /desk: %d", w.Code)
	}
}

// Paging says its next page in a Link header; a data file links its datapackage.json.
func TestLink_NextAndDescribedBy(t *testing.T) {
	a := newAPI(t, storetest.SQLite(t))
	publishedFixture(t, a)
	up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "three_public_bom.csv", nil, ""))
	a.publish(t, up.Filings[0].ID, "")
	for _, p := range []string{"/api/v1/datasets?limit=1", "/api/v1/changes?limit=1", "/api/v1/three-public?limit=1"} {
		w := a.get(t, p)
		var body struct {
			Next *string `json:"next"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Next == nil {
			t.Fatalf("%s: %v %s", p, err, w.Body)
		}
		if want := "<" + *body.Next + `>; rel="next"`; w.Header().Get("Link") != want {
			t.Errorf("%s: Link %q, want %q", p, w.Header().Get("Link"), want)
		}
	}
	w := a.get(t, "/api/v1/datasets/431081-2024-final-three_public/releases/3/data.csv")
	if want := `<http://example.com/api/v1/datasets/431081-2024-final-three_public/releases/3/datapackage.json>; rel="describedby"; type="application/json"`; w.Header().Get("Link") != want {
		t.Errorf("describedby: %q", w.Header().Get("Link"))
	}
}

// A parameter a route does not read is refused, naming it and the allowed ones.
func TestParams_UnknownAreRefusedEverywhere(t *testing.T) {
	a := newAPI(t, storetest.SQLite(t))
	publishedFixture(t, a)
	for _, p := range append(conditionalPaths, "/api/v1/datasets/431081-2024-final-three_public/releases/3/data.csv") {
		if strings.HasPrefix(p, "/embed/") {
			continue // the embed page reads what its chart reads, checked there
		}
		sep := "?"
		if strings.Contains(p, "?") {
			sep = "&"
		}
		w := a.get(t, p+sep+"regoin=431081")
		var body handlers.ErrorBody
		if w.Code != 400 || json.Unmarshal(w.Body.Bytes(), &body) != nil || !strings.Contains(body.Error.Message, "“regoin”") {
			t.Errorf("%s&regoin: %d %s", p, w.Code, w.Body)
		}
		if !strings.Contains(body.Error.Message, "可用的参数为") && !strings.Contains(body.Error.Message, "不接受查询参数") {
			t.Errorf("%s: the message does not say what is allowed: %s", p, body.Error.Message)
		}
	}
}

// fields= picks and orders columns; group= with sum= adds amounts up per group, exactly, in JSON and CSV.
func TestFeeds_FieldsAndGroupedSums(t *testing.T) {
	a := newAPI(t, storetest.SQLite(t))
	publishedFixture(t, a)
	up := decode[handlers.UploadAnswer](t, a.upload(t, a.admin, "three_public_bom.csv", nil, ""))
	a.publish(t, up.Filings[0].ID, "")

	w := a.get(t, "/api/v1/three-public.csv?region=431081&fields=dept_code,total_wanyuan&unit=万元")
	recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if err != nil || len(recs) < 2 || strings.Join(recs[0], ",") != "dept_code,total_wanyuan" {
		t.Fatalf("fields CSV: %v %q", err, w.Body)
	}
	if w := a.get(t, "/api/v1/three-public?fields=dept_code,total"); w.Code != 422 || !strings.Contains(w.Body.String(), "total_yuan") {
		t.Errorf("a column that is not there: %d %s", w.Code, w.Body)
	}

	// The sums, computed here from every row of the feed.
	var rows struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(a.get(t, "/api/v1/three-public?region=431081&limit=10000").Body.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	want := map[string]models.Money{}
	count := map[string]int{}
	for _, r := range rows.Data {
		k := fmt.Sprintf("%v/%v", r["fiscal_year"], r["phase"])
		if v, ok := r["total_yuan"].(float64); ok {
			want[k] += models.Money(v*100 + 0.5)
		}
		count[k]++
	}
	var grouped struct {
		AmountUnit string           `json:"amount_unit"`
		Data       []map[string]any `json:"data"`
	}
	w = a.get(t, "/api/v1/three-public?region=431081&group=fiscal_year,phase&sum=total_yuan,trip_groups")
	if err := json.Unmarshal(w.Body.Bytes(), &grouped); err != nil || len(grouped.Data) != len(want) {
		t.Fatalf("grouped: %v %s", err, w.Body)
	}
	for _, g := range grouped.Data {
		k := fmt.Sprintf("%v/%v", g["fiscal_year"], g["phase"])
		got := models.Money(g["total_yuan"].(float64)*100 + 0.5)
		if got != want[k] || int(g["rows"].(float64)) != count[k] {
			t.Errorf("group %s: %v over %v rows, want %v over %d", k, got, g["rows"], want[k], count[k])
		}
	}
	w = a.get(t, "/api/v1/three-public.csv?region=431081&group=fiscal_year,phase&sum=total_wanyuan&unit=万元&headers=zh")
	recs, err = csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if err != nil || strings.Join(recs[0], ",") != "年度,阶段,合计（万元）,行数" || len(recs) != len(want)+1 {
		t.Fatalf("grouped CSV: %v %q", err, w.Body)
	}
	for _, r := range recs[1:] {
		m, err := models.ParseMoney(r[2], models.WanYuan)
		if n, _ := strconv.Atoi(r[3]); err != nil || m != want[r[0]+"/"+r[1]] || n != count[r[0]+"/"+r[1]] {
			t.Errorf("grouped CSV row %v: %v", r, err)
		}
	}
	for p, code := range map[string]int{
		"/api/v1/three-public?group=fiscal_year":                       422, // no sum
		"/api/v1/three-public?group=total_yuan&sum=total_yuan":         422, // grouping by an amount
		"/api/v1/three-public?group=dept_code&sum=dept_name":           422, // summing text
		"/api/v1/three-public?group=dept_code&sum=total_yuan&fields=x": 422,
		"/api/v1/three-public?group=dept_code&sum=total_yuan&limit=5":  422,
	} {
		if w := a.get(t, p); w.Code != code {
			t.Errorf("%s: %d %s", p, w.Code, w.Body)
		}
	}
}

var downloadLink = regexp.MustCompile(`<a href="([^"]+)" download="([^"]+)">`)

// The region-year and dataset pages offer every variant, each saved under a
// distinct Chinese name that the download's Content-Disposition (RFC 6266) gives too.
func TestDownloads_EveryVariantListedWithItsOwnName(t *testing.T) {
	a := newAPI(t, storetest.SQLite(t))
	publishedFixture(t, a)
	for _, page := range []string{"/regions/431081/2024", "/datasets?region=431081"} {
		w := a.get(t, page)
		links := downloadLink.FindAllStringSubmatch(w.Body.String(), -1)
		names := map[string]string{}
		for _, l := range links {
			href, name := html.UnescapeString(l[1]), html.UnescapeString(l[2])
			if prev, dup := names[name]; dup {
				t.Errorf("%s: %s and %s are both saved as %s", page, prev, href, name)
			}
			names[name] = href
			d := a.get(t, href)
			cd := d.Header().Get("Content-Disposition")
			_, params, err := mime.ParseMediaType(cd)
			if d.Code != 200 || err != nil || params["filename"] != name || !strings.Contains(cd, `filename="`) {
				t.Errorf("%s: %d, Content-Disposition %q (%v), want the name %s", href, d.Code, cd, err, name)
			}
			if ascii := regexp.MustCompile(`filename="([^"]*)"`).FindStringSubmatch(cd); ascii == nil || strings.ContainsFunc(ascii[1], func(r rune) bool { return r > 0x7e }) {
				t.Errorf("%s: no ASCII fallback in %q", href, cd)
			}
		}
		want := len(exports.DownloadVariants)
		if page == "/regions/431081/2024" {
			want++ // the bulk ZIP
		}
		if len(names) < want {
			t.Errorf("%s lists %d downloads, want at least %d", page, len(names), want)
		}
		for _, must := range []string{"万元", "中文列名", "英文列名", "GB18030", "UTF-8-BOM", ".xlsx", ".json", "数据包描述", "第3版", "决算", "三公经费", "2024年"} {
			found := false
			for n := range names {
				found = found || strings.Contains(n, must)
			}
			if !found {
				t.Errorf("%s: no download named with %s", page, must)
			}
		}
	}
}

// The filing JSON names the unit of its amounts as the exports do, and the source's unit as source_unit.
func TestFilingJSON_AmountsNameTheirUnit(t *testing.T) {
	a := newAPI(t, storetest.SQLite(t))
	publishedFixture(t, a)
	var f struct {
		ThreePublic map[string]json.RawMessage `json:"three_public"`
	}
	if err := json.Unmarshal(a.get(t, "/api/v1/filings/1").Body.Bytes(), &f); err != nil || f.ThreePublic == nil {
		t.Fatalf("filing: %v", err)
	}
	for _, k := range []string{"total", "reception", "unit", "amount"} {
		if _, bare := f.ThreePublic[k]; bare {
			t.Errorf("three_public has a bare %q", k)
		}
	}
	if string(f.ThreePublic["total_yuan"]) != "123500.00" || string(f.ThreePublic["source_unit"]) != `"万元"` {
		t.Errorf("three_public: total_yuan %s, source_unit %s", f.ThreePublic["total_yuan"], f.ThreePublic["source_unit"])
	}
}
