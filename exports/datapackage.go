package exports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"regexp"
	"strings"
	"time"

	"sunshine/models"
)

// The profiles a descriptor declares, so that readers of both versions of
// the standard read it: "$schema" for Data Package v2, "profile" (package and
// resources) for the v1 readers still in use (the Frictionless JavaScript
// libraries, frictionless-py 4), and the Fiscal Data Package 0.3 "profiles"
// member. Every descriptor is valid under the v1 tabular-data-package profile,
// and under fiscal-data-package when it has a model (a fact table), and under v2.
const (
	DataPackageProfile     = "https://datapackage.org/profiles/2.0/datapackage.json"
	TabularPackageProfile  = "tabular-data-package"
	TabularResourceProfile = "tabular-data-resource"
	notDisclosedLabel      = "未公开 not disclosed"
)

// SchemaMissingValues is every schema's missingValues: the empty cell, which
// is how every file writes "未公开" (and any other absent value). It is a list
// of strings, the only form a v1 reader accepts; each field that may be empty
// repeats it with its label ({"value": "", "label": "未公开 not disclosed"}),
// the labelled form of Table Schema v2, which v1 readers ignore on fields.
var SchemaMissingValues = []string{""}

// namePattern is what Data Package asks of package and resource names.
var namePattern = regexp.MustCompile(`^[a-z0-9._-]+$`)

// PackageInfo is what DataPackage needs to describe one dataset release (or
// the bulk download of a region-year, which bundles several datasets).
type PackageInfo struct {
	// Name is the package's stable identifier, lowercase [a-z0-9._-], the same
	// for every release of the dataset (e.g. "sunshine-431081-2024-final-three_public").
	Name string
	// ID is a globally unique identifier of this release, e.g. its permanent URL.
	ID string
	// Title is the Chinese title, e.g. "资兴市 2024 年部门决算“三公”经费".
	Title       string
	Description string
	Homepage    string
	// Release is the dataset's release number; the package version is "N.0.0".
	Release int
	// Created is when the release was made (written as RFC 3339 in UTC).
	Created  time.Time
	Keywords []string
	// Licenses under which the data may be reused: an Open Definition id in
	// Name and/or a URL in Path. The publisher's choice; nothing is assumed.
	Licenses []License
	// Sources are the documents the figures come from (the departments' published tables).
	Sources []Source
	// FiscalYear, when the package covers one year, gives the FDP fiscalPeriod.
	FiscalYear int
	// FinalBudgetPhase is the FDP phase of the 预算数 a final account prints
	// beside its 决算数: "adjusted" (全年预算数, the usual note on 决算 tables) by default, or "approved" (年初预算数).
	FinalBudgetPhase string
	Resources        []Resource
}

// Resource is one file of the package.
type Resource struct {
	// Name is unique in the package, lowercase [a-z0-9._-], e.g. "three_public-2024-final".
	Name string
	// Path is a relative POSIX path inside the package (or the bulk ZIP) or an http(s) URL.
	Path        string
	Title       string
	Description string
	// Table is the table the file holds: ThreePublicTable, LineItemsTable or FilingsTable.
	Table Describer
	// CSV are the options the CSV was written with; they give the dialect, the
	// encoding and the unit of its amounts. Chinese headers cannot be described
	// by field names and are refused. Every resource is a CSV: the JSON and
	// NDJSON files wrap or split their rows in ways a v1 reader cannot read.
	CSV CSVOptions
	// Phase is the phase of every row, which gives the FDP phase of the
	// measures; "" for a table that mixes phases (no phase is then stated).
	Phase models.Phase
	// Bytes and Hash, when known ("sha256:…", see HashWriter), let readers check the file.
	Bytes int64
	Hash  string
}

// License is a Data Package license.
type License struct {
	Name  string `json:"name,omitempty"`
	Path  string `json:"path,omitempty"`
	Title string `json:"title,omitempty"`
}

// Source is a Data Package source.
type Source struct {
	Title   string `json:"title,omitempty"`
	Path    string `json:"path,omitempty"`
	Email   string `json:"email,omitempty"`
	Version string `json:"version,omitempty"`
}

