//go:build ignore

// printedworkbooks.go prints the official-layout workbooks of testdata/workbooks to PDF as a bureau publishes
// them: a copy of each workbook gets a cover sheet (示例县司法局（版式样例） / 2025年部门预算) before the tables and a
// 情况说明 sheet after the cover whose 三公 paragraph carries the 增减变化原因 sentence (taken from under the 三公
// table, where the workbook prints it, so the PDF's change reason can only come from the explanation chapter);
// the long tables get tall rows so that they run over a page break; every sheet is A4 landscape, one page wide.
// LibreOffice Calc prints each copy (`soffice --headless --convert-to pdf`). It also prints notice.pdf, a
// meeting schedule that is not a disclosure. Run from this folder (needs soffice and fonts-noto-cjk):
//
//	go run printedworkbooks.go
//
// It writes ../../../testdata/pdf/printed-NAME.pdf and ../../../testdata/pdf/not-a-disclosure.pdf.
package main

import (
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

var workbooks = []string{
	"budget-yuan-no-carryover", "budget-yuan-carryover", "budget-wanyuan", "budget-yuan-whole-rounding",
	"final-wanyuan", "final-yuan",
}

const dept = "示例县司法局（版式样例）"

func main() {
	tmp, err := os.MkdirTemp("", "printed")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	out, _ := filepath.Abs("../../../testdata/pdf")
	for _, name := range workbooks {
		f, err := excelize.OpenFile(filepath.Join("../../../testdata/workbooks", name+".xlsx"))
		if err != nil {
			log.Fatal(err)
		}
		title := dept + "2025年部门预算"
		if strings.HasPrefix(name, "final") {
			title = dept + "2024年度部门决算"
		}
		reason := takeReason(f)
		if reason == "" {
			log.Fatalf("%s: no 增减变化原因 under the 三公 table", name)
		}
		for _, s := range f.GetSheetList() {
			pageSetup(f, s)
			widen(f, s)
			indent(f, s)
			tallRows(f, s)
		}
		cover(f, title)
		explanation(f, title, reason)
		print(f, tmp, "printed-"+name, out)
	}
	notice(tmp, out)
}

// takeReason clears the 增减变化原因：… cell under the 三公 table and returns its text.
func takeReason(f *excelize.File) string {
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		for r, row := range rows {
			for c, v := range row {
				if strings.HasPrefix(v, "增减变化原因：") {
					cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
					f.SetCellValue(s, cell, nil)
					return v
				}
			}
		}
	}
	return ""
}

func pageSetup(f *excelize.File, sheet string) {
	landscape, a4, one, zero := "landscape", 9, 1, 0
	fit := true
	f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
	f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero})
}

// widen makes each column wide enough for its longest cell (a merged title or header cell aside), as a clerk
// does before printing so that no name is cut at the cell's edge.
func widen(f *excelize.File, sheet string) {
	merged := map[string]bool{}
	mcs, _ := f.GetMergeCells(sheet)
	for _, m := range mcs {
		c0, _, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
		c1, _, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
		if c1 > c0 {
			merged[m.GetStartAxis()] = true
		}
	}
	rows, _ := f.GetRows(sheet)
	need := map[int]float64{}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if merged[cell] || v == "" {
				continue
			}
			w := 6.0
			for _, ch := range v {
				if ch < 0x2000 {
					w += 1.1
				} else {
					w += 2.1
				}
			}
			need[c+1] = max(need[c+1], min(w, 70))
		}
	}
	for c, w := range need {
		col, _ := excelize.ColumnNumberToName(c)
		if cur, _ := f.GetColWidth(sheet, col); cur < w {
			f.SetColWidth(sheet, col, col, w)
		}
	}
}

