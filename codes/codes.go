// Package codes holds the classification code lists (支出功能分类 and
// 部门预算支出经济分类) as data, versioned by fiscal year (DOMAIN.md §4).
//
// A list is read from CSV (code,name,level[,three_public]). A Set answers for
// a fiscal year with the deployment's own loaded list, else a complete official
// list shipped in data/official, else the starter subset of shared/data
// (embedded); Set.Origin says which.
// A code's level (类/款/项) follows from its length: 3, 5 or 7 digits.
package codes

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gocarina/gocsv"

	"sunshine/models"
)

// The kinds of classification.
const (
	Functional = "functional" // 支出功能分类: 类 3 → 款 5 → 项 7 digits
	Economic   = "economic"   // 部门预算支出经济分类: 类 3 → 款 5 digits
)

// Kinds lists the kinds of classification.
var Kinds = []string{Functional, Economic}

// KindChinese returns the official name of a kind of classification.
func KindChinese(kind string) string {
	switch kind {
	case Functional:
		return "支出功能分类"
	case Economic:
		return "支出经济分类"
	}
	return kind
}

// Level is the depth of a code in its classification.
type Level int

const (
	LevelClass   Level = 1 // 类, 3 digits
	LevelSection Level = 2 // 款, 5 digits
	LevelItem    Level = 3 // 项, 7 digits
)

// String returns the Chinese name of the level: 类, 款 or 项.
func (l Level) String() string {
	switch l {
	case LevelClass:
		return "类"
	case LevelSection:
		return "款"
	case LevelItem:
		return "项"
	}
	return "?"
}

// LevelOf derives the level of a code from its length; ok is false for
// anything but 3, 5 or 7 ASCII digits.
func LevelOf(code string) (l Level, ok bool) {
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return 0, false
		}
	}
	switch len(code) {
	case 3:
		return LevelClass, true
	case 5:
		return LevelSection, true
	case 7:
		return LevelItem, true
	}
	return 0, false
}

// Parent returns the code one level up ("2010601" → "20106", "20106" → "201"),
// or "" for a 类 or for something that is not a code.
func Parent(code string) string {
	switch l, _ := LevelOf(code); l {
	case LevelSection:
		return code[:3]
	case LevelItem:
		return code[:5]
	}
	return ""
}

// The 三公 items an economic code can belong to (the three_public column of the
// economic list); the keys are those of models.ThreePublicAmounts.
const (
	ThreePublicOutboundTrips    = "outbound_trips"
	ThreePublicVehiclePurchase  = "vehicle_purchase"
	ThreePublicVehicleOperation = "vehicle_operation"
	ThreePublicReception        = "reception"
)

// ThreePublicItems lists the 三公 items an economic code can map to, in table order.
var ThreePublicItems = []string{ThreePublicOutboundTrips, ThreePublicVehiclePurchase, ThreePublicVehicleOperation, ThreePublicReception}

// Code is one entry of a list.
type Code struct {
	Code  string
	Name  string // the official name
	Level Level
	// ThreePublic is the 三公 item the economic code belongs to (ThreePublicReception, …), or "".
	ThreePublic string
}

// List is one year's list of one kind of classification. It does not change
// once loaded, so it may be shared between goroutines.
type List struct {
	kind     string
	codes    map[string]Code
	order    []string
	children map[string]bool // codes that have at least one child in the list
}

// Kind returns Functional or Economic.
func (l *List) Kind() string { return l.kind }

// Len returns the number of codes.
func (l *List) Len() int { return len(l.order) }

// Lookup finds a code.
func (l *List) Lookup(code string) (Code, bool) {
	c, ok := l.codes[code]
	return c, ok
}

// HasChildren reports whether the list has a code one level below code.
func (l *List) HasChildren(code string) bool { return l.children[code] }

// Codes returns every code in the order of the file.
func (l *List) Codes() []Code {
	out := make([]Code, len(l.order))
	for i, c := range l.order {
		out[i] = l.codes[c]
	}
	return out
}

// ThreePublicCodes returns the economic codes that belong to a 三公 item, in file order.
func (l *List) ThreePublicCodes(item string) []string {
	var out []string
	for _, c := range l.order {
		if l.codes[c].ThreePublic == item {
			out = append(out, c)
		}
	}
	return out
}

