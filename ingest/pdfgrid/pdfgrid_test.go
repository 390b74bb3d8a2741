package pdfgrid

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sync"
	"testing"
	"time"

	"sunshine/models"
)

// The real documents: testdata/pdf holds the published PDFs, testdata/real the figures transcribed from them
// (testdata/README.md says where each comes from).
const (
	final2024  = "2024-final-shanghai-putuo-finance-bureau"
	budget2025 = "2025-budget-shanghai-putuo-finance-bureau"
	city2025   = "2025-budget-shanghai-municipal-finance-bureau"
)

var (
	docsMu sync.Mutex
	docs   = map[string]*Document{}
)

// readDoc reads a testdata PDF once per test binary.
func readDoc(t testing.TB, name string) *Document {
	t.Helper()
	pdfgridtest.NeedPoppler(t)
	docsMu.Lock()
	defer docsMu.Unlock()
	if d, ok := docs[name]; ok {
		return d
	}
	d, err := ReadFile(context.Background(), filepath.Join("..", "..", "testdata", "pdf", name+".pdf"), Limits{})
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", name, err)
	}
	docs[name] = d
	return d
}

// transcription reads a CSV of testdata/real as maps from header to cell.
func transcription(t testing.TB, dir, file string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "real", dir, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func tableTitled(t testing.TB, d *Document, word string) *Grid {
	t.Helper()
	for i := range d.Tables {
		if strings.Contains(d.Tables[i].Title.Text, word) {
			return &d.Tables[i]
		}
	}
	t.Fatalf("no table titled …%s…", word)
	return nil
}

func digits(s string) string { return strings.ReplaceAll(s, ",", "") }

func TestRead_FindsTheNineTablesWithTheirTitles(t *testing.T) {
	want := map[string][]string{
		final2024: {"收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表", "一般公共预算财政拨款支出决算表",
			"一般公共预算财政拨款基本支出决算表", "财政拨款“三公”经费支出决算表", "政府性基金预算财政拨款收入支出决算表",
			"国有资本经营预算财政拨款收入支出决算表"},
		budget2025: {"2025年部门财务收支预算总表", "2025年部门收入预算总表", "2025年部门支出预算总表", "2025年部门财政拨款收支预算总表",
			"2025年部门一般公共预算支出功能分类预算表", "2025年部门政府性基金预算支出功能分类预算表",
			"2025年部门国有资本经营预算支出功能分类预算表", "2025年部门一般公共预算基本支出部门预算经济分类预算表",
			"2025年部门“三公”经费和机关运行经费预算表"},
		city2025: {"2025年预算单位财务收支预算总表", "2025年预算单位收入预算总表", "2025年预算单位支出预算总表",
			"2025年预算单位财政拨款收支预算总表", "2025年预算单位一般公共预算支出功能分类预算表",
			"2025年预算单位政府性基金预算支出功能分类预算表", "2025年预算单位国有资本经营预算支出功能分类预算表",
			"2025年预算单位一般公共预算基本支出部门预算经济分类预算表", "2025年单位“三公”经费和机关运行经费预算表"},
	}
	units := map[string]string{final2024: "万元", budget2025: "元", city2025: "元"}
	for name, titles := range want {
		d := readDoc(t, name)
		var got []string
		for _, g := range d.Tables {
			got = append(got, g.Title.Text)
		}
		if strings.Join(got, "\n") != strings.Join(titles, "\n") {
			t.Errorf("%s: tables\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(titles, "\n"))
		}
		for _, g := range d.Tables {
			if g.Title.Page < 1 || g.Title.Page > d.Pages || g.Title.X1 <= g.Title.X0 || g.Title.Y1 <= g.Title.Y0 {
				t.Errorf("%s: title %q has no place: page %d box %.1f %.1f %.1f %.1f", name, g.Title.Text, g.Title.Page,
					g.Title.X0, g.Title.Y0, g.Title.X1, g.Title.Y1)
			}
			want := units[name]
			if strings.Contains(g.Title.Text, "三公") {
				want = "万元"
			}
			if g.Unit != want {
				t.Errorf("%s: %s unit %q, want %q", name, g.Title.Text, g.Unit, want)
			}
			for _, row := range g.Rows {
				if len(row) != g.Width() {
					t.Errorf("%s: %s has a row of %d cells in a table of %d columns", name, g.Title.Text, len(row), g.Width())
				}
			}
		}
	}
}

// threePublicOrder is the order of the 三公 table's amount columns as printed: a final prints 预算数 and 决算数 for
// each of six items, a budget one 预算数 per item and then 机关运行经费.
var threePublicOrder = map[string][]string{
	"final":  {"budget_total", "total", "budget_outbound_trips", "outbound_trips", "budget_vehicles", "vehicles", "budget_vehicle_purchase", "vehicle_purchase", "budget_vehicle_operation", "vehicle_operation", "budget_reception", "reception"},
	"budget": {"total", "outbound_trips", "reception", "vehicles", "vehicle_purchase", "vehicle_operation"},
}

func TestRead_ThreePublicTableMatchesTheTranscriptionCellByCell(t *testing.T) {
	for _, name := range []string{final2024, budget2025, city2025} {
		d := readDoc(t, name)
		g := tableTitled(t, d, "三公")
		tp := transcription(t, name, "three_public.csv")[0]
		want := []string{}
		for _, k := range threePublicOrder[tp["phase"]] {
			want = append(want, tp[k])
		}
		if tp["phase"] == "budget" {
			for _, li := range transcription(t, name, "line_items.csv") {
				if li["table"] == "operating_cost" {
					want = append(want, li["amount"])
				}
			}
		}
		body := g.Body()
		if len(body) != 1 {
			t.Fatalf("%s: 三公 table has %d body rows, want 1", name, len(body))
		}
		var got []string
		for _, c := range body[0] {
			got = append(got, digits(c.Text))
			if c.Text != "" && (c.Page != g.Page || c.X1 <= c.X0) {
				t.Errorf("%s: cell %q has no place: %+v", name, c.Text, c)
			}
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: 三公 row\n got %s\nwant %s", name, strings.Join(got, "|"), strings.Join(want, "|"))
		}
		// Each amount stands under its own header, read down through the spanning cells.
		for col, words := range threePublicHeaders[tp["phase"]] {
			h := strings.Join(g.HeaderText(col), "")
			for _, w := range strings.Fields(words) {
				if !strings.Contains(h, w) {
					t.Errorf("%s: column %d is headed %q, want %s", name, col, h, words)
				}
			}
		}
	}
}

// threePublicHeaders are words each column's header holds, in the order above.
var threePublicHeaders = map[string][]string{
	"final": {"合计 预算数", "合计 决算数", "因公出国（境）费 预算数", "因公出国（境）费 决算数",
		"公务用车购置及运行费 小计 预算数", "公务用车购置及运行费 小计 决算数", "公务用车购置费 预算数", "公务用车购置费 决算数",
		"公务用车运行费 预算数", "公务用车运行费 决算数", "公务接待费 预算数", "公务接待费 决算数"},
	"budget": {"合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费 小计", "公务用车购置及运行费 购置费",
		"公务用车购置及运行费 运行费", "机关运行经费"},
}

// codeRow is a body row's classification code (类 款 项 split over cells, or one cell) or "total" for 合计.
func codeRow(row []Cell) (string, int) {
	code := ""
	for i, c := range row {
		switch {
		case regexp.MustCompile(`^\d{2,7}$`).MatchString(c.Text):
			code += c.Text
		case c.Text == "合计" && code == "":
			return "total", i
		case c.Text != "":
			return code, i
		}
	}
	return code, len(row)
}

// columnKeys maps header words to the long form's column keys, enough for the tables compared here.
var columnKeys = []struct{ word, key string }{
	{"合计", "total"}, {"基本支出", "basic"}, {"项目支出", "project"}, {"财政拨款", "fiscal"}, {"其他收入", "other"},
	{"人员经费", "personnel"}, {"公用经费", "public_use"},
}

// figures reads a coded table as the long form does: code/column → amount digits.
func figures(t testing.TB, g *Grid) map[string]string {
	t.Helper()
	keys := map[int]string{}
	for col := 0; col < g.Width(); col++ {
		// The lowest header cell names the column; the spanning ones above only group it.
		h := g.HeaderText(col)
	find:
		for i := len(h) - 1; i >= 0; i-- {
			for _, ck := range columnKeys {
				if strings.Contains(h[i], ck.word) {
					keys[col] = ck.key
					break find
				}
			}
		}
	}
	out := map[string]string{}
	for _, row := range g.Body() {
		code, _ := codeRow(row)
		for col, c := range row {
			if k, ok := keys[col]; ok && c.Text != "" && code != "" {
				out[code+"/"+k] = digits(c.Text)
			}
		}
	}
	return out
}

func TestRead_CodedTablesMatchTheTranscriptionCellByCell(t *testing.T) {
	cases := []struct {
		doc, title, table string
	}{
		{final2024, "一般公共预算财政拨款支出决算表", "general_expenditure"},
		{final2024, "收入决算表", "income"},
		{final2024, "支出决算表", "expenditure"},
		{budget2025, "一般公共预算支出功能分类预算表", "general_expenditure"},
		{budget2025, "收入预算总表", "income"},
		{budget2025, "支出预算总表", "expenditure"},
		{budget2025, "基本支出部门预算经济分类预算表", "basic_expenditure"},
		{city2025, "收入预算总表", "income"},
		{city2025, "基本支出部门预算经济分类预算表", "basic_expenditure"},
		{city2025, "一般公共预算支出功能分类预算表", "general_expenditure"},
		{city2025, "支出预算总表", "expenditure"},
	}
	for _, c := range cases {
		g := tableTitled(t, readDoc(t, c.doc), c.title)
		want := map[string]string{}
		for _, li := range transcription(t, c.doc, "line_items.csv") {
			if li["table"] == c.table {
				want[li["code"]+"/"+li["column"]] = li["amount"]
			}
		}
		got := figures(t, g)
		if len(want) == 0 {
			t.Fatalf("%s %s: nothing transcribed", c.doc, c.table)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s %s %s: read %q, transcribed %q", c.doc, c.title, k, got[k], v)
			}
		}
		for k, v := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s %s %s: read %q, not transcribed", c.doc, c.title, k, v)
			}
		}
	}
}

