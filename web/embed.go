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

// embedPage is the small page the portal puts in an iframe: the chart, the
// same numbers as a table (for screen readers and for when images are off),
// a download of exactly those numbers, the attribution, and the pin notice.
// It needs no script and loads nothing from another host (templates/embed.html).
var embedPage = template.Must(template.New("embed.html").ParseFS(Templates, "templates/embed.html"))

const embedCSS = `body{margin:0;padding:8px;font-family:'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#222;background:#fff}
figure{margin:0}figure svg{width:100%;height:auto;display:block}
figcaption{font-size:12px;color:#555}figcaption a{color:#1a5fb4}
.notice{background:#fff4ce;border:1px solid #e5c07b;padding:4px 8px;color:#5c4400}
details{font-size:13px;margin-top:6px}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ddd;padding:2px 6px;text-align:left}td{font-variant-numeric:tabular-nums}`

type releaseLink struct{ Text, Link string }

// embedHeaders lets the configured origins frame the page (CSP frame-ancestors; default any).
func embedHeaders(c *gin.Context, frameAncestors string) {
	if frameAncestors == "" {
		frameAncestors = "*"
	}
	c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors "+frameAncestors)
	c.Header("X-Content-Type-Options", "nosniff")
}

// Embed is a chart as a page for an iframe: its SVG, its table, its sources.
func Embed(src ChartSource, base, frameAncestors string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, cd, note, ok := loadChart(c, src, true)
		if !ok {
			return
		}
		svg, err := cd.svg(charts.SVGOptions{Width: r.width, ID: r.kind})
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		b := httpx.BaseURL(c, base)
		csvURL := "/api/v1/charts/three-public/" + r.kind + ".csv?" + c.Request.URL.RawQuery
		var rels []releaseLink
		for _, rel := range sourceOf(cd.data) {
			rels = append(rels, releaseLink{Text: rel.String(),
				Link: b + "/api/v1/datasets/" + url.PathEscape(rel.DatasetID) + "/releases/" + strconv.Itoa(rel.Number) + "/data.csv"})
		}
		embedHeaders(c, frameAncestors)
		c.Header("Cache-Control", "public, max-age=60")
		c.Status(http.StatusOK)
		c.Header("Content-Type", "text/html; charset=utf-8")
		err = embedPage.Execute(c.Writer, map[string]any{
			"Title": cd.text, "SVG": template.HTML(svg), "Notice": note, "Home": b + "/",
			"Releases": rels, "CSV": csvURL, "Rows": cd.rows,
		})
		if err != nil {
			httpx.Logger(c).Error("embed", "err", err)
		}
	}
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
	c.Data(http.StatusOK, "text/css; charset=utf-8", []byte(strings.TrimSpace(embedCSS)))
}
