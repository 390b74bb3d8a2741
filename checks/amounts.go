package checks

import (
	"strconv"
	"strings"

	"sunshine/models"
)

// Rule 6: amounts that cannot be, and cells given twice.

var ruleAmountNegative = rule{RuleInfo{
	Key: "amount.negative", Number: "6", Severity: models.SeverityError, Scope: ScopeTable,
	Chinese: "金额不能为负数。",
	English: "No amount is below zero.",
}, checkAmountNegative}

var ruleRowDuplicate = rule{RuleInfo{
	Key: "row.duplicate", Number: "6", Severity: models.SeverityError, Scope: ScopeTable,
	Chinese: "同一文件中同一张表的同一科目、同一栏目只能出现一次。",
	English: "A filing has each cell (table, code, column) once.",
}, checkRowDuplicate}

func checkAmountNegative(in *input, out *output) {
	if t := in.ThreePublic; t != nil {
		unit := unitOf(t.Unit)
		label := ""
		if in.Phase == models.PhaseFinal {
			label = "决算数"
		}
		for _, a := range models.ThreePublicAmounts {
			n := *a.Get(t)
			if !n.Valid || n.Money >= 0 {
				continue
			}
			at := threePublicAt(label, a.Key, t.SourceRow)
			if strings.HasPrefix(a.Key, "budget_") {
				at = threePublicAt("预算数", a.Key, t.SourceRow)
			}
			negative(out, at, money(n.Money, unit))
		}
	}
	in.eachTable(func(t *table) {
		for i, code := range t.rows {
			r := int(t.rowNums[i])
			for _, col := range t.usedColumns() {
				if li := t.lineAt(r, col.num); li != nil && li.Amount.Valid && li.Amount.Money < 0 {
					negative(out, t.atNum(r, col.num, code, col.key), money(li.Amount.Money, unitOf(li.Unit)))
				}
			}
		}
	})
}

func negative(out *output, at where, amount string) {
	at.Value = amount
	out.reportf(at, "≥ 0", amount, "金额 %s%s为负数", amount, gap(amount))
}

// checkRowDuplicate reports every line after the first of the same cell, in
// upload order (newInput found them).
func checkRowDuplicate(in *input, out *output) {
	for _, i := range in.dups {
		li := &in.Items[i]
		t := in.table(li.Table)
		prev := t.cell(li.Code, li.Column)
		at := t.at(li.Code, li.Column)
		at.Row = li.SourceRow
		amount := "未公开"
		if li.Amount.Valid {
			amount = money(li.Amount.Money, unitOf(li.Unit))
		}
		at.Value = amount
		rows := "重复上传"
		if prev.SourceRow > 0 && li.SourceRow > 0 && prev.SourceRow != li.SourceRow {
			rows = "第 " + strconv.Itoa(li.SourceRow) + " 行与第 " + strconv.Itoa(prev.SourceRow) + " 行重复"
		}
		out.reportf(at, "", amount, "%s；每格只能上传一次", rows)
	}
}