func TestRead_SideBySideTablesMatchTheTranscription(t *testing.T) {
	// The 收支总表 and the 财政拨款收支总表 print two tables side by side (收入 | 支出): a name, then its amounts
	// (the summary one, the fiscal summary 合计 and 一般公共预算). Every transcribed figure is read as the amount
	// at its place after its name in one row. The 2024 final's 收支总表 runs over onto page 7 (年初结转和结余, 总计),
	// and its 财政拨款收支总表 wraps names on the left only (二、政府性基金预算财政拨 / 款).
	place := map[string]int{"amount": 0, "total": 0, "general_budget": 1}
	for _, c := range []struct{ doc, title, table string }{
		{final2024, "收入支出决算总表", "summary"}, {budget2025, "财务收支预算总表", "summary"}, {city2025, "财务收支预算总表", "summary"},
		{final2024, "财政拨款收入支出决算总表", "fiscal_summary"}, {budget2025, "财政拨款收支预算总表", "fiscal_summary"},
		{city2025, "财政拨款收支预算总表", "fiscal_summary"},
	} {
		g := tableTitled(t, readDoc(t, c.doc), c.title)
		printed := map[string]bool{}
		for _, row := range g.Body() {
			name, k := "", 0
			for _, cell := range row {
				switch {
				case cell.Text == "":
				case !isNumber(cell.Text):
					name, k = strings.ReplaceAll(cell.Text, " ", ""), 0
				case name != "":
					printed[fmt.Sprintf("%s#%d=%s", name, k, digits(cell.Text))] = true
					k++
				}
			}
		}
		lines := transcription(t, c.doc, "line_items.csv")
		hasTotal := map[string]bool{}
		for _, li := range lines {
			if li["table"] == c.table && li["column"] == "total" {
				hasTotal[li["code"]+li["name"]] = true
			}
		}
		n := 0
		for _, li := range lines {
			if li["table"] != c.table || li["amount"] == "" {
				continue
			}
			n++
			k := place[li["column"]]
			if li["column"] == "general_budget" && !hasTotal[li["code"]+li["name"]] {
				k = 0 // a sub-row printing one amount (年初结转和结余 → 一、一般公共预算财政拨款 21.63)
			}
			key := fmt.Sprintf("%s#%d=%s", strings.ReplaceAll(li["name"], " ", ""), k, li["amount"])
			if !printed[key] {
				t.Errorf("%s %s: %s not read", c.doc, c.title, key)
			}
		}
		if n == 0 {
			t.Errorf("%s %s: nothing transcribed", c.doc, c.table)
		}
	}
	g := tableTitled(t, readDoc(t, final2024), "收入支出决算总表")
	if len(g.Pages) != 2 {
		t.Errorf("收入支出决算总表 on pages %v, want 6 and 7", g.Pages)
	}
}