// The header names Load accepts for each column, English first.
var headerNames = map[string][]string{
	"code":         {"code", "科目编码", "编码", "科目代码"},
	"name":         {"name", "科目名称", "名称"},
	"level":        {"level", "级次", "级别", "层级"},
	"three_public": {"three_public", "三公经费", "三公"},
}

// Load reads a code list in the CSV format of shared/data (UTF-8, with or
// without a BOM): a header naming the columns code, name, level and, for the
// economic list, three_public (Chinese headers 科目编码, 科目名称, 级次, 三公经费 are
// accepted too, in any order), then one code per row. level may be blank; when
// given it must be the one the code's length implies (类 3, 款 5, 项 7 digits).
// Economic codes are 3 or 5 digits. Every 款 and 项 needs its parent in the list.
// Returns an EINVALID error whose Chinese message names the row (the file's line
// number, header = 1).
func Load(r io.Reader, kind string) (*List, error) {
	if kind != Functional && kind != Economic {
		return nil, models.Errorf(models.EINVALID, "科目表类型“%s”无效，应为 functional（支出功能分类）或 economic（支出经济分类）", kind)
	}
	cr := &listReader{r: csv.NewReader(r), kind: kind}
	cr.r.FieldsPerRecord = -1
	cr.r.TrimLeadingSpace = true
	var rows []codeRow
	if err := gocsv.UnmarshalCSV(cr, &rows); err != nil {
		if cr.err != nil {
			return nil, cr.err // ours, already in Chinese and naming the row
		}
		if errors.Is(err, gocsv.ErrEmptyCSVFile) {
			return nil, models.Errorf(models.EINVALID, "科目表为空")
		}
		return nil, models.Wrap(err, models.EINVALID, "无法读取科目表")
	}

	l := &List{kind: kind, codes: map[string]Code{}, children: map[string]bool{}}
	lineOf := map[string]int{}
	for i, row := range rows {
		line := cr.lines[i+1]
		c, err := parseRow(kind, row)
		if err != nil {
			return nil, rowError(line, "%s", models.ErrorMessage(err))
		}
		if first, dup := lineOf[c.Code]; dup {
			return nil, rowError(line, "科目编码“%s”与第 %d 行重复", c.Code, first)
		}
		lineOf[c.Code] = line
		l.codes[c.Code] = c
		l.order = append(l.order, c.Code)
	}
	if len(l.order) == 0 {
		return nil, models.Errorf(models.EINVALID, "科目表没有数据行")
	}
	for _, code := range l.order {
		p := Parent(code)
		if p == "" {
			continue
		}
		if _, ok := l.codes[p]; !ok {
			return nil, rowError(lineOf[code], "科目“%s”的上级科目“%s”不在表中", code, p)
		}
		l.children[p] = true
	}
	return l, nil
}

// codeRow is one row of a code list as gocsv maps it; listReader has already
// renamed the file's header (Chinese or English, any order) to these tags.
type codeRow struct {
	Code        string `csv:"code"`
	Name        string `csv:"name"`
	Level       string `csv:"level"`
	ThreePublic string `csv:"three_public"`
}

// listReader is the gocsv.CSVReader of a code list: encoding/csv underneath
// (a CSV syntax error names its line), the header checked and renamed to
// codeRow's tags, and each record's line kept, so a bad row is named by the
// line a spreadsheet shows even when a quoted cell spans lines.
type listReader struct {
	r      *csv.Reader
	kind   string
	header int
	lines  []int // line of each record read, header first
	err    error // a Chinese error of ours, returned to Load as is
}

func (lr *listReader) Read() ([]string, error) {
	rec, err := lr.r.Read()
	if err != nil {
		if !errors.Is(err, io.EOF) {
			lr.err = csvError(err)
		}
		return nil, err
	}
	line, _ := lr.r.FieldPos(0)
	if lr.lines == nil {
		keys, err := readHeader(rec, lr.kind)
		if err != nil {
			lr.err = err
			return nil, err
		}
		lr.lines, lr.header = []int{line}, len(rec)
		return keys, nil
	}
	if len(rec) > lr.header {
		lr.err = rowError(line, "有 %d 列，多于表头的 %d 列", len(rec), lr.header)
		return nil, lr.err
	}
	lr.lines = append(lr.lines, line)
	return rec, nil
}

