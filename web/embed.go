package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"sunshine/charts"
	"sunshine/httpx"
	"sunshine/models"
)

// embedPage is the small page the portal puts in an iframe: the chart, laid
// out for the width the frame has, with its one attribution line (linking to
// the release list) and a download of exactly the figures shown; the same
// numbers as a table for screen readers; and the pin notice in the chart.
// It needs no script and loads nothing from another host (templates/embed.html).
//
// Responsive without a script: the page holds the chart laid out for each of
// charts.Widths, and the style sheet shows the widest that is not wider than
// the frame, scaled up to fill it (by at most 25 %), so no text is ever drawn
// smaller than it was laid out (11 px at the least). Every layout has the
// chart's fixed aspect ratio, so the page is exactly as tall as a frame sized
// with CSS aspect-ratio: W/H, and the attribution line is laid over the
// chart's own blank footer line, taking no height of its own.
var embedPage = template.Must(template.New("embed.html").ParseFS(Templates, "templates/embed.html"))

// embedCSS is the embeds' style sheet; its media queries pick the layout (embedLayouts).
var embedCSS = `html,body{margin:0;padding:0;background:#fff}
body{font-family:'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#222}
figure{margin:0}.v{display:none;position:relative}.v.fixed{display:block}
.v svg{width:100%;height:auto;display:block}
.cap{position:absolute;left:10px;right:10px;bottom:10px;margin:0;font-size:11px;line-height:16px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;color:#6e7079}
.wide .cap{left:16px;right:16px;bottom:16px}.cap a{color:#1a5fb4}
.sr{position:absolute;top:0;left:0;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:2px 6px;text-align:left}
` + embedLayouts(charts.Widths)

// embedLayouts shows, at each frame width, the widest layout not wider than it
// (the narrowest below its own width).
func embedLayouts(widths []int) string {
	var b strings.Builder
	for i, w := range widths {
		var q []string
		if i > 0 {
			q = append(q, "(min-width:"+strconv.Itoa(w)+"px)")
		}
		if i+1 < len(widths) {
			q = append(q, "(max-width:"+strconv.Itoa(widths[i+1]-1)+".98px)")
		}
		b.WriteString("@media " + strings.Join(q, " and ") + "{.w" + strconv.Itoa(w) + "{display:block}}\n")
	}
	return b.String()
}

// embedVariant is the chart laid out for one width.
type embedVariant struct {
	Class string
	SVG   template.HTML
	Line  string // the attribution line that fits this width
}

// embedHeaders lets the configured origins frame the page (CSP frame-ancestors;
// default any) and forbids any script.
func embedHeaders(c *gin.Context, frameAncestors string) {
	if frameAncestors == "" {
		frameAncestors = "*"
	}
	c.Header("Content-Security-Policy", "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; img-src 'self' data:; style-src 'self'; frame-ancestors "+frameAncestors)
	c.Header("X-Content-Type-Options", "nosniff")
}

// embedCaptionReserve is what follows the attribution on its line.
const embedCaptionReserve = " · 下载数据 (CSV)"

// Embed is a chart as a page for an iframe: its SVG, its table, its sources.
func Embed(src ChartSource, base, frameAncestors string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, cd, _, ok := loadChart(c, src, true)
		if !ok {
			return
		}
		widths, fixed := charts.Widths, r.width != 0
		if fixed {
			widths = []int{r.width}
		}
		rels := sourceOf(cd.data)
		var variants []embedVariant
		for _, w := range widths {
			svg, err := cd.svg(charts.SVGOptions{Width: w, ID: r.kind + "-" + strconv.Itoa(w), Caption: true})
			if err != nil {
				httpx.RespondError(c, err)
				return
			}
			line, _, _ := charts.Attribution(charts.Source{Releases: rels}, w, embedCaptionReserve)
			class := "w" + strconv.Itoa(w)
			if fixed {
				class = "fixed"
			}
			if w >= 480 {
				class += " wide"
			}
			variants = append(variants, embedVariant{Class: class, SVG: template.HTML(svg), Line: line})
		}
		b := httpx.BaseURL(c, base)
		embedHeaders(c, frameAncestors)
		c.Header("Cache-Control", "public, max-age=60")
		c.Status(http.StatusOK)
		c.Header("Content-Type", "text/html; charset=utf-8")
		err := embedPage.Execute(c.Writer, map[string]any{
			"Title": cd.text, "Variants": variants, "ReleaseList": releaseList(b, r, rels),
			"CSV": "/api/v1/charts/three-public/" + r.kind + ".csv?" + c.Request.URL.RawQuery, "Rows": cd.rows,
		})
		if err != nil {
			httpx.Logger(c).Error("embed", "err", err)
		}
	}
}

// releaseList is the page listing the releases a chart reads: the dataset's
// own page when it reads one, else the region's 三公 datasets (of the year).
func releaseList(base string, r chartRequest, rels []charts.ReleaseRef) string {
	if len(rels) == 1 {
		return base + "/datasets/" + url.PathEscape(rels[0].DatasetID)
	}
	q := url.Values{"region": {r.region}, "kind": {string(models.KindThreePublic)}}
	if r.kind != "trend" && r.year != 0 {
		q.Set("year", strconv.Itoa(r.year))
	}
	return base + "/datasets?" + q.Encode()
}

// snippetHTML is the snippet's text, escaped by embedBox.
type snippetHTML = template.HTML

// embedBox is what a page's 嵌入 box shows: the snippet as text, its "="
// written as &#61; so that the page's source holds no attribute-like text
// (the pages carry no inline style), and the PNG link.
func embedBox(base, chartURL, title string) (snippetHTML, string) {
	snippet, png := EmbedSnippet(base, chartURL, title)
	return template.HTML(strings.ReplaceAll(template.HTMLEscapeString(snippet), "=", "&#61;")), png
}

// EmbedSnippet is the <iframe> a portal pastes to embed a chart, sized by
// its fixed aspect ratio, and the chart's PNG ("" where this host cannot draw
// PNGs). chartURL is the chart's JSON address ("/api/v1/charts/three-public/ranking?…").
func EmbedSnippet(base, chartURL, title string) (snippet, png string) {
	p, q, _ := strings.Cut(strings.TrimPrefix(chartURL, chartBase), "?")
	a, ok := charts.AspectOf(p)
	if !ok {
		return "", ""
	}
	src := base + "/embed/three-public/" + p + "?" + q
	snippet = `<iframe src="` + template.HTMLEscapeString(src) + `" title="` + template.HTMLEscapeString(title) +
		`" style="width:100%;aspect-ratio:` + a.String() + `;border:0" loading="lazy"></iframe>`
	if PNGAvailable() {
		png = chartBase + p + ".png?" + q
	}
	return snippet, png
}

var errNoSuchEmbed = models.Errorf(models.ENOTFOUND, "嵌入页地址不带扩展名，例如 /embed/three-public/trend?region=…&dept=…")

// sourceOf returns the releases a chart's data names.
func sourceOf(data any) []charts.ReleaseRef {
	switch d := data.(type) {
	case charts.TrendData:
		return d.Source.Releases
	case charts.CompositionData:
		return d.Source.Releases
	case charts.RankingData:
		return d.Source.Releases
	case charts.BudgetVsFinalData:
		return d.Source.Releases
	}
	return nil
}

// EmbedCSS is the style sheet of the embeds.
func EmbedCSS(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "text/css; charset=utf-8", []byte(embedCSS))
}
