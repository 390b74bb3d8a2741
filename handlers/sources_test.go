package handlers_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/store/storetest"
)

// A PDF's figures link to their pages of the PDF kept as the upload's
// original: the filing JSON lists each figure's page and the link; the PDF
// is the uploaded bytes, to a token that may see the draft until a version
// citing it is published, then to everyone, cached for good.
func TestSources_FilingJSONLinksEveryFigureToItsPageOfTheKeptPDF(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	up := a.putuoPDF(t, "2025-budget-shanghai-putuo-finance-bureau.pdf")
	if up.Report.Stats.Errors != 0 || len(up.Filings) != 1 {
		t.Fatalf("upload: %+v", up.Report)
	}
	id := strconv.FormatInt(up.Filings[0].ID, 10)
	sha := up.Upload.SHA256

	ans := decode[struct {
		LineItems []struct {
			Table, Code, Column string
			Amount              *float64 `json:"amount_yuan"`
		} `json:"line_items"`
		Sources []struct {
			Table, Code, Column, SHA256, URL string
			Page                             int
		} `json:"sources"`
	}](t, a.send(t, "GET", "/api/v1/filings/"+id, a.admin, ""))
	link := regexp.MustCompile(`^/api/v1/sources/[0-9a-f]{64}/source\.pdf#page=(\d+)$`)
	bySource := map[string]int{}
	for _, src := range ans.Sources {
		m := link.FindStringSubmatch(src.URL)
		if m == nil || m[1] != strconv.Itoa(src.Page) || src.SHA256 != sha || !strings.Contains(src.URL, sha) {
			t.Fatalf("source %+v", src)
		}
		bySource[src.Table+"/"+src.Code+"/"+src.Column] = src.Page
	}
	figures := 0
	for _, it := range ans.LineItems {
		if it.Amount != nil {
			figures++
			if bySource[it.Table+"/"+it.Code+"/"+it.Column] == 0 {
				t.Errorf("no page for %s/%s/%s", it.Table, it.Code, it.Column)
			}
		}
	}
	// 表1 部门财务收支预算总表 is page 9; the 三公 table page 21.
	if bySource["summary/income_total/amount"] != 9 || bySource["three_public//total"] != 21 {
		t.Errorf("pages: summary %d, 三公 %d", bySource["summary/income_total/amount"], bySource["three_public//total"])
	}
	t.Logf("%d figures, %d sources", figures, len(ans.Sources))
	if figures != 238 || len(ans.Sources) != figures+2 {
		t.Errorf("%d figures and %d sources, want 238 and 240 (the two 三公 amounts)", figures, len(ans.Sources))
	}

	want, _ := os.ReadFile(filepath.Join("..", "testdata", "pdf", "2025-budget-shanghai-putuo-finance-bureau.pdf"))
	path := "/api/v1/sources/" + sha + "/source.pdf"
	if w := a.send(t, "GET", path, "", ""); w.Code != http.StatusUnauthorized {
		t.Errorf("a draft's PDF without a token: %d", w.Code)
	}
	if w := a.send(t, "GET", path, a.zixing, ""); w.Code != http.StatusNotFound {
		t.Errorf("a draft's PDF to another region's token: %d", w.Code)
	}
	w := a.send(t, "GET", path, a.admin, "")
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), want) || w.Header().Get("Content-Type") != "application/pdf" ||
		!strings.Contains(w.Header().Get("Cache-Control"), "no-store") {
		t.Fatalf("a draft's PDF to the admin: %d %q %q, %d bytes", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Cache-Control"), w.Body.Len())
	}
	a.publish(t, up.Filings[0].ID, "")
	w = a.send(t, "GET", path, "", "")
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), want) || !strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
		t.Fatalf("the published PDF: %d %q", w.Code, w.Header().Get("Cache-Control"))
	}
	if w := a.req(t, "GET", path, map[string]string{"If-None-Match": w.Header().Get("ETag")}); w.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d", w.Code)
	}
	// A PDF viewer asks for ranges: the bytes asked for, 206.
	if w := a.req(t, "GET", path, map[string]string{"Range": "bytes=1000-1999"}); w.Code != http.StatusPartialContent ||
		!bytes.Equal(w.Body.Bytes(), want[1000:2000]) || w.Header().Get("Content-Range") != fmt.Sprintf("bytes 1000-1999/%d", len(want)) {
		t.Errorf("a range: %d %q, %d bytes", w.Code, w.Header().Get("Content-Range"), w.Body.Len())
	}
	// The open-data rows carry the page: source_page, empty for figures from a workbook or CSV.
	feed := a.get(t, "/api/v1/line-items.csv?region=310107")
	rows, err := csv.NewReader(feed.Body).ReadAll()
	if err != nil || len(rows) != figures+1 || rows[0][len(rows[0])-1] != "source_page" {
		t.Fatalf("line-item feed: %v, %d rows, header %v", err, len(rows), rows[0])
	}
	for _, r := range rows[1:] {
		key := r[9] + "/" + r[10] + "/" + r[12]
		if r[len(r)-1] != strconv.Itoa(bySource[key]) {
			t.Errorf("%s: source_page %q, the figure is on page %d", key, r[len(r)-1], bySource[key])
		}
	}
	tp, err := csv.NewReader(a.get(t, "/api/v1/three-public.csv?region=310107").Body).ReadAll()
	if err != nil || len(tp) != 2 || tp[0][len(tp[0])-1] != "source_page" || tp[1][len(tp[1])-1] != "21" {
		t.Errorf("三公 feed: %v %v", err, tp)
	}
	// The version's public page links each figure to its page of the PDF.
	page := a.get(t, "/regions/310107/departments/CZJ/2025/budget/v1")
	body := page.Body.String()
	if page.Code != 200 {
		t.Fatalf("filing page: %d", page.Code)
	}
	if n := strings.Count(body, `class="source" href="`+path+`#page=`); n != figures+2 {
		t.Errorf("%d figures of the page link to the PDF, want %d", n, figures+2)
	}
	for _, want := range []string{path + `#page=21" title="在公开的 PDF 原件中打开这个数字所在的页">原件第 21 页</a>`,
		path + `#page=9"`} {
		if !strings.Contains(body, want) {
			t.Errorf("filing page lacks %s", want)
		}
	}
	for _, bad := range []string{strings.Repeat("0", 64), "ABC", strings.ToUpper(sha)} {
		if w := a.send(t, "GET", "/api/v1/sources/"+bad+"/source.pdf", a.admin, ""); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d", bad, w.Code)
		}
	}
}

