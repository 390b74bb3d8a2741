package ingest

import (
	"strings"
	"testing"

	"sunshine/models"
)

const liHeader = "区划代码,区划名称,部门编码,部门名称,年度,阶段,单位,表,科目编码,科目名称,栏目,金额\n"

// liRow is a good line-item row with one field replaced.
func liRow(field, value string) string {
	v := map[string]string{"region_code": "431099", "region_name": "示例县", "dept_code": "001", "dept_name": "县财政局",
		"fiscal_year": "2025", "phase": "预算", "unit": "元", "table": "expenditure", "code": "2010601",
		"name": "行政运行", "column": "basic", "amount": "100"}
	v[field] = value
	cells := []string{v["region_code"], v["region_name"], v["dept_code"], v["dept_name"], v["fiscal_year"], v["phase"],
		v["unit"], v["table"], v["code"], v["name"], v["column"], v["amount"]}
	for i, c := range cells {
		if strings.ContainsAny(c, ",\"\n") {
			cells[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
		}
	}
	return strings.Join(cells, ",") + "\n"
}

// tpRow is a good 三公 row (tpHeader columns) with one field replaced.
func tpRow(field, value string) string {
	keys := []string{"region_code", "dept_code", "dept_name", "fiscal_year", "phase", "unit", "total", "outbound_trips",
		"vehicle_purchase", "vehicle_operation", "reception"}
	v := map[string]string{"region_code": "431099", "dept_code": "001", "dept_name": "县财政局", "fiscal_year": "2025",
		"phase": "预算", "unit": "万元", "total": "10", "outbound_trips": "0", "vehicle_purchase": "0",
		"vehicle_operation": "6", "reception": "4"}
	v[field] = value
	cells := make([]string, len(keys))
	for i, k := range keys {
		cells[i] = v[k]
		if strings.ContainsAny(cells[i], ",\"\n") {
			cells[i] = `"` + strings.ReplaceAll(cells[i], `"`, `""`) + `"`
		}
	}
	return strings.Join(cells, ",") + "\n"
}

// TestRules has a failing case for every parse rule, each checked for its
// rule key, row and column (the header as written).
func TestRules(t *testing.T) {
	good := liRow("", "")
	cases := []struct {
		name   string
		file   string
		opts   Options
		rule   string
		row    int
		column string
		value  string // the finding's Value, when checked
		msg    string // a part of the message, when checked
	}{
		{"header.unknown", strings.Replace(liHeader, "金额", "金额,备注", 1) + strings.TrimSuffix(good, "\n") + ",x\n",
			Options{}, RuleHeaderUnknown, 1, "备注", "备注", "第 1 行“备注”列：未知的列名"},
		{"header.missing", strings.Replace(liHeader, ",栏目", "", 1) + "431099,示例县,001,县财政局,2025,预算,元,expenditure,2010601,行政运行,100\n",
			Options{}, RuleHeaderMissing, 1, "栏目", "", "缺少必填列“栏目”"},
		{"header.duplicate", strings.Replace(liHeader, "金额", "金额,amount", 1) + strings.TrimSuffix(good, "\n") + ",100\n",
			Options{}, RuleHeaderDuplicate, 1, "amount", "amount", "重复"},
		{"header.duplicate full-width brackets", strings.TrimSuffix(tpHeader, "\n") + ",因公出国（境）费\n" + strings.TrimSuffix(tpRow("", ""), "\n") + ",0\n",
			Options{}, RuleHeaderDuplicate, 1, "因公出国（境）费", "", ""},

		{"cell.type amount not a number", liHeader + good + liRow("amount", "12,34"),
			Options{}, RuleCellType, 3, "金额", "12,34", "第 3 行“金额”列：“12,34”不是有效的金额"},
		{"cell.type amount not a whole fen", liHeader + liRow("amount", "1.234"),
			Options{}, RuleCellType, 2, "金额", "1.234", "整分"},
		{"cell.type amount not a whole fen in 万元", tpHeader + tpRow("total", "10.0000001"),
			Options{}, RuleCellType, 2, "合计", "10.0000001", "万元"},
		{"cell.type count not whole", strings.TrimSuffix(tpHeader, "\n") + ",因公出国(境)团组数\n" + strings.TrimSuffix(tpRow("", ""), "\n") + ",1.5\n",
			Options{}, RuleCellType, 2, "因公出国(境)团组数", "1.5", "不是整数"},
		{"cell.type count negative", strings.TrimSuffix(tpHeader, "\n") + ",公务用车保有量\n" + strings.TrimSuffix(tpRow("", ""), "\n") + ",-2\n",
			Options{}, RuleCellType, 2, "公务用车保有量", "-2", "负数"},
		{"cell.type year out of range", liHeader + liRow("fiscal_year", "1999"),
			Options{}, RuleCellType, 2, "年度", "1999", "2000–2100"},
		{"cell.type year not a number", liHeader + liRow("fiscal_year", "2025年"),
			Options{}, RuleCellType, 2, "年度", "2025年", "年度"},
		{"cell.type region code not 6 digits", liHeader + liRow("region_code", "43109"),
			Options{}, RuleCellType, 2, "区划代码", "43109", "6 位数字"},
		{"cell.type dept code shape", liHeader + liRow("dept_code", "00 1"),
			Options{}, RuleCellType, 2, "部门编码", "00 1", "部门编码"},
		{"cell.type control character", liHeader + liRow("name", "行政\x01运行"),
			Options{}, RuleCellType, 2, "科目名称", "行政\x01运行", "控制字符"},

		{"cell.required region_code", liHeader + liRow("region_code", ""), Options{}, RuleCellRequired, 2, "区划代码", "", "不能为空"},
		{"cell.required dept_code", liHeader + liRow("dept_code", " "), Options{}, RuleCellRequired, 2, "部门编码", "", ""},
		{"cell.required dept_name", liHeader + liRow("dept_name", ""), Options{}, RuleCellRequired, 2, "部门名称", "", ""},
		{"cell.required fiscal_year", liHeader + liRow("fiscal_year", ""), Options{}, RuleCellRequired, 2, "年度", "", ""},
		{"cell.required phase", liHeader + liRow("phase", ""), Options{}, RuleCellRequired, 2, "阶段", "", ""},
		{"cell.required unit", liHeader + liRow("unit", ""), Options{}, RuleCellRequired, 2, "单位", "", ""},
		{"cell.required table", liHeader + liRow("table", ""), Options{}, RuleCellRequired, 2, "表", "", ""},
		{"cell.required code", liHeader + liRow("code", ""), Options{}, RuleCellRequired, 2, "科目编码", "", ""},
		{"cell.required column", liHeader + liRow("column", ""), Options{}, RuleCellRequired, 2, "栏目", "", ""},

		{"cell.enum phase", liHeader + liRow("phase", "草稿"), Options{}, RuleCellEnum, 2, "阶段", "草稿", "阶段“草稿”无效"},
		{"cell.enum unit", liHeader + liRow("unit", "千元"), Options{}, RuleCellEnum, 2, "单位", "千元", "单位“千元”无效"},
		{"cell.enum table", liHeader + liRow("table", "salaries"), Options{}, RuleCellEnum, 2, "表", "salaries", "不是标准表"},
		{"cell.enum three_public as a line", liHeader + liRow("table", "three_public"), Options{}, RuleCellEnum, 2, "表", "three_public", "三公经费模板"},
		{"cell.enum column", liHeader + liRow("column", "personnel"), Options{}, RuleCellEnum, 2, "栏目", "personnel", "没有栏目"},
		{"cell.enum final-only column in a budget", liHeader + liRow("column", "remit_superior"), Options{}, RuleCellEnum, 2, "栏目", "remit_superior", "只用于决算"},
		{"cell.enum row code", liHeader + liRow("code", "20106x"), Options{}, RuleCellEnum, 2, "科目编码", "20106x", "没有行"},
		{"cell.enum 预算数 in a budget row", strings.TrimSuffix(tpHeader, "\n") + ",预算数合计\n" + strings.TrimSuffix(tpRow("", ""), "\n") + ",10\n",
			Options{}, RuleCellEnum, 2, "预算数合计", "10", "只用于决算"},

		{"cell.length over MaxCellChars", liHeader + liRow("name", strings.Repeat("长", 51)),
			Options{MaxCellChars: 50}, RuleCellLength, 2, "科目名称", "", "上限 50 个"},
		{"cell.length over the field's limit", liHeader + liRow("dept_name", strings.Repeat("部", 201)),
			Options{}, RuleCellLength, 2, "部门名称", "", "最多 200 个"},

		{"row.extra_cells", liHeader + good + strings.TrimSuffix(good, "\n") + ",多余\n",
			Options{}, RuleRowExtraCells, 3, "", "多余", "第 13 列"},
		{"row.missing_cells", liHeader + "431099,示例县,001,县财政局,2025,预算,元,expenditure\n",
			Options{}, RuleRowMissingCells, 2, "科目编码", "", "只有 8 个单元格"},
		{"row.blank", liHeader + good + ",,,,,,,,,,,\n" + good,
			Options{}, RuleRowBlank, 3, "", "", "第 3 行"},

		{"file.empty header only", liHeader, Options{}, RuleFileEmpty, 0, "", "", "没有数据行"},
		{"file.empty nothing at all", "", Options{Kind: models.KindLineItems}, RuleFileEmpty, 0, "", "", ""},
		{"file.empty only blank rows", liHeader + ",,,\n\n", Options{}, RuleFileEmpty, 0, "", "", ""},
		{"file.row_limit", liHeader + good + good + good, Options{MaxRows: 2}, RuleFileRowLimit, 4, "", "", "文件超过 2 行的上限"},
		{"file.row_limit 三公", tpHeader + tpRow("", "") + tpRow("dept_code", "002"), Options{MaxThreePublicRows: 1}, RuleFileRowLimit, 3, "", "", "1 行的上限"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, fs := parseAll(t, tc.file, tc.opts)
			f := mustFind(t, fs, tc.rule, tc.row, tc.column)
			if tc.value != "" && f.Value != tc.value {
				t.Errorf("value = %q, want %q", f.Value, tc.value)
			}
			if !strings.Contains(f.Message, tc.msg) {
				t.Errorf("message %q does not contain %q", f.Message, tc.msg)
			}
		})
	}
}

