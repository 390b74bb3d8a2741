package checks

import (
	"fmt"
	"slices"
	"strings"

	"sunshine/codes"
	"sunshine/models"
)

// Rules 7 and 8a: the classification codes of the rows, and how deep they go.

var ruleCodeUnknown = rule{RuleInfo{
	Key: "code.unknown", Number: "7", Severity: models.SeverityWarning, Scope: ScopeTable,
	Chinese: "科目编码应在当年的支出功能分类或支出经济分类科目表中（按当年科目表，没有则按最近的上一年，再没有则按内置示例科目表）。",
	English: "Every classification code is in the year's functional or economic code list (that year's list, else the nearest earlier year's, else the starter list).",
}, checkCodeUnknown}

var ruleCodeNameMismatch = rule{RuleInfo{
	Key: "code.name_mismatch", Number: "7", Severity: models.SeverityWarning, Scope: ScopeTable,
	Chinese: "科目名称应与科目表中的规范名称一致；忽略空格、全角半角括号（及其他全角字符）和末尾的“支出”二字。",
	English: "A code's printed name matches its official name, ignoring white space, full-width versus half-width forms (brackets included) and a trailing 支出.",
}, checkCodeNameMismatch}

var ruleDetailLevel = rule{RuleInfo{
	Key: "detail.level", Number: "8a", Severity: models.SeverityWarning, Scope: ScopeTable,
	Chinese: "支出应按功能分类公开到项、基本支出按经济分类公开到款：部门支出总表和一般公共预算支出表中的类、款应列出下级科目，基本支出表中的类应列出款（科目表中本无下级科目的、金额全为 0 的除外）。",
	English: "Spending is disclosed to the 项 of the functional classification and basic spending to the 款 of the economic one: in expenditure and general_expenditure every 类 and 款 row has rows below it, in basic_expenditure every 类 has 款 rows (unless the year's list has no code below it, or the row is all zero).",
	Basis:   basis143 + "；《中华人民共和国预算法》第四十六条",
}, checkDetailLevel}

// classifiedRows calls fn for each classification code printed in the
// filing's tables, once per table and code, with the list it belongs to: the
// classified tables by their kind, and the 类 rows of the two summary tables
// (functional).
func classifiedRows(in *input, fn func(t *table, code string, list *codes.List, from int)) {
	in.eachTable(func(t *table) {
		kind := t.spec.Classification
		if t.key == models.TableSummary || t.key == models.TableFiscalSummary {
			kind = codes.Functional
		}
		if kind == "" {
			return
		}
		list, from := in.codeList(kind)
		for _, code := range t.rows {
			if _, ok := codes.LevelOf(code); ok {
				fn(t, code, list, from)
			}
		}
	})
}

// listName names the list a code was checked against: 2024 年支出功能分类科目表.
func listName(in *input, kind string, from int) string {
	switch {
	case from == 0:
		return fmt.Sprintf("%s科目表（内置示例科目表，未加载 %d 年科目表）", codes.KindChinese(kind), in.FiscalYear)
	case from != in.FiscalYear:
		return fmt.Sprintf("%s科目表（按 %d 年科目表，未加载 %d 年科目表）", codes.KindChinese(kind), from, in.FiscalYear)
	}
	return fmt.Sprintf("%d 年%s科目表", from, codes.KindChinese(kind))
}

// checkCodeUnknown reports each code not in the year's list. Against the
// starter lists (a subset of the official ones, used when no list of the year
// is loaded) a code may well be real, so the unknown codes of a kind are
// summarised in one finding per filing that says which list was used.
func checkCodeUnknown(in *input, out *output) {
	unknown := map[string][]string{} // kind → codes, against the starter list only
	var first = map[string]where{}
	classifiedRows(in, func(t *table, code string, list *codes.List, from int) {
		if _, ok := list.Lookup(code); ok {
			return
		}
		if in.env.Codes.Origin(list.Kind(), in.FiscalYear).Source == codes.SourceStarter {
			kind := list.Kind()
			if !slices.Contains(unknown[kind], code) {
				if len(unknown[kind]) == 0 {
					first[kind] = t.atRow(code)
				}
				unknown[kind] = append(unknown[kind], code)
			}
			return
		}
		out.reportf(t.atRow(code), "", code, "科目编码 %s 不在%s中", code, listName(in, list.Kind(), from))
	})
	for _, kind := range codes.Kinds {
		cs := unknown[kind]
		if len(cs) == 0 {
			continue
		}
		shown := cs[:min(len(cs), 8)]
		more := ""
		if len(cs) > len(shown) {
			more = " 等"
		}
		at := first[kind]
		at.Text, at.printedIn = "", nil
		out.report(at, fmt.Sprintf("本次检查使用内置示例科目表（官方%s科目表的一部分，未加载 %d 年科目表），其中查不到 %d 个科目编码：%s%s；请加载当年科目表后再核对",
			codes.KindChinese(kind), in.FiscalYear, len(cs), strings.Join(shown, "、"), more), "", strings.Join(cs, ","))
	}
}

func checkCodeNameMismatch(in *input, out *output) {
	classifiedRows(in, func(t *table, code string, list *codes.List, from int) {
		c, ok := list.Lookup(code)
		name := t.nameOf(code)
		if !ok || name == "" || codes.SameName(name, c.Name) {
			return
		}
		out.reportf(t.atRow(code), c.Name, name, "科目名称“%s”与%s中的名称“%s”不一致", name, listName(in, list.Kind(), from), c.Name)
	})
}

// checkDetailLevel warns about a 类 or 款 printed with no row below it where
// the law asks for more detail. A code the year's list has nothing below
// (227 预备费) or does not know (code.unknown's business) is not reported, nor
// is a row whose amounts are all zero.
func checkDetailLevel(in *input, out *output) {
	deepest := map[models.Table]codes.Level{
		models.TableExpenditure:        codes.LevelItem,
		models.TableGeneralExpenditure: codes.LevelItem,
		models.TableBasicExpenditure:   codes.LevelSection,
	}
	in.eachTable(func(t *table) {
		want, ok := deepest[t.key]
		if !ok {
			return
		}
		list, _ := in.codeList(t.spec.Classification)
		tree := t.tree()
		for i, code := range t.rows {
			level, ok := codes.LevelOf(code)
			if !ok || level >= want || len(tree.below[t.rowNums[i]]) > 0 || !list.HasChildren(code) || t.allZero(code) {
				continue
			}
			below := "款"
			if t.spec.Classification == codes.Functional {
				below = "款、项"
				if level == codes.LevelSection {
					below = "项"
				}
			}
			out.reportf(t.atRow(code), "", "", "只列到%s，未细化到%s", level, below)
		}
	})
}