// Package is a datapackage.json descriptor: a Frictionless Data Package (v2,
// and v1's tabular-data-package) whose resources carry Table Schemas, with the
// Fiscal Data Package 0.3 model.
type Package struct {
	Schema       string               `json:"$schema"`
	Profile      string               `json:"profile"`
	Profiles     map[string]string    `json:"profiles,omitempty"`
	Name         string               `json:"name"`
	ID           string               `json:"id,omitempty"`
	Title        string               `json:"title"`
	Description  string               `json:"description,omitempty"`
	Homepage     string               `json:"homepage,omitempty"`
	Version      string               `json:"version,omitempty"`
	Release      int                  `json:"release,omitempty"`
	Created      string               `json:"created,omitempty"`
	Keywords     []string             `json:"keywords,omitempty"`
	CountryCode  string               `json:"countryCode,omitempty"`
	Granularity  string               `json:"granularity,omitempty"`
	FiscalPeriod *FiscalPeriod        `json:"fiscalPeriod,omitempty"`
	Licenses     []License            `json:"licenses,omitempty"`
	Sources      []Source             `json:"sources,omitempty"`
	Resources    []ResourceDescriptor `json:"resources"`
	Model        *Model               `json:"model,omitempty"`
}

// FiscalPeriod is the FDP period the package covers.
type FiscalPeriod struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// ResourceDescriptor is a Data Resource of type table.
type ResourceDescriptor struct {
	Name        string   `json:"name"`
	Profile     string   `json:"profile"`
	Type        string   `json:"type"`
	Path        string   `json:"path"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Format      string   `json:"format"`
	Mediatype   string   `json:"mediatype"`
	Encoding    string   `json:"encoding"`
	Bytes       int64    `json:"bytes,omitempty"`
	Hash        string   `json:"hash,omitempty"`
	Dialect     *Dialect `json:"dialect,omitempty"`
	Schema      *Schema  `json:"schema"`
}

// Dialect is a Table Dialect: the CSV properties (delimiter and doubleQuote are required by v1).
type Dialect struct {
	Header         *bool  `json:"header,omitempty"`
	Delimiter      string `json:"delimiter,omitempty"`
	LineTerminator string `json:"lineTerminator,omitempty"`
	QuoteChar      string `json:"quoteChar,omitempty"`
	DoubleQuote    *bool  `json:"doubleQuote,omitempty"`
}

// Schema is a Table Schema.
type Schema struct {
	Fields        []SchemaField `json:"fields"`
	MissingValues []string      `json:"missingValues"`
	PrimaryKey    []string      `json:"primaryKey,omitempty"`
	ForeignKeys   []ForeignKey  `json:"foreignKeys,omitempty"`
}

// SchemaField is a Table Schema field.
type SchemaField struct {
	Name          string         `json:"name"`
	Title         string         `json:"title,omitempty"`
	Type          FieldType      `json:"type"`
	Format        string         `json:"format,omitempty"`
	Description   string         `json:"description,omitempty"`
	Constraints   *Constraints   `json:"constraints,omitempty"`
	MissingValues []MissingValue `json:"missingValues,omitempty"`
}

// MissingValue is a labelled missing value (Table Schema v2), as fields state them.
type MissingValue struct {
	Value string `json:"value"`
	Label string `json:"label,omitempty"`
}

// ForeignKey is a Table Schema foreign key.
type ForeignKey struct {
	Fields    []string            `json:"fields"`
	Reference ForeignKeyReference `json:"reference"`
}

// ForeignKeyReference names the resource (omitted: this one) and its fields.
type ForeignKeyReference struct {
	Resource string   `json:"resource,omitempty"`
	Fields   []string `json:"fields"`
}

// Model is the Fiscal Data Package logical model.
type Model struct {
	Measures   map[string]FDPMeasure   `json:"measures"`
	Dimensions map[string]FDPDimension `json:"dimensions"`
}

// FDPMeasure is an amount column of a resource.
type FDPMeasure struct {
	Source    string `json:"source"`
	Resource  string `json:"resource"`
	Title     string `json:"title,omitempty"`
	Currency  string `json:"currency"`
	Factor    int64  `json:"factor"`
	Direction string `json:"direction,omitempty"`
	Phase     string `json:"phase,omitempty"`
}

// FDPDimension is a dimension of the model.
type FDPDimension struct {
	DimensionType      string                  `json:"dimensionType,omitempty"`
	ClassificationType string                  `json:"classificationType,omitempty"`
	Attributes         map[string]FDPAttribute `json:"attributes"`
	PrimaryKey         []string                `json:"primaryKey"`
	// ClassificationTypeByTable (an extension FDP allows) says, for line items,
	// which tables' codes are functional and which economic; other tables' rows are row keys.
	ClassificationTypeByTable map[string]string `json:"classificationTypeByTable,omitempty"`
}

// FDPAttribute is one attribute of a dimension, read from a field.
type FDPAttribute struct {
	Source   string `json:"source"`
	Resource string `json:"resource"`
	LabelFor string `json:"labelfor,omitempty"`
	Parent   string `json:"parent,omitempty"`
}

// fdpPhase maps a phase to the FDP budget phase of its figures.
var fdpPhase = map[models.Phase]string{
	models.PhaseBudget:   "approved",
	models.PhaseAdjusted: "adjusted",
	models.PhaseFinal:    "executed",
}

// DataPackage builds the descriptor of a release. Returns EINVALID when the
// info breaks a rule of the specifications (a name outside [a-z0-9._-], no
// resources, a duplicate resource name, an absolute path, Chinese CSV headers).
func DataPackage(info PackageInfo) (*Package, error) {
	if !namePattern.MatchString(info.Name) {
		return nil, models.Errorf(models.EINVALID, "数据包名称“%s”只能由小写字母、数字和 . _ - 组成", info.Name)
	}
	if strings.TrimSpace(info.Title) == "" {
		return nil, models.Errorf(models.EINVALID, "数据包缺少标题")
	}
	if len(info.Resources) == 0 {
		return nil, models.Errorf(models.EINVALID, "数据包至少要有一个资源")
	}
	finalBudget := info.FinalBudgetPhase
	switch finalBudget {
	case "":
		finalBudget = "adjusted"
	case "approved", "adjusted":
	default:
		return nil, models.Errorf(models.EINVALID, "决算预算数的阶段“%s”无效，应为 approved 或 adjusted", finalBudget)
	}
	p := &Package{
		Schema:      DataPackageProfile,
		Profile:     TabularPackageProfile,
		Profiles:    map[string]string{"fiscal": "*", "tabular": "*"},
		Name:        info.Name,
		ID:          info.ID,
		Title:       info.Title,
		Description: info.Description,
		Homepage:    info.Homepage,
		Keywords:    info.Keywords,
		CountryCode: "CN", // ISO 3166-1 alpha-2, upper-case as FDP's profile requires
		Granularity: "aggregated",
		Licenses:    info.Licenses,
		Sources:     info.Sources,
	}
	if info.Release > 0 {
		p.Version, p.Release = fmt.Sprintf("%d.0.0", info.Release), info.Release
	}
	if !info.Created.IsZero() {
		p.Created = info.Created.UTC().Format(time.RFC3339)
	}
	if info.FiscalYear > 0 {
		p.FiscalPeriod = &FiscalPeriod{Start: fmt.Sprintf("%04d-01-01", info.FiscalYear), End: fmt.Sprintf("%04d-12-31", info.FiscalYear)}
	}

	tables := make([]tableInfo, len(info.Resources))
	names := map[string]bool{}
	byTable := map[string]string{} // table name → the first resource holding it, for foreign keys
	facts := 0
	for i, r := range info.Resources {
		if err := checkResource(r, names); err != nil {
			return nil, err
		}
		tables[i] = r.Table.describe(resourceUnit(r))
		if _, ok := byTable[tables[i].name]; !ok {
			byTable[tables[i].name] = r.Name
		}
		if len(tables[i].measures) > 0 {
			facts++
		}
	}
	model := &Model{Measures: map[string]FDPMeasure{}, Dimensions: map[string]FDPDimension{}}
	for i, r := range info.Resources {
		d, err := resourceDescriptor(r, tables[i], byTable)
		if err != nil {
			return nil, err
		}
		p.Resources = append(p.Resources, d)
		if len(tables[i].measures) > 0 {
			prefix := ""
			if facts > 1 {
				prefix = r.Name + "."
			}
			addModel(model, r, tables[i], resourceUnit(r), prefix, finalBudget)
		}
	}
	if len(model.Measures) > 0 {
		p.Model = model
	}
	return p, nil
}

func checkResource(r Resource, names map[string]bool) error {
	if !namePattern.MatchString(r.Name) {
		return models.Errorf(models.EINVALID, "资源名称“%s”只能由小写字母、数字和 . _ - 组成", r.Name)
	}
	if names[r.Name] {
		return models.Errorf(models.EINVALID, "资源名称“%s”重复", r.Name)
	}
	names[r.Name] = true
	if !validPath(r.Path) {
		return models.Errorf(models.EINVALID, "资源“%s”的路径“%s”应为相对路径（不含 ..）或 http(s) 网址", r.Name, r.Path)
	}
	if r.Table == nil {
		return models.Errorf(models.EINVALID, "资源“%s”缺少表结构", r.Name)
	}
	if r.Phase != "" && !r.Phase.Valid() {
		return models.Errorf(models.EINVALID, "资源“%s”的阶段“%s”无效", r.Name, r.Phase)
	}
	if r.CSV.ChineseHeaders {
		return models.Errorf(models.EINVALID, "资源“%s”使用中文表头，无法用字段名描述；数据包中的 CSV 请使用英文表头", r.Name)
	}
	return r.CSV.check()
}

// validPath accepts an http(s) URL or a relative POSIX path that stays inside the package.
func validPath(p string) bool {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return true
	}
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.Contains(p, ":") {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

func resourceUnit(r Resource) models.Unit { return amountUnit(r.CSV.Unit) }

func resourceDescriptor(r Resource, t tableInfo, byTable map[string]string) (ResourceDescriptor, error) {
	d := ResourceDescriptor{
		Name: r.Name, Profile: TabularResourceProfile, Type: "table", Path: r.Path, Title: r.Title, Description: r.Description,
		Format: "csv", Mediatype: "text/csv", Bytes: r.Bytes, Hash: r.Hash, Encoding: EncodingUTF8,
	}
	if d.Title == "" {
		d.Title = t.title
	}
	if d.Description == "" {
		d.Description = t.description
	}
	if u := resourceUnit(r); u != models.Yuan {
		d.Description += fmt.Sprintf("（本文件金额单位：%s）", u)
	}
	yes := true
	if r.CSV.Encoding == EncodingGB18030 {
		d.Encoding = EncodingGB18030
	}
	d.Dialect = &Dialect{Header: &yes, Delimiter: ",", LineTerminator: r.CSV.LineTerminator(), QuoteChar: `"`, DoubleQuote: &yes}
	missing := t.missing
	if missing == "" {
		missing = notDisclosedLabel
	}
	s := &Schema{Fields: make([]SchemaField, len(t.fields)), MissingValues: SchemaMissingValues, PrimaryKey: t.primaryKey}
	for i, f := range t.fields {
		// A field that may be empty says what its empty cell means, in v2's
		// labelled form; a required one is never empty.
		if f.MissingValues == nil && (f.Constraints == nil || !f.Constraints.Required) {
			f.MissingValues = []MissingValue{{Value: "", Label: missing}}
		}
		s.Fields[i] = f
	}
	for _, fk := range t.foreignKeys {
		target, ok := byTable[fk.Reference.Resource]
		if !ok {
			continue // the referenced table is not in this package
		}
		fk.Reference.Resource = target
		s.ForeignKeys = append(s.ForeignKeys, fk)
	}
	d.Schema = s
	return d, nil
}

