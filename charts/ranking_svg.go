package charts

import (
	"math"
	"strconv"
	"strings"

	"sunshine/models"
)

// RankingSVG draws the ranking as horizontal bars, one row per department, the
// not disclosed ones last and marked 未公开. Returns EINVALID for a width outside 320–1200.
func RankingSVG(d RankingData, o SVGOptions) ([]byte, error) {
	c, err := newCanvas(o, "ranking")
	if err != nil {
		return nil, err
	}
	title := rankingTitle(d)
	sub := strconv.Itoa(d.Disclosed) + " 个部门"
	if d.NotDisclosed > 0 {
		sub += "，另有 " + strconv.Itoa(d.NotDisclosed) + " 个未公开"
	}
	c.header(title, sub+" · 单位：万元")
	if len(d.Rows) == 0 {
		c.empty("暂无已发布的数据", d.Source)
		c.footer(d.Source)
		return c.bytes(title, rankingDesc(d)), nil
	}
	rows, rowH, more := fitRows(d.Rows, c.bottom(d.Source)-c.y-4, 24, 48)
	var hi models.Money
	rankW, valueW := textWidth("—", 12), textWidth("未公开", 12)
	for _, r := range rows {
		if r.Disclosed {
			hi = max(hi, r.Amount.Money)
			rankW = math.Max(rankW, textWidth(strconv.Itoa(r.Rank), 12))
			valueW = math.Max(valueW, textWidth(string(r.Display), 12))
		}
	}
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r.DeptName
	}
	bars := &hbars{c: c, hi: hi}
	bars.layout(names, rankW, valueW, 0)
	color := itemColors[d.Item]
	for _, r := range rows {
		rank := "—"
		if r.Disclosed {
			rank = strconv.Itoa(r.Rank)
		}
		bars.row(rank, r.DeptName, rowH)
		bh := math.Round(rowH * 14 / 24)
		bars.bar(c.y+(rowH-bh)/2, bh, r.Amount, color)
		c.y += rowH
	}
	c.more(more, rowH)
	c.footer(d.Source)
	return c.bytes(title, rankingDesc(d)), nil
}

// fitRows keeps the rows that fit in height h at rowH each; when some do not,
// the last place goes to a line saying how many are left out (more). With
// room to spare the rows grow up to maxH.
func fitRows[T any](rows []T, h, rowH, maxH float64) (kept []T, height float64, more int) {
	n := int(h / rowH)
	if n < 1 {
		n = 1
	}
	if len(rows) > n {
		return rows[:n-1], rowH, len(rows) - (n - 1)
	}
	if len(rows) > 0 {
		rowH = math.Min(math.Max(rowH, math.Floor(h/float64(len(rows)))), maxH)
	}
	return rows, rowH, 0
}

// more writes the line that counts the departments a chart had no room for.
func (c *canvas) more(n int, rowH float64) {
	if n == 0 {
		return
	}
	c.text(c.pad, c.y+rowH/2+4, fit("另有 "+strconv.Itoa(n)+" 个部门未列出，见数据表", 12, c.inner()), 12, "start", colorMuted, "")
	c.y += rowH
}

// hbars lays out rows of horizontal bars: a rank column, a name column, bars, value labels.
type hbars struct {
	c                        *canvas
	hi                       models.Money
	rankX, nameX, barX, barW float64
	nameW                    float64
}

// A rankW of 0 leaves the rank column out; the name column is at least minNameW wide.
func (h *hbars) layout(names []string, rankW, valueW, minNameW float64) {
	c := h.c
	share := 0.3
	if c.small {
		share = 0.38
	}
	longest := 0.0
	for _, n := range names {
		longest = math.Max(longest, textWidth(n, 12))
	}
	h.nameW = math.Max(math.Min(longest/slack, c.inner()*share), minNameW/slack)
	h.rankX = c.pad + rankW
	h.nameX = h.rankX
	if rankW > 0 {
		h.nameX += 6
	}
	h.barX = h.nameX + h.nameW + 10
	h.barW = c.w - c.pad - valueW - 6 - h.barX
}

// row writes the rank and the (shortened) name, centred in a row of height rh starting at c.y.
func (h *hbars) row(rank, name string, rh float64) {
	mid := h.c.y + rh/2 + 4
	if rank != "" {
		h.c.text(h.rankX, mid, rank, 12, "end", colorMuted, "")
	}
	h.c.text(h.nameX, mid, fit(name, 12, h.nameW), 12, "start", colorText, "")
}

// bar draws a bar at y with its value after it, or 未公开 where the bar would start.
func (h *hbars) bar(y, bh float64, v models.NullMoney, color string) {
	c := h.c
	if !v.Valid {
		c.text(h.barX, y+bh/2+4, "未公开", 12, "start", colorMuted, `font-style="italic"`)
		return
	}
	w := 0.0
	if h.hi > 0 && v.Money > 0 {
		w = h.barW * float64(v.Money) / float64(h.hi)
	}
	c.rect(h.barX, y, w, bh, color)
	c.text(h.barX+w+4, y+bh/2+4, string(display(v)), 12, "start", colorText, "")
}

func rankingTitle(d RankingData) string {
	return d.RegionName + strconv.Itoa(d.Year) + "年各部门" + rankedName(d) + "排名（" + d.Phase.Chinese() + "）"
}

// rankedName is what the ranking is of: "三公经费合计" rather than a bare "合计".
func rankedName(d RankingData) string {
	if d.Item == ItemTotal {
		return "三公经费" + d.ItemName
	}
	return d.ItemName
}

// rankingDesc names the top five, the lowest and the departments that did not disclose.
func rankingDesc(d RankingData) string {
	var b strings.Builder
	b.WriteString(rankingTitle(d) + "，" + strconv.Itoa(d.Disclosed) + " 个部门公开了" + rankedName(d) + "，单位：万元。")
	var ranked, hidden []string
	for i, r := range d.Rows {
		switch {
		case !r.Disclosed:
			hidden = append(hidden, r.DeptName)
		case i < 5 || i == d.Disclosed-1:
			ranked = append(ranked, "第 "+strconv.Itoa(r.Rank)+" 名 "+r.DeptName+" "+string(r.Display))
		case i == 5:
			ranked = append(ranked, "……")
		}
	}
	if len(ranked) > 0 {
		b.WriteString(strings.Join(ranked, "；") + "。")
	}
	if len(hidden) > 0 {
		names := hidden
		if len(names) > 5 {
			names = names[:5]
		}
		b.WriteString(strconv.Itoa(len(hidden)) + " 个部门未公开：" + strings.Join(names, "、"))
		if len(hidden) > 5 {
			b.WriteString(" 等")
		}
		b.WriteString("。")
	}
	return b.String()
}