func TestRules_RowWithFindingIsSkippedOthersYielded(t *testing.T) {
	recs, fs := parseAll(t, liHeader+liRow("", "")+liRow("amount", "abc")+liRow("code", "2010602"), Options{})
	if len(fs) != 1 || len(recs) != 2 || recs[0].Row != 2 || recs[1].Row != 4 {
		t.Fatalf("records %d, findings:\n%s", len(recs), dump(fs))
	}
}

func TestRules_EveryProblemInARowIsReported(t *testing.T) {
	row := "43109,示例县,,县财政局,1900,草稿,元,expenditure,2010601,行政运行,basic,x\n"
	_, fs := parseAll(t, liHeader+row, Options{})
	mustFind(t, fs, RuleCellType, 2, "区划代码")
	mustFind(t, fs, RuleCellRequired, 2, "部门编码")
	mustFind(t, fs, RuleCellType, 2, "年度")
	mustFind(t, fs, RuleCellEnum, 2, "阶段")
	mustFind(t, fs, RuleCellType, 2, "金额")
}

func TestRules_BadUnitDoesNotBuryAmounts(t *testing.T) {
	// With no valid unit only "is it a number" is checked, not whole fen.
	_, fs := parseAll(t, tpHeader+tpRow("unit", "千元")+tpRow("reception", "1.0000001"), Options{})
	mustFind(t, fs, RuleCellEnum, 2, "单位")
	mustFind(t, fs, RuleCellType, 3, "公务接待费")
	if len(fs) != 2 {
		t.Fatalf("findings:\n%s", dump(fs))
	}
}

