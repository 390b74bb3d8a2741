package layout

import (
	"strings"
	"testing"
)

// FuzzRead builds a sheet from fuzzed text (rows split on newlines, cells on
// tabs, a merged range from two bytes) and reads it: the reader must not
// panic, and every line, note and finding it reports must point into the sheet.
func FuzzRead(f *testing.F) {
	f.Add("部门支出总表\n单位：元\n科目编码\t科目名称\t合计\t基本支出\n201\t一般公共服务支出\t5\t5\n注：无", byte(2), byte(0))
	f.Add("财政拨款“三公”经费支出决算表\n单位：万元\n预算数\t\t决算数\n合计\t小计\t合计\t小计\n1\t2\t3\t4", byte(2), byte(0))
	f.Add("部门收支总表\n收入\t\t支出\n项目\t预算数\t项目\t预算数\n一般公共预算拨款收入\t1\t一般公共服务支出\t1", byte(1), byte(0))
	f.Add("一般公共预算支出表\n单位：元\n科目编码\t\t\t科目名称\n类\t款\t项\n201\t03\t01\t行政运行\t7", byte(2), byte(0))
	f.Fuzz(func(t *testing.T, text string, mergeRow, mergeCol byte) {
		if len(text) > 4096 {
			return
		}
		s := &Sheet{Name: "表1"}
		for _, line := range strings.Split(text, "\n") {
			var row []Cell
			for _, c := range strings.Split(line, "\t") {
				row = append(row, Cell{Text: c})
			}
			s.Rows = append(s.Rows, row)
		}
		r, c := int(mergeRow%8), int(mergeCol%8)
		s.Merged = append(s.Merged, Range{Row0: r, Col0: c, Row1: r + int(mergeRow/8%3), Col1: c + int(mergeCol/8%4)})
		for _, tb := range Read(s) {
			check := func(what, ref string) {
				if !strings.HasPrefix(ref, "表1!") {
					t.Fatalf("%s ref %q", what, ref)
				}
			}
			check("title", tb.TitleRef)
			for _, l := range tb.Lines {
				check("line", l.Ref)
				if l.Row < 1 || l.Row > len(s.Rows) || l.Text == "" {
					t.Fatalf("line %+v", l)
				}
			}
			for _, rec := range tb.ThreePublic {
				for _, l := range rec {
					check("三公", l.Ref)
				}
			}
			for _, n := range tb.Notes {
				check("note", n.Ref)
			}
			for _, fd := range tb.Findings {
				if fd.Ref != "" {
					check("finding", fd.Ref)
				}
				if fd.Message == "" || fd.Rule == "" {
					t.Fatalf("finding %+v", fd)
				}
			}
		}
	})
}
