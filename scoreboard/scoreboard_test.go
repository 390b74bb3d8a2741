package scoreboard_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sunshine/models"
	"sunshine/scoreboard"
	"sunshine/store"
)

// allTables is a filing with the nine standard tables, each with a figure.
func allTables(code string, published time.Time) store.ScoreboardFiling {
	f := store.ScoreboardFiling{FilingID: int64(len(code)) + 100, DeptCode: code, DeptName: "部门" + code, Version: 1,
		FirstPublished: published, PublishedAt: published, ThreePublic: true, Tables: map[models.Table]store.ScoreboardTable{}}
	for _, k := range []models.Table{models.TableSummary, models.TableIncome, models.TableExpenditure, models.TableFiscalSummary,
		models.TableGeneralExpenditure, models.TableBasicExpenditure, models.TableGovFundExpenditure, models.TableStateCapitalExpenditure} {
		f.Tables[k] = store.ScoreboardTable{Rows: 3, Money: 3, Detail: 2}
	}
	return f
}

// china is a moment on China's calendar.
func china(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, scoreboard.China)
}

func TestCompute_TimelinessCompletenessAndCounts(t *testing.T) {
	late := allTables("002", china(2025, 2, 20, 9)) // approved 01-20: 31 days
	late.Warnings = 2
	incomplete := allTables("003", china(2025, 2, 9, 23)) // 20 days: on time, the last allowed day
	delete(incomplete.Tables, models.TableStateCapitalExpenditure)
	incomplete.Tables[models.TableGovFundExpenditure] = store.ScoreboardTable{Rows: 1, Detail: 0} // its 合计 alone at 0
	incomplete.Tables[models.TableIncome] = store.ScoreboardTable{Rows: 2, Nulls: 2, Detail: 1}
	incomplete.ThreePublicNulls = 1
	noted := allTables("004", china(2025, 1, 25, 8)) // its own approval 2025-01-01: 24 days, late
	noted.Tables[models.TableStateCapitalExpenditure] = store.ScoreboardTable{Notes: []string{"本部门无国有资本经营预算财政拨款支出，此表为空表。"}}
	zeros := allTables("006", china(2025, 2, 1, 8))                                          // not listed
	zeros.Tables[models.TableGovFundExpenditure] = store.ScoreboardTable{Rows: 4, Detail: 3} // zeros with no note: there, with figures
	zeros.ThreePublic = false
	facts := store.ScoreboardFacts{RegionCode: "990101", RegionName: "阳光市", FiscalYear: 2025, Phase: models.PhaseBudget, ListYear: 2024,
		List:      []store.ListedDepartment{{Code: "001", Name: "未公开局"}, {Code: "002", Name: "迟到局"}, {Code: "003", Name: "缺表局"}, {Code: "004", Name: "空表局"}, {Code: "005", Name: "未到期局"}},
		Approvals: []store.Approval{{DeptCode: "", Date: "2025-01-20"}, {DeptCode: "004", Date: "2025-01-01"}, {DeptCode: "005", Date: "2025-03-01"}},
		Filings:   []store.ScoreboardFiling{late, incomplete, noted, zeros}}
	b := scoreboard.Compute(facts, china(2025, 3, 10, 0)) // 001: 49 days after approval, overdue; 005: 9 days, pending

	got := map[string]scoreboard.Department{}
	var order []string
	for _, d := range b.Departments {
		got[d.DeptCode] = d
		order = append(order, d.DeptCode)
	}
	if strings.Join(order, ",") != "001,002,003,004,005,006" {
		t.Fatalf("order: list first, then the unlisted: %v", order)
	}
	want := map[string]struct {
		timeliness, completeness string
		days                     int
		present, empty, missing  int
		notDisclosed             int
	}{
		"001": {scoreboard.Overdue, scoreboard.Missing, 49, 0, 0, 9, 0},
		"002": {scoreboard.Late, scoreboard.Complete, 31, 9, 0, 0, 0},
		"003": {scoreboard.OnTime, scoreboard.Incomplete, 20, 7, 1, 1, 3},
		"004": {scoreboard.Late, scoreboard.Complete, 24, 8, 1, 0, 0},
		"005": {scoreboard.Pending, scoreboard.Missing, 9, 0, 0, 9, 0},
		"006": {scoreboard.OnTime, scoreboard.Incomplete, 12, 8, 0, 1, 0},
	}
	for code, w := range want {
		d := got[code]
		if d.Timeliness != w.timeliness || d.Completeness != w.completeness || d.Days == nil || *d.Days != w.days ||
			d.TablesPresent != w.present || d.TablesEmpty != w.empty || d.TablesMissing != w.missing || d.NotDisclosed != w.notDisclosed {
			t.Errorf("%s: %s %s days %v tables %d/%d/%d not disclosed %d; want %+v", code, d.Timeliness, d.Completeness, d.Days,
				d.TablesPresent, d.TablesEmpty, d.TablesMissing, d.NotDisclosed, w)
		}
	}
	if d := got["003"]; d.Tables[7].Table != models.TableGovFundExpenditure || d.Tables[7].State != scoreboard.TableEmpty ||
		d.Tables[8].State != scoreboard.TableMissing || d.Tables[8].Name != "国有资本经营预算支出表" {
		t.Errorf("003's tables: %+v", d.Tables)
	}
	if d := got["006"]; d.Listed || d.DeptName != "部门006" || d.Tables[6].State != scoreboard.TableMissing || d.Tables[7].State != scoreboard.TablePresent {
		t.Errorf("006 (unlisted, zeros without a note, no 三公): %+v", d)
	}
	if d := got["004"]; !d.ApprovalOwn || *d.ApprovedOn != "2025-01-01" || *d.PublishedOn != "2025-01-25" {
		t.Errorf("004's own date: %+v", d)
	}
	if d := got["003"]; *d.PublishedOn != "2025-02-09" { // 23:00 in China is still the 9th (15:00 UTC)
		t.Errorf("003 published on %s", *d.PublishedOn)
	}
	s := b.Summary
	if s.Departments != 6 || s.Disclosed != 4 || s.Complete != 2 || s.Incomplete != 2 || s.Missing != 2 || s.OnTime != 2 ||
		s.Late != 2 || s.Overdue != 1 || s.Pending != 1 || s.Unknown != 0 || s.NotDisclosed != 3 || s.OpenWarnings != 2 ||
		s.Completeness != "33.3" || s.Timeliness != "40.0" {
		t.Errorf("summary: %+v", s)
	}
	js, _ := json.Marshal(b)
	for _, part := range []string{`"region_approved_on":"2025-01-20"`, `"completeness_pct":"33.3"`, `"approved_on":"2025-01-01"`,
		`"published_on":null`, `"deadline_days":20`, `"as_of":"2025-03-10"`} {
		if !strings.Contains(string(js), part) {
			t.Errorf("JSON lacks %s", part)
		}
	}
}

