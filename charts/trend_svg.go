package charts

import (
	"math"
	"strconv"
	"strings"

	"sunshine/models"
)

// TrendSVG draws the trend as lines, one colour per item, budget dashed and final
// solid, on a 万元 axis. Returns EINVALID for a width outside 320–1200.
func TrendSVG(d TrendData, o SVGOptions) ([]byte, error) {
	c, err := newCanvas(o, "trend")
	if err != nil {
		return nil, err
	}
	title := trendTitle(d)
	c.header(title, joinNonEmpty(" · ", d.RegionName, "年初预算与决算", "单位：万元"))
	if len(d.Categories) == 0 {
		c.empty("暂无已发布的数据", d.Source)
		c.footer(d.Source)
		return c.bytes(title, title+"：暂无已发布的数据。"), nil
	}
	var entries []legendEntry
	for _, key := range trendItems {
		entries = append(entries, legendEntry{itemColors[key], items[key].name, ""})
	}
	entries = append(entries, legendEntry{colorMuted, "实线：决算", ""}, legendEntry{colorMuted, "虚线：预算", "5 3"})
	c.legend(entries)

	var lo, hi models.Money
	for _, s := range d.Series {
		for _, v := range s.Data {
			if v.Valid {
				lo, hi = min(lo, v.Money), max(hi, v.Money)
			}
		}
	}
	// The plot takes what the fixed height leaves under the legend, above the
	// year labels; a tick every 60 px or so, 4 at the least.
	top := c.y + 18
	plotH := math.Max(c.bottom(d.Source)-24-top, 40)
	sc := niceScale(lo, hi, max(4, int(plotH/60)))
	labelW := 0.0
	for _, t := range sc.ticks() {
		labelW = math.Max(labelW, textWidth(wanLabel(t), 11))
	}
	left, right := c.pad+labelW+6, c.w-c.pad
	c.y += 18
	c.text(left-6, c.y-8, "万元", 11, "end", colorMuted, "")
	bottom := top + plotH
	yOf := func(v models.Money) float64 { return bottom - sc.frac(v)*plotH }
	for _, t := range sc.ticks() {
		y := yOf(t)
		c.line(left, y, right, y, colorGrid)
		c.text(left-6, y+4, wanLabel(t), 11, "end", colorMuted, "")
	}
	c.line(left, bottom, right, bottom, colorAxis)

	// Years sit in the middle of equal slots; labels are thinned to fit, keeping the latest year.
	n := len(d.Categories)
	slot := (right - left) / float64(n)
	xOf := func(i int) float64 { return left + slot*(float64(i)+0.5) }
	every := int(math.Ceil((textWidth("2024", 11) + 8) / slot))
	for i, cat := range d.Categories {
		if (n-1-i)%every == 0 {
			c.line(xOf(i), bottom, xOf(i), bottom+4, colorAxis)
			c.text(xOf(i), bottom+17, cat, 11, "middle", colorText, "")
		}
	}
	for _, s := range d.Series {
		color, dash, fill := itemColors[s.Item], "", itemColors[s.Item]
		if s.Phase != models.PhaseFinal {
			dash, fill = "5 3", "#fff"
		}
		// A missing year breaks the line rather than bridging it.
		var run [][2]float64
		flush := func() {
			if len(run) > 1 {
				c.polyline(run, color, dash)
			}
			run = run[:0]
		}
		for i, v := range s.Data {
			if !v.Valid {
				flush()
				continue
			}
			run = append(run, [2]float64{xOf(i), yOf(v.Money)})
		}
		flush()
		for i, v := range s.Data {
			if v.Valid {
				c.circle(xOf(i), yOf(v.Money), 3, fill, color)
			}
		}
	}
	c.footer(d.Source)
	return c.bytes(title, trendDesc(d)), nil
}

func trendTitle(d TrendData) string {
	name := d.DeptName
	if name == "" {
		name = d.DeptCode
	}
	t := name + "三公经费趋势"
	if n := len(d.Categories); n > 0 {
		t += "（" + d.Categories[0] + "—" + d.Categories[n-1] + "年）"
	}
	return t
}

// trendDesc reads every figure out in words, telling "not disclosed" from "no filing".
func trendDesc(d TrendData) string {
	var b strings.Builder
	b.WriteString(trendTitle(d) + "，" + joinNonEmpty("，", d.RegionName, "单位：万元") + "。")
	for i := 0; i+1 < len(d.Series); i += 2 {
		item := items[d.Series[i].Item].name
		b.WriteString(item + "：")
		for j, s := range d.Series[i : i+2] {
			if j > 0 {
				b.WriteString("；")
			}
			b.WriteString(s.Phase.Chinese() + " ")
			for k, v := range s.Data {
				if k > 0 {
					b.WriteString("，")
				}
				year, _ := strconv.Atoi(d.Categories[k])
				b.WriteString(d.Categories[k] + "年 ")
				switch {
				case v.Valid:
					b.WriteString(string(display(v)))
				case d.hasFiling(year, s.Phase):
					b.WriteString("未公开")
				default:
					b.WriteString("无数据")
				}
			}
		}
		b.WriteString("。")
	}
	return b.String()
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}
