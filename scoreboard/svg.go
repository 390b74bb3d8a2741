package scoreboard

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// Segment is one part of a stacked bar: a count of departments.
type Segment struct {
	Key   string // the state (on_time, late … complete …)
	Label string // in Chinese
	Count int
	Color string
}

// TimelinessSegments and CompletenessSegments are a summary's two bars, in
// the order the page and the embed print them.
func (s Summary) TimelinessSegments() []Segment {
	return []Segment{{OnTime, "按时公开", s.OnTime, "#2e7d32"}, {Late, "逾期公开", s.Late, "#e0a800"},
		{Overdue, "逾期未公开", s.Overdue, "#c62828"}, {Pending, "未到期未公开", s.Pending, "#90a4ae"},
		{Unknown, "无批复日期", s.Unknown, "#cfd8dc"}}
}

func (s Summary) CompletenessSegments() []Segment {
	return []Segment{{Complete, "九张表齐全", s.Complete, "#2e7d32"}, {Incomplete, "缺表", s.Incomplete, "#e0a800"},
		{Missing, "未公开", s.Missing, "#c62828"}}
}

// Labels name a department's timeliness and completeness in Chinese; TableLabels a table's state.
var (
	Labels = map[string]string{OnTime: "按时", Late: "逾期公开", Overdue: "逾期未公开", Pending: "未到期", Unknown: "无批复日期",
		Complete: "齐全", Incomplete: "缺表", Missing: "未公开"}
	TableLabels = map[string]string{TablePresent: "有", TableEmpty: "空表", TableMissing: "缺"}
)

// SVG draws a board's summary as two stacked bars (timeliness, completeness)
// of departments, with a <title> and a <desc> that say the numbers, width px
// wide, to be put inline in an HTML page (so without an xmlns). Text widths
// are estimated as in package charts (CJK 1 em).
func (b Board) SVG(width int) string {
	if width < 240 {
		width = 240
	}
	const fs, barH, labelW = 13, 22, 64
	s := b.Summary
	title := fmt.Sprintf("%s %d 年部门%s公开情况（%d 个部门）", b.RegionName, b.FiscalYear, b.PhaseZh, s.Departments)
	var desc []string
	for _, bar := range [][]Segment{s.TimelinessSegments(), s.CompletenessSegments()} {
		var parts []string
		for _, seg := range bar {
			parts = append(parts, seg.Label+" "+strconv.Itoa(seg.Count))
		}
		desc = append(desc, strings.Join(parts, "，"))
	}
	var w strings.Builder
	y := 28
	for i, bar := range [][]Segment{s.TimelinessSegments(), s.CompletenessSegments()} {
		name := []string{"及时性", "完整性"}[i]
		fmt.Fprintf(&w, `<text x="0" y="%d">%s</text>`, y+barH-6, name)
		x, total := float64(labelW), s.Departments
		inner := float64(width - labelW - 4)
		for _, seg := range bar {
			if seg.Count == 0 || total == 0 {
				continue
			}
			sw := inner * float64(seg.Count) / float64(total)
			fmt.Fprintf(&w, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %d</title></rect>`,
				x, y, sw, barH, seg.Color, html.EscapeString(seg.Label), seg.Count)
			if sw >= float64(fs)*1.6 {
				fmt.Fprintf(&w, `<text x="%.1f" y="%d" fill="#fff" text-anchor="middle">%d</text>`, x+sw/2, y+barH-6, seg.Count)
			}
			x += sw
		}
		// The legend under the bar: every state with its count, zero included, wrapped to the width.
		lx, ly := labelW, y+barH+6
		for _, seg := range bar {
			label := seg.Label + " " + strconv.Itoa(seg.Count)
			itemW := 13 + textWidth(label, 12) + 12
			if lx > labelW && lx+itemW > width {
				lx, ly = labelW, ly+16
			}
			fmt.Fprintf(&w, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="12">%s</text>`,
				lx, ly, seg.Color, lx+13, ly+9, html.EscapeString(label))
			lx += itemW
		}
		y = ly + 24
	}
	body := w.String()
	w.Reset()
	height := y
	fmt.Fprintf(&w, `<svg width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="sb-title sb-desc" font-family="'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',sans-serif" font-size="%d">`,
		width, height, width, height, fs)
	fmt.Fprintf(&w, `<title id="sb-title">%s</title><desc id="sb-desc">及时性：%s。完整性：%s。</desc>`,
		html.EscapeString(title), html.EscapeString(desc[0]), html.EscapeString(desc[1]))
	fmt.Fprintf(&w, `<text x="0" y="16" font-weight="bold">%s</text>`, html.EscapeString(title))
	w.WriteString(body)
	w.WriteString(`</svg>`)
	return w.String()
}

// textWidth estimates a text's width: CJK 1 em, other characters 0.55 em.
func textWidth(s string, size int) int {
	w := 0.0
	for _, r := range s {
		if r > 0x2E80 {
			w += float64(size)
		} else {
			w += 0.55 * float64(size)
		}
	}
	return int(w + 0.5)
}
