package ingest

import (
	"sunshine/models"
)

// parseTable accepts a table key (DOMAIN.md §2) or the table's printed name,
// budget or final ("部门支出总表", "支出决算表"). The 三公 table is not a line-item
// table: it has its own template.
func parseTable(s string) (models.TableSpec, *problem) {
	if spec, ok := lookupTableName(s); ok {
		if spec.Key == models.TableThreePublic {
			return spec, &problem{RuleCellEnum, "三公经费不按明细上传，请使用三公经费模板（three_public）"}
		}
		return spec, nil
	}
	return models.TableSpec{}, &problem{RuleCellEnum, "表“" + s + "”不是标准表（应为 summary、income、expenditure 等表名）"}
}

// tableByName indexes every table by key, budget name and final name.
var tableByName = func() map[string]models.TableSpec {
	m := map[string]models.TableSpec{}
	for _, t := range models.Tables {
		for _, n := range []string{string(t.Key), t.BudgetName, t.FinalName} {
			m[normalizeHeader(n)] = t
		}
	}
	return m
}()

func lookupTableName(s string) (models.TableSpec, bool) {
	t, ok := tableByName[normalizeHeader(s)]
	return t, ok
}

// lookupColumn finds a column of the table by key or Chinese name, in any
// phase; final reports whether it is one of the columns only final accounts have.
func lookupColumn(spec models.TableSpec, s string) (col models.ColumnSpec, final, ok bool) {
	c, ok := columnByName[spec.Key][normalizeHeader(s)]
	return c.ColumnSpec, c.final, ok
}

// tableColumn is a column of a table and whether only final accounts have it.
type tableColumn struct {
	models.ColumnSpec
	final bool
}

// columnByName indexes each table's columns by key and Chinese name.
var columnByName = func() map[models.Table]map[string]tableColumn {
	m := map[models.Table]map[string]tableColumn{}
	for _, t := range models.Tables {
		cols := map[string]tableColumn{}
		add := func(cs []models.ColumnSpec, final bool) {
			for _, c := range cs {
				cols[c.Key] = tableColumn{c, final}
				cols[normalizeHeader(c.Chinese)] = tableColumn{c, final}
			}
		}
		add(t.FinalColumns, true)
		add(t.Columns, false) // a column every phase has wins over a final-only one of the same name
		m[t.Key] = cols
	}
	return m
}()

// parseColumn accepts a column key or its Chinese name and checks that the
// table has it in the row's phase (finals may add columns budgets do not have).
// phaseKnown is false when the phase cell was itself wrong: then only the name is checked.
func parseColumn(spec models.TableSpec, s string, p models.Phase, phaseKnown bool) (string, *problem) {
	col, finalOnly, ok := lookupColumn(spec, s)
	if !ok {
		return "", &problem{RuleCellEnum, "表“" + spec.BudgetName + "”没有栏目“" + s + "”（可用：" + columnList(spec) + "）"}
	}
	if finalOnly && phaseKnown && p != models.PhaseFinal {
		return "", &problem{RuleCellEnum, "栏目“" + col.Chinese + "”只用于决算，" + p.Chinese() + "不能填写"}
	}
	return col.Key, nil
}

func columnList(spec models.TableSpec) string {
	s := ""
	for _, c := range append(append([]models.ColumnSpec(nil), spec.Columns...), spec.FinalColumns...) {
		if s != "" {
			s += "、"
		}
		s += c.Key + " " + c.Chinese
	}
	return s
}

// parseRowCode checks a line's code against the table: a named row of a
// row-keyed table, a classification code where the table has them, or total.
// 合计 is accepted for total, as the printed tables label that row.
func parseRowCode(spec models.TableSpec, s string) (string, *problem) {
	code := s
	if normalizeHeader(s) == "合计" {
		code = models.RowTotal
	}
	if len(code) > 40 {
		return "", &problem{RuleCellLength, "科目编码过长（最多 40 个字符）"}
	}
	if code != models.RowTotal && !spec.AllowsRow(code) {
		msg := "表“" + spec.BudgetName + "”没有行“" + s + "”"
		if spec.Classification != "" {
			msg += "（应为 3、5 或 7 位科目编码，或 total）"
		}
		return "", &problem{RuleCellEnum, msg}
	}
	return code, nil
}
