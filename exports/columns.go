package exports

import (
	"sort"
	"strings"
	"time"

	"sunshine/models"
)

// FieldType is a Frictionless Table Schema field type.
type FieldType string

// The field types the feeds use.
const (
	TypeString   FieldType = "string"
	TypeInteger  FieldType = "integer"
	TypeNumber   FieldType = "number"
	TypeYear     FieldType = "year"
	TypeDatetime FieldType = "datetime"
)

// Kind says how an encoder writes a cell.
type Kind uint8

const (
	// KindText is a string. Spreadsheet outputs guard it against formula injection.
	KindText Kind = iota
	// KindInt is a whole number: an id, a year, a count.
	KindInt
	// KindMoney is an amount in fen (Cell.Int), written in the unit the encoder was given.
	KindMoney
)

// Cell is one value of a row as the encoders see it.
type Cell struct {
	Kind Kind
	Text string
	Int  int64 // the number, or the amount in fen
	Null bool  // not disclosed or not given: JSON null, an empty cell
}

func textCell(s string) Cell { return Cell{Kind: KindText, Text: s} }
func intCell(n int64) Cell   { return Cell{Kind: KindInt, Int: n} }
func moneyCell(m models.NullMoney) Cell {
	return Cell{Kind: KindMoney, Int: int64(m.Money), Null: !m.Valid}
}
func countCell(c models.NullCount) Cell { return Cell{Kind: KindInt, Int: c.Count, Null: !c.Valid} }

// positiveCell writes 0 as null: used for the release number, which 0 means "not from a release".
func positiveCell(n int) Cell { return Cell{Kind: KindInt, Int: int64(n), Null: n <= 0} }

// timeCell writes an RFC 3339 instant in UTC, or null for the zero time.
func timeCell(t time.Time) Cell {
	if t.IsZero() {
		return Cell{Kind: KindText, Null: true}
	}
	return textCell(t.UTC().Format(time.RFC3339))
}

// Constraints are the Table Schema constraints of a field.
type Constraints struct {
	Required  bool     `json:"required,omitempty"`
	Minimum   *int64   `json:"minimum,omitempty"`
	Maximum   *int64   `json:"maximum,omitempty"`
	MaxLength int      `json:"maxLength,omitempty"`
	Pattern   string   `json:"pattern,omitempty"` // XML Schema syntax: implicitly anchored at both ends
	Enum      []string `json:"enum,omitempty"`
}

func (c Constraints) empty() bool {
	return !c.Required && c.Minimum == nil && c.Maximum == nil && c.MaxLength == 0 && c.Pattern == "" && c.Enum == nil
}

// Measure says whether an amount column is a Fiscal Data Package measure, and of which phase.
type Measure uint8

const (
	NotMeasure Measure = iota
	// MeasureActual is an amount of the dataset's own phase (预算数 of a budget, 决算数 of a final).
	MeasureActual
	// MeasureFinalBudget is the 预算数 a final account prints beside its 决算数.
	MeasureFinalBudget
)

// Column describes one field of a row type. The ordered column list of a
// Table is the one place that fixes field order, English keys (CSV header,
// JSON key, Table Schema name), Chinese headers and schema types; every
// encoder and the data package descriptor read it.
type Column[T any] struct {
	Key         string    // field name: English CSV header and JSON key
	Title       string    // Chinese header (CSV with ChineseHeaders, XLSX); amounts get their unit appended
	Type        FieldType // Frictionless type
	Format      string    // Frictionless format, e.g. "uri"
	Description string
	Constraints Constraints
	// Missing, when set, labels the empty cell of this field instead of the
	// schema-wide "not disclosed" (an empty change_reason means none was given).
	Missing string
	Measure Measure
	// Summable columns (amounts, counts) may be added up by a grouped query (sum=).
	Summable bool
	Get      func(*T) Cell
}

// Dimension is a Fiscal Data Package dimension of a table's logical model.
type Dimension struct {
	Key                string
	DimensionType      string // datetime, entity, classification, activity, fact, location, other
	ClassificationType string // functional, administrative, economic (classification dimensions)
	Attributes         []Attribute
	PrimaryKey         []string // attribute keys
	// ByTable maps a table key to the classification type of its codes, for a
	// dimension whose codes are functional in some tables and economic in others.
	ByTable map[string]string
}