// unitFactor is the FDP factor turning a figure in unit u into 元.
func unitFactor(u models.Unit) int64 { return u.Fen() / 100 }

func addModel(m *Model, r Resource, t tableInfo, u models.Unit, prefix, finalBudget string) {
	titles := map[string]string{}
	for _, f := range t.fields {
		titles[f.Name] = f.Title
	}
	for _, f := range t.fields {
		role, ok := t.measures[f.Name]
		if !ok {
			continue
		}
		phase := fdpPhase[r.Phase]
		if role == MeasureFinalBudget {
			if r.Phase != models.PhaseFinal {
				continue // only finals print a 预算数 beside the 决算数
			}
			phase = finalBudget
		}
		m.Measures[prefix+f.Name] = FDPMeasure{
			Source: f.Name, Resource: r.Name, Title: titles[f.Name], Currency: "CNY", Factor: unitFactor(u),
			Direction: t.direction, Phase: phase,
		}
	}
	for _, dim := range t.dimensions {
		d := FDPDimension{DimensionType: dim.DimensionType, ClassificationType: dim.ClassificationType,
			Attributes: map[string]FDPAttribute{}, PrimaryKey: dim.PrimaryKey, ClassificationTypeByTable: dim.ByTable}
		for _, a := range dim.Attributes {
			d.Attributes[a.Key] = FDPAttribute{Source: a.Source, Resource: r.Name, LabelFor: a.LabelFor, Parent: a.Parent}
		}
		m.Dimensions[prefix+dim.Key] = d
	}
}

// Write writes the descriptor as indented JSON (UTF-8, Chinese unescaped).
func (p *Package) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// HashWriter counts and hashes what is written through it, giving a
// resource's bytes and hash while the file streams to its destination.
type HashWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

// NewHashWriter writes through to w (io.Discard when nil).
func NewHashWriter(w io.Writer) *HashWriter {
	if w == nil {
		w = io.Discard
	}
	return &HashWriter{w: w, h: sha256.New()}
}

func (hw *HashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

// Bytes is how many bytes were written.
func (hw *HashWriter) Bytes() int64 { return hw.n }

// Hash is the Data Package hash of what was written: "sha256:" and the hex digest.
func (hw *HashWriter) Hash() string { return "sha256:" + hex.EncodeToString(hw.h.Sum(nil)) }
