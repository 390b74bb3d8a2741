package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The search box in a real browser with scripts switched off: typed into on
// the home page, it leads to the results, and a result to its page.
func TestBrowser_SearchBoxWithoutJavaScript(t *testing.T) {
	longRun(t)
	t.Parallel() // self-contained (its own database, server and browser): runs beside the other slow tests
	d := newDemoSite(t)
	b := startBrowser(t, d.srv)
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.open(d.srv.URL + "/")
	b.do("type a query", chromedp.SendKeys(chromedp.ID("site-q"), "财政局"))
	b.click(`form.sitesearch button[type=submit]`)
	if loc := b.location(); loc.Path != "/search" || loc.Query().Get("q") != "财政局" {
		t.Fatalf("the search box led to %s", loc)
	}
	if h, res := b.text("h1"), b.text("main"); h != "搜索" || !strings.Contains(res, "部门（1）") || !strings.Contains(res, "阳光市财政局") {
		t.Fatalf("results: %q %q", h, res)
	}
	b.screenshot("search-results.png")
	b.click(`ul.results a`)
	if loc := b.location(); loc.Path != "/regions/990101/departments/004" || !strings.Contains(b.text("h1"), "阳光市财政局") {
		t.Fatalf("the result led to %s: %q", loc, b.text("h1"))
	}
	// A dataset: by region name and year, to its own page.
	b.open(d.srv.URL + "/search?q=" + "阳光%202024%20three_public")
	if res := b.text("main"); !strings.Contains(res, "数据集（2）") || strings.Contains(res, "部门（") {
		t.Fatalf("datasets: %q", res)
	}
	b.click(`ul.results a`)
	if loc := b.location(); !strings.HasPrefix(loc.Path, "/datasets/990101-2024-") {
		t.Fatalf("the dataset result led to %s", loc)
	}
	b.assertClean()
}