// Attribute is one attribute of a dimension, read from a field of the table.
type Attribute struct {
	Key      string
	Source   string // field name
	LabelFor string // the attribute this one names
	Parent   string // the attribute one level up
}

// Table is a row type's column list and the facts a data package states about it.
type Table[T any] struct {
	Name        string // resource-style name: three_public, line_items, filings
	Title       string // Chinese
	Description string
	Columns     []Column[T]
	PrimaryKey  []string
	// ForeignKeys refer to other tables by Table.Name; DataPackage turns them
	// into references to the resources holding those tables, and leaves out a
	// key whose table is not in the package.
	ForeignKeys []ForeignKey
	Dimensions  []Dimension
	// Direction is the FDP direction of every measure: expenditure, revenue, or "" when it varies by row.
	Direction string
	// Missing labels an empty cell in the schema's missingValues; "未公开 not disclosed" when "".
	Missing string
}

// Describer is what DataPackage needs of a table, whatever its row type: *Table[T] is one.
type Describer interface {
	describe(u models.Unit) tableInfo
}

type tableInfo struct {
	name, title, description string
	missing                  string
	fields                   []SchemaField
	measures                 map[string]Measure
	primaryKey               []string
	foreignKeys              []ForeignKey
	dimensions               []Dimension
	direction                string
}

func (t *Table[T]) describe(u models.Unit) tableInfo {
	info := tableInfo{
		name: t.Name, title: t.Title, description: t.Description, missing: t.Missing, measures: map[string]Measure{},
		primaryKey: t.PrimaryKey, foreignKeys: t.ForeignKeys, dimensions: t.Dimensions, direction: t.Direction,
	}
	for _, c := range t.Columns {
		f := SchemaField{Name: c.Name(u), Title: c.Title, Type: c.Type, Format: c.Format, Description: c.Description}
		if !c.Constraints.empty() {
			cc := c.Constraints
			f.Constraints = &cc
		}
		if c.Missing != "" {
			f.MissingValues = []MissingValue{{Value: "", Label: c.Missing}}
		}
		info.fields = append(info.fields, f)
		if c.Measure != NotMeasure {
			info.measures[c.Name(u)] = c.Measure
		}
	}
	return info
}

func i64(n int64) *int64 { return &n }

// The columns every feed shares, in this order, built for any row type that embeds Origin.
func originColumns[T any](origin func(*T) *Origin, release bool) []Column[T] {
	cols := []Column[T]{
		{Key: "filing_id", Title: "公开编号", Type: TypeInteger, Description: "发布该行数据的公开文件（部门×年度×阶段的一个版本）编号 · id of the filing version the row was published in",
			Constraints: Constraints{Required: true, Minimum: i64(1)}, Get: func(r *T) Cell { return intCell(origin(r).FilingID) }},
		{Key: "version", Title: "版本", Type: TypeInteger, Description: "公开文件的版本：1 为首次公开，更正后递增 · filing version, 1 for the first publication",
			Constraints: Constraints{Required: true, Minimum: i64(1)}, Get: func(r *T) Cell { return intCell(int64(origin(r).Version)) }},
	}
	if release {
		cols = append(cols, Column[T]{Key: "release", Title: "发布号", Type: TypeInteger,
			Description: "数据集发布号；实时查询（不按发布读取）时为空 · dataset release number; empty when read from the live feed",
			Constraints: Constraints{Minimum: i64(1)}, Missing: "非发布数据 not read from a release",
			Get: func(r *T) Cell { return positiveCell(origin(r).Release) }})
	}
	return append(cols,
		Column[T]{Key: "region_code", Title: "区划代码", Type: TypeString, Description: "6 位行政区划代码（中央为 000000） · 6-digit administrative division code",
			Constraints: Constraints{Required: true, Pattern: "[0-9]{6}"}, Get: func(r *T) Cell { return textCell(origin(r).RegionCode) }},
		Column[T]{Key: "region_name", Title: "区划名称", Type: TypeString, Description: "区划名称 · region name",
			Missing: "未登记 not recorded", Get: func(r *T) Cell { return textCell(origin(r).RegionName) }},
		Column[T]{Key: "dept_code", Title: "部门编码", Type: TypeString, Description: "部门编码，文本，保留前导零 · department code, text (leading zeros matter)",
			Constraints: Constraints{Required: true, Pattern: "[0-9A-Za-z_\\-]{1,32}"}, Get: func(r *T) Cell { return textCell(origin(r).DeptCode) }},
		Column[T]{Key: "dept_name", Title: "部门名称", Type: TypeString, Description: "部门名称 · department name",
			Constraints: Constraints{Required: true}, Get: func(r *T) Cell { return textCell(origin(r).DeptName) }},
		Column[T]{Key: "fiscal_year", Title: "年度", Type: TypeYear, Description: "预决算年度（公历年） · fiscal (calendar) year",
			Constraints: Constraints{Required: true, Minimum: i64(models.MinFiscalYear), Maximum: i64(models.MaxFiscalYear)},
			Get:         func(r *T) Cell { return intCell(int64(origin(r).FiscalYear)) }},
		Column[T]{Key: "phase", Title: "阶段", Type: TypeString, Description: "budget 预算（年初预算）, adjusted 调整预算, final 决算",
			Constraints: Constraints{Required: true, Enum: phaseKeys()}, Get: func(r *T) Cell { return textCell(string(origin(r).Phase)) }},
	)
}

