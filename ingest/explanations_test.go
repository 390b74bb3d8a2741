package ingest

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"sunshine/ingest/pdfgrid"
	"sunshine/ingest/pdfgrid/pdfgridtest"
	"sunshine/models"
)

// explanationsOfPDF reads a real PDF and returns the sections its first record carries.
func explanationsOfPDF(t *testing.T, name, region, dept string) []models.ExplanationSection {
	t.Helper()
	recs, findings := readRealPDF(t, name, region, dept)
	if len(findings) > 0 { // the tables' business, not the prose's
		t.Logf("%s: %d findings, the first %s", name, len(findings), findings[0].Message)
	}
	if len(recs) == 0 {
		t.Fatalf("%s: no records", name)
	}
	for _, r := range recs[1:] {
		if r.Explanations != nil && r.Key == recs[0].Key {
			t.Fatalf("%s: the explanations ride on row %d as well as the first record", name, r.Row)
		}
	}
	if os.Getenv("DUMP_EXPLANATIONS") != "" {
		for _, s := range recs[0].Explanations {
			t.Logf("%d p%d [%s] %d paras: %.60s", s.Seq, s.Page, s.Heading, len(s.Paragraphs()), s.Text)
		}
	}
	return recs[0].Explanations
}

// section finds the section under heading.
func section(t *testing.T, secs []models.ExplanationSection, heading string) models.ExplanationSection {
	t.Helper()
	for _, s := range secs {
		if s.Heading == heading {
			return s
		}
	}
	var hs []string
	for _, s := range secs {
		hs = append(hs, s.Heading)
	}
	t.Fatalf("no section %q among %q", heading, hs)
	return models.ExplanationSection{}
}

