package exports

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"sunshine/exports/exportstest"
	"sunshine/models"
)

var created = time.Date(2025, 8, 20, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

// release writes the files of a region-year bulk download and the resources describing them.
func release(t *testing.T) (fstest.MapFS, []Resource) {
	t.Helper()
	files := fstest.MapFS{}
	var resources []Resource
	add := func(r Resource, write func(*HashWriter) error) {
		var buf bytes.Buffer
		hw := NewHashWriter(&buf)
		if err := write(hw); err != nil {
			t.Fatal(err)
		}
		r.Bytes, r.Hash = hw.Bytes(), hw.Hash()
		files[r.Path] = &fstest.MapFile{Data: buf.Bytes()}
		resources = append(resources, r)
	}
	tp := Resource{Name: "three_public-2024-final", Path: "data/three_public-2024-final.csv", Table: ThreePublicTable, Phase: models.PhaseFinal}
	add(tp, func(w *HashWriter) error {
		return encodeAll[ThreePublicRow](NewCSVEncoder(w, ThreePublicTable, tp.CSV), threePublicRows())
	})
	li := Resource{Name: "line_items-2024-final", Path: "data/line_items-2024-final.csv", Table: LineItemsTable, Phase: models.PhaseFinal,
		CSV: CSVOptions{Unit: models.WanYuan, Encoding: EncodingGB18030}}
	add(li, func(w *HashWriter) error {
		return encodeAll[LineItemRow](NewCSVEncoder(w, LineItemsTable, li.CSV), lineItemRows())
	})
	fl := Resource{Name: "filings", Path: "data/filings.csv", Table: FilingsTable}
	add(fl, func(w *HashWriter) error {
		return encodeAll[FilingRow](NewCSVEncoder(w, FilingsTable, fl.CSV), filingRows())
	})
	return files, resources
}

func packageInfo(resources []Resource) PackageInfo {
	return PackageInfo{
		Name: "sunshine-431081-2024", ID: "https://sunshine.example.gov.cn/api/v1/bulk/431081/2024/releases/3",
		Title: "资兴市 2024 年部门预决算公开数据", Description: "资兴市各部门 2024 年度决算及“三公”经费。",
		Homepage: "https://sunshine.example.gov.cn/", Release: 3, Created: created, Keywords: []string{"三公经费", "部门决算"},
		Licenses:   []License{{Name: "CC-BY-4.0", Path: "https://creativecommons.org/licenses/by/4.0/", Title: "知识共享 署名 4.0"}},
		Sources:    []Source{{Title: "资兴市财政局 部门预决算公开", Path: "https://www.zixing.gov.cn/"}},
		FiscalYear: 2024, Resources: resources,
	}
}

func writePackage(t *testing.T, info PackageInfo) []byte {
	t.Helper()
	p, err := DataPackage(info)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDataPackage_Golden(t *testing.T) {
	files, resources := release(t)
	golden(t, "datapackage.json", writePackage(t, packageInfo(resources)))
	for name, f := range files {
		golden(t, "package/"+strings.TrimPrefix(name, "data/"), f.Data)
	}
	// One dataset release: one fact resource, so plain measure keys.
	single := packageInfo(resources[:1])
	single.Name, single.Title = "sunshine-431081-2024-final-three_public", "资兴市 2024 年部门决算“三公”经费"
	golden(t, "datapackage.single.json", writePackage(t, single))
}

// TestDataPackage_ValidAgainstTheSpecs checks every descriptor the package
// emits, and reads each CSV back with its schema, bytes and hash included.
func TestDataPackage_ValidAgainstTheSpecs(t *testing.T) {
	files, resources := release(t)
	infos := map[string]PackageInfo{"bulk": packageInfo(resources), "single": packageInfo(resources[:1]),
		"without filings": packageInfo(resources[:2])}
	budget := Resource{Name: "three_public-2024-budget", Path: "three_public-2024-budget.csv",
		Table: ThreePublicTable, Phase: models.PhaseBudget, CSV: CSVOptions{Unit: models.WanYuan}}
	infos["budget in 万元"] = packageInfo([]Resource{budget, resources[2]})
	for name, info := range infos {
		t.Run(name, func(t *testing.T) {
			d := writePackage(t, info)
			var fsys fs.FS = files
			if name == "budget in 万元" {
				fsys = nil // no budget file written: the descriptor alone is checked
			}
			if err := exportstest.ValidatePackage(d, fsys); err != nil {
				t.Errorf("%v\n%s", err, d)
			}
		})
	}
}

func TestDataPackage_Model(t *testing.T) {
	_, resources := release(t)
	p, err := DataPackage(packageInfo(resources))
	if err != nil {
		t.Fatal(err)
	}
	m := p.Model.Measures
	if got := m["three_public-2024-final.total_yuan"]; got.Phase != "executed" || got.Factor != 1 || got.Currency != "CNY" ||
		got.Direction != "expenditure" || got.Source != "total_yuan" || got.Resource != "three_public-2024-final" {
		t.Errorf("total: %+v", got)
	}
	if got := m["three_public-2024-final.budget_total_yuan"]; got.Phase != "adjusted" {
		t.Errorf("the 预算数 of a final: %+v", got)
	}
	if got := m["line_items-2024-final.amount_wanyuan"]; got.Factor != 10000 || got.Direction != "" {
		t.Errorf("line items in 万元: %+v", got)
	}
	if _, ok := m["filings.filing_id"]; ok || len(m) != 13 {
		t.Errorf("%d measures", len(m))
	}
	d := p.Model.Dimensions["line_items-2024-final.classification"]
	if d.ClassificationType != "functional" || d.ClassificationTypeByTable["basic_expenditure"] != "economic" {
		t.Errorf("classification: %+v", d)
	}
	if d := p.Model.Dimensions["three_public-2024-final.department"]; d.ClassificationType != "administrative" {
		t.Errorf("department: %+v", d)
	}
	fk := p.Resources[0].Schema.ForeignKeys
	if len(fk) != 1 || fk[0].Reference.Resource != "filings" {
		t.Errorf("foreign keys: %+v", fk)
	}
	if p.Resources[1].Encoding != "gb18030" || p.Resources[1].Dialect.LineTerminator != "\r\n" {
		t.Errorf("GB18030 resource: %+v %+v", p.Resources[1], p.Resources[1].Dialect)
	}

	budget := Resource{Name: "tp", Path: "tp.csv", Table: ThreePublicTable, Phase: models.PhaseBudget}
	p, err = DataPackage(PackageInfo{Name: "x", Title: "x", Resources: []Resource{budget}})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Model.Measures["total_yuan"]; got.Phase != "approved" {
		t.Errorf("a budget's total: %+v", got)
	}
	if _, ok := p.Model.Measures["budget_total"]; ok {
		t.Error("a budget has no 预算数 column of a final")
	}
	if len(p.Resources[0].Schema.ForeignKeys) != 0 {
		t.Error("a foreign key to a table not in the package must be left out")
	}
}

func TestDataPackage_RefusesWhatTheSpecsForbid(t *testing.T) {
	ok := Resource{Name: "tp", Path: "tp.csv", Table: ThreePublicTable}
	for name, info := range map[string]PackageInfo{
		"upper-case name":  {Name: "Sunshine", Title: "x", Resources: []Resource{ok}},
		"no title":         {Name: "x", Resources: []Resource{ok}},
		"no resources":     {Name: "x", Title: "x"},
		"duplicate":        {Name: "x", Title: "x", Resources: []Resource{ok, ok}},
		"absolute path":    {Name: "x", Title: "x", Resources: []Resource{{Name: "a", Path: "/srv/a.csv", Table: ThreePublicTable}}},
		"dot-dot":          {Name: "x", Title: "x", Resources: []Resource{{Name: "a", Path: "../a.csv", Table: ThreePublicTable}}},
		"Chinese headers":  {Name: "x", Title: "x", Resources: []Resource{{Name: "a", Path: "a.csv", Table: ThreePublicTable, CSV: CSVOptions{ChineseHeaders: true}}}},
		"no table":         {Name: "x", Title: "x", Resources: []Resource{{Name: "a", Path: "a.csv"}}},
		"bad budget phase": {Name: "x", Title: "x", FinalBudgetPhase: "executed", Resources: []Resource{ok}},
	} {
		if _, err := DataPackage(info); models.ErrorCode(err) != models.EINVALID {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// TestValidatePackage_FindsWhatIsWrong breaks a valid descriptor one way at a
// time and expects the validator to name the problem.
func TestValidatePackage_FindsWhatIsWrong(t *testing.T) {
	files, resources := release(t)
	valid := writePackage(t, packageInfo(resources))
	cases := []struct {
		name   string
		break_ func(p map[string]any)
		want   string
	}{
		{"name", func(p map[string]any) { p["name"] = "Bad Name" }, "name"},
		{"no resources", func(p map[string]any) { p["resources"] = []any{} }, "resources"},
		{"path and data", func(p map[string]any) { res(p, 0)["data"] = []any{} }, "exactly one of path and data"},
		{"absolute path", func(p map[string]any) { res(p, 0)["path"] = "/etc/passwd" }, "relative path"},
		{"duplicate name", func(p map[string]any) { res(p, 1)["name"] = res(p, 0)["name"] }, "not unique"},
		{"field type", func(p map[string]any) { field(p, 0, 0)["type"] = "money" }, "not a Table Schema type"},
		{"field without name", func(p map[string]any) { delete(field(p, 0, 0), "name") }, "required and unique"},
		{"primary key", func(p map[string]any) { schema(p, 0)["primaryKey"] = []any{"nope"} }, `"nope" is not a field`},
		{"foreign key resource", func(p map[string]any) { fkRef(p, 0)["resource"] = "missing" }, `"missing" is not a resource`},
		{"foreign key field", func(p map[string]any) { fkRef(p, 0)["fields"] = []any{"nope"} }, `"nope" is not a field of resource "filings"`},
		{"pattern", func(p map[string]any) { constraints(p, 0, 3)["pattern"] = "[0-9" }, "does not compile"},
		{"minimum without type", func(p map[string]any) { delete(field(p, 0, 0), "type") }, "needs the field to have a type"},
		{"missing values", func(p map[string]any) { schema(p, 0)["missingValues"] = []any{"", map[string]any{"value": "-"}} }, "all strings or all objects"},
		{"measure source", func(p map[string]any) { measure(p, "three_public-2024-final.total_yuan")["source"] = "nope" }, `"nope" is not a field`},
		{"measure phase", func(p map[string]any) { measure(p, "three_public-2024-final.total_yuan")["phase"] = "final" }, "proposed, approved, adjusted or executed"},
		{"currency", func(p map[string]any) { measure(p, "three_public-2024-final.total_yuan")["currency"] = "cny" }, "ISO 4217"},
		{"no measures", func(p map[string]any) { p["model"].(map[string]any)["measures"] = map[string]any{} }, "at least one measure"},
		{"labelfor", func(p map[string]any) { attribute(p, "three_public-2024-final.region", "name")["labelfor"] = "nope" }, "not an attribute"},
		{"dimension type", func(p map[string]any) { dimension(p, "three_public-2024-final.region")["dimensionType"] = "place" }, "FDP dimension type"},
		{"classification type", func(p map[string]any) {
			dimension(p, "three_public-2024-final.region")["classificationType"] = "regional"
		}, "functional, administrative or economic"},
		{"bytes", func(p map[string]any) { res(p, 0)["bytes"] = 1 }, "bytes: the descriptor says 1"},
		{"hash", func(p map[string]any) { res(p, 2)["hash"] = "sha256:00" }, "hashes to sha256:"},
		{"created", func(p map[string]any) { p["created"] = "2025-08-20" }, "RFC 3339"},
		{"license", func(p map[string]any) { p["licenses"] = []any{map[string]any{"title": "x"}} }, "name or a path"},
		// What the v1 profiles add, which v1 readers refuse without.
		{"package profile", func(p map[string]any) { delete(p, "profile") }, `need "tabular-data-package"`},
		{"resource profile", func(p map[string]any) { res(p, 1)["profile"] = "data-resource" }, `need "tabular-data-resource"`},
		{"labelled schema missing values", func(p map[string]any) {
			schema(p, 0)["missingValues"] = []any{map[string]any{"value": "", "label": "未公开"}}
		}, "plain strings here"},
		{"country code", func(p map[string]any) { p["countryCode"] = "cn" }, "upper-case ISO 3166-1"},
		{"dialect", func(p map[string]any) { delete(res(p, 0)["dialect"].(map[string]any), "doubleQuote") }, "dialect.doubleQuote: v1 requires"},
		{"foreign key without resource", func(p map[string]any) { delete(fkRef(p, 0), "resource") }, "reference.resource: v1 requires"},
		{"license name", func(p map[string]any) { p["licenses"] = []any{map[string]any{"name": "CC BY 4.0"}} }, "Open Definition"},
		{"source title", func(p map[string]any) { p["sources"] = []any{map[string]any{"path": "https://x.example/"}} }, "source's title"},
		{"keywords", func(p map[string]any) { p["keywords"] = []any{} }, "non-empty array"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p map[string]any
			if err := json.Unmarshal(valid, &p); err != nil {
				t.Fatal(err)
			}
			c.break_(p)
			b, _ := json.Marshal(p)
			err := exportstest.ValidatePackage(b, files)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want a problem mentioning %q, got %v", c.want, err)
			}
		})
	}
}

// TestValidatePackage_ReadsTheData: the CSV itself is checked against its schema.
func TestValidatePackage_ReadsTheData(t *testing.T) {
	_, resources := release(t)
	d := writePackage(t, packageInfo(resources[:1]))
	good := encodeCSV(t, ThreePublicTable, threePublicRows(), CSVOptions{})
	lines := strings.SplitAfter(string(good), "\n")
	for name, c := range map[string]struct{ data, want string }{
		"header":        {strings.Replace(string(good), "dept_code", "dept", 1), `the schema's field is "dept_code"`},
		"pattern":       {strings.Replace(string(good), ",001,", ",00 1,", 1), "does not match the pattern"},
		"required":      {strings.Replace(string(good), "\n10,2,", "\n,2,", 1), "field filing_id: required"},
		"integer":       {strings.Replace(string(good), ",12,250,", ",1.5,250,", 1), `"1.5" is not a valid integer`},
		"minimum":       {strings.Replace(string(good), ",12,250,", ",-1,250,", 1), "below the minimum 0"},
		"enum":          {strings.Replace(string(good), ",final,", ",决算,", 1), "not one of the enum values"},
		"number":        {strings.Replace(string(good), "1234567.89", "1,234,567.89", 1), "wrong number of fields"},
		"primary key":   {string(good) + lines[1], "primary key [filing_id] repeats"},
		"year":          {strings.Replace(string(good), ",2024,", ",24,", 1), "not a valid year"},
		"uri":           {strings.Replace(string(good), "https://sunshine.example.gov.cn/api/v1/filings/10", "filings/10", 1), "not an absolute URI"},
		"invalid UTF-8": {string(good) + "\xff\n", "not valid UTF-8"},
	} {
		t.Run(name, func(t *testing.T) {
			files := fstest.MapFS{"data/three_public-2024-final.csv": {Data: []byte(c.data)}}
			var p map[string]any
			_ = json.Unmarshal(d, &p)
			delete(res(p, 0), "bytes")
			delete(res(p, 0), "hash")
			b, _ := json.Marshal(p)
			err := exportstest.ValidatePackage(b, files)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want %q, got %v", c.want, err)
			}
		})
	}
	// A foreign key value missing from the referenced resource.
	files, resources := release(t)
	files["data/filings.csv"] = &fstest.MapFile{Data: encodeCSV(t, FilingsTable, filingRows()[:2], CSVOptions{})}
	resources[2].Bytes, resources[2].Hash = 0, ""
	err := exportstest.ValidatePackage(writePackage(t, packageInfo(resources)), files)
	if err == nil || !strings.Contains(err.Error(), `value "12" is not in the referenced resource`) {
		t.Errorf("foreign key: %v", err)
	}
}

func res(p map[string]any, i int) map[string]any {
	return p["resources"].([]any)[i].(map[string]any)
}
func schema(p map[string]any, i int) map[string]any { return res(p, i)["schema"].(map[string]any) }
func field(p map[string]any, r, f int) map[string]any {
	return schema(p, r)["fields"].([]any)[f].(map[string]any)
}
func constraints(p map[string]any, r, f int) map[string]any {
	return field(p, r, f)["constraints"].(map[string]any)
}
func fkRef(p map[string]any, r int) map[string]any {
	return schema(p, r)["foreignKeys"].([]any)[0].(map[string]any)["reference"].(map[string]any)
}
func measure(p map[string]any, k string) map[string]any {
	return p["model"].(map[string]any)["measures"].(map[string]any)[k].(map[string]any)
}
func dimension(p map[string]any, k string) map[string]any {
	return p["model"].(map[string]any)["dimensions"].(map[string]any)[k].(map[string]any)
}
func attribute(p map[string]any, d, a string) map[string]any {
	return dimension(p, d)["attributes"].(map[string]any)[a].(map[string]any)
}

func TestHashWriter(t *testing.T) {
	hw := NewHashWriter(nil)
	_, _ = hw.Write([]byte("abc"))
	if hw.Bytes() != 3 || hw.Hash() != "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("%d %s", hw.Bytes(), hw.Hash())
	}
}

// TestDataPackage_MissingValuesForV1AndV2: every schema says "" is missing as a
// plain string (the only form a v1 reader takes), and every field that may be
// empty labels its empty cell in v2's form — 未公开 for amounts, its own label
// where a column has one; a required field has none.
func TestDataPackage_MissingValuesForV1AndV2(t *testing.T) {
	_, resources := release(t)
	p, err := DataPackage(packageInfo(resources))
	if err != nil {
		t.Fatal(err)
	}
	if p.Profile != "tabular-data-package" || p.CountryCode != "CN" {
		t.Errorf("package: profile %q, countryCode %q", p.Profile, p.CountryCode)
	}
	labelled := 0
	for _, r := range p.Resources {
		if r.Profile != "tabular-data-resource" || len(r.Schema.MissingValues) != 1 || r.Schema.MissingValues[0] != "" {
			t.Errorf("%s: profile %q, schema missingValues %q", r.Name, r.Profile, r.Schema.MissingValues)
		}
		for _, f := range r.Schema.Fields {
			required := f.Constraints != nil && f.Constraints.Required
			switch {
			case required && f.MissingValues != nil:
				t.Errorf("%s.%s: required, yet labels a missing value", r.Name, f.Name)
			case !required && (len(f.MissingValues) != 1 || f.MissingValues[0].Value != "" || f.MissingValues[0].Label == ""):
				t.Errorf("%s.%s: may be empty but labels it %+v", r.Name, f.Name, f.MissingValues)
			case !required:
				labelled++
			}
			want := map[string]string{"total_yuan": notDisclosedLabel, "amount_wanyuan": notDisclosedLabel,
				"trip_groups": notDisclosedLabel, "change_reason": "未填写 none given", "release": "非发布数据 not read from a release"}[f.Name]
			if want != "" && f.MissingValues[0].Label != want {
				t.Errorf("%s.%s: label %q, want %q", r.Name, f.Name, f.MissingValues[0].Label, want)
			}
		}
	}
	if labelled < 30 {
		t.Errorf("only %d fields label their empty cell", labelled)
	}
}