// The desk's review view shows a page of the PDF, rendered, with a box over
// each figure read from it, beside those figures as stored.
func TestDesk_ReviewShowsThePageImageBesideItsFigures(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	s := storetest.SQLite(t)
	a := newAPI(t, s)
	site := newWebSite(t, s)
	id := strconv.FormatInt(a.putuoPDF(t, "2025-budget-shanghai-putuo-finance-bureau.pdf").Filings[0].ID, 10)

	b := newBrowser(t, site.h)
	b.login(a.admin)
	rec := b.get("/desk/filings/" + id + "/review?page=21")
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("review: %d %s", rec.Code, body)
	}
	assertSelfContained(t, "/desk/filings/"+id+"/review", rec, "example.com")
	// Page 21 holds the 三公 table (合计 0.95, 公务接待费 0.95) and the 机关运行经费 229.43.
	for _, want := range []string{`<svg viewBox="0 0 841.9 595.3"`, `/desk/filings/` + id + `/pages/21.png?sha=`,
		"公务接待费", "0.95", "229.43", "#page=21", `<rect class="mark"`} {
		if !strings.Contains(body, want) {
			t.Errorf("review page lacks %q", want)
		}
	}
	if n := strings.Count(body, `<rect class="mark"`); n != 3 {
		t.Errorf("%d boxes on page 21, want 3 (合计, 公务接待费, 机关运行经费)", n)
	}
	img := regexp.MustCompile(`href="(/desk/filings/\d+/pages/21\.png\?sha=[0-9a-f]{64})"`).FindStringSubmatch(body)
	if img == nil {
		t.Fatal("no page image")
	}
	rec = b.get(strings.ReplaceAll(img[1], "&amp;", "&"))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("page image: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	pic, err := png.Decode(rec.Body)
	if err != nil || pic.Bounds().Dx() < 1600 || pic.Bounds().Dx() > 1700 {
		t.Fatalf("page image: %v %v", err, pic.Bounds())
	}
	// A page with no figure of the filing is not rendered; nor for another region's token.
	if rec := b.get("/desk/filings/" + id + "/pages/1.png"); rec.Code != 404 {
		t.Errorf("a page with no figure: %d", rec.Code)
	}
	other := newBrowser(t, site.h)
	other.login(a.zixing)
	if rec := other.get("/desk/filings/" + id + "/review"); rec.Code != 404 {
		t.Errorf("another region's draft: %d", rec.Code)
	}
	if rec := other.get(strings.ReplaceAll(img[1], "&amp;", "&")); rec.Code != 404 {
		t.Errorf("another region's page image: %d", rec.Code)
	}
}
