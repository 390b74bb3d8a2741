package ingest

import (
	"slices"
	"strings"

	"sunshine/models"
)

// field is one column of an upload kind: its key (the English header), the
// Chinese header that templates write, and the other headers accepted for it.
type field struct {
	key      string
	chinese  string
	aliases  []string
	required bool
}

// The identifying columns both kinds start with (CONTRACT.md §2.1, §2.2).
var keyFields = []field{
	{key: "region_code", chinese: "区划代码", required: true},
	{key: "region_name", chinese: "区划名称"},
	{key: "dept_code", chinese: "部门编码", required: true},
	{key: "dept_name", chinese: "部门名称", required: true},
	{key: "fiscal_year", chinese: "年度", required: true},
	{key: "phase", chinese: "阶段", required: true},
	{key: "unit", chinese: "单位", required: true, aliases: sourceUnitHeaders},
}

// sourceUnitHeaders are the export's names for the unit the source printed
// (CONTRACT.md §3.1): beside them, the unit an amount column's header names
// is the unit of that column's figures.
var sourceUnitHeaders = []string{"source_unit", "原表单位"}

// releaseOnlyHeaders are columns the exports add that an upload has no use
// for — ids, versions, release numbers, permalinks, source pages — in English and Chinese:
// they are skipped, so an export uploads back as it is.
var releaseOnlyHeaders = map[string]bool{
	"filing_id": true, "公开编号": true, "version": true, "版本": true,
	"release": true, "发布号": true, "permalink": true, "永久链接": true,
	"source_page": true, "原件页码": true, // the page of the PDF a figure was read from
}

// unitSuffixes name the units in English column names: total_yuan,
// total_wanyuan, total_yiyuan (exports.UnitSuffix writes them).
var unitSuffixes = []struct {
	suffix string
	unit   models.Unit
}{{"yuan", models.Yuan}, {"wanyuan", models.WanYuan}, {"yiyuan", models.YiYuan}}

// amountFields are the fields that hold amounts, whose headers may name their unit.
var amountFields = func() map[string]bool {
	m := map[string]bool{"amount": true}
	for _, a := range models.ThreePublicAmounts {
		m[a.Key] = true
	}
	return m
}()

// threePublicAliases are the header variants CONTRACT.md §2.1 and DOMAIN.md §3
// accept besides the names in models.ThreePublicAmounts: official tables write
// the vehicle columns with and without 维护, with or without brackets.
var threePublicAliases = map[string][]string{
	"vehicles":                 {"公务用车购置及运行维护费", "公务用车购置及运行(维护)费"},
	"vehicle_operation":        {"公务用车运行维护费", "公务用车运行(维护)费"},
	"budget_vehicles":          {"预算数公务用车购置及运行维护费", "预算数公务用车购置及运行(维护)费"},
	"budget_vehicle_operation": {"预算数公务用车运行维护费", "预算数公务用车运行(维护)费"},
}

// threePublicRequired are the 三公 amounts a row must have a column for (blank cells are allowed).
var threePublicRequired = map[string]bool{
	"total": true, "outbound_trips": true, "vehicle_purchase": true, "vehicle_operation": true, "reception": true,
}

// lineItemFields are the columns of the long-form line items after the key columns.
var lineItemFields = []field{
	{key: "table", chinese: "表", required: true},
	{key: "code", chinese: "科目编码", required: true},
	{key: "name", chinese: "科目名称", required: true},
	{key: "column", chinese: "栏目", required: true},
	{key: "amount", chinese: "金额", required: true},
	{key: "note", chinese: "说明"},
}

// kindFields lists the columns of each upload kind in template order.
var kindFields = map[string][]field{
	models.KindThreePublic: threePublicFields(),
	models.KindLineItems:   append(append([]field(nil), keyFields...), lineItemFields...),
}

