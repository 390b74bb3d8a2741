package ingest

import (
	"strings"
	"testing"
)

// TestRowMemo_RepeatedCellsStillReportEveryRowsProblem: a cell that reads as
// the row before's is parsed once, but only when it parsed cleanly — the
// same bad cell on three rows gives three findings, and a good key after a
// bad one is read afresh.
func TestRowMemo_RepeatedCellsStillReportEveryRowsProblem(t *testing.T) {
	good := liRow("", "")
	file := liHeader + good + // row 2
		liRow("unit", "英镑") + liRow("unit", "英镑") + // rows 3, 4: the same bad unit
		good + // row 5: good again after the bad key
		liRow("column", "月度") + liRow("column", "月度") + // rows 6, 7: the same bad column
		liRow("name", "行政\x01运行") + liRow("name", "行政\x01运行") + // rows 8, 9: the same bad name
		liRow("table", "未知表") + liRow("table", "未知表") + // rows 10, 11: the same bad table
		good // row 12
	_, fs := parseAll(t, file, DefaultOptions())
	for _, w := range []struct {
		rule   string
		row    int
		column string
	}{
		{RuleCellEnum, 3, "单位"}, {RuleCellEnum, 4, "单位"},
		{RuleCellEnum, 6, "栏目"}, {RuleCellEnum, 7, "栏目"},
		{"", 8, "科目名称"}, {"", 9, "科目名称"},
		{"", 10, "表"}, {"", 11, "表"},
	} {
		found := false
		for _, f := range fs {
			if f.Row == w.row && f.Column == w.column && (w.rule == "" || f.Rule == w.rule) {
				found = true
			}
		}
		if !found {
			t.Errorf("no finding at row %d, column %s: %s", w.row, w.column, dump(fs))
		}
	}
	if len(fs) != 8 {
		t.Errorf("%d findings, want 8: %s", len(fs), dump(fs))
	}
	for _, f := range fs {
		if f.Row == 2 || f.Row == 5 || f.Row == 12 {
			t.Errorf("a good row got a finding: %s", dump(fs))
		}
	}
}

// TestRowMemo_KeyFollowsEveryCell: rows of two departments, interleaved, keep
// each its own key and name.
func TestRowMemo_KeyFollowsEveryCell(t *testing.T) {
	a, b := liRow("", ""), strings.Replace(liRow("", ""), "001,县财政局", "002,县教育局", 1)
	recs, fs := parseAll(t, liHeader+a+b+a+b, DefaultOptions())
	noFindings(t, fs)
	for i, r := range recs {
		want := [2]string{"001", "县财政局"}
		if i%2 == 1 {
			want = [2]string{"002", "县教育局"}
		}
		if r.Key.DeptCode != want[0] || r.DeptName != want[1] {
			t.Errorf("record %d: %s %s, want %v", i, r.Key.DeptCode, r.DeptName, want)
		}
	}
	if len(recs) != 4 {
		t.Errorf("%d records", len(recs))
	}
}
