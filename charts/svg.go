package charts

import (
	"bytes"
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"sunshine/models"
)

// The SVG is written by hand rather than with a chart library: the charts are
// bars and lines, the output has to carry <title>/<desc> and a system font stack,
// and estimating text widths (below) keeps it free of any font file, so the same
// bytes come out on every machine and the golden files hold.

// SVGOptions shape a rendered chart.
type SVGOptions struct {
	// Width in px, 320 to 1200; 0 means 800. The height follows from the width
	// and the chart's fixed aspect ratio (AspectOf), whatever the data.
	Width int
	// ID prefixes the ids of the <title> and <desc> elements; give each chart inlined
	// in one HTML page its own. Default: the chart's kind ("trend", …).
	ID string
	// Caption leaves the attribution line blank: the embed page lays its own,
	// with links (to the release list, to the CSV), over it; see Attribution.
	Caption bool
}

// Aspect is a chart's fixed width to height: every rendering of a chart, at
// any width, has it, so a page can size a frame with CSS aspect-ratio: W/H
// before the chart arrives. The narrowest layout (320 px, no text under 11 px)
// decides it; wider ones give the room to the plot.
type Aspect struct{ W, H int }

// String is the CSS form, "4/5".
func (a Aspect) String() string { return strconv.Itoa(a.W) + "/" + strconv.Itoa(a.H) }

// Height is the height of a rendering width px wide, rounded to the pixel
// (the SVG's own height attribute keeps a tenth of a pixel).
func (a Aspect) Height(width int) int {
	return int(math.Round(float64(width) * float64(a.H) / float64(a.W)))
}

// layoutMax is, for a chart whose content does not grow with the width (the
// composition's two bars), the widest layout; wider pictures scale it up.
var layoutMax = map[string]int{"composition": 560}

var aspects = map[string]Aspect{
	"trend":           {1, 1},
	"composition":     {1, 1},
	"ranking":         {4, 5},
	"budget-vs-final": {3, 4},
}

// AspectOf is the aspect ratio of a chart kind (trend, composition, ranking,
// budget-vs-final); ok is false for any other.
func AspectOf(kind string) (a Aspect, ok bool) {
	a, ok = aspects[kind]
	return a, ok
}

// Widths are the widths an embed page lays a chart out for (the narrowest
// first): a frame between two of them shows the narrower one scaled up by at
// most 25 % (a frame wider than the widest, the widest scaled to fill it), so
// its text is never smaller than at its own width.
var Widths = []int{320, 400, 480, 600, 750, 936, 1170}

const (
	minWidth     = 320
	maxWidth     = 1200
	defaultWidth = 800

	// No web fonts: the reader's own CJK font, whichever system they are on.
	fontStack = `'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',sans-serif`

	colorText  = "#333"
	colorMuted = "#6e7079"
	colorGrid  = "#e0e6f1"
	colorAxis  = "#6e7079"
	colorOver  = "#d9342b"
)

// ECharts' default palette, one colour per item.
var itemColors = map[string]string{
	ItemTotal:            "#5470c6",
	ItemOutboundTrips:    "#91cc75",
	ItemVehicles:         "#fac858",
	ItemReception:        "#ee6666",
	ItemVehiclePurchase:  "#73c0de",
	ItemVehicleOperation: "#3ba272",
}

// canvas lays out a chart top to bottom: header, body, source line. y is the next free line.
type canvas struct {
	w, h       float64 // the layout's size (the viewBox)
	outW, outH float64 // the picture's size (width and height)
	pad        float64
	y          float64
	small      bool // narrow layouts: fewer ticks, shorter labels
	id         string
	caption    bool
	body       bytes.Buffer
}

func newCanvas(o SVGOptions, kind string) (*canvas, error) {
	w := o.Width
	if w == 0 {
		w = defaultWidth
	}
	if w < minWidth || w > maxWidth {
		return nil, models.Errorf(models.EINVALID, "图表宽度 %d 无效，应在 %d 到 %d 像素之间", o.Width, minWidth, maxWidth)
	}
	id := o.ID
	if id == "" {
		id = kind
	}
	a, ok := aspects[kind]
	if !ok {
		return nil, models.Errorf(models.EINTERNAL, "图表“%s”没有宽高比", kind)
	}
	// A chart whose content does not grow with the width is laid out no wider
	// than its layoutMax and scaled up: its text grows with the picture.
	lw := w
	if m := layoutMax[kind]; m > 0 && lw > m {
		lw = m
	}
	c := &canvas{w: float64(lw), h: float64(lw) * float64(a.H) / float64(a.W), outW: float64(w), outH: float64(w) * float64(a.H) / float64(a.W),
		small: lw < 480, id: id, caption: o.Caption}
	c.pad = 16
	if c.small {
		c.pad = 10
	}
	c.y = c.pad
	return c, nil
}

