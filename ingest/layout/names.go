package layout

import (
	"regexp"
	"sort"
	"strings"

	"sunshine/codes"
	"sunshine/models"
)

// The words the official tables print, by what they mean. Every list is
// compared after norm (no spaces, half-width brackets, no quotation marks).

// tableTitles are the printed titles of each standard table: the names in
// models.Tables and the variants provinces and years print ("…预算表",
// "…财政拨款支出表"). A title matches when it contains one of them; the
// longest match wins, so 财政拨款收入支出决算总表 is not 收入支出决算总表.
var tableTitles = map[models.Table][]string{
	models.TableSummary:                 {"部门收支总表", "收支预算总表", "部门收支预算总表", "收入支出决算总表", "部门财务收支预算总表"},
	models.TableIncome:                  {"部门收入总表", "收入预算总表", "部门收入预算总表", "收入决算表", "部门收入预算表"},
	models.TableExpenditure:             {"部门支出总表", "支出预算总表", "部门支出预算总表", "支出决算表", "部门支出预算表"},
	models.TableFiscalSummary:           {"财政拨款收支总表", "财政拨款收支预算总表", "财政拨款收入支出决算总表", "财政拨款收支决算总表"},
	models.TableGeneralExpenditure:      {"一般公共预算支出表", "一般公共预算支出预算表", "一般公共预算财政拨款支出表", "一般公共预算财政拨款支出预算表", "一般公共预算财政拨款支出决算表", "一般公共预算支出功能分类预算表"},
	models.TableBasicExpenditure:        {"一般公共预算基本支出表", "一般公共预算基本支出预算表", "一般公共预算财政拨款基本支出表", "一般公共预算财政拨款基本支出预算表", "一般公共预算财政拨款基本支出决算表", "一般公共预算基本支出部门预算经济分类预算表"},
	models.TableThreePublic:             {"三公经费支出表", "三公经费支出预算表", "三公经费支出决算表", "三公经费预算表", "三公经费决算表", "三公经费预算财政拨款情况表", "三公经费财政拨款支出决算表", "三公经费支出情况表", "三公经费预算情况表"},
	models.TableGovFundExpenditure:      {"政府性基金预算支出表", "政府性基金预算支出预算表", "政府性基金预算财政拨款支出表", "政府性基金预算财政拨款支出预算表", "政府性基金预算财政拨款收入支出决算表", "政府性基金预算财政拨款支出决算表", "政府性基金预算支出功能分类预算表"},
	models.TableStateCapitalExpenditure: {"国有资本经营预算支出表", "国有资本经营预算支出预算表", "国有资本经营预算财政拨款支出表", "国有资本经营预算财政拨款支出预算表", "国有资本经营预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表", "国有资本经营预算支出功能分类预算表"},
	models.TableProcurement:             {"政府采购预算", "政府采购支出", "政府采购预算表", "政府采购支出表", "政府采购支出决算表", "政府采购情况表"},
	models.TableOperatingCost:           {"机关运行经费", "机关运行经费预算表", "机关运行经费支出表", "机关运行经费情况表"},
}

type titleName struct {
	text  string
	table models.Table
}

// titleNames is every title, longest first.
var titleNames = func() []titleName {
	var out []titleName
	for _, t := range models.Tables {
		seen := map[string]bool{}
		for _, n := range append([]string{t.BudgetName, t.FinalName}, tableTitles[t.Key]...) {
			if n = norm(n); !seen[n] {
				seen[n] = true
				out = append(out, titleName{n, t.Key})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].text) > len(out[j].text) })
	return out
}()

// matchTitle finds the standard table a title names, and where in the
// normalized text the name starts.
func matchTitle(text string) (models.TableSpec, int, bool) {
	n := norm(text)
	if len(n) > 300 || isNote(n) {
		return models.TableSpec{}, 0, false
	}
	for _, t := range titleNames {
		if i := strings.Index(n, t.text); i >= 0 {
			spec, _ := models.LookupTable(string(t.table))
			return spec, i, true
		}
	}
	return models.TableSpec{}, 0, false
}