func TestRead_FinalBasicExpenditureMatchesTheTranscription(t *testing.T) {
	// The final's 基本支出决算表 prints two tables side by side (人员经费 301/303 | 公用经费 302/310), over two pages,
	// each row tall with its codes on one line and its name and amount on the next (ONLYOFFICE). Read each row
	// left to right: codes, a name, the amount closes a line of the long form.
	g := tableTitled(t, readDoc(t, final2024), "一般公共预算财政拨款基本支出决算表")
	rowKeys := map[string]string{"人员经费合计": "personnel_total", "公用经费合计": "public_use_total"}
	got := map[string]string{}
	for _, row := range g.Body() {
		code, named := "", false
		for _, c := range row {
			switch {
			case c.Text == "":
			case regexp.MustCompile(`^\d{2,7}$`).MatchString(c.Text):
				if named { // the right-hand table's codes, after a left-hand line left blank
					code, named = "", false
				}
				code += c.Text
			case isNumber(c.Text):
				if code != "" {
					got[code] = digits(c.Text)
				}
				code, named = "", false
			case rowKeys[c.Text] != "":
				code, named = rowKeys[c.Text], true
			default:
				named = true
			}
		}
	}
	want := map[string]string{}
	for _, li := range transcription(t, final2024, "line_items.csv") {
		if li["table"] == "basic_expenditure" {
			want[li["code"]] = li["amount"]
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: read %q, transcribed %q", k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: read %q, not transcribed", k, v)
		}
	}
	if len(g.Pages) != 2 {
		t.Errorf("pages %v, want 16 and 17", g.Pages)
	}
}

