package charts

import (
	"math"
	"strconv"
	"strings"

	"sunshine/models"
)

// CompositionSVG draws the composition as two 100 % bars: the three items, then
// the vehicle money split into purchase and operation, each with a legend of
// amounts and shares. Returns EINVALID for a width outside 320–1200.
func CompositionSVG(d CompositionData, o SVGOptions) ([]byte, error) {
	c, err := newCanvas(o, "composition")
	if err != nil {
		return nil, err
	}
	title := compositionTitle(d)
	c.header(title, joinNonEmpty(" · ", strconv.Itoa(d.Departments)+" 个部门", "单位：万元"))
	if !d.ItemsSum.Valid || d.ItemsSum.Money <= 0 {
		c.empty("暂无已公开的三公经费数据", d.Source)
		c.footer(d.Source)
		return c.bytes(title, compositionDesc(d)), nil
	}
	vehicles := d.VehiclesSum.Valid && d.VehiclesSum.Money > 0
	// The fixed height: the bars grow into spare room, and where room is short
	// the lines drop their "未计入" notes (the desc and the table keep them), then the bars shrink.
	avail := c.bottom(d.Source) - c.y
	barH, notes := 28.0, true
	need := func() float64 {
		h := c.stackedHeight(d.Items, barH, notes) + 10
		if vehicles {
			return h + c.stackedHeight(d.Vehicles, barH, notes)
		}
		return h + 18
	}
	if need() > avail {
		notes = false
	}
	if n := need(); n > avail {
		barH = math.Max(14, barH-(n-avail)/2)
	}
	gap := 0.0
	if extra := avail - need(); extra > 0 {
		grow := math.Min(extra/4, 72) // each bar takes a quarter of the spare room, up to 100 px
		barH += grow
		gap = (avail - need()) / 3
	}
	c.y += gap
	c.stacked("三项合计 "+wanText(d.ItemsSum), d.Items, d.ItemsSum, barH, notes)
	c.y += 10 + gap
	if vehicles {
		c.stacked("公务用车购置费与运行费 "+wanText(d.VehiclesSum), d.Vehicles, d.VehiclesSum, barH, notes)
	} else {
		c.y += 18
		c.text(c.pad, c.y-4, "公务用车购置费与运行费：暂无已公开的数据", 12, "start", colorMuted, "")
	}
	c.footer(d.Source)
	return c.bytes(title, compositionDesc(d)), nil
}

// partLine is the legend line of a part: name, amount, share and, with notes, the departments left out.
func partLine(p Part, notes bool) string {
	line := p.Name + " " + wanText(p.Amount)
	if p.Share != "" {
		line += "，占 " + string(p.Share) + "%"
	}
	if notes && p.Excluded > 0 {
		line += "（" + strconv.Itoa(p.Excluded) + " 个部门未公开，未计入）"
	}
	return line
}

// stackedHeight is the height stacked takes.
func (c *canvas) stackedHeight(parts []Part, barH float64, notes bool) float64 {
	h := 20 + barH + 4
	for _, p := range parts {
		h += 18 * float64(len(wrap(partLine(p, notes), 12, c.inner()-18)))
	}
	return h
}

// stacked draws a heading, a 100 % bar of the parts and a line per part.
func (c *canvas) stacked(heading string, parts []Part, whole models.NullMoney, barH float64, notes bool) {
	c.y += 20
	c.text(c.pad, c.y-5, fit(heading, 13*1.05, c.inner()), 13, "start", colorText, `font-weight="bold"`)
	x, w := c.pad, c.inner()
	for _, p := range parts {
		if !p.Amount.Valid || p.Amount.Money <= 0 {
			continue
		}
		pw := w * float64(p.Amount.Money) / float64(whole.Money)
		c.rect(x, c.y, pw, barH, itemColors[p.Item])
		if label := string(p.Share) + "%"; textWidth(label, 12)+8 <= pw {
			c.text(x+pw/2, c.y+barH/2+4, label, 12, "middle", colorText, "")
		}
		x += pw
	}
	c.y += barH + 4
	for _, p := range parts {
		for i, l := range wrap(partLine(p, notes), 12, c.inner()-18) {
			c.y += 18
			if i == 0 {
				c.rect(c.pad, c.y-13, 12, 12, itemColors[p.Item])
			}
			c.text(c.pad+18, c.y-3, l, 12, "start", colorText, "")
		}
	}
}

func compositionTitle(d CompositionData) string {
	return d.RegionName + strconv.Itoa(d.Year) + "年三公经费构成（" + d.Phase.Chinese() + "）"
}

func compositionDesc(d CompositionData) string {
	var b strings.Builder
	b.WriteString(compositionTitle(d) + "，共 " + strconv.Itoa(d.Departments) + " 个部门。")
	if !d.ItemsSum.Valid {
		b.WriteString("暂无已公开的三公经费数据。")
		return b.String()
	}
	b.WriteString("三项合计 " + wanText(d.ItemsSum) + "：")
	b.WriteString(partsProse(d.Items))
	if d.VehiclesSum.Valid {
		b.WriteString("公务用车购置费与运行费合计 " + wanText(d.VehiclesSum) + "：")
		b.WriteString(partsProse(d.Vehicles))
	}
	return b.String()
}

func partsProse(parts []Part) string {
	var s []string
	var notes []string
	for _, p := range parts {
		t := p.Name + " " + wanText(p.Amount)
		if p.Share != "" {
			t += "，占 " + string(p.Share) + "%"
		}
		s = append(s, t)
		if p.Excluded > 0 {
			notes = append(notes, strconv.Itoa(p.Excluded)+" 个部门未公开"+p.Name+"，未计入")
		}
	}
	out := strings.Join(s, "；") + "。"
	if len(notes) > 0 {
		out += strings.Join(notes, "；") + "。"
	}
	return out
}
