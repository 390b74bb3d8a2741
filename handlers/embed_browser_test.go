package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"sunshine/charts"
)

// The embeds fit the frame a portal gives them: at each width the page shows
// one layout of the chart, exactly as tall as the chart's aspect ratio makes
// the frame (no scrolling, no blank), with no text drawn under 11 px and none
// outside the chart, and the attribution line inside it.

// embedLayout is what the page looks like at one viewport width, measured in Chromium.
type embedLayout struct {
	Visible    int      `json:"visible"`    // layouts shown (want 1)
	SVGW       float64  `json:"svgW"`       // its rendered size
	SVGH       float64  `json:"svgH"`       //
	ScrollH    float64  `json:"scrollH"`    // the document's height
	ScrollW    float64  `json:"scrollW"`    // and width
	MinFont    float64  `json:"minFont"`    // the smallest text drawn, in CSS px (font size × the SVG's scale)
	MinFontOf  string   `json:"minFontOf"`  // which text it is
	Outside    []string `json:"outside"`    // text whose box leaves the chart
	Overlaps   []string `json:"overlaps"`   // the caption over chart text
	Caption    string   `json:"caption"`    // the attribution line
	CapFont    float64  `json:"capFont"`    //
	CapInside  bool     `json:"capInside"`  // within the chart's box
	CapClipped bool     `json:"capClipped"` // cut by its ellipsis
	Links      []string `json:"links"`      // the caption's link targets
	Scripts    int      `json:"scripts"`    // <script> elements
	Texts      int      `json:"texts"`      //
}

const measureEmbed = `(() => {
	const vis = [...document.querySelectorAll("figure .v")].filter(v => getComputedStyle(v).display !== "none");
	const out = {visible: vis.length, scrollH: document.documentElement.scrollHeight, scrollW: document.documentElement.scrollWidth,
		minFont: 1e9, minFontOf: "", outside: [], overlaps: [], links: [], scripts: document.querySelectorAll("script").length, texts: 0};
	if (vis.length !== 1) return out;
	const v = vis[0], svg = v.querySelector("svg"), r = svg.getBoundingClientRect();
	out.svgW = r.width; out.svgH = r.height;
	const scale = r.width / svg.viewBox.baseVal.width;
	const cap = v.querySelector(".cap"), cr = cap.getBoundingClientRect();
	for (const t of svg.querySelectorAll("text")) {
		if (!t.textContent.trim()) continue;
		out.texts++;
		const px = parseFloat(getComputedStyle(t).fontSize) * scale;
		if (px < out.minFont) { out.minFont = px; out.minFontOf = t.textContent; }
		const b = t.getBoundingClientRect();
		if (b.left < r.left - 0.5 || b.right > r.right + 0.5 || b.top < r.top - 0.5 || b.bottom > r.bottom + 0.5) {
			out.outside.push(t.textContent + " " + [b.left - r.left, b.right - r.left, b.top - r.top, b.bottom - r.top].map(Math.round).join(","));
		}
		if (b.bottom > cr.top + 1 && b.top < cr.bottom - 1 && b.right > cr.left && b.left < cr.right) out.overlaps.push(t.textContent);
	}
	out.caption = cap.innerText;
	out.capFont = parseFloat(getComputedStyle(cap).fontSize);
	out.capInside = cr.left >= r.left && cr.right <= r.right + 0.5 && cr.top >= r.top && cr.bottom <= r.bottom + 0.5;
	out.capClipped = cap.scrollWidth > cap.clientWidth;
	out.links = [...cap.querySelectorAll("a")].map(a => a.getAttribute("href") + (a.hasAttribute("download") ? " download" : "") + (a.target ? " " + a.target : ""));
	return out;
})()`