func TestRead_EmptyTablesKeepTheirNotes(t *testing.T) {
	// An empty table is published with its note (注：…故本表无数据。); the note is the table's, with its page.
	titles := map[string]string{"gov_fund_expenditure": "政府性基金", "state_capital_expenditure": "国有资本经营"}
	for _, name := range []string{final2024, budget2025} {
		d := readDoc(t, name)
		for _, li := range transcription(t, name, "line_items.csv") {
			word, ok := titles[li["table"]]
			if !ok {
				continue
			}
			g := tableTitled(t, d, word)
			if len(g.Notes) != 1 || g.Notes[0].Text != li["note"] || g.Notes[0].Page != g.Page {
				t.Errorf("%s %s: notes %+v, want %q on page %d", name, g.Title.Text, g.Notes, li["note"], g.Page)
			}
			if len(g.Body()) != 0 {
				t.Errorf("%s %s: %d body rows in an empty table", name, g.Title.Text, len(g.Body()))
			}
		}
	}
}

func TestRead_JoinsATableAcrossAPageBreakAndDropsTheRepeatedHeader(t *testing.T) {
	// 收入决算表 of the 2024 final runs from page 8 to page 9; 2025年部门收入预算总表 from page 10 to 11 with its
	// header printed again on page 11.
	for _, c := range []struct{ doc, title string }{{final2024, "收入决算表"}, {budget2025, "2025年部门收入预算总表"},
		{city2025, "2025年预算单位收入预算总表"}, {"printed-income-2024-final", "收入决算表"}} {
		g := tableTitled(t, readDoc(t, c.doc), c.title)
		if len(g.Pages) != 2 || g.Pages[1] != g.Pages[0]+1 {
			t.Fatalf("%s: pages %v, want two pages in a row", c.title, g.Pages)
		}
		pages := map[int]int{}
		for _, row := range g.Body() {
			pages[row[0].Page]++
			for _, cell := range row {
				if strings.Contains(cell.Text, "科目") || cell.Text == "类" {
					t.Errorf("%s: header text %q in the body on page %d", c.title, cell.Text, cell.Page)
				}
			}
		}
		if pages[g.Pages[0]] == 0 || pages[g.Pages[1]] == 0 {
			t.Errorf("%s: body rows per page %v, want rows on both", c.title, pages)
		}
	}
}