func phaseKeys() []string {
	var keys []string
	for _, p := range models.Phases {
		keys = append(keys, string(p))
	}
	return keys
}

func unitKeys() []string {
	var keys []string
	for _, u := range models.Units {
		keys = append(keys, string(u))
	}
	return keys
}

// Name is the column's name in a file whose amounts are in unit u: an
// amount names its unit (total_yuan, total_wanyuan, total_yiyuan), so no
// figure can be read 10,000 times wrong; other columns are their Key.
func (c *Column[T]) Name(u models.Unit) string {
	if c.Type != TypeNumber {
		return c.Key
	}
	return c.Key + "_" + UnitSuffix(u)
}

// UnitSuffix is the English name of a unit in column names: yuan, wanyuan, yiyuan.
func UnitSuffix(u models.Unit) string {
	switch amountUnit(u) {
	case models.WanYuan:
		return "wanyuan"
	case models.YiYuan:
		return "yiyuan"
	}
	return "yuan"
}

// SourceUnitKey is the column holding the unit the source table printed
// amounts in; it is never the unit of the file's own amounts.
const SourceUnitKey = "source_unit"

func unitColumn[T any](get func(*T) models.Unit) Column[T] {
	return Column[T]{Key: SourceUnitKey, Title: "原表单位", Type: TypeString,
		Description: "原始公开表格使用的金额单位；本文件的金额单位见表头或说明 · unit the source table printed amounts in (not the unit of this file)",
		Constraints: Constraints{Required: true, Enum: unitKeys()}, Get: func(r *T) Cell { return textCell(string(get(r))) }}
}

func permalinkColumn[T any](get func(*T) string) Column[T] {
	return Column[T]{Key: "permalink", Title: "永久链接", Type: TypeString, Format: "uri",
		Description: "该公开文件版本的永久链接 · stable URL of the filing version",
		Missing:     "无 none", Get: func(r *T) Cell { return textCell(get(r)) }}
}

func amountColumn[T any](key, title, description string, m Measure, get func(*T) models.NullMoney) Column[T] {
	return Column[T]{Key: key, Title: title, Type: TypeNumber, Measure: m, Summable: true,
		Description: description + "；空白表示未公开，不是 0 · empty means not disclosed, which is not 0",
		Get:         func(r *T) Cell { return moneyCell(get(r)) }}
}

func countColumn[T any](key, title string, get func(*T) models.NullCount) Column[T] {
	return Column[T]{Key: key, Title: title, Type: TypeInteger, Summable: true, Description: title + "；空白表示未公开 · empty means not disclosed",
		Constraints: Constraints{Minimum: i64(0)}, Get: func(r *T) Cell { return countCell(get(r)) }}
}