func threePublicFields() []field {
	fs := append([]field(nil), keyFields...)
	for _, a := range models.ThreePublicAmounts {
		fs = append(fs, field{key: a.Key, chinese: a.Chinese, aliases: threePublicAliases[a.Key], required: threePublicRequired[a.Key]})
	}
	for _, c := range models.ThreePublicCounts {
		fs = append(fs, field{key: c.Key, chinese: c.Chinese})
	}
	return append(fs, field{key: "change_reason", chinese: "增减变化原因"}, field{key: "note", chinese: "说明"})
}

// headerIndex maps every accepted header (normalised) of each kind to its field.
var headerIndex = func() map[string]map[string]field {
	idx := map[string]map[string]field{}
	for kind, fs := range kindFields {
		m := map[string]field{}
		for _, f := range fs {
			for _, name := range append([]string{f.key, f.chinese}, f.aliases...) {
				m[normalizeHeader(name)] = f
			}
			if amountFields[f.key] {
				for name := range unitHeaders(f) {
					m[normalizeHeader(name)] = f
				}
			}
		}
		idx[kind] = m
	}
	return idx
}()

// headerUnits maps the normalised headers that name a unit to it.
var headerUnits = func() map[string]models.Unit {
	m := map[string]models.Unit{}
	for _, fs := range kindFields {
		for _, f := range fs {
			if amountFields[f.key] {
				for name, u := range unitHeaders(f) {
					m[normalizeHeader(name)] = u
				}
			}
		}
	}
	return m
}()

// unitHeaders are an amount field's headers that name a unit, in English
// (total_wanyuan) and Chinese (合计（万元）, also for each alias).
func unitHeaders(f field) map[string]models.Unit {
	m := map[string]models.Unit{}
	for _, s := range unitSuffixes {
		m[f.key+"_"+s.suffix] = s.unit
		for _, name := range append([]string{f.chinese}, f.aliases...) {
			m[name+"（"+string(s.unit)+"）"] = s.unit
		}
	}
	return m
}

var bracketReplacer = strings.NewReplacer("（", "(", "）", ")")

// normalizeHeader is the one place headers are made comparable: surrounding
// spaces (ASCII, full-width, no-break, a stray BOM) go, and full-width brackets
// become half-width, as CONTRACT.md §2 promises. Nothing else is changed:
// headers are otherwise matched exactly.
func normalizeHeader(s string) string {
	s = trimCell(s)
	if !strings.ContainsAny(s, "（）") { // the common case, without the replacer's allocation
		return s
	}
	return bracketReplacer.Replace(s)
}

// trimCell drops the white space that spreadsheets and Chinese input methods
// leave around a value.
func trimCell(s string) string {
	// Most cells have nothing to trim: a first byte that cannot start, and a
	// last byte that cannot end, any of the characters below says so at once.
	if s == "" || (!trimLead[s[0]] && !trimTail[s[len(s)-1]]) {
		return s
	}
	return strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == '\u3000' || r == '\u00a0' || r == '\ufeff'
	})
}

// trimLead and trimTail are the bytes that can begin and end the characters
// trimCell drops: the ASCII ones, and the UTF-8 of U+3000, U+00A0 and U+FEFF
// (E3 80 80, C2 A0, EF BB BF).
var trimLead, trimTail = func() (lead, tail [256]bool) {
	for _, r := range " \t\r\n\u3000\u00a0\ufeff" {
		b := []byte(string(r))
		lead[b[0]], tail[b[len(b)-1]] = true, true
	}
	return lead, tail
}()

// detectKind decides the upload kind from the header cells: line items have
// 表/栏目/金额 and the like, the 三公 template has 合计, 因公出国(境)费 and so on.
// Columns both kinds share (区划代码, 年度, …) do not count. Returns "" when the
// headers say neither, or both equally.
func detectKind(headers []string) string {
	var line, three int
	for _, h := range headers {
		n := normalizeHeader(h)
		_, inLine := headerIndex[models.KindLineItems][n]
		_, inThree := headerIndex[models.KindThreePublic][n]
		switch {
		case inLine && !inThree:
			line++
		case inThree && !inLine:
			three++
		}
	}
	switch {
	case line > three:
		return models.KindLineItems
	case three > line:
		return models.KindThreePublic
	}
	return ""
}