func TestEmbed_FitsEveryWidthWithLegibleText(t *testing.T) {
	longRun(t)
	d := newDemoSite(t)
	b := startBrowser(t, d.srv)
	embeds := map[string]string{
		"trend":           "/embed/three-public/trend?region=990101&dept=011",
		"composition":     "/embed/three-public/composition?region=990101&year=2024&phase=final",
		"ranking":         "/embed/three-public/ranking?region=990101&year=2024&phase=final&item=total",
		"budget-vs-final": "/embed/three-public/budget-vs-final?region=990101&year=2024",
	}
	for kind, path := range embeds {
		a, _ := charts.AspectOf(kind)
		// The phone widths first: 320 is the narrowest the layouts are made for.
		for _, width := range []int{320, 360, 414, 600, 820, 1200} {
			height := a.Height(width)
			setViewport(t, b, width, height)
			b.open(d.srv.URL + path)
			var m embedLayout
			b.eval(measureEmbed, &m)
			where := fmt.Sprintf("%s at %d×%d", kind, width, height)
			if m.Visible != 1 {
				t.Errorf("%s: %d layouts shown, want 1", where, m.Visible)
				continue
			}
			if m.Scripts != 0 {
				t.Errorf("%s: %d scripts", where, m.Scripts)
			}
			// The frame sized by aspect-ratio holds the chart exactly: no scrollbar, no blank.
			if m.SVGW != float64(width) || m.ScrollW > float64(width) || m.ScrollH > float64(height)+1 || m.SVGH < float64(height)-1 {
				t.Errorf("%s: the chart is %.1f×%.1f, the page %.0f×%.0f", where, m.SVGW, m.SVGH, m.ScrollW, m.ScrollH)
			}
			if m.MinFont < 11 || m.CapFont < 11 {
				t.Errorf("%s: text drawn at %.2f px (%q), the caption at %.1f px; want 11 px at the least", where, m.MinFont, m.MinFontOf, m.CapFont)
			}
			if len(m.Outside) > 0 {
				t.Errorf("%s: text outside the chart: %v", where, m.Outside)
			}
			if len(m.Overlaps) > 0 {
				t.Errorf("%s: the caption covers %v", where, m.Overlaps)
			}
			if !m.CapInside || m.CapClipped || !strings.HasPrefix(m.Caption, "数据来源：阳光财政") || !strings.HasSuffix(m.Caption, "下载数据 (CSV)") {
				t.Errorf("%s: caption %q (inside %v, clipped %v)", where, m.Caption, m.CapInside, m.CapClipped)
			}
			if len(m.Links) != 2 || !strings.Contains(m.Links[0], d.srv.URL+"/datasets") || !strings.HasSuffix(m.Links[0], " _blank") ||
				!strings.HasPrefix(m.Links[1], "/api/v1/charts/three-public/"+kind+".csv?") || !strings.HasSuffix(m.Links[1], " download") {
				t.Errorf("%s: caption links %v", where, m.Links)
			}
			if width == 320 {
				t.Logf("%s: %d texts, smallest %.1f px (%q); caption %q", where, m.Texts, m.MinFont, m.MinFontOf, m.Caption)
			}
		}
	}
	// The release list the attribution links to is a page that answers.
	if _, err := chromedp.Call(b.ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	var m embedLayout
	b.open(d.srv.URL + embeds["ranking"])
	b.eval(measureEmbed, &m)
	list := strings.TrimSuffix(m.Links[0], " _blank")
	b.open(list)
	if body := b.text("body"); !strings.Contains(body, "990101-2024-final-three_public") || !strings.Contains(body, "版") {
		t.Errorf("the release list %s does not list releases", list)
	}
}

func TestEmbed_ScriptFreeEvenWhenAsked(t *testing.T) {
	longRun(t)
	d := newDemoSite(t)
	w := d.get(t, "/embed/three-public/trend?region=990101&dept=011")
	csp := w.Header().Get("Content-Security-Policy")
	if w.Code != 200 || !strings.Contains(csp, "script-src 'none'") || !strings.Contains(csp, "default-src 'self'") {
		t.Fatalf("%d, CSP %q", w.Code, csp)
	}
	body := w.Body.String()
	for _, bad := range []string{"<script", "javascript:", " onload=", " onclick=", " onerror="} {
		if strings.Contains(strings.ToLower(body), bad) {
			t.Errorf("the embed holds %q", bad)
		}
	}
	// The policy is what the browser enforces: a script put into the page by
	// another means (here, over DevTools, as an injected <script> would be) does not run.
	b := startBrowser(t, d.srv)
	b.open(d.srv.URL + "/embed/three-public/trend?region=990101&dept=011")
	var ran bool
	b.eval(`new Promise(resolve => {
		window.ran = false;
		const s = document.createElement("script");
		s.textContent = "window.ran = true";
		document.body.appendChild(s);
		setTimeout(() => resolve(window.ran), 200);
	})`, &ran)
	problems := b.takeProblems()
	if ran {
		t.Error("an inline script ran in the embed")
	}
	refused := false
	for _, p := range problems {
		refused = refused || strings.Contains(p, "Content Security Policy")
	}
	if !refused {
		t.Errorf("no CSP refusal on the console: %v", problems)
	}
}

// setViewport makes the tab a frame of that size, as an iframe of a portal would be.
func setViewport(t *testing.T, b *realBrowser, width, height int) {
	t.Helper()
	_, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: int64(width), Height: int64(height), DeviceScaleFactor: 1})
	if err != nil {
		t.Fatalf("viewport %d×%d: %v", width, height, err)
	}
}
