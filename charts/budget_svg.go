package charts

import (
	"math"
	"strconv"
	"strings"

	"sunshine/models"
)

const colorBudget = "#b6c2e0"

// BudgetVsFinalSVG draws each department's budget and final 合计 as a pair of bars,
// the final in red when over budget, with the execution rate under the name.
// Returns EINVALID for a width outside 320–1200.
func BudgetVsFinalSVG(d BudgetVsFinalData, o SVGOptions) ([]byte, error) {
	c, err := newCanvas(o, "budget-vs-final")
	if err != nil {
		return nil, err
	}
	title := budgetTitle(d)
	c.header(title, "执行率 = 决算 ÷ 预算 · 单位：万元")
	if len(d.Rows) == 0 {
		c.empty("暂无已发布的数据", d.Source)
		c.footer(d.Source)
		return c.bytes(title, budgetDesc(d)), nil
	}
	for _, l := range lines(budgetSummary(d), 12, c.inner(), 3) {
		c.y += 18
		c.text(c.pad, c.y-4, l, 12, "start", colorText, "")
	}
	c.y += 4
	c.legend([]legendEntry{{colorBudget, "预算", "-"}, {itemColors[ItemTotal], "决算", "-"}, {colorOver, "决算超预算", "-"}})

	rows, rowH, more := fitRows(d.Rows, c.bottom(d.Source)-c.y, 42, 64)
	var hi models.Money
	valueW := textWidth("未公开", 12)
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r.DeptName
		for _, v := range []models.NullMoney{r.Budget, r.Final} {
			if v.Valid {
				hi = max(hi, v.Money)
				valueW = math.Max(valueW, textWidth(string(display(v)), 12))
			}
		}
	}
	bars := &hbars{c: c, hi: hi}
	bars.layout(names, 0, valueW, textWidth("超预算 100.0%", 11))
	for _, r := range rows {
		top := c.y + (rowH-42)/2
		c.text(bars.nameX, top+15, fit(r.DeptName, 12, bars.nameW), 12, "start", colorText, "")
		note, color := rateNote(r)
		c.text(bars.nameX, top+31, fit(note, 11, bars.nameW), 11, "start", color, "")
		bars.bar(top+4, 13, r.Budget, colorBudget)
		final := itemColors[ItemTotal]
		if r.OverBudget {
			final = colorOver
		}
		bars.bar(top+20, 13, r.Final, final)
		c.y += rowH
	}
	c.more(more, rowH)
	c.footer(d.Source)
	return c.bytes(title, budgetDesc(d)), nil
}

// rateNote is the line under a department's name, and its colour.
func rateNote(r BudgetRow) (string, string) {
	switch {
	case r.OverBudget && r.Rate != "":
		return "超预算 " + string(r.Rate) + "%", colorOver
	case r.OverBudget:
		return "超预算（预算为 0）", colorOver
	case r.Rate != "":
		return "执行率 " + string(r.Rate) + "%", colorMuted
	case r.BudgetSource == "":
		return "无预算数", colorMuted
	case !r.Budget.Valid:
		return "预算未公开", colorMuted
	case !hasPhase(r.Filings, models.PhaseFinal):
		return "尚无决算", colorMuted
	case !r.Final.Valid:
		return "决算未公开", colorMuted
	}
	return "预算为 0", colorMuted
}

func hasPhase(fs []FilingRef, p models.Phase) bool {
	for _, f := range fs {
		if f.Phase == p {
			return true
		}
	}
	return false
}

func budgetTitle(d BudgetVsFinalData) string {
	return d.RegionName + strconv.Itoa(d.Year) + "年各部门三公经费预算与决算"
}

// budgetSummary is the region's line: "合计（12 个部门）：预算 …，决算 …，执行率 …；2 个部门超预算".
func budgetSummary(d BudgetVsFinalData) string {
	if d.Counted == 0 {
		return "暂无同时公开预算与决算的部门"
	}
	s := "合计（" + strconv.Itoa(d.Counted) + " 个部门）：预算 " + wanText(d.Summary.Budget) + "，决算 " + wanText(d.Summary.Final)
	if d.Summary.Rate != "" {
		s += "，执行率 " + string(d.Summary.Rate) + "%"
	}
	if d.OverBudget > 0 {
		s += "；" + strconv.Itoa(d.OverBudget) + " 个部门超预算"
	}
	return s
}

func budgetDesc(d BudgetVsFinalData) string {
	var b strings.Builder
	b.WriteString(budgetTitle(d) + "，共 " + strconv.Itoa(len(d.Rows)) + " 个部门。" + budgetSummary(d) + "。")
	var over []string
	for _, r := range d.Rows {
		if r.OverBudget {
			t := r.DeptName + "（预算 " + wanText(r.Budget) + "，决算 " + wanText(r.Final)
			if r.Rate != "" {
				t += "，执行率 " + string(r.Rate) + "%"
			}
			over = append(over, t+"）")
		}
	}
	if len(over) > 0 {
		b.WriteString("决算超预算：" + strings.Join(over, "、") + "。")
	}
	if missing := len(d.Rows) - d.Counted; missing > 0 {
		b.WriteString(strconv.Itoa(missing) + " 个部门缺少预算数或决算数。")
	}
	return b.String()
}