var (
	regionDimension = Dimension{Key: "region", DimensionType: "classification", ClassificationType: "administrative",
		Attributes: []Attribute{{Key: "code", Source: "region_code"}, {Key: "name", Source: "region_name", LabelFor: "code"}},
		PrimaryKey: []string{"code"}}
	departmentDimension = Dimension{Key: "department", DimensionType: "classification", ClassificationType: "administrative",
		Attributes: []Attribute{{Key: "region_code", Source: "region_code"}, {Key: "code", Source: "dept_code", Parent: "region_code"},
			{Key: "name", Source: "dept_name", LabelFor: "code"}},
		PrimaryKey: []string{"region_code", "code"}}
	yearDimension = Dimension{Key: "fiscal_year", DimensionType: "datetime",
		Attributes: []Attribute{{Key: "year", Source: "fiscal_year"}}, PrimaryKey: []string{"year"}}
	filingDimension = Dimension{Key: "filing", DimensionType: "fact",
		Attributes: []Attribute{{Key: "id", Source: "filing_id"}, {Key: "version", Source: "version"}}, PrimaryKey: []string{"id"}}
	filingForeignKey = ForeignKey{Fields: []string{"filing_id"}, Reference: ForeignKeyReference{Resource: "filings", Fields: []string{"filing_id"}}}
)

// ThreePublicTable describes ThreePublicRow: the 三公 feed.
var ThreePublicTable = &Table[ThreePublicRow]{
	Name: "three_public", Title: "“三公”经费",
	Description: "各部门“三公”经费（因公出国(境)费、公务用车购置及运行费、公务接待费）及相关数量，一行一个部门×年度×阶段。" +
		"金额为精确值（分）；空白表示未公开，与 0 不同。 · Three public expenses per department, year and phase.",
	Columns:     threePublicColumns(),
	PrimaryKey:  []string{"filing_id"},
	ForeignKeys: []ForeignKey{filingForeignKey},
	Dimensions:  []Dimension{regionDimension, departmentDimension, yearDimension, filingDimension},
	Direction:   "expenditure",
}

func threePublicColumns() []Column[ThreePublicRow] {
	origin := func(r *ThreePublicRow) *Origin { return &r.Origin }
	cols := originColumns(origin, true)
	cols = append(cols, unitColumn(func(r *ThreePublicRow) models.Unit { return r.Unit }))
	for _, a := range models.ThreePublicAmounts {
		get := threePublicAmountFields[a.Key]
		if get == nil {
			panic("exports: ThreePublicRow has no field for the 三公 amount " + a.Key)
		}
		m, desc := MeasureActual, a.Chinese+"（预算表为预算数，决算表为决算数）"
		if strings.HasPrefix(a.Key, "budget_") {
			m, desc = MeasureFinalBudget, a.Chinese+"（决算表列示的预算数，仅决算）"
		}
		cols = append(cols, amountColumn(a.Key, a.Chinese, desc, m, get))
	}
	for _, c := range models.ThreePublicCounts {
		get := threePublicCountFields[c.Key]
		if get == nil {
			panic("exports: ThreePublicRow has no field for the 三公 count " + c.Key)
		}
		cols = append(cols, countColumn(c.Key, c.Chinese, get))
	}
	return append(cols,
		Column[ThreePublicRow]{Key: "change_reason", Title: "增减变化原因", Type: TypeString, Description: "增减变化原因（自由文本） · reason for the change",
			Constraints: Constraints{MaxLength: 10000}, Missing: "未填写 none given", Get: func(r *ThreePublicRow) Cell { return textCell(r.ChangeReason) }},
		permalinkColumn(func(r *ThreePublicRow) string { return r.Permalink }),
		Column[ThreePublicRow]{Key: "source_page", Title: "原件页码", Type: TypeInteger,
			Description: "“三公”经费表印在公开 PDF 原件的第几页（该版本 JSON 的 sources 给出原件链接）；来自工作簿或 CSV 时为空 · page of the published PDF the table was printed on; empty when it came from a workbook or CSV",
			Constraints: Constraints{Minimum: i64(1)}, Missing: "非 PDF 来源 not from a PDF",
			Get: func(r *ThreePublicRow) Cell { return positiveCell(r.SourcePage) }},
	)
}

