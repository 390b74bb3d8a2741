package handlers_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sunshine/store"
	"sunshine/store/storetest"
)

// The site search finds published regions, departments and datasets by name
// and code, links each to its page, and never shows a draft's name.
func TestSearch_PageFindsPublishedNamesNeverDrafts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		publishedFixture(t, a)
		if w := a.upload(t, a.admin, "草稿.csv", []byte(draftNames), ""); w.Code != 201 {
			t.Fatalf("draft upload: %d %s", w.Code, w.Body)
		}
		search := func(q string) string {
			t.Helper()
			w := a.get(t, "/search?q="+url.QueryEscape(q))
			if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
				t.Fatalf("search %q: %d %s", q, w.Code, w.Body)
			}
			assertSelfContained(t, "/search?q="+q, w, "example.com")
			// The page repeats the query (in the box, the title, the "nothing found" line): that is no leak.
			body := w.Body.String()
			for _, echo := range []string{`value="` + q + `"`, "“" + q + "”", "<title>搜索：" + q} {
				body = strings.ReplaceAll(body, echo, "")
			}
			for _, n := range []string{"草稿改名", "仅草稿", "departments/096", "110101"} {
				if strings.Contains(body, n) {
					t.Errorf("search %q shows a draft's %q", q, n)
				}
			}
			return w.Body.String()
		}
		// Every result is a link to its page.
		body := search("财政")
		for _, want := range []string{`<a href="/regions/431081/departments/001">资兴市财政局</a>`, `资兴市（演示）（431081）`} {
			if !strings.Contains(body, want) {
				t.Errorf("search 财政: no %s in %s", want, body)
			}
		}
		if strings.Contains(body, "资兴市教育局") {
			t.Errorf("search 财政 finds the 教育局")
		}
		body = search("资兴 2024")
		for _, want := range []string{`<a href="/datasets/431081-2024-final-three_public">资兴市（演示） 2024 年决算 三公经费</a>`,
			`431081-2024-final-three_public`, `/api/v1/datasets/431081-2024-final-three_public/releases/3/data.csv?bom=1`} {
			if !strings.Contains(body, want) {
				t.Errorf("search 资兴 2024: no %s in %s", want, body)
			}
		}
		body = search("431081")
		if !strings.Contains(body, `<a href="/regions/431081/2024">资兴市（演示）</a>`) {
			t.Errorf("search 431081: no region link in %s", body)
		}
		// Drafts' names, a draft-only department's code, and LIKE's wildcards find nothing.
		for _, q := range []string{"草稿", "仅草稿秘密部门", "096", "110101", "%", "资_市", "仅草稿区"} {
			if body := search(q); !strings.Contains(body, "没有找到") {
				t.Errorf("search %q found something: %s", q, body)
			}
		}
		// The form alone, and the box on every page, working without JavaScript (a GET form).
		if body := search(""); !strings.Contains(body, `<form method="get" action="/search"`) || strings.Contains(body, "没有找到") {
			t.Errorf("the empty search page: %s", body)
		}
		for _, p := range []string{"/", "/datasets", "/regions/431081/2024", "/regions/431081/departments/001"} {
			w := a.get(t, p)
			if !regexp.MustCompile(`<form class="sitesearch" method="get" action="/search" role="search">\s*<label for="site-q"[^>]*>[^<]+</label>\s*<input id="site-q" type="search" name="q"`).MatchString(w.Body.String()) {
				t.Errorf("%s has no search box: %.2000s", p, w.Body)
			}
		}
		// A query longer than 50 characters is cut, and the page says so.
		if body := search(strings.Repeat("财", 60)); !strings.Contains(body, "只按前 50 个字查找") {
			t.Errorf("a long query: %s", body)
		}
	})
}

// A page of a feed too large for one write buffer (64 KiB) still names its
// next page in a Link header, and following it continues exactly where the
// page ended.
func TestFeeds_LargePageHasLinkNext(t *testing.T) {
	w := newWebSite(t, storetest.SQLite(t))
	loadDemo(t, w)
	type page struct {
		Data []json.RawMessage `json:"data"`
		Next *string           `json:"next"`
	}
	get := func(p string) (page, string, int) {
		t.Helper()
		rec := w.get(t, p)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", p, rec.Code, rec.Body)
		}
		var pg page
		if err := json.Unmarshal(rec.Body.Bytes(), &pg); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return pg, rec.Header().Get("Link"), rec.Body.Len()
	}
	for _, feed := range []string{"/api/v1/line-items?limit=1500", "/api/v1/three-public?limit=300"} {
		p1, link, size := get(feed)
		if size <= 64<<10 || p1.Next == nil {
			t.Fatalf("%s: %d bytes, next %v: the page should outgrow 64 KiB and have a next page", feed, size, p1.Next)
		}
		if want := "<" + *p1.Next + `>; rel="next"`; link != want {
			t.Errorf("%s (%d bytes): Link %q, want %q", feed, size, link, want)
		}
		p2, _, _ := get(strings.TrimPrefix(*p1.Next, "http://example.com"))
		whole, _, _ := get(strings.Replace(feed, "limit=", "limit=2", 1)) // 21500 / 2300: both pages at once
		if len(whole.Data) < len(p1.Data)+len(p2.Data) {
			t.Fatalf("%s: %d rows in one page, %d+%d in two", feed, len(whole.Data), len(p1.Data), len(p2.Data))
		}
		for i, r := range append(p1.Data, p2.Data...) {
			if string(r) != string(whole.Data[i]) {
				t.Fatalf("%s: row %d of two pages is %s, of one page %s", feed, i, r, whole.Data[i])
			}
		}
		t.Logf("%s: %d rows, %d bytes, Link %s", feed, len(p1.Data), size, link)
	}
}
