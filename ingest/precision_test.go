package ingest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sunshine/models"
)

// The precision a figure was printed with comes from the text as written in a
// CSV and from the number format in a workbook: 12.5 stored under "#,##0.00"
// was printed to the fen of its unit's hundredth, under General to one decimal.
func TestPrintedDecimals_CSVAsWrittenXLSXAsFormatted(t *testing.T) {
	csv := "region_code,dept_code,dept_name,fiscal_year,phase,unit,table,code,name,column,amount\n" +
		"431099,001,县财政局,2025,预算,万元,expenditure,201,一般公共服务支出,total,12.50\n" +
		"431099,001,县财政局,2025,预算,万元,expenditure,204,公共安全支出,total,\"1,234\"\n"
	rd, err := Open(strings.NewReader(csv), "x.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, rd)
	rd.Close()
	if len(recs) != 2 || recs[0].LineItem.Decimals != models.PrintedDecimals(2) || recs[1].LineItem.Decimals != models.PrintedDecimals(0) {
		t.Fatalf("CSV decimals: %+v", recs)
	}

	f := excelize.NewFile()
	defer f.Close()
	head := []any{"区划代码", "部门编码", "部门名称", "年度", "阶段", "单位", "表", "科目编码", "科目名称", "栏目", "金额"}
	if err := f.SetSheetRow("Sheet1", "A1", &head); err != nil {
		t.Fatal(err)
	}
	two, _ := f.NewStyle(&excelize.Style{NumFmt: 4})   // #,##0.00
	whole, _ := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	for i, c := range []struct {
		code  string
		v     float64
		style int
	}{{"201", 12.5, two}, {"204", 1234, whole}, {"205", 12.5, 0}} {
		row := []any{"431099", "001", "县财政局", 2025, "预算", "万元", "expenditure", c.code, "", "total", c.v}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
		amount, _ := excelize.CoordinatesToCellName(11, i+2)
		if c.style != 0 {
			if err := f.SetCellStyle("Sheet1", amount, amount, c.style); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	xr, err := OpenXLSX(bytes.NewReader(buf.Bytes()), int64(buf.Len()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer xr.Close()
	recs = readAll(t, xr)
	if fs := xr.Findings(); len(fs) > 0 {
		t.Fatalf("findings:\n%s", dump(fs))
	}
	want := []models.Decimals{models.PrintedDecimals(2), models.PrintedDecimals(0), models.PrintedDecimals(1)}
	if len(recs) != 3 {
		t.Fatalf("records: %+v", recs)
	}
	for i, r := range recs {
		if r.LineItem.Decimals != want[i] || r.LineItem.Amount.Money != models.Money([]int64{125000, 12340000, 125000}[i]*100) {
			n, _ := r.LineItem.Decimals.N()
			t.Errorf("row %d: %d decimals, amount %d", r.Row, n, r.LineItem.Amount.Money)
		}
	}
}