// The 三公 columns follow models.ThreePublicAmounts and ThreePublicCounts, so
// their order and Chinese names are the upload template's; these maps bind
// each key to the row's field (a key missing here fails every test at start-up).
var threePublicAmountFields = map[string]func(*ThreePublicRow) models.NullMoney{
	"total":                    func(r *ThreePublicRow) models.NullMoney { return r.Total },
	"outbound_trips":           func(r *ThreePublicRow) models.NullMoney { return r.OutboundTrips },
	"vehicles":                 func(r *ThreePublicRow) models.NullMoney { return r.Vehicles },
	"vehicle_purchase":         func(r *ThreePublicRow) models.NullMoney { return r.VehiclePurchase },
	"vehicle_operation":        func(r *ThreePublicRow) models.NullMoney { return r.VehicleOperation },
	"reception":                func(r *ThreePublicRow) models.NullMoney { return r.Reception },
	"budget_total":             func(r *ThreePublicRow) models.NullMoney { return r.BudgetTotal },
	"budget_outbound_trips":    func(r *ThreePublicRow) models.NullMoney { return r.BudgetOutboundTrips },
	"budget_vehicles":          func(r *ThreePublicRow) models.NullMoney { return r.BudgetVehicles },
	"budget_vehicle_purchase":  func(r *ThreePublicRow) models.NullMoney { return r.BudgetVehiclePurchase },
	"budget_vehicle_operation": func(r *ThreePublicRow) models.NullMoney { return r.BudgetVehicleOperation },
	"budget_reception":         func(r *ThreePublicRow) models.NullMoney { return r.BudgetReception },
}

var threePublicCountFields = map[string]func(*ThreePublicRow) models.NullCount{
	"trip_groups":               func(r *ThreePublicRow) models.NullCount { return r.TripGroups },
	"trip_persons":              func(r *ThreePublicRow) models.NullCount { return r.TripPersons },
	"vehicles_purchased":        func(r *ThreePublicRow) models.NullCount { return r.VehiclesPurchased },
	"vehicles_held":             func(r *ThreePublicRow) models.NullCount { return r.VehiclesHeld },
	"reception_batches":         func(r *ThreePublicRow) models.NullCount { return r.ReceptionBatches },
	"reception_persons":         func(r *ThreePublicRow) models.NullCount { return r.ReceptionPersons },
	"foreign_reception_batches": func(r *ThreePublicRow) models.NullCount { return r.ForeignReceptionBatches },
	"foreign_reception_persons": func(r *ThreePublicRow) models.NullCount { return r.ForeignReceptionPersons },
}

// LineItemsTable describes LineItemRow: the line-items feed.
var LineItemsTable = &Table[LineItemRow]{
	Name: "line_items", Title: "部门预决算明细",
	Description: "部门预算、决算标准表的长表形式：一行一个金额（表×科目×栏目）。金额为精确值（分）；空白表示未公开，与 0 不同。 · " +
		"Department budget and final-account tables in long form, one amount per row.",
	Columns:     lineItemColumns(),
	PrimaryKey:  []string{"filing_id", "table", "code", "column"},
	ForeignKeys: []ForeignKey{filingForeignKey},
	Dimensions: []Dimension{regionDimension, departmentDimension, yearDimension, filingDimension,
		{Key: "classification", DimensionType: "classification", ClassificationType: "functional",
			Attributes: []Attribute{{Key: "table", Source: "table"}, {Key: "code", Source: "code"}, {Key: "name", Source: "name", LabelFor: "code"}},
			PrimaryKey: []string{"table", "code"}, ByTable: classificationByTable()},
		{Key: "column", DimensionType: "other", Attributes: []Attribute{{Key: "column", Source: "column"}}, PrimaryKey: []string{"column"}},
	},
	// The income table and the income side of the summary are revenue; the rest is expenditure.
	Direction: "",
}