// inner is the usable width between the side paddings.
func (c *canvas) inner() float64 { return c.w - 2*c.pad }

// header writes the title (wrapped, at most two lines) and a muted subtitle (at most two).
func (c *canvas) header(title, subtitle string) {
	size := 16.0
	if c.small {
		size = 15
	}
	for _, l := range lines(title, size*1.05, c.inner(), 2) { // bold runs wider
		c.y += size * 1.25
		c.text(c.pad, c.y-size*0.25, l, size, "start", colorText, `font-weight="bold"`)
	}
	if subtitle != "" {
		for _, l := range lines(subtitle, 12, c.inner(), 2) {
			c.y += 18
			c.text(c.pad, c.y-4, l, 12, "start", colorMuted, "")
		}
	}
	c.y += 8
}

// lines wraps s into at most n lines, the last one shortened with an ellipsis.
func lines(s string, size, maxW float64, n int) []string {
	ls := wrap(s, size, maxW)
	if len(ls) > n {
		ls = append(ls[:n-1], fit(strings.Join(ls[n-1:], ""), size, maxW))
	}
	return ls
}

// footerHeight is the room the footer takes at the bottom: the note's line
// (a pinned release), the attribution line and the bottom padding.
func (c *canvas) footerHeight(src Source) float64 {
	h := 6 + 16 + c.pad
	if src.Note != "" {
		h += 16
	}
	return h
}

// bottom is where the chart's body must end: the footer's top.
func (c *canvas) bottom(src Source) float64 { return c.h - c.footerHeight(src) }

// footer writes, at the bottom of the chart, the caller's note and the one
// attribution line: "数据来源：阳光财政" and the releases read, shortened to fit;
// with Links it links to the release list and to the CSV.
func (c *canvas) footer(src Source) {
	c.y = c.bottom(src) + 6
	if src.Note != "" {
		c.y += 16
		c.text(c.pad, c.y-4, fit(src.Note, 11, c.inner()), 11, "start", colorOver, "")
	}
	c.y += 16
	if !c.caption {
		c.text(c.pad, c.y-4, attribution(src, 11, c.inner()), 11, "start", colorMuted, "")
	}
}

// Attribution is the attribution line of a chart drawn width px wide, as the
// chart prints it, leaving room for reserve after it (" · 下载数据 (CSV)"), and
// where it starts and ends: its left inset and its bottom inset (the baseline
// box's bottom), in px of that width.
func Attribution(src Source, width int, reserve string) (line string, inset, bottom float64) {
	pad := 16.0
	if width < 480 {
		pad = 10
	}
	return attribution(src, 11, float64(width)-2*pad-textWidth(reserve, 11)/slack), pad, pad
}

// attribution is the one attribution line that fits maxW: every release when
// they fit, else a count of them, else the bare source.
func attribution(src Source, size, maxW float64) string {
	const bare = "数据来源：阳光财政"
	tries := []string{sourceLine(Source{Releases: src.Releases})}
	switch n := len(src.Releases); {
	case n == 1:
		tries = append(tries, bare+" · 第 "+strconv.Itoa(src.Releases[0].Number)+" 版")
	case n > 1:
		tries = append(tries, bare+" · "+strconv.Itoa(n)+" 个数据集版本", bare+" · "+strconv.Itoa(n)+" 个版本")
	}
	for _, s := range tries {
		if textWidth(s, size) <= maxW*slack {
			return s
		}
	}
	return fit(bare, size, maxW)
}

// sourceLine is "数据来源：阳光财政 · 990101-2024-final-three_public 第 3 版"; more than
// three releases are summarised, and the caller's note follows.
func sourceLine(src Source) string {
	s := "数据来源：阳光财政"
	rs := src.Releases
	switch {
	case len(rs) > 3:
		s += " · " + rs[0].String() + " 等 " + strconv.Itoa(len(rs)) + " 个数据集版本"
	case len(rs) > 0:
		parts := make([]string, len(rs))
		for i, r := range rs {
			parts[i] = r.String()
		}
		s += " · " + strings.Join(parts, "、")
	}
	if src.Note != "" {
		s += " · " + src.Note
	}
	return s
}

