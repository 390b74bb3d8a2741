package handlers_test

import (
	"bytes"
	"html"
	"image"
	"image/png"
	"os"
	"regexp"
	"strings"
	"testing"

	"sunshine/charts"
	"sunshine/store/storetest"
	"sunshine/web"
)

// needPNG skips without rsvg-convert and a CJK font, except under CI, which installs them.
func needPNG(t *testing.T) {
	t.Helper()
	if web.PNGAvailable() {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but the chart PNGs cannot be drawn: apt-get install librsvg2-bin fonts-noto-cjk")
	}
	t.Skip("chart PNG test SKIPPED: rsvg-convert (librsvg2-bin) or a CJK font (fonts-noto-cjk) is missing")
}

// ink counts the pixels in r darker than #5a5a5a (the title is #333; the muted texts are lighter).
func ink(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr>>8 < 0x5a && cg>>8 < 0x5a && cb>>8 < 0x5a {
				n++
			}
		}
	}
	return n
}

func TestChartPNG_TheSVGDrawnWithItsCJKTitle(t *testing.T) {
	needPNG(t)
	w := newWebSite(t, storetest.SQLite(t))
	loadDemo(t, w)
	for _, c := range []struct {
		kind, query string
		width       int
	}{
		{"ranking", "region=990101&year=2024&phase=final&item=total&width=600", 600},
		{"trend", "region=990101&dept=011", 800},
		{"composition", "region=990101&year=2024&phase=final&width=320", 320},
		{"budget-vs-final", "region=990101&year=2024&width=1200", 1200},
	} {
		r := w.get(t, "/api/v1/charts/three-public/"+c.kind+".png?"+c.query)
		if r.Code != 200 || r.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("%s: %d %s %s", c.kind, r.Code, r.Header().Get("Content-Type"), r.Body)
		}
		img, err := png.Decode(bytes.NewReader(r.Body.Bytes()))
		if err != nil {
			t.Fatalf("%s: the PNG does not decode: %v", c.kind, err)
		}
		a, _ := charts.AspectOf(c.kind)
		if b := img.Bounds(); b.Dx() != c.width || b.Dy() != a.Height(c.width) {
			t.Errorf("%s: %d×%d, want %d×%d (aspect %s)", c.kind, b.Dx(), b.Dy(), c.width, a.Height(c.width), a)
		}
		// Not blank: the chart's colours and text cover a good part of it.
		b := img.Bounds()
		painted := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if cr, cg, cb, _ := img.At(x, y).RGBA(); cr>>8 < 0xf0 || cg>>8 < 0xf0 || cb>>8 < 0xf0 {
					painted++
				}
			}
		}
		if share := float64(painted) / float64(b.Dx()*b.Dy()); share < 0.02 {
			t.Errorf("%s: %.1f %% of the PNG is painted: blank?", c.kind, 100*share)
		}
		// The bold title's glyphs are where the SVG puts them: its first line is
		// at the top left (10 or 16 px in, some 20 px tall); the corner under the footer is blank.
		pad := 16
		if c.width < 480 {
			pad = 10
		}
		scale := 1.0
		if c.kind == "composition" && c.width > 560 {
			scale = float64(c.width) / 560
		}
		title := image.Rect(pad, pad, pad+int(200*scale), pad+int(22*scale))
		corner := image.Rect(b.Dx()-40, b.Dy()-6, b.Dx(), b.Dy())
		if n := ink(img, title); n < 150 {
			t.Errorf("%s: %d dark pixels where the title is, want 150 or more", c.kind, n)
		}
		if n := ink(img, corner); n != 0 {
			t.Errorf("%s: %d dark pixels in the bottom right corner", c.kind, n)
		}
	}
	if r := w.get(t, "/api/v1/charts/three-public/ranking.png?region=990101&year=2024&phase=final&width=2000"); r.Code != 422 {
		t.Errorf("a 2000 px PNG: %d", r.Code)
	}
}

var snippetRE = regexp.MustCompile(`<pre class="snippet"[^>]*><code>([^<]*)</code></pre>`)

func TestPages_EveryChartHasAnEmbedBoxAndAPNG(t *testing.T) {
	w := newWebSite(t, storetest.SQLite(t))
	loadDemo(t, w)
	for _, page := range []string{"/regions/990101/2024", "/regions/990101/departments/011"} {
		body := w.get(t, page).Body.String()
		figures := strings.Count(body, `<figure class="chart">`)
		snippets := snippetRE.FindAllStringSubmatch(body, -1)
		if figures == 0 || len(snippets) != figures || strings.Count(body, "<summary>嵌入</summary>") != figures {
			t.Fatalf("%s: %d charts, %d 嵌入 boxes", page, figures, len(snippets))
		}
		for _, m := range snippets {
			snippet := html.UnescapeString(m[1])
			src := regexp.MustCompile(`src="([^"]+)"`).FindStringSubmatch(snippet)
			ratio := regexp.MustCompile(`style="width:100%;aspect-ratio:(\d+/\d+);border:0"`).FindStringSubmatch(snippet)
			if src == nil || ratio == nil || !strings.HasPrefix(snippet, "<iframe ") || !strings.HasSuffix(snippet, "></iframe>") {
				t.Errorf("%s: snippet %s", page, snippet)
				continue
			}
			u := strings.TrimPrefix(html.UnescapeString(src[1]), "http://example.com")
			kind := strings.TrimPrefix(strings.SplitN(u, "?", 2)[0], "/embed/three-public/")
			if a, ok := charts.AspectOf(kind); !ok || a.String() != ratio[1] {
				t.Errorf("%s: %s framed at %s", page, kind, ratio[1])
			}
			if r := w.get(t, u); r.Code != 200 || !strings.Contains(r.Body.String(), "<svg") {
				t.Errorf("%s: the snippet's embed %s answers %d", page, u, r.Code)
			}
		}
		if web.PNGAvailable() {
			pngs := regexp.MustCompile(`<a href="([^"]+\.png\?[^"]+)" download>下载 PNG</a>`).FindAllStringSubmatch(body, -1)
			if len(pngs) != figures {
				t.Errorf("%s: %d 下载 PNG links for %d charts", page, len(pngs), figures)
			}
			for _, p := range pngs {
				if r := w.get(t, html.UnescapeString(p[1])); r.Code != 200 || r.Header().Get("Content-Type") != "image/png" {
					t.Errorf("%s: %s answers %d", page, p[1], r.Code)
				}
			}
		}
	}
}