func TestCompute_NoListNoDates(t *testing.T) {
	b := scoreboard.Compute(store.ScoreboardFacts{RegionCode: "990101", FiscalYear: 2025, Phase: models.PhaseFinal,
		Filings: []store.ScoreboardFiling{allTables("001", china(2026, 8, 1, 9))}}, china(2026, 9, 1, 0))
	if len(b.Departments) != 1 || b.Departments[0].Timeliness != scoreboard.Unknown || b.Departments[0].Days != nil ||
		b.Summary.Timeliness != "" || b.Summary.Completeness != "100.0" || b.ListYear != 0 {
		t.Fatalf("%+v", b)
	}
	js, _ := json.Marshal(b.Summary)
	if !strings.Contains(string(js), `"timeliness_pct":null`) {
		t.Fatalf("undefined timeliness is null: %s", js)
	}
}

func TestRank_CompletenessThenTimelinessTiesShareARank(t *testing.T) {
	board := func(code string, complete, depts, onTime, judged int) scoreboard.Board {
		return scoreboard.Board{RegionCode: code, Summary: scoreboard.Summary{Complete: complete, Departments: depts, OnTime: onTime, Late: judged - onTime}}
	}
	r := scoreboard.Rank([]scoreboard.Board{board("000004", 1, 3, 0, 0), board("000001", 2, 3, 1, 2), board("000002", 4, 6, 1, 2),
		board("000003", 2, 3, 2, 2), board("000005", 0, 0, 0, 0)})
	var got []string
	for _, x := range r {
		got = append(got, x.RegionCode+"#"+string(rune('0'+x.Rank)))
	}
	if strings.Join(got, " ") != "000003#1 000001#2 000002#2 000004#4 000005#5" {
		t.Fatalf("ranking: %v", got)
	}
}