var (
	yearPattern  = regexp.MustCompile(`(20[0-9]{2})\s*年`)
	unitPattern  = regexp.MustCompile(`单位\s*[:：]\s*(人民币)?\s*(亿元|万元|元)`)
	deptPattern  = regexp.MustCompile(`^(?:编制|预算|填报|决算)?(?:部门|单位)(?:名称)?[\s\x{3000}]*[:：][\s\x{3000}]*(.+)$`)
	tableNumber  = regexp.MustCompile(`^(?:(?:附件|附表|表)\s*[0-9一二三四五六七八九十]+(?:[-－—][0-9]+)?|公开[0-9]+表)\s*[、.．:：]?\s*`)
	ordinal      = regexp.MustCompile(`^(?:其中[:：]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十0-9]+[)）]|[0-9]+[.．、])`)
	codeInName   = regexp.MustCompile(`^([0-9]{3}(?:[0-9]{2}){0,2})(?:\s+|$|[^0-9])`)
	phaseInTitle = []struct {
		word  string
		phase models.Phase
	}{{"调整预算", models.PhaseAdjusted}, {"决算", models.PhaseFinal}, {"预算", models.PhaseBudget}}
)

// isNote reports whether a row's first text is a note printed under a table.
func isNote(n string) bool {
	for _, p := range []string{"注:", "注：", "说明:", "说明：", "备注:", "备注：", "注1", "注："} {
		if strings.HasPrefix(n, norm(p)) {
			return true
		}
	}
	return strings.Contains(n, "空表") || strings.HasPrefix(n, "本部门无") || strings.HasPrefix(n, "本单位无") ||
		strings.HasPrefix(n, "本部门没有") || strings.HasPrefix(n, "本单位没有")
}

// columnWords are the header texts of each table's amount columns, by column key.
var columnWords = map[models.Table]map[string][]string{
	models.TableIncome: {
		"total": {"合计", "总计", "本年收入合计", "收入合计", "合计数"}, "fiscal": {"财政拨款收入", "财政拨款", "一般公共预算拨款收入", "财政拨款(补助)收入"},
		"special_account": {"财政专户管理资金收入", "财政专户管理资金", "财政专户拨款收入"}, "business": {"事业收入"},
		"operations": {"事业单位经营收入", "经营收入"}, "superior_subsidy": {"上级补助收入"}, "subordinate_remit": {"附属单位上缴收入"},
		"other": {"其他收入"}, "carryover": {"上年结转", "上年结转结余", "上年结转和结余", "年初结转和结余", "上年结转资金"},
	},
	models.TableExpenditure: {
		"total": {"合计", "总计", "本年支出合计", "本年支出小计", "支出合计"}, "basic": {"基本支出"}, "project": {"项目支出"},
		"remit_superior": {"上缴上级支出"}, "operations": {"经营支出"}, "subsidy_subordinate": {"对附属单位补助支出"},
	},
	models.TableFiscalSummary: {
		"total": {"合计", "小计", "总计", "预算数", "决算数", "金额"}, "general_budget": {"一般公共预算", "一般公共预算财政拨款", "一般公共预算拨款", "一般公共预算资金"},
		"gov_fund":      {"政府性基金预算", "政府性基金预算财政拨款", "政府性基金预算拨款", "政府性基金"},
		"state_capital": {"国有资本经营预算", "国有资本经营预算财政拨款", "国有资本经营预算拨款"},
	},
	models.TableBasicExpenditure: {
		"total": {"合计", "总计", "决算数", "预算数", "金额"}, "personnel": {"人员经费", "人员经费支出"}, "public_use": {"公用经费", "公用经费支出"},
	},
	models.TableSummary:       {"amount": {"预算数", "决算数", "金额", "本年预算", "本年预算数", "年初预算数", "合计"}},
	models.TableProcurement:   {"amount": {"预算数", "决算数", "金额", "合计", "采购金额", "预算金额"}},
	models.TableOperatingCost: {"amount": {"预算数", "决算数", "金额", "合计", "机关运行经费"}},
}

func init() {
	basicProj := columnWords[models.TableExpenditure]
	for _, t := range []models.Table{models.TableGeneralExpenditure, models.TableGovFundExpenditure, models.TableStateCapitalExpenditure} {
		m := map[string][]string{}
		for k, v := range basicProj {
			if k == "total" || k == "basic" || k == "project" {
				m[k] = v
			}
		}
		columnWords[t] = m
	}
}

