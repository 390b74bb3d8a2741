package checks

import (
	"strings"

	"sunshine/models"
)

// Rule 5b: the notes published tables carry. An empty table must still be
// published, with a note saying why it is empty (本部门无…，此表为空表).

var ruleNoteEmptyTable = rule{RuleInfo{
	Key: "note.empty_table", Number: "5b", Severity: models.SeverityError, Scope: ScopeTable,
	Chinese: "空表说明应与表中数字一致：注明“此表为空表”（或“本部门无…”）的表中不能有非零金额（错误）；没有数字的空表应附空表说明（警告）。",
	English: "An empty-table note (此表为空表, 本部门无…) under a table that has money is an error; a table with nothing in it and no such note is a warning.",
	Basis:   basis143 + "（没有数据的表格应当列出空表并说明）",
}, checkNoteEmptyTable}

// emptyTableNote reports whether a note declares its table empty.
func emptyTableNote(note string) bool {
	return strings.Contains(note, "空表") || strings.Contains(note, "无数据") || strings.HasPrefix(strings.TrimSpace(note), "本部门无") ||
		strings.HasPrefix(strings.TrimSpace(note), "本单位无")
}

// emptyNote returns the first note of a table that declares it empty; ok is false when none does.
func (in *input) emptyNote(key models.Table) (models.TableNote, bool) {
	for _, n := range in.Notes {
		if n.Table == key && emptyTableNote(n.Note) {
			return n, true
		}
	}
	return models.TableNote{}, false
}

func checkNoteEmptyTable(in *input, out *output) {
	for _, spec := range models.Tables {
		note, declared := in.emptyNote(spec.Key)
		money, where, any := in.moneyIn(spec.Key)
		switch {
		case declared && money:
			w := where
			w.Row = note.SourceRow
			out.report(w, w.prefix()+"本表注明“"+shortNote(note.Note)+"”，但表中有非零金额；空表说明与表中数字矛盾", "", "")
		case !declared && any && !money && spec.Key != models.TableThreePublic && !in.declaredByTotal(spec.Key):
			// A 三公 table of zeros is a real statement (no such spending), printed
			// without a note; a table of its 合计 row alone at 0 is the upload
			// template's declaration of an empty table (DOMAIN.md §5 5a).
			name := spec.Name(in.Phase)
			out.add(where, models.SeverityWarning, "《"+name+"》没有非零金额，却未附空表说明；空表也须公开并注明“本部门无…，此表为空表”", "", "")
		}
	}
}

// moneyIn reports whether a table of the filing holds a non-zero amount (and
// where the first one is) and whether it has any figure at all.
func (in *input) moneyIn(key models.Table) (money bool, at where, any bool) {
	at = where{Table: key, Text: "《" + tableName(key, in.Phase) + "》"}
	if key == models.TableThreePublic {
		tp := in.ThreePublic
		if tp == nil {
			return false, at, false
		}
		for _, a := range models.ThreePublicAmounts {
			if n := *a.Get(tp); n.Valid {
				any = true
				if n.Money != 0 {
					at.Column, at.Row = a.Key, tp.SourceRow
					return true, at, true
				}
			}
		}
		return false, at, any
	}
	t := in.table(key)
	if t == nil {
		return false, at, false
	}
	for _, code := range t.rows {
		for _, col := range t.columns() {
			if li := t.cell(code, col); li != nil && li.Amount.Valid {
				any = true
				if li.Amount.Money != 0 {
					w := t.at(code, col)
					w.Text = "《" + t.name() + "》"
					return true, w, true
				}
			}
		}
	}
	return false, at, any
}

// declaredByTotal reports whether a table is its total row alone, at 0: the
// upload template's way of declaring a table empty.
func (in *input) declaredByTotal(key models.Table) bool {
	t := in.table(key)
	return t != nil && len(t.rows) == 1 && t.rows[0] == models.RowTotal && t.allZero(models.RowTotal)
}

func tableName(key models.Table, p models.Phase) string {
	spec, _ := models.LookupTable(string(key))
	if n := spec.Name(p); n != "" {
		return n
	}
	return string(key)
}

// shortNote cuts a long note for a message.
func shortNote(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