func (lr *listReader) ReadAll() ([][]string, error) {
	var out [][]string
	for {
		rec, err := lr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
}

// readHeader checks the header and returns it as codeRow's tags, column by column.
func readHeader(header []string, kind string) ([]string, error) {
	cols := map[string]int{}
	keys := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		key := ""
		for k, names := range headerNames {
			for _, n := range names {
				if strings.EqualFold(h, n) {
					key = k
				}
			}
		}
		switch {
		case key == "" && h == "":
			return nil, models.Errorf(models.EINVALID, "第 1 行（表头）第 %d 列为空", i+1)
		case key == "":
			return nil, models.Errorf(models.EINVALID, "第 1 行（表头）：未知的列“%s”，应为 code、name、level、three_public", h)
		case key == "three_public" && kind != Economic:
			return nil, models.Errorf(models.EINVALID, "第 1 行（表头）：支出功能分类科目表没有 three_public（三公经费）列")
		}
		if _, dup := cols[key]; dup {
			return nil, models.Errorf(models.EINVALID, "第 1 行（表头）：列“%s”出现两次", h)
		}
		cols[key] = i
		keys[i] = key
	}
	for _, need := range []string{"code", "name"} {
		if _, ok := cols[need]; !ok {
			return nil, models.Errorf(models.EINVALID, "第 1 行（表头）缺少“%s”列", need)
		}
	}
	return keys, nil
}

func parseRow(kind string, row codeRow) (Code, error) {
	c := Code{Code: strings.TrimSpace(row.Code), Name: strings.TrimSpace(row.Name)}
	if !utf8.ValidString(c.Code) || !utf8.ValidString(c.Name) {
		return c, models.Errorf(models.EINVALID, "含有非 UTF-8 字符，请将文件另存为 UTF-8 编码")
	}
	level, ok := LevelOf(c.Code)
	if !ok || (kind == Economic && level == LevelItem) {
		digits := "3、5 或 7"
		if kind == Economic {
			digits = "3 或 5"
		}
		return c, models.Errorf(models.EINVALID, "科目编码“%s”应为 %s 位数字", c.Code, digits)
	}
	c.Level = level
	if c.Name == "" {
		return c, models.Errorf(models.EINVALID, "科目“%s”缺少科目名称", c.Code)
	}
	if given := strings.TrimSpace(row.Level); given != "" && given != level.String() {
		return c, models.Errorf(models.EINVALID, "科目“%s”是 %d 位编码，级次应为“%s”，不是“%s”", c.Code, len(c.Code), level, given)
	}
	if tp := strings.TrimSpace(row.ThreePublic); tp != "" {
		known := false
		for _, item := range ThreePublicItems {
			known = known || tp == item
		}
		if !known {
			return c, models.Errorf(models.EINVALID, "科目“%s”的三公经费项目“%s”无效，应为 %s 之一",
				c.Code, tp, strings.Join(ThreePublicItems, "、"))
		}
		c.ThreePublic = tp
	}
	return c, nil
}

func rowError(line int, format string, args ...any) error {
	return models.Errorf(models.EINVALID, "第 %d 行：%s", line, fmt.Sprintf(format, args...))
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return models.Errorf(models.EINVALID, "第 %d 行：CSV 格式错误（%v）", pe.Line, pe.Err)
	}
	return models.Errorf(models.EINVALID, "无法读取科目表：%v", err)
}

// WriteCSV writes codes in the form Load reads: code,name and, for an economic
// list, three_public; gocsv writes the header from the row types' tags.
func WriteCSV(w io.Writer, kind string, cs []Code) error {
	type functionalRow struct {
		Code string `csv:"code"`
		Name string `csv:"name"`
	}
	type economicRow struct {
		Code        string `csv:"code"`
		Name        string `csv:"name"`
		ThreePublic string `csv:"three_public"`
	}
	var rows any
	switch kind {
	case Functional:
		out := make([]functionalRow, len(cs))
		for i, c := range cs {
			out[i] = functionalRow{c.Code, c.Name}
		}
		rows = out
	case Economic:
		out := make([]economicRow, len(cs))
		for i, c := range cs {
			out[i] = economicRow{c.Code, c.Name, c.ThreePublic}
		}
		rows = out
	default:
		return models.Errorf(models.EINVALID, "科目表类型“%s”无效，应为 functional（支出功能分类）或 economic（支出经济分类）", kind)
	}
	return gocsv.Marshal(rows, w)
}
