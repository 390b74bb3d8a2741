package checks

import (
	"sort"
	"strings"

	"sunshine/codes"
	"sunshine/models"
)

// Rules 9–13: figures that two tables of one filing both print. Each runs only
// when both tables are in the filing; a row one table has and the other lacks
// counts 0 in the other.

var ruleCrossSummaryIncome = rule{RuleInfo{
	Key: "cross.summary_income", Number: "9", Severity: models.SeverityError, Scope: ScopeCrossTable,
	Chinese: "收支总表的本年收入合计 + 上年结转应等于收入表合计（含上年结转栏）；本年支出合计应等于支出表合计；收支总表每个类应等于支出表中该类的合计。",
	English: "summary income_subtotal + carryover_in equals the income table's total (which includes its carryover column); summary expenditure_subtotal equals the expenditure table's total; each 类 row of the summary equals that 类's total in the expenditure table.",
}, checkCrossSummaryIncome}

var ruleCrossFiscal = rule{RuleInfo{
	Key: "cross.fiscal", Number: "10", Severity: models.SeverityError, Scope: ScopeCrossTable,
	Chinese: "财政拨款收支总表的一般公共预算栏应与一般公共预算支出表逐类一致、本年支出合计一致；政府性基金预算栏对应政府性基金预算支出表；国有资本经营预算栏对应国有资本经营预算支出表。",
	English: "fiscal_summary's general_budget column equals general_expenditure, 类 by 类 and in total; gov_fund equals gov_fund_expenditure; state_capital equals state_capital_expenditure.",
}, checkCrossFiscal}

var ruleCrossBasic = rule{RuleInfo{
	Key: "cross.basic", Number: "11", Severity: models.SeverityError, Scope: ScopeCrossTable,
	Chinese: "一般公共预算支出表的基本支出合计应等于一般公共预算基本支出表合计。",
	English: "general_expenditure's basic total equals basic_expenditure's total.",
}, checkCrossBasic}

var ruleCrossThreePublicEconomic = rule{RuleInfo{
	Key: "cross.three_public_economic", Number: "12", Severity: models.SeverityError, Scope: ScopeCrossTable,
	Chinese: "基本支出表中对应三公经费的经济科目不能超过三公经费表的该项（30212 ≤ 因公出国(境)费，30217 ≤ 公务接待费，30231 ≤ 公务用车运行(维护)费，31013 + 30913 ≤ 公务用车购置费，对应关系取自当年经济分类科目表）；经济科目有金额而三公经费该项未公开的，也是错误。",
	English: "The economic lines of basic_expenditure that belong to a 三公 item do not exceed it (30212 ≤ outbound trips, 30217 ≤ reception, 30231 ≤ vehicle operation, 31013 + 30913 ≤ vehicle purchase; the mapping is the three_public column of the year's economic list); a non-zero line whose 三公 item is not disclosed is an error too.",
}, checkCrossThreePublicEconomic}

var ruleCrossOperatingCost = rule{RuleInfo{
	Key: "cross.operating_cost", Number: "13", Severity: models.SeverityWarning, Scope: ScopeCrossTable,
	Chinese: "机关运行经费不应超过一般公共预算基本支出表的公用经费合计（只有行政单位和参公事业单位时两者相等；有非参公事业单位时可以更小）。",
	English: "The operating cost of the organs does not exceed basic_expenditure's public_use total (it equals it when the department has no non-参公 事业单位, and may be smaller when it has).",
	Basis:   basisLaw14 + "（机关运行经费须作说明）",
}, checkCrossOperatingCost}

// crossAt locates a comparison of a cell of t with another table's cell. The
// message names both cells through the sides' labels, so the location text stays empty.
func crossAt(t *table, code, column string, other where) where {
	w := t.at(code, column).against(other)
	w.printedIn = nil
	return w
}

// classUnion returns the 类 rows either table has, in order.
func classUnion(a, b *table) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range append(a.classCodes(), b.classCodes()...) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