// empty writes the notice shown in place of a chart with no data, in the middle of the body.
func (c *canvas) empty(msg string, src Source) {
	c.y = (c.y+c.bottom(src))/2 + 5
	c.text(c.w/2, c.y, msg, 14, "middle", colorMuted, "")
}

// bytes wraps the body in the <svg> element, with <title> and <desc> for screen readers.
func (c *canvas) bytes(title, desc string) []byte {
	h := c.h
	var b bytes.Buffer
	ws, hs := num(c.w), num(h)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="` + num(c.outW) + `" height="` + num(c.outH) + `" viewBox="0 0 ` + ws + ` ` + hs +
		`" role="img" aria-labelledby="` + esc(c.id) + `-title ` + esc(c.id) + `-desc" font-family="` + fontStack + `">` + "\n")
	b.WriteString(`<title id="` + esc(c.id) + `-title">` + esc(title) + "</title>\n")
	b.WriteString(`<desc id="` + esc(c.id) + `-desc">` + esc(desc) + "</desc>\n")
	b.WriteString(`<rect width="` + ws + `" height="` + hs + `" fill="#fff"/>` + "\n")
	b.Write(c.body.Bytes())
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func (c *canvas) text(x, y float64, s string, size float64, anchor, fill, extra string) {
	c.body.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `" font-size="` + num(size) + `" fill="` + fill + `"`)
	if anchor != "start" {
		c.body.WriteString(` text-anchor="` + anchor + `"`)
	}
	if extra != "" {
		c.body.WriteString(" " + extra)
	}
	c.body.WriteString(">" + esc(s) + "</text>\n")
}

func (c *canvas) rect(x, y, w, h float64, fill string) {
	c.body.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(math.Max(w, 0)) + `" height="` + num(h) + `" fill="` + fill + `"/>` + "\n")
}

func (c *canvas) line(x1, y1, x2, y2 float64, stroke string) {
	c.body.WriteString(`<line x1="` + num(x1) + `" y1="` + num(y1) + `" x2="` + num(x2) + `" y2="` + num(y2) + `" stroke="` + stroke + `"/>` + "\n")
}

func (c *canvas) polyline(pts [][2]float64, stroke, dash string) {
	var b strings.Builder
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(num(p[0]) + "," + num(p[1]))
	}
	c.body.WriteString(`<polyline points="` + b.String() + `" fill="none" stroke="` + stroke + `" stroke-width="2"`)
	if dash != "" {
		c.body.WriteString(` stroke-dasharray="` + dash + `"`)
	}
	c.body.WriteString("/>\n")
}

func (c *canvas) circle(x, y, r float64, fill, stroke string) {
	c.body.WriteString(`<circle cx="` + num(x) + `" cy="` + num(y) + `" r="` + num(r) + `" fill="` + fill + `" stroke="` + stroke + `" stroke-width="1.5"/>` + "\n")
}

// legendEntry is a swatch and a label; dash marks a line swatch ("" solid, "-" for a box).
type legendEntry struct {
	color, label, dash string
}

// legend flows the entries left to right, wrapping at the width.
func (c *canvas) legend(entries []legendEntry) {
	const size, sw, gap = 12.0, 18.0, 14.0
	x := c.pad
	c.y += 16
	for _, e := range entries {
		w := sw + 4 + textWidth(e.label, size)
		if x > c.pad && x+w > c.w-c.pad {
			x = c.pad
			c.y += 18
		}
		mid := c.y - 4
		if e.dash == "-" {
			c.rect(x+3, mid-6, 12, 12, e.color)
		} else {
			c.polyline([][2]float64{{x, mid}, {x + sw, mid}}, e.color, e.dash)
		}
		c.text(x+sw+4, c.y, e.label, size, "start", colorText, "")
		x += w + gap
	}
	c.y += 8
}

// num prints a coordinate with at most one decimal, the same on every machine.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// esc escapes text for XML content and attribute values; invalid characters become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