// ignoredWords are official columns the model keeps no figure of: the
// 行次/栏次 of final tables, and the carry-over columns of the final's 政府性基金
// and 国有资本经营 tables (their money is in the 财政拨款收支总表). A figure
// under one of the latter is a finding, since it would be lost.
var ignoredWords = map[string]bool{"行次": true, "栏次": true, "序号": true}

var droppedWords = map[string]bool{"年初结转和结余": true, "本年收入": true, "年末结转和结余": true, "上年结转": true, "年末结转": true}

// codeWords are the headers of the code column, nameWords of the name column.
var (
	codeWords = map[string]bool{"科目编码": true, "编码": true, "科目代码": true, "代码": true, "功能分类科目编码": true,
		"支出功能分类科目编码": true, "经济分类科目编码": true, "部门预算支出经济分类科目编码": true, "支出经济分类科目编码": true,
		"项目编码": true, "科目编号": true}
	nameWords = map[string]bool{"科目名称": true, "名称": true, "项目": true, "功能分类科目名称": true, "经济分类科目名称": true,
		"支出功能分类科目名称": true, "部门预算支出经济分类科目名称": true, "支出经济分类科目名称": true, "科目": true, "项目名称": true,
		"功能分类科目": true, "经济分类科目": true, "支出功能分类科目": true, "支出经济分类科目": true, "收入项目": true, "支出项目": true}
	splitWords = map[string]int{"类": 0, "款": 1, "项": 2}
)

// rowWords are the printed names of the named rows, by table side: the
// income side of the two 总表, their spending side, and the other row-keyed
// tables. Names are compared after nameKey.
var (
	incomeRows = map[string][]string{
		"general_budget":    {"一般公共预算拨款收入", "一般公共预算拨款", "一般公共预算财政拨款收入", "一般公共预算财政拨款", "一般公共预算收入", "一般公共预算", "一般公共预算资金"},
		"gov_fund":          {"政府性基金预算拨款收入", "政府性基金预算拨款", "政府性基金预算财政拨款收入", "政府性基金预算财政拨款", "政府性基金预算收入", "政府性基金预算", "政府性基金收入", "政府性基金预算资金"},
		"state_capital":     {"国有资本经营预算拨款收入", "国有资本经营预算拨款", "国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款", "国有资本经营预算收入", "国有资本经营预算", "国有资本经营预算资金"},
		"special_account":   {"财政专户管理资金收入", "财政专户管理资金", "财政专户拨款收入"},
		"business":          {"事业收入"},
		"operations":        {"事业单位经营收入", "经营收入"},
		"superior_subsidy":  {"上级补助收入"},
		"subordinate_remit": {"附属单位上缴收入"},
		"other":             {"其他收入"},
		"income_subtotal":   {"本年收入合计", "本年收入", "收入合计"},
		"carryover_in":      {"上年结转", "上年结转结余", "上年结转和结余", "年初结转和结余", "年初财政拨款结转和结余", "上年结转资金"},
		"surplus_used":      {"使用非财政拨款结余", "用事业基金弥补收支差额", "使用非财政拨款结余(含专用结余)"},
		"income_total":      {"收入总计", "总计"},
	}
	spendingRows = map[string][]string{
		"expenditure_subtotal": {"本年支出合计", "本年支出", "支出合计"},
		"surplus_distribution": {"结余分配"},
		"carryover_out":        {"结转下年", "年末结转和结余", "年终结转结余", "年末财政拨款结转和结余", "年末结转", "结转下年资金"},
		"expenditure_total":    {"支出总计", "总计"},
	}
	procurementRows = map[string][]string{
		"goods": {"货物", "货物类"}, "works": {"工程", "工程类"}, "services": {"服务", "服务类"},
		"total": {"合计", "总计", "政府采购合计"}, "sme": {"授予中小企业合同金额", "其中:授予中小企业合同金额", "授予中小企业"},
	}
	operatingRows = map[string][]string{"total": {"合计", "机关运行经费", "总计"}}
)