func checkCrossSummaryIncome(in *input, out *output) {
	s := in.table(models.TableSummary)
	if s == nil {
		return
	}
	const amount = "amount"
	if inc := in.table(models.TableIncome); inc != nil {
		// The budget's 部门收入总表 has a 上年结转 column inside its total; the
		// final's 收入决算表 has none, so its total is the year's income alone.
		rows := []string{"income_subtotal"}
		if in.Phase != models.PhaseFinal || inc.used("carryover") {
			rows = append(rows, "carryover_in")
		}
		expected, ok := s.sumOfDerived(rows, amount)
		actual, okA := inc.derived(models.RowTotal, "total")
		if ok && okA {
			expected.Label = s.name() + "“" + expected.Label + "”"
			out.compare(comparison{
				at:       crossAt(inc, models.RowTotal, "total", s.at("income_subtotal", amount)),
				actual:   named(inc, models.RowTotal, "total", actual),
				expected: expected,
			})
		}
	}
	if exp := in.table(models.TableExpenditure); exp != nil {
		actual, okA := exp.derived(models.RowTotal, "total")
		expected, ok := s.derived("expenditure_subtotal", amount)
		// Neither printed: the 类 rows below compare all that the two would add up.
		if ok && okA && (exp.present(models.RowTotal, "total") || s.present("expenditure_subtotal", amount)) {
			out.compare(comparison{
				at:       crossAt(exp, models.RowTotal, "total", s.at("expenditure_subtotal", amount)),
				actual:   named(exp, models.RowTotal, "total", actual),
				expected: named(s, "expenditure_subtotal", amount, expected),
			})
		}
		for _, code := range classUnion(s, exp) {
			out.compare(comparison{
				at:       crossAt(exp, code, "total", s.at(code, amount)),
				actual:   exp.side(code, "total"),
				expected: s.side(code, amount),
			})
		}
	}
}

// named returns a derived side for a comparison: named by its cell when the
// table prints it, else labelled as derived (in the table's name).
func named(t *table, row, col string, d side) side {
	if t.present(row, col) {
		return t.side(row, col)
	}
	d.Label = t.name() + "“" + d.Label + "”"
	return d
}

// sumOfDerived adds rows of one column, each printed or derived; absent
// detail rows (上年结转 on a table without it) add nothing.
func (t *table) sumOfDerived(rows []string, col string) (side, bool) {
	var s side
	var labels []string
	for _, r := range rows {
		d, ok := t.derived(r, col)
		if !ok {
			if r == rows[0] {
				return side{}, false
			}
			continue
		}
		s.Figures = append(s.Figures, d.Figures...)
		labels = append(labels, t.rowLabel(r))
	}
	s.Label = strings.Join(labels, " + ")
	return s, true
}

// fiscalColumns pairs each column of fiscal_summary with the table that details it.
var fiscalColumns = []struct {
	column string
	table  models.Table
}{
	{"general_budget", models.TableGeneralExpenditure},
	{"gov_fund", models.TableGovFundExpenditure},
	{"state_capital", models.TableStateCapitalExpenditure},
}

func checkCrossFiscal(in *input, out *output) {
	fs := in.table(models.TableFiscalSummary)
	if fs == nil {
		return
	}
	for _, pair := range fiscalColumns {
		d := in.table(pair.table)
		if d == nil {
			continue
		}
		actual, okA := d.derived(models.RowTotal, "total")
		expected, ok := fs.derived("expenditure_subtotal", pair.column)
		if ok && okA && (d.present(models.RowTotal, "total") || fs.present("expenditure_subtotal", pair.column)) {
			out.compare(comparison{
				at:       crossAt(d, models.RowTotal, "total", fs.at("expenditure_subtotal", pair.column)),
				actual:   named(d, models.RowTotal, "total", actual),
				expected: named(fs, "expenditure_subtotal", pair.column, expected),
			})
		}
		for _, code := range classUnion(fs, d) {
			out.compare(comparison{
				at:       crossAt(d, code, "total", fs.at(code, pair.column)),
				actual:   d.side(code, "total"),
				expected: fs.side(code, pair.column),
			})
		}
	}
}

