package layout

import (
	"strings"
	"testing"

	"sunshine/models"
)

// sheet builds a sheet from rows of cell texts; "=" repeats the cell to the
// left as a merged range (a header merged across).
func sheet(name string, rows ...[]string) *Sheet {
	s := &Sheet{Name: name}
	for r, row := range rows {
		cells := make([]Cell, len(row))
		for c, t := range row {
			if t == "=" {
				// Extend the merged range that ends left of this cell, or start one.
				extended := false
				for i := range s.Merged {
					if m := &s.Merged[i]; m.Row0 == r && m.Col1 == c-1 {
						m.Col1, extended = c, true
					}
				}
				if !extended {
					s.Merged = append(s.Merged, Range{Row0: r, Row1: r, Col0: c - 1, Col1: c})
				}
				continue
			}
			cells[c] = Cell{Text: t, Decimals: models.DecimalsOf(t)}
		}
		s.Rows = append(s.Rows, cells)
	}
	return s
}

func lines(t Table) map[string]string {
	out := map[string]string{}
	for _, l := range t.Lines {
		out[l.Code+"/"+l.Column] = l.Text
	}
	return out
}

func TestRead_ContentsPageHasNoTable(t *testing.T) {
	s := sheet("目录",
		[]string{"目录"},
		[]string{"一、部门收支总表"},
		[]string{"二、部门收入总表"},
		[]string{"三、部门支出总表"},
		[]string{"第一部分 部门概况"},
		[]string{"主要职能", "负责全县司法行政工作"},
	)
	if ts := Read(s); len(ts) != 0 {
		t.Errorf("tables on a contents page: %+v", ts)
	}
}

func TestRead_TitleBlockGivesDepartmentYearPhaseAndUnit(t *testing.T) {
	cases := []struct {
		rows              [][]string
		table             models.Table
		dept              string
		year              int
		phase             models.Phase
		unit              models.Unit
		unitRef, titleRef string
	}{
		{[][]string{{"附表3 示例县司法局2025年部门支出总表"}, {"", "", "金额单位：万元"}, {"科目编码", "科目名称", "合计"}, {"201", "一般公共服务支出", "1.00"}},
			models.TableExpenditure, "示例县司法局", 2025, models.PhaseBudget, models.WanYuan, "T!C2", "T!A1"},
		{[][]string{{"", "2024年度收入支出决算总表"}, {"编制单位：某某局", "", "单位:元"}, {"项目", "金额", "项目", "金额"}, {"本年收入合计", "1", "本年支出合计", "1"}},
			models.TableSummary, "某某局", 2024, models.PhaseFinal, models.Yuan, "T!C2", "T!B1"},
		{[][]string{{"2025年示例县司法局部门收支总表"}, {"单位：元"}, {"项目", "预算数", "项目", "预算数"}, {"收入总计", "1", "支出总计", "1"}},
			models.TableSummary, "示例县司法局", 2025, models.PhaseBudget, models.Yuan, "T!A2", "T!A1"},
		{[][]string{{"机关运行经费"}, {"单位：亿元"}, {"项目", "金额"}, {"机关运行经费", "0.12"}},
			models.TableOperatingCost, "", 0, "", models.YiYuan, "T!A2", "T!A1"},
		{[][]string{{"公开08表"}, {"一般公共预算“三公”经费支出预算表"}, {"部门：十堰市某局", "单位：万元"}, {"合计", "公务接待费"}, {"1.00", "1.00"}},
			models.TableThreePublic, "十堰市某局", 0, models.PhaseBudget, models.WanYuan, "T!B3", "T!A2"},
	}
	for _, tc := range cases {
		ts := Read(sheet("T", tc.rows...))
		if len(ts) != 1 {
			t.Fatalf("%q: %d tables", tc.rows[0], len(ts))
		}
		tb := ts[0]
		if tb.Spec.Key != tc.table || tb.Dept != tc.dept || tb.Year != tc.year || tb.Phase != tc.phase || tb.Unit != tc.unit ||
			tb.UnitRef != tc.unitRef || tb.TitleRef != tc.titleRef {
			t.Errorf("%q: got %s %q %d %q %q %s %s", tc.rows[0], tb.Spec.Key, tb.Dept, tb.Year, tb.Phase, tb.Unit, tb.UnitRef, tb.TitleRef)
		}
		if len(tb.Findings) != 0 {
			t.Errorf("%q: findings %+v", tc.rows[0], tb.Findings)
		}
	}
}