func TestRead_DropsPageNumbersAndTheRunningHeader(t *testing.T) {
	// printed-income-2024-final.pdf: the 2024 final's 收入决算表 as a bureau prints its workbook from LibreOffice
	// (ingest/pdfgrid/testdata/printed.go): two pages, “第1页” and “第2页” at the foot, the department's name at
	// the head of both, the two header rows repeated on page 2.
	d := readDoc(t, "printed-income-2024-final")
	if d.Pages != 2 || len(d.Tables) != 1 {
		t.Fatalf("%d pages, %d tables; want 2 and 1", d.Pages, len(d.Tables))
	}
	g := &d.Tables[0]
	for _, b := range d.Prose {
		t.Errorf("page %d: %q kept as prose; only the table is printed", b.Page, b.Text)
	}
	for _, row := range g.Rows {
		for _, c := range row {
			if strings.Contains(c.Text, "页") || strings.Contains(c.Text, "上海市普陀区财政局") {
				t.Errorf("page furniture %q in the table on page %d", c.Text, c.Page)
			}
		}
	}
	if len(g.Pages) != 2 {
		t.Errorf("table pages %v, want [1 2]", g.Pages)
	}
	want := map[string]string{}
	for _, li := range transcription(t, final2024, "line_items.csv") {
		if li["table"] == "income" {
			want[li["code"]+"/"+li["column"]] = li["amount"]
		}
	}
	got := figures(t, g)
	if len(got) != len(want) {
		t.Errorf("read %d figures, the workbook has %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: read %q, printed %q", k, got[k], v)
		}
	}
}

func TestRead_KeepsTitleAndProse(t *testing.T) {
	d := readDoc(t, final2024)
	var title []string
	for _, b := range d.Title {
		title = append(title, b.Text)
	}
	if got := strings.Join(title, " "); got != "上海市普陀区财政局 2024年度部门决算" {
		t.Errorf("title %q", got)
	}
	for name, want := range map[string]string{
		budget2025: "上海市普陀区2025年区级部门预算 预算主管部门：上海市普陀区财政局",
		city2025:   "上海市2025年市级单位预算 预算单位：上海市财政局",
	} {
		var got []string
		for _, b := range readDoc(t, name).Title {
			got = append(got, b.Text)
			if b.Page != 1 {
				t.Errorf("%s: title line %q on page %d", name, b.Text, b.Page)
			}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: title %q, want %q", name, strings.Join(got, " "), want)
		}
	}
	found := false
	for _, b := range d.Prose {
		if strings.Contains(b.Text, "“三公”经费支出决算数小于预算数的主要原因：当年度无“三公”经费支出。") {
			found = true
			if b.Page < 20 {
				t.Errorf("the 三公 reason is on page %d, want the 情况说明 after the tables", b.Page)
			}
		}
	}
	if !found {
		t.Error("the 三公 增减变化原因 sentence is not in the prose")
	}
	want := transcription(t, final2024, "three_public.csv")[0]["change_reason"]
	if !proseHas(d, want) {
		t.Errorf("the transcribed change_reason %q is not in the prose", want)
	}
}

func proseHas(d *Document, s string) bool {
	for _, b := range d.Prose {
		if strings.Contains(b.Text, s) {
			return true
		}
	}
	return false
}