func checkCrossBasic(in *input, out *output) {
	g, b := in.table(models.TableGeneralExpenditure), in.table(models.TableBasicExpenditure)
	if g == nil || b == nil {
		return
	}
	actual, okA := b.derived(models.RowTotal, "total")
	expected, ok := g.derived(models.RowTotal, "basic")
	if ok && okA {
		out.compare(comparison{
			at:       crossAt(b, models.RowTotal, "total", g.at(models.RowTotal, "basic")),
			actual:   named(b, models.RowTotal, "total", actual),
			expected: named(g, models.RowTotal, "basic", expected),
		})
	}
}

// checkCrossThreePublicEconomic compares the total column of the economic
// lines that belong to each 三公 item (the three_public column of the year's
// economic list) with the 三公 record's actual figure (决算数 in a final).
func checkCrossThreePublicEconomic(in *input, out *output) {
	b := in.table(models.TableBasicExpenditure)
	tp := in.ThreePublic
	if b == nil || tp == nil {
		return
	}
	list, _ := in.codeList(codes.Economic)
	items := map[string]models.NullMoney{
		codes.ThreePublicOutboundTrips:    tp.OutboundTrips,
		codes.ThreePublicReception:        tp.Reception,
		codes.ThreePublicVehicleOperation: tp.VehicleOperation,
		codes.ThreePublicVehiclePurchase:  tp.VehiclePurchase,
	}
	label := ""
	if in.Phase == models.PhaseFinal {
		label = "决算数"
	}
	for _, item := range codes.ThreePublicItems {
		var lines []string
		for _, code := range list.ThreePublicCodes(item) {
			if b.has(code) {
				lines = append(lines, code)
			}
		}
		if len(lines) == 0 {
			continue
		}
		economic := side{}
		var names []string
		for _, code := range lines {
			economic.Figures = append(economic.Figures, b.fig(code, "total"))
			names = append(names, b.rowLabel(code))
		}
		economic.Label = b.name() + "“" + strings.Join(names, "”+“") + "”"
		other := threePublicAt(label, item, tp.SourceRow)
		at := crossAt(b, lines[0], "total", other)
		three := items[item]
		if !three.Valid {
			sum, ok := economic.sum()
			if economic.missing() || !ok || sum == 0 {
				continue
			}
			amount := money(sum, economic.unit())
			out.report(at, economic.Label+" "+amount+"，但"+other.text()+"未公开；有对应经济科目支出的三公经费项目必须公开", "", amount)
			continue
		}
		out.compare(comparison{
			at:       at,
			actual:   economic,
			expected: one(other.text(), disclosed(three, unitOf(tp.Unit), tp.Decimals)),
			upTo:     true,
			hint:     "对应的经济科目支出不能超过三公经费该项",
		})
	}
}

func checkCrossOperatingCost(in *input, out *output) {
	oc, b := in.table(models.TableOperatingCost), in.table(models.TableBasicExpenditure)
	if oc == nil || b == nil {
		return
	}
	// The final's printed 基本支出决算表 gives 公用经费 as its 公用经费合计 row.
	publicUse := b.side(models.RowTotal, "public_use")
	publicAt := b.at(models.RowTotal, "public_use")
	if !b.present(models.RowTotal, "public_use") && b.has(models.RowPublicUseTotal) {
		publicUse, publicAt = b.side(models.RowPublicUseTotal, "total"), b.at(models.RowPublicUseTotal, "total")
	}
	out.compare(comparison{
		at:       crossAt(oc, models.RowTotal, "amount", publicAt),
		actual:   oc.side(models.RowTotal, "amount"),
		expected: publicUse,
		upTo:     true,
		hint:     "机关运行经费是行政单位和参公事业单位的公用经费，不应超过基本支出中的公用经费",
	})
}