// indent gives the text cells of a sheet that are left-aligned a one-character indent, as bureaus print their
// item names; without it LibreOffice prints a left-aligned name 2 points after the right-aligned amount of the
// cell before it.
func indent(f *excelize.File, sheet string) {
	rows, _ := f.GetRows(sheet)
	made := map[int]int{}
	for r, row := range rows {
		for c, v := range row {
			if v == "" || strings.ContainsAny(v[:1], "0123456789-") {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			id, err := f.GetCellStyle(sheet, cell)
			if err != nil {
				continue
			}
			if n, ok := made[id]; ok {
				if n >= 0 {
					f.SetCellStyle(sheet, cell, cell, n)
				}
				continue
			}
			st, err := f.GetStyle(id)
			if err != nil || (st.Alignment != nil && st.Alignment.Horizontal != "" && st.Alignment.Horizontal != "left") {
				made[id] = -1
				continue
			}
			if st.Alignment == nil {
				st.Alignment = &excelize.Alignment{}
			}
			st.Alignment.Horizontal, st.Alignment.Indent = "left", 1
			n, err := f.NewStyle(st)
			if err != nil {
				log.Fatal(err)
			}
			made[id] = n
			f.SetCellStyle(sheet, cell, cell, n)
		}
	}
}

// tallRows makes the rows of a long table 30 points high, so that it runs over a page break (an A4 landscape
// page holds about 17 such rows).
func tallRows(f *excelize.File, sheet string) {
	rows, _ := f.GetRows(sheet)
	if len(rows) < 20 {
		return
	}
	for r := 1; r <= len(rows); r++ {
		f.SetRowHeight(sheet, r, 30)
	}
}

func cover(f *excelize.File, title string) {
	f.NewSheet("封面")
	f.MoveSheet("封面", f.GetSheetList()[0])
	big, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Size: 26, Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	f.SetColWidth("封面", "A", "A", 110)
	f.SetRowHeight("封面", 6, 40)
	f.SetCellValue("封面", "A6", dept)
	f.SetRowHeight("封面", 8, 40)
	f.SetCellValue("封面", "A8", strings.TrimPrefix(title, dept))
	f.SetCellStyle("封面", "A6", "A8", big)
	pageSetup(f, "封面")
}

func explanation(f *excelize.File, title, reason string) {
	const s = "情况说明"
	f.NewSheet(s)
	list := f.GetSheetList()
	f.MoveSheet(s, list[1])
	f.SetColWidth(s, "A", "A", 80)
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Size: 16, Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	lines := []string{
		title + "情况说明",
		"一、部门主要职能",
		dept + "负责本县公共法律服务体系建设、人民调解、社区矫正和法治宣传教育等工作，内设办公室、法治宣传科等五个科室。",
		"二、“三公”经费情况说明",
		reason,
		"三、其他重要事项的情况说明",
		"本部门本年度无政府采购以外需要说明的其他重要事项。",
	}
	for i, l := range lines {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetCellValue(s, cell, l)
		f.SetCellStyle(s, cell, cell, wrap)
		if n := len([]rune(l)); n > 30 {
			f.SetRowHeight(s, i+1, float64(18*(n/30+1)))
		}
	}
	f.SetCellStyle(s, "A1", "A1", head)
	pageSetup(f, s)
}

// notice prints a sheet that is not a disclosure: a meeting schedule.
func notice(tmp, out string) {
	f := excelize.NewFile()
	s := "会议安排"
	f.SetSheetName("Sheet1", s)
	rows := [][]any{
		{"2025年第一季度工作会议安排表"},
		{"序号", "日期", "会议名称", "地点", "参会人数"},
		{1, "1月8日", "年度工作部署会", "三楼会议室", 45},
		{2, "2月12日", "安全生产专题会", "五楼会议室", 30},
		{3, "3月5日", "法治宣传工作推进会", "一楼报告厅", 120},
	}
	for r, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		f.SetSheetRow(s, cell, &row)
	}
	f.SetColWidth(s, "A", "E", 18)
	pageSetup(f, s)
	print(f, tmp, "not-a-disclosure", out)
}

func print(f *excelize.File, tmp, name, out string) {
	x := filepath.Join(tmp, name+".xlsx")
	if err := f.SaveAs(x); err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command("soffice", "--headless", "--convert-to", "pdf", "--outdir", out, x)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("%s: %v", name, err)
	}
}