// The explanation chapters of the real published PDFs are kept as printed:
// each heading with its paragraphs and the page it starts on; the contents,
// the cover and the tables are not in them.
func TestExplanations_RealPDFs(t *testing.T) {
	pdfgridtest.NeedPoppler(t)
	type want struct {
		heading  string
		page     int
		sentence string
	}
	for _, c := range []struct {
		name, region, dept string
		sections           int
		first              int // the first section's page: the contents before it skipped
		want               []want
	}{
		{"2024-final-shanghai-putuo-finance-bureau", "310107", "CZJ", 16, 4, []want{
			{"第三部分上海市普陀区财政局2024年度部门决算情况说明", 21, ""},
			{"一、收入支出决算总体情况说明", 21, "上海市普陀区财政局2024年度收入支出总计2995.39万元。"},
			{"七、财政拨款“三公”经费支出决算情况说明", 23, "上海市普陀区财政局2024年度无“三公”经费财政拨款支出。"},
			{"十一、其他重要事项的情况说明", 23, "机关运行经费支出184.65万元，比2023年度增加2.55万元，增长1.40%。"},
			// A definition the PDF's blocks split at its last character is one paragraph again.
			{"第四部分名词解释", 25, "七、基本支出：指单位为保障机构正常运转、完成日常工作任务而发生的各项支出。"},
		}},
		{"2025-budget-shanghai-putuo-finance-bureau", "310107", "CZJ", 14, 3, []want{
			{"上海市普陀区财政局主要职能", 3, "上海市普陀区财政局是上海市普陀区人民政府组成部门。"},
			{"名词解释", 6, "（一）基本支出预算：区级预算主管部门及所属预算单位为保障其机构正常运转、完成日常工作任务而编制的年度基本支出计划"},
			{"2025年部门预算编制说明", 7, "2025年，上海市普陀区财政局收入预算3,121.42万元"},
			// The heading the PDF runs on into its paragraph is split from it.
			{"一、2025年“三公”经费预算情况说明", 22, "2025年“三公”经费预算数为0.95万元，与2024年预算持平。"},
			{"五、实施周期", 24, "2025年1月1日至2025年12月31日"},
		}},
		{"2025-budget-shanghai-municipal-finance-bureau", "310000", "SCZJ", 6, 3, []want{
			{"上海市财政局（单位）主要职能", 3, "上海市财政局是主管全市财政工作的市政府组成部门。"},
			{"名词解释", 5, "（一）财政拨款收入："},
			{"2025年单位预算编制说明", 6, "2025年，上海市财政局收入预算17,192万元"},
			{"其他相关情况说明", 21, ""},
			{"一、2025年“三公”经费预算情况说明", 21, "2025年“三公”经费预算数为346.30万元，与2024年预算持平。"},
		}},
		// A PDF printed by LibreOffice from an official-layout workbook, its
		// 情况说明 sheet before the tables, each heading run on into its text.
		{"printed-final-yuan", "990102", "101", 4, 2, []want{
			{"示例县司法局（版式样例）2024年度部门决算情况说明", 2, ""},
			{"二、“三公”经费情况说明", 2, "增减变化原因：2024年度“三公”经费财政拨款支出决算103157.50元"},
			{"三、其他重要事项的情况说明", 2, "本部门本年度无政府采购以外需要说明的其他重要事项。"},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			secs := explanationsOfPDF(t, c.name, c.region, c.dept)
			if len(secs) != c.sections || secs[0].Page != c.first {
				t.Errorf("%d sections from page %d, want %d from page %d", len(secs), secs[0].Page, c.sections, c.first)
			}
			for i, s := range secs {
				if s.Seq != i+1 || s.Page < c.first {
					t.Errorf("section %d: seq %d, page %d", i, s.Seq, s.Page)
				}
				if strings.HasSuffix(s.Heading, "决算表") || strings.HasSuffix(s.Heading, "预算表") {
					t.Errorf("the tables' part %q is a section", s.Heading)
				}
				if strings.Contains(s.Text, "……") || strings.Contains(s.Text, "目录") || s.Heading == "目录" {
					t.Errorf("the contents in section %q", s.Heading)
				}
				if strings.Contains(s.Text, "\n\n") || strings.HasPrefix(s.Text, "\n") {
					t.Errorf("an empty paragraph in section %q", s.Heading)
				}
			}
			for _, w := range c.want {
				s := section(t, secs, w.heading)
				if s.Page != w.page {
					t.Errorf("%s: page %d, want %d", w.heading, s.Page, w.page)
				}
				if !strings.Contains(s.Text, w.sentence) {
					t.Errorf("%s: the text lacks %q:\n%s", w.heading, w.sentence, s.Text)
				}
			}
		})
	}
}

// The explanations ride on the first record of each filing only, and a
// file that is not a PDF carries none.
func TestExplanations_OncePerFiling(t *testing.T) {
	k1 := models.FilingKey{RegionCode: "310107", DeptCode: "CZJ", FiscalYear: 2024, Phase: models.PhaseFinal}
	k2 := k1
	k2.Phase = models.PhaseBudget
	queue := []Record{{Key: k1}, {Key: k1}, {Key: k2}, {Key: k1}, {Key: k2}}
	secs := []models.ExplanationSection{{Seq: 1, Heading: "名词解释", Text: "……", Page: 3}}
	attachExplanations(queue, secs)
	for i, r := range queue {
		if has := r.Explanations != nil; has != (i == 0 || i == 2) {
			t.Errorf("record %d: explanations %v", i, r.Explanations)
		}
	}
	queue[0].Explanations[0].SHA256 = "x"
	if queue[2].Explanations[0].SHA256 != "" || secs[0].SHA256 != "" {
		t.Error("the records share one slice")
	}
	attachExplanations(queue[:1:1], nil)

	rd, err := Open(strings.NewReader("区划代码,区划名称,部门编码,部门名称,年度,阶段,单位,合计\n"+
		"431081,资兴市,001,资兴市财政局,2024,决算,万元,12.35\n"), "三公.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	for _, r := range readAll(t, rd) {
		if r.Explanations != nil {
			t.Errorf("a CSV row carries explanations: %+v", r.Explanations)
		}
	}
}

