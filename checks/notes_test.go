package checks_test

import (
	"testing"

	"sunshine/checks"
	"sunshine/models"
)

// note adds a note printed under a table.
func note(table models.Table, text string) mutation {
	return func(f *checks.Filing) {
		f.Notes = append(f.Notes, models.TableNote{FilingID: f.ID, Table: table, Note: text, SourceRow: 90})
	}
}

var noteEmptyTableCases = []ruleCase{
	{name: "tables declared empty by their 合计 row of 0", filing: budget()},
	{name: "an empty table published with its note", filing: budget(drop(tState, "", ""),
		note(tState, "本部门无国有资本经营预算财政拨款支出，此表为空表。"))},
	{name: "the note under a table that has money", filing: budget(cell(tState, "total", "total", "10.00", models.Yuan),
		note(tState, "本部门无国有资本经营预算财政拨款支出，此表为空表。")),
		want: []string{"error state_capital_expenditure/total/total"}},
	{name: "a table of zero rows without its note", filing: budget(cell(tState, "223", "total", "0", models.Yuan)),
		want: []string{"warning state_capital_expenditure//"}},
	{name: "a 说明 that does not declare the table empty", filing: budget(note(tExp, "项目支出主要用于法律援助。"))},
}

func TestNoteEmptyTable(t *testing.T) { testRule(t, "note.empty_table") }

func TestTableMissing_AnEmptyTableWithItsNoteIsThere(t *testing.T) {
	f := budget(drop(tState, "", ""), note(tState, "本部门无国有资本经营预算财政拨款支出，此表为空表"))()
	if got := ofRule(checks.Run(f, checks.Env{}), "table.missing"); len(got) != 0 {
		t.Errorf("table.missing fired on a table published empty with its note: %v", got[0].Message)
	}
}
