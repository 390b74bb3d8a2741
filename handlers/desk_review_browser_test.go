package handlers_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/models"
	"sunshine/store/storetest"
)

// boxInk measures, in the browser, every figure box of the review view
// against the page image under it: the image is drawn on a canvas at its
// natural size, each box (where layout put it, scaled to the image's pixels)
// is read there. ink is the share of the box's pixels that are dark (printed);
// cover is the share of the dark pixels near the box — the box grown by half
// its height each way, less the table's rules (a column or row of the band
// dark over most of it) — that lie inside it: the box covers the printed
// figure. The controls are the box of the figure with anchor ctl moved left
// by one and a half of its widths, within the same cell (no print under it),
// and that box's right half alone (which covers only part of the figure).
const boxInkJS = `(async (ctl) => {
	const img = document.getElementById("page-image");
	await img.decode();
	const c = document.createElement("canvas");
	c.width = img.naturalWidth; c.height = img.naturalHeight;
	const g = c.getContext("2d");
	g.drawImage(img, 0, 0);
	const px = g.getImageData(0, 0, c.width, c.height).data;
	const dark = (x, y) => { const i = (y * c.width + x) * 4; return 0.299*px[i] + 0.587*px[i+1] + 0.114*px[i+2] < 128; };
	const ir = img.getBoundingClientRect();
	const sx = img.naturalWidth / ir.width, sy = img.naturalHeight / ir.height;
	const clampX = v => Math.max(0, Math.min(c.width, Math.round(v)));
	const clampY = v => Math.max(0, Math.min(c.height, Math.round(v)));
	function measure(x0, y0, x1, y1) {
		const h = y1 - y0;
		const bx0 = clampX(x0 - h/2), bx1 = clampX(x1 + h/2), by0 = clampY(y0 - h/2), by1 = clampY(y1 + h/2);
		const cols = new Set(), rows = new Set();
		// A rule is a column (row) of the band with a dark run over 60% of the band's height (width):
		// a printed figure is never that tall or wide; a rule may end at the table's edge within the band.
		const run = (n, at) => { let best = 0, cur = 0; for (let i = 0; i < n; i++) { cur = at(i) ? cur + 1 : 0; best = Math.max(best, cur); } return best; };
		for (let x = bx0; x < bx1; x++) if (run(by1 - by0, i => dark(x, by0 + i)) >= 0.6*(by1 - by0)) cols.add(x);
		for (let y = by0; y < by1; y++) if (run(bx1 - bx0, i => dark(bx0 + i, y)) >= 0.6*(bx1 - bx0)) rows.add(y);
		let inside = 0, near = 0, area = 0;
		const ix0 = clampX(x0), ix1 = clampX(x1), iy0 = clampY(y0), iy1 = clampY(y1);
		for (let y = by0; y < by1; y++) for (let x = bx0; x < bx1; x++) {
			const inBox = x >= ix0 && x < ix1 && y >= iy0 && y < iy1;
			if (inBox) area++;
			if (cols.has(x) || rows.has(y) || !dark(x, y)) continue;
			near++;
			if (inBox) inside++;
		}
		return {ink: area ? inside/area : 0, cover: near ? inside/near : 0, dark: inside};
	}
	const out = {natural: img.naturalWidth, shown: ir.width, boxes: [], control: null, half: null};
	for (const r of document.querySelectorAll("rect.mark")) {
		const b = r.getBoundingClientRect();
		const x0 = (b.left - ir.left)*sx, y0 = (b.top - ir.top)*sy, x1 = (b.right - ir.left)*sx, y1 = (b.bottom - ir.top)*sy;
		const anchor = r.parentElement.getAttribute("href").slice(1);
		const m = measure(x0, y0, x1, y1);
		m.anchor = anchor; m.w = x1 - x0; m.h = y1 - y0;
		out.boxes.push(m);
		if (anchor === ctl) {
			const d = 1.5*(x1 - x0);
			out.control = measure(x0 - d, y0, x1 - d, y1);
			out.half = measure((x0 + x1)/2, y0, x1, y1);
		}
	}
	return out;
})`