// textWidth estimates the rendered width of s: a CJK glyph (and the dashes and
// ellipsis a CJK font draws full width) is one em, ASCII about 0.55 em.
// Wrapping and truncation keep 5 % in hand for fonts that run wider.
func textWidth(s string, size float64) float64 {
	var em float64
	for _, r := range s {
		switch {
		case r < 0x80:
			em += 0.55
		case r >= 0x2E80 || (r >= 0x2000 && r <= 0x206F) || unicode.Is(unicode.Han, r):
			em += 1
		default:
			em += 0.6
		}
	}
	return em * size
}

// wrap breaks s into lines no wider than maxW, between CJK glyphs or at spaces,
// never inside an ASCII word unless the word alone is too wide.
func wrap(s string, size, maxW float64) []string {
	maxW *= slack
	var lines []string
	var cur strings.Builder
	curW := 0.0
	for _, tok := range tokens(s) {
		w := textWidth(tok, size)
		if curW > 0 && curW+w > maxW {
			lines = append(lines, strings.TrimRight(cur.String(), " "))
			cur.Reset()
			curW = 0
			if tok == " " {
				continue
			}
		}
		cur.WriteString(tok)
		curW += w
	}
	if cur.Len() > 0 {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
	}
	return lines
}

// slack is the share of a width that estimated text may fill.
const slack = 0.95

// tokens splits s into the pieces a line may break between: CJK glyphs, spaces
// and runs of other characters. As Chinese typesetting wants, closing punctuation
// (and the 元 of 万元) stays with what precedes it and an opening bracket with what follows.
func tokens(s string) []string {
	var out []string
	glue := false // the last token must join the next
	push := func(t string) {
		r, _ := utf8.DecodeRuneInString(t)
		if len(out) > 0 && t != " " && (glue || strings.ContainsRune(noBreakBefore, r)) {
			out[len(out)-1] += t
		} else {
			out = append(out, t)
		}
		last, _ := utf8.DecodeLastRuneInString(t)
		glue = strings.ContainsRune(noBreakAfter, last)
	}
	start := -1
	for i, r := range s {
		if r == ' ' || r >= 0x2E80 {
			if start >= 0 {
				push(s[start:i])
				start = -1
			}
			push(string(r))
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		push(s[start:])
	}
	return out
}

const (
	noBreakBefore = "，。、：；！？）》」』”’%元)"
	noBreakAfter  = "（《「『“‘("
)

// fit shortens s with an ellipsis to fit maxW.
func fit(s string, size, maxW float64) string {
	maxW *= slack
	if textWidth(s, size) <= maxW {
		return s
	}
	ell := textWidth("…", size)
	for len(s) > 0 {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
		if textWidth(s, size)+ell <= maxW {
			return s + "…"
		}
	}
	return "…"
}

// scale is a value axis in fen with round steps of 1, 2 or 5 × 10ⁿ fen.
type scale struct {
	lo, hi, step models.Money
}

// niceScale covers [min(lo,0), max(hi,0)] with at most maxTicks steps.
func niceScale(lo, hi models.Money, maxTicks int) scale {
	lo, hi = min(lo, 0), max(hi, 0)
	if lo == hi {
		hi = 1000000 // 1 万元, so an all-zero chart still has an axis
	}
	for step := models.Money(100); ; step *= 10 {
		for _, m := range []models.Money{1, 2, 5} {
			s := step * m
			a, b := floorDiv(lo, s), ceilDiv(hi, s)
			if int(b-a) <= maxTicks {
				return scale{a * s, b * s, s}
			}
		}
	}
}

func floorDiv(a, b models.Money) models.Money {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func ceilDiv(a, b models.Money) models.Money {
	q := a / b
	if a%b != 0 && a > 0 {
		q++
	}
	return q
}

// frac is where v sits on the scale, 0 at lo and 1 at hi (for pixel geometry only).
func (s scale) frac(v models.Money) float64 {
	return float64(v-s.lo) / float64(s.hi-s.lo)
}

// ticks are the values from lo to hi by step.
func (s scale) ticks() []models.Money {
	var out []models.Money
	for v := s.lo; v <= s.hi; v += s.step {
		out = append(out, v)
	}
	return out
}

// wanLabel prints an axis value in 万元 without trailing zeros ("12.5", "1,200").
func wanLabel(m models.Money) string {
	s := m.FormatGrouped(models.WanYuan)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// wanText is an amount for prose and labels: "12.35 万元", or "未公开".
func wanText(n models.NullMoney) string {
	if !n.Valid {
		return "未公开"
	}
	return string(display(n)) + " 万元"
}