func lineItemColumns() []Column[LineItemRow] {
	origin := func(r *LineItemRow) *Origin { return &r.Origin }
	cols := originColumns(origin, true)
	return append(cols,
		Column[LineItemRow]{Key: "table", Title: "表", Type: TypeString, Description: "标准表键名（DOMAIN.md §2） · standard table key",
			Constraints: Constraints{Required: true, Enum: tableKeys()}, Get: func(r *LineItemRow) Cell { return textCell(string(r.Table)) }},
		Column[LineItemRow]{Key: "code", Title: "科目编码", Type: TypeString, Description: "功能/经济分类科目编码，或行键名（如 total 合计） · classification code or row key",
			Constraints: Constraints{Required: true, MaxLength: 40}, Get: func(r *LineItemRow) Cell { return textCell(r.Code) }},
		Column[LineItemRow]{Key: "name", Title: "科目名称", Type: TypeString, Description: "科目名称 · row name as printed",
			Missing: "未填写 none given", Get: func(r *LineItemRow) Cell { return textCell(r.Name) }},
		Column[LineItemRow]{Key: "column", Title: "栏目", Type: TypeString, Description: "栏目键名 · column key",
			Constraints: Constraints{Required: true, Enum: columnKeys()}, Get: func(r *LineItemRow) Cell { return textCell(r.Column) }},
		amountColumn("amount", "金额", "金额", MeasureActual, func(r *LineItemRow) models.NullMoney { return r.Amount }),
		unitColumn(func(r *LineItemRow) models.Unit { return r.Unit }),
		permalinkColumn(func(r *LineItemRow) string { return r.Permalink }),
		Column[LineItemRow]{Key: "source_page", Title: "原件页码", Type: TypeInteger,
			Description: "金额印在公开 PDF 原件的第几页（该版本 JSON 的 sources 给出原件链接）；来自工作簿或 CSV 时为空 · page of the published PDF the figure was printed on; empty when it came from a workbook or CSV",
			Constraints: Constraints{Minimum: i64(1)}, Missing: "非 PDF 来源 not from a PDF",
			Get: func(r *LineItemRow) Cell { return positiveCell(r.SourcePage) }},
	)
}

func tableKeys() []string {
	var keys []string
	for _, t := range models.Tables {
		if t.Key != models.TableThreePublic {
			keys = append(keys, string(t.Key))
		}
	}
	return keys
}

func columnKeys() []string {
	seen := map[string]bool{}
	var keys []string
	for _, t := range models.Tables {
		for _, c := range append(append([]models.ColumnSpec{}, t.Columns...), t.FinalColumns...) {
			if !seen[c.Key] {
				seen[c.Key] = true
				keys = append(keys, c.Key)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

func classificationByTable() map[string]string {
	m := map[string]string{}
	for _, t := range models.Tables {
		if t.Classification != "" {
			m[string(t.Key)] = t.Classification
		}
	}
	return m
}

// FilingsTable describes FilingRow: the filing versions of a release, which the
// other resources of a data package refer to by filing_id.
var FilingsTable = &Table[FilingRow]{
	Name: "filings", Title: "公开文件版本",
	Description: "数据集发布所含的每个公开文件版本，含更正说明。 · The filing versions of the release, with correction notes.",
	Columns:     filingColumns(),
	PrimaryKey:  []string{"filing_id"},
	Missing:     "无 none",
}

func filingColumns() []Column[FilingRow] {
	origin := func(r *FilingRow) *Origin { return &r.Origin }
	cols := originColumns(origin, true)
	return append(cols,
		Column[FilingRow]{Key: "status", Title: "状态", Type: TypeString, Description: "published 已公开, superseded 已被更正版本取代, withdrawn 已撤回",
			Constraints: Constraints{Required: true, Enum: []string{string(models.StatusPublished), string(models.StatusSuperseded), string(models.StatusWithdrawn)}},
			Get:         func(r *FilingRow) Cell { return textCell(string(r.Status)) }},
		Column[FilingRow]{Key: "published_at", Title: "公开时间", Type: TypeDatetime, Description: "公开时间（UTC） · when the version was published",
			Get: func(r *FilingRow) Cell { return timeCell(r.PublishedAt) }},
		Column[FilingRow]{Key: "note", Title: "更正或撤回说明", Type: TypeString, Description: "更正说明或撤回原因 · correction note or reason for withdrawal",
			Missing: "无 none", Get: func(r *FilingRow) Cell { return textCell(r.Note) }},
		permalinkColumn(func(r *FilingRow) string { return r.Permalink }),
	)
}