type boxMeasure struct {
	Anchor string  `json:"anchor"`
	Ink    float64 `json:"ink"`
	Cover  float64 `json:"cover"`
	Dark   int     `json:"dark"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
}

type boxInk struct {
	Natural float64      `json:"natural"`
	Shown   float64      `json:"shown"`
	Boxes   []boxMeasure `json:"boxes"`
	Control *boxMeasure  `json:"control"`
	Half    *boxMeasure  `json:"half"`
}

// The review view in a real browser: a clerk of 上海市普陀区财政局 uploads the
// bureau's published 2025 budget PDF through the desk, opens the review view:
// the page image loads, and every figure's box lies over the printed figure
// (its pixels dark, the ink near it inside it) where a box moved off it finds
// none; the clerk corrects 机关运行经费 through its form (stored, rechecked,
// said at the figure) and marks the page as checked.
func TestBrowser_DeskReviewPDFCorrectAndConfirm(t *testing.T) {
	longRun(t)
	pdfgridtest.NeedPoppler(t)
	t.Parallel()
	s := storetest.SQLite(t)
	w := newWebSite(t, s)
	srv := httptest.NewServer(w.h)
	t.Cleanup(srv.Close)
	secret := makeToken(t, s, models.Token{Name: "普陀财政局上传员", Role: models.RoleUploader, RegionCode: "310107", Depts: []string{"CZJ"}})
	pdf, err := filepath.Abs("../testdata/pdf/2025-budget-shanghai-putuo-finance-bureau.pdf")
	if err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, srv)
	deskSignIn(t, b, srv.URL, secret)
	b.click(`form[action="/desk/login"] button[type=submit]`)
	b.do("choose the PDF", chromedp.SetUploadFiles(chromedp.CSS(`form[action="/desk/upload"] input[type=file]`), []string{pdf}))
	b.click(`form[action="/desk/upload"] button.primary`)
	var href string
	b.eval(`(document.querySelector('main a[href^="/desk/filings/"]') || {}).href || ""`, &href)
	m := regexp.MustCompile(`/desk/filings/(\d+)$`).FindStringSubmatch(href)
	if m == nil {
		t.Fatalf("no draft linked from the upload's result: %q\n%s", href, b.text("main"))
	}
	id := m[1]
	b.open(srv.URL + "/desk/filings/" + id)
	b.click(`a[href="/desk/filings/` + id + `/review"]`)
	var pages []string
	b.eval(`[...document.querySelectorAll(".review-pages a, .review-pages strong")].map(e => e.innerText)`, &pages)
	if len(pages) < 10 {
		t.Fatalf("pages with figures: %v", pages)
	}
	b.click(`.review-pages a[href$="&page=21"]`)

	// The image loaded, and the boxes lie over the printed figures.
	cost := ""
	b.eval(`(document.querySelector('tr[id^="fig-operating_cost-"]') || {}).id || ""`, &cost)
	if cost == "" {
		t.Fatalf("page 21 lists no 机关运行经费: %s", b.text(".review-figures"))
	}
	var ink boxInk
	b.eval(boxInkJS+`(`+jsString(cost)+`)`, &ink)
	t.Logf("page 21: image %v px wide, shown %.0f px; 机关运行经费's box moved off it: %+v; its right half: %+v", ink.Natural, ink.Shown, ink.Control, ink.Half)
	if ink.Natural <= 0 {
		t.Fatalf("the page image did not load: naturalWidth %v", ink.Natural)
	}
	checkBoxes := func(page string, ink boxInk) {
		t.Helper()
		if len(ink.Boxes) == 0 {
			t.Fatalf("page %s: no boxes", page)
		}
		minInk, minCover := 1.0, 1.0
		for _, bx := range ink.Boxes {
			minInk, minCover = min(minInk, bx.Ink), min(minCover, bx.Cover)
			if bx.Ink < 0.05 || bx.Cover < 0.9 {
				t.Errorf("page %s: the box of %s does not cover its printed figure: %+v", page, bx.Anchor, bx)
			}
		}
		t.Logf("page %s: %d boxes; least ink inside a box %.1f%% of its pixels, least cover %.1f%% of the ink near it", page,
			len(ink.Boxes), 100*minInk, 100*minCover)
	}
	checkBoxes("21", ink)
	if ink.Control == nil || ink.Control.Dark != 0 {
		t.Errorf("the control box, moved off the figure, lies over print: %+v", ink.Control)
	}
	if ink.Half == nil || ink.Half.Cover > 0.8 {
		t.Errorf("half the box covers the figure: %+v", ink.Half)
	}

	// Correct 229.43 → 229.34 through the figure's form.
	input := `tr[id="` + cost + `"] input[name=amount]`
	b.do("type the corrected figure", chromedp.Clear(chromedp.CSS(input)), chromedp.SendKeys(chromedp.CSS(input), "229.34"))
	b.click(`tr[id="` + cost + `"] button[type=submit]`)
	if msg := b.text(".alert-ok"); !strings.Contains(msg, "已更正：机关运行经费 合计 · 金额（第 21 页），由 229.43 万元 改为 229.34 万元；检查结果：") {
		t.Errorf("the flash after the correction: %q", msg)
	}
	var at struct {
		Hash   string `json:"hash"`
		Target bool   `json:"target"`
		Value  string `json:"value"`
	}
	b.eval(`({hash: location.hash, target: !!document.querySelector("tr:target#`+cost+`"), value: document.querySelector('`+input+`').value})`, &at)
	if at.Hash != "#"+cost || !at.Target || at.Value != "229.34" {
		t.Errorf("back at the figure: %+v", at)
	}
	b.screenshot("10-desk-review-pdf-corrected.png")
	items, err := s.LineItems(context.Background(), mustID(t, id))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Table == models.TableOperatingCost && it.Amount != models.Disclosed(229_340_000) {
			t.Errorf("stored 机关运行经费: %+v", it.Amount)
		}
	}

	// The page checked.
	b.click(`form[action="/desk/filings/` + id + `/confirm"] button`)
	if nav := b.text(".review-pages"); !strings.Contains(nav, "21（3，已核对 · 普陀财政局上传员）") {
		t.Errorf("the page list after confirming: %q", nav)
	}
	if msg := b.text(".alert-ok"); msg != "已记录：第 21 页已核对。" {
		t.Errorf("the flash after confirming: %q", msg)
	}
	b.screenshot("11-desk-review-pdf-checked.png")

	// A page dense with figures: every box over its figure.
	b.click(`.review-pages a[href$="&page=12"]`)
	ink = boxInk{}
	b.eval(boxInkJS+`("")`, &ink)
	checkBoxes("12", ink)
	b.assertClean()
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string { return fmt.Sprintf("%q", s) }