func TestRead_SplitCodesInheritAndCodesInNames(t *testing.T) {
	split := sheet("S",
		[]string{"一般公共预算支出表"}, []string{"单位：元"},
		[]string{"科目编码", "=", "=", "科目名称", "本年支出", "=", "="},
		[]string{"类", "款", "项", "", "合计", "基本支出", "项目支出"},
		[]string{"", "", "", "合计", "30", "20", "10"},
		[]string{"201", "", "", "一般公共服务支出", "30", "20", "10"},
		[]string{"", "03", "", "  政府办公厅(室)及相关机构事务", "30", "20", "10"},
		[]string{"", "", "01", "    行政运行", "20", "20", ""},
		[]string{"", "", "02", "    一般行政管理事务", "10", "", "10"},
		[]string{"注：本表不含上年结转。"},
	)
	ts := Read(split)
	if len(ts) != 1 {
		t.Fatalf("%d tables", len(ts))
	}
	got := lines(ts[0])
	want := map[string]string{"total/total": "30", "total/basic": "20", "total/project": "10", "201/total": "30",
		"20103/basic": "20", "2010301/total": "20", "2010301/basic": "20", "2010302/project": "10"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if _, ok := got["2010301/project"]; ok {
		t.Error("a blank cell became a line")
	}
	if len(ts[0].Notes) != 1 || ts[0].Notes[0].Ref != "S!A10" {
		t.Errorf("notes = %+v", ts[0].Notes)
	}
	for _, l := range ts[0].Lines {
		if l.Code == "2010301" && l.Name != "行政运行" {
			t.Errorf("indented name kept its indentation: %q", l.Name)
		}
	}
	named := sheet("N",
		[]string{"部门支出总表"}, []string{"单位：元"},
		[]string{"功能分类科目", "合计", "基本支出"},
		[]string{"201 一般公共服务支出", "5", "5"},
		[]string{"  20103 政府办公厅(室)及相关机构事务", "5", "5"},
	)
	got = lines(Read(named)[0])
	if got["201/total"] != "5" || got["20103/basic"] != "5" {
		t.Errorf("codes in names: %v", got)
	}
}

// A 类 printed short (社会福利院 2024 prints 7 │ 11 │ 02 for 210 │ 11 │ 02) makes
// no code: the row is refused with a finding at the 类 cell, not stored as 71102.
func TestRead_ShortCategoryIsNoCode(t *testing.T) {
	s := sheet("S",
		[]string{"部门支出总表"}, []string{"单位：元"},
		[]string{"科目编码", "=", "=", "科目名称", "合计", "基本支出"},
		[]string{"类", "款", "项", "", "", ""},
		[]string{"210", "11", "", "行政事业单位医疗", "5", "5"},
		[]string{"7", "11", "02", "事业单位医疗", "5", "5"},
	)
	tb := Read(s)[0]
	got := lines(tb)
	if got["21011/total"] != "5" || len(got) != 2 {
		t.Errorf("lines %v", got)
	}
	if len(tb.Findings) != 1 || tb.Findings[0].Ref != "S!A6" || !strings.Contains(tb.Findings[0].Message, "“7 11 02”不是科目编码") {
		t.Errorf("findings %+v", tb.Findings)
	}
}

func TestRead_TwoTablesOnOneSheetAndTheTwoSidedSummary(t *testing.T) {
	s := sheet("总表",
		[]string{"部门收支总表"}, []string{"单位：万元"},
		[]string{"收入", "=", "支出", "="},
		[]string{"项目", "预算数", "项目", "预算数"},
		[]string{"一、一般公共预算拨款收入", "10.00", "一、一般公共服务支出", "4.00"},
		[]string{"", "", "二、卫生健康支出", "6.00"},
		[]string{"收入总计", "10.00", "支出总计", "10.00"},
		nil,
		[]string{"财政拨款收支总表"}, []string{"单位：万元"},
		[]string{"收入", "=", "支出", "=", "=", "=", "="},
		[]string{"项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"},
		[]string{"一、本年收入", "10.00", "一、本年支出", "10.00", "10.00"},
		[]string{"一般公共预算拨款", "9.00", "一般公共服务支出", "4.00", "4.00"},
		[]string{"二、上年结转", "1.00", "卫生健康支出", "6.00", "6.00"},
		[]string{"一般公共预算拨款", "1.00"},
		[]string{"收入总计", "10.00", "支出总计", "10.00", "10.00"},
	)
	ts := Read(s)
	if len(ts) != 2 || ts[0].Spec.Key != models.TableSummary || ts[1].Spec.Key != models.TableFiscalSummary {
		t.Fatalf("tables: %d", len(ts))
	}
	sum := lines(ts[0])
	if sum["general_budget/amount"] != "10.00" || sum["210/amount"] != "6.00" || sum["expenditure_total/amount"] != "10.00" ||
		sum["income_total/amount"] != "10.00" || len(sum) != 5 {
		t.Errorf("summary: %v", sum)
	}
	fis := lines(ts[1])
	if fis["income_subtotal/total"] != "10.00" || fis["general_budget/total"] != "9.00" || fis["carryover_in/total"] != "1.00" ||
		fis["carryover_in/general_budget"] != "1.00" || fis["expenditure_subtotal/general_budget"] != "10.00" ||
		fis["210/total"] != "6.00" {
		t.Errorf("fiscal summary: %v", fis)
	}
}

func TestRead_UnknownHeaderIsAFindingAtItsCellWithTheClosestNames(t *testing.T) {
	s := sheet("表6",
		[]string{"一般公共预算基本支出表"}, []string{"单位：元"},
		[]string{"科目编码", "科目名称", "合计", "人员支出", "公用经费"},
		[]string{"301", "工资福利支出", "5", "5", ""},
	)
	ts := Read(s)
	if len(ts) != 1 || len(ts[0].Findings) != 1 {
		t.Fatalf("tables %d, findings %+v", len(ts), ts)
	}
	f := ts[0].Findings[0]
	if f.Rule != RuleHeaderUnknown || f.Ref != "表6!D3" || f.Text != "人员支出" || !strings.Contains(f.Message, "人员经费") {
		t.Errorf("finding = %+v", f)
	}
}

func TestRead_ThreePublicDownInAFinal(t *testing.T) {
	s := sheet("三公",
		[]string{"2024年度财政拨款“三公”经费支出决算表"}, []string{"单位：万元"},
		[]string{"项目", "预算数", "决算数"},
		[]string{"合计", "11.00", "10.32"},
		[]string{"1.因公出国（境）费", "", ""},
		[]string{"2.公务用车购置及运行维护费", "8.00", "7.68"},
		[]string{"  其中：公务用车购置费", "0.00", ""},
		[]string{"        公务用车运行维护费", "8.00", "7.68"},
		[]string{"3.公务接待费", "3.00", "2.64"},
		[]string{"公务用车保有量（辆）", "", "5"},
		[]string{"增减变化原因：压减公务接待。"},
	)
	ts := Read(s)
	if len(ts) != 1 || len(ts[0].ThreePublic) != 1 {
		t.Fatalf("%+v", ts)
	}
	got := map[string]string{}
	for _, l := range ts[0].ThreePublic[0] {
		got[l.Column] = l.Text
	}
	want := map[string]string{"budget_total": "11.00", "total": "10.32", "budget_vehicles": "8.00", "vehicle_operation": "7.68",
		"budget_reception": "3.00", "reception": "2.64", "vehicles_held": "5", "budget_vehicle_purchase": "0.00"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all %v)", k, got[k], v, got)
		}
	}
	if ts[0].Phase != models.PhaseFinal || ts[0].ChangeReason == nil || ts[0].ChangeReason.Text != "压减公务接待。" {
		t.Errorf("phase %q reason %+v", ts[0].Phase, ts[0].ChangeReason)
	}
}

func TestRef_QuotesSheetNamesAsExcelDoes(t *testing.T) {
	for _, tc := range []struct {
		sheet    string
		row, col int
		want     string
	}{{"表3", 11, 3, "表3!D12"}, {"Sheet 1", 0, 27, "'Sheet 1'!AB1"}, {"部门收支总表（2025）", 4, 0, "'部门收支总表（2025）'!A5"}} {
		if got := Ref(tc.sheet, tc.row, tc.col); got != tc.want {
			t.Errorf("Ref(%q, %d, %d) = %q, want %q", tc.sheet, tc.row, tc.col, got, tc.want)
		}
	}
}
