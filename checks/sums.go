package checks

import (
	"strings"

	"sunshine/codes"
	"sunshine/models"
)

// Rules 3–4: sums within one table, across its columns and down its hierarchy.

var ruleRowSum = rule{RuleInfo{
	Key: "row.sum", Number: "3", Severity: models.SeverityError, Scope: ScopeTable,
	Chinese: "每行的合计应等于各栏之和：基本支出 + 项目支出（决算还有上缴上级支出、经营支出、对附属单位补助支出）；人员经费 + 公用经费；各项收入来源（含上年结转）；财政拨款收支总表中一般公共预算 + 政府性基金预算 + 国有资本经营预算。",
	English: "Each row's total column equals the sum of its other columns: basic + project (plus a final's remit, operations and subsidy columns); personnel + public use; the income sources including carryover; in fiscal_summary general budget + government fund + state capital.",
}, checkRowSum}

var ruleHierarchySum = rule{RuleInfo{
	Key: "hierarchy.sum", Number: "4", Severity: models.SeverityError, Scope: ScopeTable,
	Chinese: "类应等于所属款之和，款应等于所属项之和，表合计应等于各类之和（功能分类和经济分类），逐栏核对；表中没有下级行的科目不核对。",
	English: "In every column, a 类 equals the sum of its 款, a 款 the sum of its 项, and the table total the sum of its 类 (functional and economic); a code with no child rows in the table is not compared.",
}, checkHierarchySum}

// checkRowSum compares the total column of every row of a table that has one
// with the sum of the table's other columns (in a final, the final-only
// columns too). An absent cell counts 0; a cell given empty skips the row.
func checkRowSum(in *input, out *output) {
	in.eachTable(func(t *table) {
		cols := t.columns()
		if len(cols) < 2 || cols[0] != "total" {
			return
		}
		parts := cols[1:]
		labels := make([]string, len(parts))
		for i, col := range parts {
			labels[i] = t.columnLabel(col)
		}
		label := strings.Join(labels, " + ")
		if len(parts) > 3 {
			label = "各栏之和"
		}
		var used []usedColumn // the parts with no line at all add 0
		for i, col := range parts {
			if n := t.specCol(1 + i); t.colUsed[n] {
				used = append(used, usedColumn{col, n})
			}
		}
		if len(used) == 0 {
			// The table prints its total column alone (a final's 基本支出决算表
			// prints one 决算数 per code): there is no split to add up.
			return
		}
		const total = "total"
		tc := t.specCol(0)
		for i, code := range t.rows {
			r := int(t.rowNums[i])
			anyPresent := false
			for _, col := range used {
				if t.lineAt(r, col.num) != nil {
					anyPresent = true
					break
				}
			}
			if t.key == models.TableFiscalSummary && incomeSide(code) && !anyPresent {
				continue // the income side printed with one amount column
			}
			if !anyPresent && (code == models.RowPersonnelTotal || code == models.RowPublicUseTotal) {
				continue
			}
			figs := in.figures()
			for _, col := range used {
				figs = append(figs, t.figAt(r, col.num, code, col.key))
			}
			n := len(figs)
			figs = append(figs, t.figAt(r, tc, code, total))
			out.compare(comparison{at: t.atNum(r, tc, code, total), actual: side{Figures: figs[n : n+1 : n+1]},
				expected: side{Label: label, Figures: figs[:n:n]}, hint: t.absentHintAt(r, tc)})
			in.keep(figs)
		}
	})
}

// checkHierarchySum compares, in every column of a classified table, each row
// that has rows below it with the sum of those directly below (see table.tree).
func checkHierarchySum(in *input, out *output) {
	in.eachTable(func(t *table) {
		if t.spec.Classification == "" {
			return
		}
		tree := t.tree()
		var group []int32
		// A total row the table does not print is derived from its 类, not read as 0.
		for i, parent := range t.rows {
			r := int(t.rowNums[i])
			var kids []int32 // row numbers
			switch parent {
			case models.RowTotal:
				kids = tree.top
			case models.RowPersonnelTotal, models.RowPublicUseTotal:
				group = group[:0]
				for _, k := range t.basicGroup(parent) {
					group = append(group, int32(t.rowNum(k)))
				}
				kids = group
			default:
				kids = tree.below[r]
			}
			if len(kids) == 0 {
				continue
			}
			label := childrenLabel(parent, len(kids), func(i int) string { return t.firsts[kids[i]].Code })
			for _, col := range t.usedColumns() {
				figs := in.figures()
				for _, k := range kids {
					figs = append(figs, t.figAt(int(k), col.num, t.firsts[k].Code, col.key))
				}
				n := len(figs)
				figs = append(figs, t.figAt(r, col.num, parent, col.key))
				out.compare(comparison{at: t.atNum(r, col.num, parent, col.key), actual: side{Figures: figs[n : n+1 : n+1]},
					expected: side{Label: label, Figures: figs[:n:n]}, hint: t.absentHintAt(r, col.num)})
				in.keep(figs)
			}
		}
	})
}

// childrenLabel names the rows a parent is compared with: 所属款之和, 所属项之和, 各类之和.
// There are n children, kid(i) the code of the i-th; n > 0.
func childrenLabel(parent string, n int, kid func(i int) string) string {
	level, _ := codes.LevelOf(kid(0))
	for i := 1; i < n; i++ {
		if l, _ := codes.LevelOf(kid(i)); l != level {
			return "下级科目之和"
		}
	}
	switch parent {
	case models.RowTotal:
		switch level {
		case codes.LevelClass:
			return "各类之和"
		case codes.LevelSection:
			return "各款之和"
		case codes.LevelItem:
			return "各项之和"
		}
		return "各" + level.String() + "之和"
	case models.RowPersonnelTotal:
		return "工资福利支出、对个人和家庭的补助之和"
	case models.RowPublicUseTotal:
		return "其他各类经济科目之和"
	}
	switch level {
	case codes.LevelClass:
		return "所属类之和"
	case codes.LevelSection:
		return "所属款之和"
	case codes.LevelItem:
		return "所属项之和"
	}
	return "所属" + level.String() + "之和"
}