// undetectedKind is the hard error when the headers name no known kind.
func undetectedKind() error {
	return models.Errorf(models.EINVALID,
		"无法从表头识别文件类型：标准表明细应有“表”“科目编码”“栏目”“金额”等列，三公经费应有“合计”“因公出国(境)费”“公务接待费”等列（也可在上传时指定 kind）")
}

// columnMap is the result of reading a header row: which field each column is.
type columnMap struct {
	kind    string
	headers []string       // the header text as written (trimmed), by column index
	fields  []string       // the field key of each column, "" when unknown or blank
	index   map[string]int // field key → column index
	usable  bool           // every required column is present
	// units holds the unit an amount column's header names (total_wanyuan,
	// 合计（万元）), by field key; that column's figures are in it.
	units map[string]models.Unit
	// sourceUnit is true when the unit column is the export's source_unit
	// (原表单位): the unit the source printed, not that of the file's figures.
	sourceUnit bool
	// skipped are the release-only columns (ids, versions, permalinks) left unread.
	skipped []string
}

// mapHeaders matches the header row of a flat sheet or CSV against the fields
// of kind, adding header.unknown, header.duplicate and header.missing findings.
// Blank header cells are not columns (Excel writes them for a used range wider
// than the table); data under them is row.extra_cells.
func mapHeaders(kind string, cells []string, row int, sheet string, out *findingList) *columnMap {
	last := len(cells) - 1
	for last >= 0 && trimCell(cells[last]) == "" {
		last--
	}
	cm := &columnMap{kind: kind, headers: make([]string, last+1), fields: make([]string, last+1), index: map[string]int{}, usable: true}
	idx := headerIndex[kind]
	for i := 0; i <= last; i++ {
		text := trimCell(cells[i])
		cm.headers[i] = text
		f, ok := idx[normalizeHeader(text)]
		switch {
		case text == "":
			// Not a column; data under it is reported as row.extra_cells.
		case !ok && releaseOnlyHeaders[normalizeHeader(text)]:
			cm.skipped = append(cm.skipped, text)
			out.note(models.Finding{Rule: RuleHeaderReleaseOnly, Row: row, Column: text, Value: text,
				Message: prefixed(where(sheet, row, text), "是导出文件中的发布信息（编号、版本、发布号或链接），上传时不读取，已略过")})
		case !ok:
			out.add(models.Finding{Rule: RuleHeaderUnknown, Row: row, Column: text, Value: text,
				Message: prefixed(where(sheet, row, text), "未知的列名")})
		default:
			if first, dup := cm.index[f.key]; dup {
				out.add(models.Finding{Rule: RuleHeaderDuplicate, Row: row, Column: text, Value: text,
					Message: prefixed(where(sheet, row, text), "与第 "+itoa(first+1)+" 列“"+cm.headers[first]+"”重复（都是 "+f.key+"）")})
				continue
			}
			cm.fields[i] = f.key
			cm.index[f.key] = i
			if u, ok := headerUnits[normalizeHeader(text)]; ok {
				if cm.units == nil {
					cm.units = map[string]models.Unit{}
				}
				cm.units[f.key] = u
			}
			if f.key == "unit" {
				cm.sourceUnit = slices.Contains(sourceUnitHeaders, normalizeHeader(text))
			}
		}
	}
	for _, f := range kindFields[kind] {
		if _, ok := cm.index[f.key]; f.required && !ok {
			cm.usable = false
			out.add(models.Finding{Rule: RuleHeaderMissing, Row: row, Column: f.chinese,
				Message: prefixed(where(sheet, row, ""), "缺少必填列“"+f.chinese+"”（"+f.key+"）")})
		}
	}
	return cm
}
