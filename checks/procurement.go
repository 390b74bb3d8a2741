package checks

import "sunshine/models"

// Rule 8: the government procurement table.

var ruleProcurementTotal = rule{RuleInfo{
	Key: "procurement.total", Number: "8", Severity: models.SeverityError, Scope: ScopeTable,
	Chinese: "政府采购合计应等于货物、工程、服务之和；授予中小企业合同金额不能超过合计。",
	English: "Procurement total equals goods + works + services; the amount awarded to SMEs does not exceed the total.",
	Basis:   basisLaw14 + "（政府采购情况须公开）",
}, checkProcurementTotal}

func checkProcurementTotal(in *input, out *output) {
	t := in.table(models.TableProcurement)
	if t == nil {
		return
	}
	const col = "amount"
	out.compare(comparison{at: t.at(models.RowTotal, col), actual: one("", t.fig(models.RowTotal, col)),
		expected: t.rowsSide("货物 + 工程 + 服务", []string{"goods", "works", "services"}, col),
		hint:     t.absentHint(models.RowTotal, col)})
	if t.has("sme") {
		out.compare(comparison{at: t.at("sme", col), actual: one("", t.fig("sme", col)),
			expected: one("政府采购合计", t.fig(models.RowTotal, col)), upTo: true})
	}
}
