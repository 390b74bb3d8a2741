package web

import (
	"reflect"
	"testing"

	"sunshine/models"
)

func TestOrderRows_AsThePrintedTablesHaveThem(t *testing.T) {
	spec := func(key models.Table) models.TableSpec {
		s, ok := models.LookupTable(string(key))
		if !ok {
			t.Fatalf("no table %s", key)
		}
		return s
	}
	rows := func(codes ...string) []filingTableRow {
		out := make([]filingTableRow, len(codes))
		for i, c := range codes {
			out[i] = filingTableRow{Code: c, Name: c}
		}
		return out
	}
	names := func(rs []filingTableRow) (codes, order []string) {
		for _, r := range rs {
			codes, order = append(codes, r.Code), append(order, r.Name)
		}
		return
	}
	// A classified table: 合计 first (its key blanked), then the codes as stored.
	r := rows("201", "20101", "208", "total")
	orderRows(spec(models.TableGeneralExpenditure), r)
	codes, order := names(r)
	if !reflect.DeepEqual(order, []string{"total", "201", "20101", "208"}) || !reflect.DeepEqual(codes, []string{"", "201", "20101", "208"}) {
		t.Errorf("classified: %v %v", order, codes)
	}
	// The summary: its standard rows in order, the functional 类 codes just before 本年支出合计; row keys are not printed codes.
	r = rows("expenditure_subtotal", "general_budget", "income_total", "201", "income_subtotal", "208", "expenditure_total")
	orderRows(spec(models.TableSummary), r)
	codes, order = names(r)
	want := []string{"general_budget", "income_subtotal", "income_total", "201", "208", "expenditure_subtotal", "expenditure_total"}
	if !reflect.DeepEqual(order, want) || !reflect.DeepEqual(codes, []string{"", "", "", "201", "208", "", ""}) {
		t.Errorf("summary: %v %v", order, codes)
	}
}

func TestLineItemChanges_NamesEachCellAndMarksAbsentOnes(t *testing.T) {
	item := func(code, col string, fen int64, valid bool) models.LineItem {
		return models.LineItem{Table: models.TableGeneralExpenditure, Code: code, Name: "一般公共服务支出", Column: col,
			Amount: models.NullMoney{Money: models.Money(fen), Valid: valid}, Unit: models.Yuan}
	}
	old := []models.LineItem{item("201", "total", 100_00, true), item("201", "basic", 80_00, true), item("201", "project", 20_00, true)}
	cur := []models.LineItem{item("201", "total", 100_00, true), item("201", "basic", 0, false), item("20101", "total", 5_00, true)}
	got := lineItemChanges(old, cur, models.PhaseBudget, "/old", "/new")
	var labels []string
	for _, c := range got {
		labels = append(labels, c.Label+" | "+c.Old.Wan+c.Old.Text+" → "+c.New.Wan+c.New.Text+" | "+c.Href)
	}
	want := []string{
		"一般公共预算支出表 › 201 一般公共服务支出 › 基本支出 | 0.01 → 未公开 | /new#li-general_expenditure-201-basic",
		"一般公共预算支出表 › 201 一般公共服务支出 › 项目支出 | 0.00 → — | /old#li-general_expenditure-201-project",
		"一般公共预算支出表 › 20101 一般公共服务支出 › 合计 | — → 0.00 | /new#li-general_expenditure-20101-total",
	}
	if !reflect.DeepEqual(labels, want) {
		t.Errorf("changes:\n%v\nwant\n%v", labels, want)
	}
}