func TestRead_RefusesWhatItCannotRead(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	dir := t.TempDir()
	real, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pdf", budget2025+".pdf"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.pdf")
	os.WriteFile(truncated, real[:len(real)/3], 0o644)
	notPDF := filepath.Join(dir, "notes.pdf")
	os.WriteFile(notPDF, []byte("部门,金额\n财政局,1\n"), 0o644)
	cases := []struct{ path, says string }{
		{filepath.Join("..", "..", "testdata", "pdf", "scanned-three-public.pdf"), "没有文字层"},
		{truncated, "损坏"},
		{notPDF, "不是 PDF"},
	}
	if _, err := exec.LookPath("qpdf"); err == nil {
		enc := filepath.Join(dir, "encrypted.pdf")
		if out, err := exec.Command("qpdf", "--encrypt", "user", "owner", "256", "--",
			filepath.Join("..", "..", "testdata", "pdf", budget2025+".pdf"), enc).CombinedOutput(); err != nil {
			t.Fatalf("qpdf: %v %s", err, out)
		}
		cases = append(cases, struct{ path, says string }{enc, "加密"})
	}
	for _, c := range cases {
		_, err := ReadFile(context.Background(), c.path, Limits{})
		if models.ErrorCode(err) != models.EINVALID || !strings.Contains(models.ErrorMessage(err), c.says) {
			t.Errorf("%s: %v; want EINVALID saying …%s…", filepath.Base(c.path), err, c.says)
		}
		if msg := models.ErrorMessage(err); strings.Count(msg, "。") > 1 {
			t.Errorf("%s: %q is more than one sentence", filepath.Base(c.path), msg)
		}
	}
}

func TestRead_StopsAtTheMemoryLimit(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	// 16 MiB of address space is less than pdftotext needs to map its libraries: the limit stops it there, and
	// the clerk reads a sentence, not a crash. (A real disclosure needs less than 64 MiB.)
	_, err := ReadFile(context.Background(), filepath.Join("..", "..", "testdata", "pdf", budget2025+".pdf"),
		Limits{MemoryBytes: 16 << 20})
	if models.ErrorCode(err) != models.EINVALID || !strings.Contains(models.ErrorMessage(err), "内存") {
		t.Fatalf("err = %v; want EINVALID naming the memory limit", err)
	}
}