// block is a line of prose at x0–x1 on page.
func block(page int, x0, x1 float64, text string) pdfgrid.Block {
	return pdfgrid.Block{Text: text, Page: page, X0: x0, X1: x1}
}

// The cutting rules on made-up prose: the contents page and the one after
// it skipped, headings (part, numbered, centred) from paragraphs, a
// paragraph cut by a page break joined again, control characters dropped, a
// section over 10,000 characters cut with a note naming its page.
func TestExplanations_Sections(t *testing.T) {
	para := strings.Repeat("本部门2024年度收入支出总计2995.39万元，", 4) + "比上年减少。"
	long := strings.Repeat("说明文字。", 2500) // 12,500 characters
	doc := &pdfgrid.Document{Prose: []pdfgrid.Block{
		block(2, 270, 320, "目 录"),
		block(2, 72, 300, "第一部分 部门概况"),
		block(2, 96, 500, "一、主要职能……………………3"),
		block(3, 96, 300, "第二部分 名词解释"), // the contents go on on page 3
		block(4, 150, 440, "第一部分部门概况"),
		block(4, 72, 160, "一、主要职能"),
		block(4, 72, 516, para),
		block(4, 72, 516, "本部门的主要职责是："), // ends mid-sentence: goes on
		block(5, 72, 516, "（一）贯彻执行国家和本市有关财政工作的法律\x07、法规。"),
		block(5, 72, 200, "（二）机关运行经费支出情况"), // a subheading, not run on
		block(5, 72, 516, "机关运行经费支出184.65万元"),
		block(6, 150, 440, "第二部分部门决算表"), // the tables' part: nothing under it
		block(6, 150, 440, "第三部分部门决算情况说明"),
		block(6, 250, 340, "名词解释"), // centred: a heading
		block(6, 72, 516, para),
		block(7, 72, 516, "七、基本支出：指单位为保障机构正常运转而发生的各项支"), // a definition, not a heading
		block(7, 72, 96, "出。"),
		block(7, 72, 400, "三、其他重要事项的情况说明本部门本年度无需要说明的事项。"), // a heading run on into its text
		block(8, 72, 516, "二、长的一节"),
		block(8, 72, 516, long),
	}}
	got := explanationsOf(doc)
	want := []models.ExplanationSection{
		{Seq: 1, Heading: "第一部分部门概况", Page: 4},
		{Seq: 2, Heading: "一、主要职能", Page: 4, Text: para + "\n本部门的主要职责是：\n（一）贯彻执行国家和本市有关财政工作的法律、法规。\n（二）机关运行经费支出情况\n机关运行经费支出184.65万元"},
		{Seq: 3, Heading: "第三部分部门决算情况说明", Page: 6},
		{Seq: 4, Heading: "名词解释", Page: 6, Text: para + "\n七、基本支出：指单位为保障机构正常运转而发生的各项支出。"},
		{Seq: 5, Heading: "三、其他重要事项的情况说明", Page: 7, Text: "本部门本年度无需要说明的事项。"},
	}
	if len(got) != 6 {
		t.Fatalf("%d sections: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("section %d:\n got %+v\nwant %+v", i+1, got[i], w)
		}
	}
	last := got[5]
	if last.Heading != "二、长的一节" || last.Page != 8 || utf8.RuneCountInString(last.Text) != maxChangeReason ||
		!strings.HasSuffix(last.Text, "……（本节原文共 12,500 个字符，超过 10,000 个字符的上限，以下从略；全文见原件第 8 页起）") ||
		!strings.HasPrefix(last.Text, "说明文字。说明文字。") {
		t.Errorf("the long section: %d characters, ends %q", utf8.RuneCountInString(last.Text), string([]rune(last.Text)[9900:]))
	}
	if explanationsOf(&pdfgrid.Document{}) != nil {
		t.Error("no prose, yet sections")
	}
}