func TestRules_FinalOnlyColumnAcceptedInFinal(t *testing.T) {
	recs, fs := parseAll(t, liHeader+strings.Replace(liRow("column", "上缴上级支出"), "预算", "决算", 1), Options{})
	noFindings(t, fs)
	if recs[0].LineItem.Column != "remit_superior" || recs[0].Key.Phase != models.PhaseFinal {
		t.Fatalf("line = %+v", recs[0].LineItem)
	}
}

func TestRules_FindingsCapSetsPartial(t *testing.T) {
	var b strings.Builder
	b.WriteString(liHeader)
	for i := 0; i < 1500; i++ {
		b.WriteString(liRow("amount", "not a number"))
	}
	rd := openString(t, b.String(), Options{})
	readAll(t, rd)
	if n := len(rd.Findings()); n != models.MaxReportFindings {
		t.Fatalf("findings = %d, want the cap %d", n, models.MaxReportFindings)
	}
	if !rd.Partial() {
		t.Fatal("Partial must be true past the cap")
	}
	if last := rd.Findings()[models.MaxReportFindings-1]; last.Row != models.MaxReportFindings+1 {
		t.Errorf("last finding row = %d", last.Row)
	}
}

func TestRules_UnderTheCapIsNotPartial(t *testing.T) {
	rd := openString(t, liHeader+liRow("amount", "x"), Options{})
	readAll(t, rd)
	if rd.Partial() {
		t.Fatal("one finding is not partial")
	}
}

func TestRules_RowLimitIsPartial(t *testing.T) {
	rd := openString(t, liHeader+liRow("", "")+liRow("", ""), Options{MaxRows: 1})
	recs := readAll(t, rd)
	if len(recs) != 1 || !rd.Partial() {
		t.Fatalf("records %d partial %v", len(recs), rd.Partial())
	}
	if f := mustFind(t, rd.Findings(), RuleFileRowLimit, 3, ""); !strings.Contains(f.Message, "文件超过 1 行的上限") {
		t.Errorf("message = %q", f.Message)
	}
}

func TestRules_DefaultRowLimitMessage(t *testing.T) {
	var b base
	b.rowLimitReached("", 500002, DefaultOptions().MaxRows)
	if msg := b.out.list[0].Message; !strings.Contains(msg, "文件超过 500,000 行的上限") {
		t.Fatalf("message = %q", msg)
	}
}

func TestRules_TableAndCodeOnLineItemFindings(t *testing.T) {
	_, fs := parseAll(t, liHeader+liRow("amount", "x"), Options{})
	if fs[0].Table != "expenditure" || fs[0].Code != "2010601" {
		t.Fatalf("finding = %+v", fs[0])
	}
}