func TestRead_StopsAtTheTimeLimit(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	// One page drawing 200,000 words, one Tm and Tj each: pdftotext needs seconds for it; the limit is half a
	// second.
	var content bytes.Buffer
	content.WriteString("BT /F1 1 Tf\n")
	for i := 0; i < 200000; i++ {
		fmt.Fprintf(&content, "1 0 0 1 %d %d Tm (w%d) Tj\n", (i%2000)*3, (i/2000)*2, i%97)
	}
	content.WriteString("ET\n")
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(content.Bytes())
	zw.Close()
	var pdf bytes.Buffer
	var offsets []int
	obj := func(s string) { offsets = append(offsets, pdf.Len()); pdf.WriteString(s) }
	pdf.WriteString("%PDF-1.4\n")
	obj("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	obj("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n")
	obj("3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 6000 1000] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >> endobj\n")
	obj("4 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n")
	obj(fmt.Sprintf("5 0 obj << /Length %d /Filter /FlateDecode >> stream\n", z.Len()))
	pdf.Write(z.Bytes())
	pdf.WriteString("\nendstream endobj\n")
	xref := pdf.Len()
	fmt.Fprintf(&pdf, "xref\n0 6\n0000000000 65535 f \n")
	for _, o := range offsets {
		fmt.Fprintf(&pdf, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&pdf, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", xref)

	start := time.Now()
	_, err := Read(context.Background(), &pdf, Limits{Timeout: 500 * time.Millisecond})
	if models.ErrorCode(err) != models.EINVALID || !strings.Contains(models.ErrorMessage(err), "超过") {
		t.Fatalf("err = %v; want EINVALID naming the time limit", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopped after %s; the limit is 0.5 s", d)
	}
}

// A final's 总表 printed by LibreOffice from the official workbook: 收入 and 支出 over 项目 │ 行次 │ 金额, a 栏次 line
// numbering the columns, the 行次 right-aligned in their column and centred labels that reach neither their
// amounts nor their row numbers. The grid has exactly those columns: the 栏次 line is no header row and no
// column, the row numbers stand under 行次, the amounts under 金额 (or the fund they belong to), and the group
// labels 收入 and 支出 are no columns of their own.
func TestRead_RowNumberedTotalTablesHaveTheirColumns(t *testing.T) {
	d := readDoc(t, "printed-final-wanyuan")
	for _, tc := range []struct {
		title string
		heads []string
		row   []string
	}{
		{"年度收入支出决算总表", []string{"项目", "行次", "金额", "项目", "行次", "金额"},
			[]string{"一、一般公共预算财政拨款收入", "1", "666.30", "一、一般公共服务支出", "13", "61.69"}},
		{"财政拨款收入支出决算总表", []string{"项目", "行次", "金额", "项目", "行次", "合计", "一般公共预算财政拨款",
			"政府性基金预算财政拨款", "国有资本经营预算财政拨款"},
			[]string{"一、一般公共预算财政拨款", "1", "666.30", "一、一般公共服务支出", "10", "61.69", "61.69", "0.00", "0.00"}},
	} {
		g := tableTitled(t, d, tc.title)
		var heads []string
		for c := 0; c < g.Width(); c++ {
			h := g.HeaderText(c)
			if len(h) == 0 {
				heads = append(heads, "")
				continue
			}
			heads = append(heads, h[len(h)-1])
		}
		if strings.Join(heads, " │ ") != strings.Join(tc.heads, " │ ") {
			t.Errorf("%s: columns\n%s\nwant\n%s", tc.title, strings.Join(heads, " │ "), strings.Join(tc.heads, " │ "))
		}
		var first []string
		for _, c := range g.Body()[0] {
			first = append(first, c.Text)
		}
		if strings.Join(first, " │ ") != strings.Join(tc.row, " │ ") {
			t.Errorf("%s: first row\n%s\nwant\n%s", tc.title, strings.Join(first, " │ "), strings.Join(tc.row, " │ "))
		}
	}
}

// A final's 三公 table printed by LibreOffice one page wide: 20 narrow columns in a print so small that its four
// header rows stand as close as the lines of a wrapped label. 预算数 and 决算数 each head their six columns (合计 and
// 公务接待费 at their sides included), 公务用车购置及运行费 its three (a row above 小计 │ 购置费 │ 运行维护费, not their
// wrapped first line), and each count (0 │ 5 │ 42, right-aligned, one row) stands under its own label. In the empty
// 政府性基金 table, 本年支出 heads 合计 │ 基本支出 │ 项目支出, not 基本支出 alone as its wrapped first line.
func TestRead_FinalThreePublicTableHasItsColumnGroups(t *testing.T) {
	for _, name := range []string{"printed-final-wanyuan", "printed-final-yuan"} {
		d := readDoc(t, name)
		g := tableTitled(t, d, "三公")
		want := []string{
			"预算数/合计", "预算数/因公出国（境）费", "预算数/公务用车购置及运行费/小计", "预算数/公务用车购置及运行费/公务用车购置费",
			"预算数/公务用车购置及运行费/公务用车运行维护费", "预算数/公务接待费",
			"决算数/合计", "决算数/因公出国（境）费", "决算数/公务用车购置及运行费/小计", "决算数/公务用车购置及运行费/公务用车购置费",
			"决算数/公务用车购置及运行费/公务用车运行维护费", "决算数/公务接待费",
			"因公出国(境)团组数", "因公出国(境)人次", "公务用车购置数", "公务用车保有量", "国内公务接待批次", "国内公务接待人次",
			"外宾接待批次", "外宾接待人次",
		}
		if g.Width() != len(want) {
			t.Fatalf("%s: %d columns, want %d", name, g.Width(), len(want))
		}
		for c, w := range want {
			if got := strings.Join(g.HeaderText(c), "/"); got != w {
				t.Errorf("%s: column %d is headed %s, want %s", name, c, got, w)
			}
		}
		body := g.Body()
		if len(body) != 1 {
			t.Fatalf("%s: %d body rows", name, len(body))
		}
		for c, w := range map[int]string{12: "0", 15: "5", 16: "42", 17: "236", 19: "0"} {
			if body[0][c].Text != w {
				t.Errorf("%s: count column %d reads %q, want %s", name, c, body[0][c].Text, w)
			}
		}

		fund := tableTitled(t, d, "政府性基金预算财政拨款收入支出决算表")
		var spent []string
		for c := 0; c < fund.Width(); c++ {
			if h := fund.HeaderText(c); len(h) > 0 && h[0] == "本年支出" {
				spent = append(spent, h[len(h)-1])
			}
		}
		if got := strings.Join(spent, " │ "); got != "合计 │ 基本支出 │ 项目支出" {
			t.Errorf("%s: 本年支出 heads %s", name, got)
		}
	}
}
