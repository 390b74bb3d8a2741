//go:build ignore

// printed.go writes printed.xlsx: the 收入决算表 of testdata/real/2024-final-shanghai-putuo-finance-bureau laid out
// as the official table (title, unit line, a two-row header with merged cells, 类/款/项 split), with tall rows so
// that it runs over a page break, the header rows repeated on every page, a running header and a page-number
// footer. LibreOffice prints it to PDF as a bureau prints its workbook:
//
//	go run printed.go && soffice --headless --convert-to pdf printed.xlsx && mv printed.pdf ../../../testdata/pdf/printed-income-2024-final.pdf
package main

import (
	"encoding/csv"
	"log"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"
)

func main() {
	f, err := os.Open("../../../testdata/real/2024-final-shanghai-putuo-finance-bureau/line_items.csv")
	if err != nil {
		log.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		log.Fatal(err)
	}
	type row struct{ code, name, total, fiscal, other string }
	var rows []*row
	byCode := map[string]*row{}
	for _, r := range recs[1:] {
		table, code, name, column, amount := r[7], r[8], r[9], r[10], r[11]
		if table != "income" {
			continue
		}
		x := byCode[code]
		if x == nil {
			x = &row{code: code, name: name}
			byCode[code] = x
			rows = append(rows, x)
		}
		switch column {
		case "total":
			x.total = amount
		case "fiscal":
			x.fiscal = amount
		case "other":
			x.other = amount
		}
	}

	x := excelize.NewFile()
	sheet := "收入决算表"
	x.SetSheetName("Sheet1", sheet)
	set := func(cell string, v any) {
		if err := x.SetCellValue(sheet, cell, v); err != nil {
			log.Fatal(err)
		}
	}
	set("A1", "收入决算表")
	x.MergeCell(sheet, "A1", "G1")
	set("G2", "单位：万元")
	set("A3", "项目")
	x.MergeCell(sheet, "A3", "D3")
	set("E3", "本年收入合计")
	x.MergeCell(sheet, "E3", "E4")
	set("F3", "财政拨款收入")
	x.MergeCell(sheet, "F3", "F4")
	set("G3", "其他收入")
	x.MergeCell(sheet, "G3", "G4")
	for i, h := range []string{"类", "款", "项", "科目名称"} {
		set(string(rune('A'+i))+"4", h)
	}
	num, _ := x.NewStyle(&excelize.Style{NumFmt: 4, Border: borders()})
	text, _ := x.NewStyle(&excelize.Style{Border: borders()})
	head, _ := x.NewStyle(&excelize.Style{Border: borders(), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	title, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Size: 16, Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	x.SetCellStyle(sheet, "A1", "G1", title)
	x.SetCellStyle(sheet, "A3", "G4", head)
	r := 5
	for _, row := range rows {
		c := func(col string) string { return col + itoa(r) }
		if row.code == "total" {
			set(c("D"), "合计")
		} else {
			set(c("A"), row.code[:3])
			if len(row.code) >= 5 {
				set(c("B"), row.code[3:5])
			}
			if len(row.code) == 7 {
				set(c("C"), row.code[5:7])
			}
			set(c("D"), row.name)
		}
		for col, v := range map[string]string{"E": row.total, "F": row.fiscal, "G": row.other} {
			if v != "" {
				x.SetCellFloat(sheet, c(col), parse(v), 2, 64)
			}
		}
		x.SetCellStyle(sheet, c("A"), c("D"), text)
		x.SetCellStyle(sheet, c("E"), c("G"), num)
		x.SetRowHeight(sheet, r, 40)
		r++
	}
	x.SetColWidth(sheet, "A", "C", 6)
	x.SetColWidth(sheet, "D", "D", 34)
	x.SetColWidth(sheet, "E", "G", 16)
	x.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'收入决算表'!$3:$4", Scope: sheet})
	landscape, scale, a4 := "landscape", uint(90), 9
	x.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, AdjustTo: &scale})
	x.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddHeader: "&C上海市普陀区财政局2024年度部门决算", OddFooter: "&C第 &P 页"})
	if err := x.SaveAs("printed.xlsx"); err != nil {
		log.Fatal(err)
	}
}

func borders() []excelize.Border {
	var b []excelize.Border
	for _, t := range []string{"left", "right", "top", "bottom"} {
		b = append(b, excelize.Border{Type: t, Color: "000000", Style: 1})
	}
	return b
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func parse(s string) float64 {
	var v float64
	var frac, div float64 = 0, 1
	dot := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == '.':
			dot = true
		case dot:
			frac = frac*10 + float64(r-'0')
			div *= 10
		default:
			v = v*10 + float64(r-'0')
		}
	}
	return v + frac/div
}
