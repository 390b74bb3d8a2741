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
		var used []string // the parts with no line at all add 0
		for _, col := range parts {
			if t.used[col] {
				used = append(used, col)
			}
		}
		if len(used) == 0 {
			// The table prints its total column alone (a final's 基本支出决算表
			// prints one 决算数 per code): there is no split to add up.
			return
		}
		for _, code := range t.rows {
			if t.key == models.TableFiscalSummary && incomeSide(code) && !t.anyPresent(code, used) {
				continue // the income side printed with one amount column
			}
			if !t.anyPresent(code, used) && (code == models.RowPersonnelTotal || code == models.RowPublicUseTotal) {
				continue
			}
			expected := side{Label: label}
			for _, col := range used {
				expected.Figures = append(expected.Figures, t.fig(code, col))
			}
			out.compare(comparison{at: t.at(code, "total"), actual: one("", t.fig(code, "total")), expected: expected,
				hint: t.absentHint(code, "total")})
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
		// A total row the table does not print is derived from its 类, not read as 0.
		for _, parent := range t.rows {
			kids := tree[parent]
			if parent == models.RowPersonnelTotal || parent == models.RowPublicUseTotal {
				kids = t.basicGroup(parent)
			}
			if len(kids) == 0 {
				continue
			}
			label := childrenLabel(parent, kids)
			for _, col := range t.usedColumns() {
				expected := side{Label: label}
				for _, k := range kids {
					expected.Figures = append(expected.Figures, t.fig(k, col))
				}
				out.compare(comparison{at: t.at(parent, col), actual: one("", t.fig(parent, col)), expected: expected,
					hint: t.absentHint(parent, col)})
			}
		}
	})
}

// childrenLabel names the rows a parent is compared with: 所属款之和, 所属项之和, 各类之和.
func childrenLabel(parent string, kids []string) string {
	level, _ := codes.LevelOf(kids[0])
	for _, k := range kids[1:] {
		if l, _ := codes.LevelOf(k); l != level {
			return "下级科目之和"
		}
	}
	switch parent {
	case models.RowTotal:
		return "各" + level.String() + "之和"
	case models.RowPersonnelTotal:
		return "工资福利支出、对个人和家庭的补助之和"
	case models.RowPublicUseTotal:
		return "其他各类经济科目之和"
	}
	return "所属" + level.String() + "之和"
}