// nameKey reduces a printed row name to what the lists above compare: no
// ordinal (一、 (一) 1.), no 其中：, no spaces, half-width brackets.
func nameKey(s string) string {
	n := norm(s)
	for {
		m := ordinal.FindString(n)
		if m == "" {
			return n
		}
		n = n[len(m):]
	}
}

func indexWords(m map[string][]string) map[string]string {
	out := map[string]string{}
	for key, words := range m {
		for _, w := range words {
			out[nameKey(w)] = key
		}
	}
	return out
}

var (
	incomeRowIndex      = indexWords(incomeRows)
	spendingRowIndex    = indexWords(spendingRows)
	procurementRowIndex = indexWords(procurementRows)
	operatingRowIndex   = indexWords(operatingRows)
)

// categoryByName maps the names of the functional 类 (一般公共服务支出 …) to
// their codes, as the spending side of the 总表 prints them without codes.
var categoryByName = func() map[string]string {
	m := map[string]string{}
	for _, c := range codes.Starter(codes.Functional).Codes() {
		if c.Level == codes.LevelClass {
			m[codes.NormalizeName(c.Name)] = c.Code
		}
	}
	// Older names of some 类, as tables of their years print them.
	for name, code := range map[string]string{"医疗卫生与计划生育": "210", "文化体育与传媒": "207", "城乡社区事务": "212",
		"国土海洋气象等": "220", "资源勘探信息等": "215", "商业服务业等事务": "216"} {
		m[name] = code
	}
	return m
}()

// threePublicWords are the 三公 table's headers (or row names, when printed
// vertically), by field key. A group header (预算数 / 决算数) says which set.
var threePublicWords = map[string][]string{
	"total":                     {"合计", "三公经费合计", "总计", "三公经费"},
	"outbound_trips":            {"因公出国(境)费", "因公出国(境)费用", "因公出国费", "出国(境)费", "因公出国(境)经费"},
	"vehicles":                  {"公务用车购置及运行费", "公务用车购置及运行维护费", "公务用车购置及运行(维护)费", "公务用车费", "小计", "公务用车购置及运行费小计", "公务用车购置及运行维护费小计"},
	"vehicle_purchase":          {"公务用车购置费", "购置费", "公务用车购置"},
	"vehicle_operation":         {"公务用车运行费", "公务用车运行维护费", "公务用车运行(维护)费", "运行维护费", "运行费", "公务用车运行"},
	"reception":                 {"公务接待费", "接待费", "国内公务接待费"},
	"trip_groups":               {"因公出国(境)团组数", "团组数", "出国团组数", "因公出国(境)团组数(个)"},
	"trip_persons":              {"因公出国(境)人次", "因公出国(境)人数", "出国人次", "出国人数"},
	"vehicles_purchased":        {"公务用车购置数", "购置数", "购置车辆数", "公务用车购置数(辆)"},
	"vehicles_held":             {"公务用车保有量", "保有量", "公务用车保有量(辆)", "年末保有量"},
	"reception_batches":         {"国内公务接待批次", "公务接待批次", "接待批次"},
	"reception_persons":         {"国内公务接待人次", "公务接待人次", "接待人次"},
	"foreign_reception_batches": {"外宾接待批次", "国(境)外接待批次", "外事接待批次"},
	"foreign_reception_persons": {"外宾接待人次", "国(境)外接待人次", "外事接待人次"},
}

var threePublicIndex = indexWords(threePublicWords)

// threePublicGroup reads a 预算数 / 决算数 group header; ok is false for any other text.
func threePublicGroup(n string) (budget, ok bool) {
	switch {
	case strings.Contains(n, "决算"), strings.Contains(n, "实际支出"), strings.Contains(n, "执行数"):
		return false, true
	case strings.Contains(n, "预算"):
		return true, true
	}
	return false, false
}

// closest returns up to three known names nearest to text, for a header the
// reader cannot place.
func closest(text string, names []string) []string {
	type scored struct {
		name string
		d    int
	}
	t := []rune(nameKey(text))
	var all []scored
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		all = append(all, scored{n, distance(t, []rune(nameKey(n)))})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d < all[j].d })
	var out []string
	for i := 0; i < len(all) && i < 3; i++ {
		out = append(out, all[i].name)
	}
	return out
}

// distance is the Levenshtein distance of two rune strings.
func distance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
