// Package exportstest checks what exports writes against the standards it
// claims (Frictionless Data Package, Fiscal Data Package). It is imported by
// tests only, so the validator stays out of the binary.
package exportstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"unicode/utf8"
)

// ValidatePackage checks a datapackage.json against what Data Package v2,
// Data Resource, Table Schema, Table Dialect and Fiscal Data Package 0.3
// require of it: required properties and their types, names, paths, field
// types, constraints, missing values, that every primaryKey and foreignKey
// field exists and every foreignKey resource is in the package, and that every
// FDP measure and dimension attribute reads a real field with allowed phases,
// directions and types.
//
// It also holds the descriptor to what the v1 profiles (tabular-data-package,
// fiscal-data-package) demand beyond v2, since v1 readers are still the common
// ones: "profile" on the package and on every resource, missingValues of a
// schema as plain strings (v1 cannot read {value, label}; fields may carry the
// labelled form, which v1 ignores), a dialect with delimiter and doubleQuote, a
// foreign key naming its resource, sources with a title, keywords non-empty,
// and an upper-case countryCode.
//
// With files (the package directory or bulk ZIP as an fs.FS; nil to skip), it
// also checks each local resource's bytes and hash and reads every CSV back
// with its schema: the header against the field names, each value against its
// type and constraints, primary keys unique and foreign keys found. That read
// keeps the key values in memory, so it is meant for tests and checks, not for
// serving. Returns every problem found, joined; nil when there is none.
func ValidatePackage(descriptor []byte, files fs.FS) error {
	v := &validator{}
	dec := json.NewDecoder(bytes.NewReader(descriptor))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("datapackage.json: not JSON: %w", err)
	}
	pkg, ok := doc.(map[string]any)
	if !ok {
		return errors.New("datapackage.json: the descriptor must be a JSON object")
	}
	v.pkg(pkg)
	if files != nil && len(v.problems) == 0 {
		v.data(files)
	}
	return errors.Join(v.problems...)
}

type validator struct {
	problems  []error
	resources []vResource
}

// vResource is what the checks need of one resource after the descriptor passed.
type vResource struct {
	name, path, format, encoding, hash string
	bytes                              int64
	hasBytes                           bool
	dialect                            map[string]any
	fields                             []vField
	missing                            []string
	primaryKey                         []string
	foreignKeys                        []vForeignKey
}

type vField struct {
	name, typ, format string
	constraints       map[string]any
	missing           []string // nil: the schema's
}

type vForeignKey struct {
	fields, refFields []string
	resource          string // "" for self
}

func (v *validator) fail(path, format string, args ...any) {
	v.problems = append(v.problems, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

var (
	fieldTypes = set("string", "number", "integer", "boolean", "object", "array", "list", "datetime", "date", "time",
		"year", "yearmonth", "duration", "geopoint", "geojson", "any")
	fdpPhases          = set("proposed", "approved", "adjusted", "executed")
	fdpDirections      = set("expenditure", "revenue")
	fdpDimensionTypes  = set("datetime", "entity", "classification", "activity", "fact", "location", "other")
	fdpClassifications = set("functional", "administrative", "economic")
	// namePattern is Data Package's rule for package and resource names, kept
	// apart from the writer's own copy so the check does not trust what it checks.
	namePattern     = regexp.MustCompile(`^[a-z0-9._-]+$`)
	hashPattern     = regexp.MustCompile(`^(?:(md5|sha1|sha256|sha512):)?[0-9a-f]+$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	countryPattern  = regexp.MustCompile(`^[A-Z]{2}$`)
	licensePattern  = regexp.MustCompile(`^[-a-zA-Z0-9._]+$`)
)

func set(keys ...string) map[string]bool {
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func (v *validator) pkg(p map[string]any) {
	if name, ok := p["name"].(string); !ok || !namePattern.MatchString(name) {
		v.fail("name", "must be a string of lowercase letters, digits, '.', '_' and '-', got %v", p["name"])
	}
	if p["profile"] != "tabular-data-package" {
		v.fail("profile", `v1 readers need "tabular-data-package" (which fiscal-data-package extends), got %v`, p["profile"])
	}
	if x, ok := p["countryCode"]; ok {
		if s, ok := x.(string); !ok || !countryPattern.MatchString(s) {
			v.fail("countryCode", "must be an upper-case ISO 3166-1 alpha-2 code, got %v", x)
		}
	}
	if x, ok := p["keywords"]; ok {
		if arr, ok := x.([]any); !ok || len(arr) == 0 {
			v.fail("keywords", "must be a non-empty array of strings")
		}
	}
	for _, k := range []string{"$schema", "id", "title", "description", "homepage", "version"} {
		if x, ok := p[k]; ok {
			if _, ok := x.(string); !ok {
				v.fail(k, "must be a string")
			}
		}
	}
	if x, ok := p["created"]; ok {
		if s, ok := x.(string); !ok || !validDatetime(s) {
			v.fail("created", "must be an RFC 3339 datetime, got %v", x)
		}
	}
	v.licenses(p["licenses"])
	if x, ok := p["sources"]; ok {
		v.objects("sources", x, func(path string, o map[string]any) {
			if _, ok := o["title"].(string); !ok {
				v.fail(path+".title", "v1 requires a source's title")
			}
		})
	}
	res, ok := p["resources"].([]any)
	if !ok || len(res) == 0 {
		v.fail("resources", "required: an array with at least one resource")
		return
	}
	names := map[string]bool{}
	for i, x := range res {
		path := fmt.Sprintf("resources[%d]", i)
		r, ok := x.(map[string]any)
		if !ok {
			v.fail(path, "a resource must be an object")
			continue
		}
		v.resource(path, r, names)
	}
	for i, r := range v.resources {
		v.foreignKeys(fmt.Sprintf("resources[%d].schema.foreignKeys", i), r)
	}
	if m, ok := p["model"]; ok || p["profiles"] != nil {
		v.model(m)
	}
}

func (v *validator) licenses(x any) {
	if x == nil {
		return
	}
	v.objects("licenses", x, func(path string, o map[string]any) {
		name, hasName := o["name"].(string)
		_, p := o["path"].(string)
		if !hasName && !p {
			v.fail(path, "a license needs a name or a path")
		}
		if hasName && !licensePattern.MatchString(name) {
			v.fail(path+".name", "must be an Open Definition license id (letters, digits, '-', '.', '_'), got %q", name)
		}
	})
}

func (v *validator) objects(path string, x any, each func(string, map[string]any)) {
	arr, ok := x.([]any)
	if !ok {
		v.fail(path, "must be an array")
		return
	}
	for i, e := range arr {
		o, ok := e.(map[string]any)
		if !ok {
			v.fail(fmt.Sprintf("%s[%d]", path, i), "must be an object")
			continue
		}
		each(fmt.Sprintf("%s[%d]", path, i), o)
	}
}

func (v *validator) resource(path string, r map[string]any, names map[string]bool) {
	res := vResource{encoding: "utf-8"}
	res.name, _ = r["name"].(string)
	switch {
	case !namePattern.MatchString(res.name):
		v.fail(path+".name", "required: lowercase letters, digits, '.', '_' and '-', got %v", r["name"])
	case names[res.name]:
		v.fail(path+".name", "%q is not unique in the package", res.name)
	}
	names[res.name] = true
	if r["profile"] != "tabular-data-resource" {
		v.fail(path+".profile", `v1 readers need "tabular-data-resource", got %v`, r["profile"])
	}
	_, hasPath := r["path"]
	_, hasData := r["data"]
	if hasPath == hasData {
		v.fail(path, "needs exactly one of path and data")
	}
	if hasPath {
		switch p := r["path"].(type) {
		case string:
			if !validPath(p) {
				v.fail(path+".path", "%q is neither a relative path inside the package nor an http(s) URL", p)
			}
			res.path = p
		case []any:
			urls := 0
			for _, e := range p {
				s, ok := e.(string)
				if !ok || !validPath(s) {
					v.fail(path+".path", "every path must be a relative path or URL, got %v", e)
				} else if strings.Contains(s, "://") {
					urls++
				}
			}
			if len(p) == 0 || (urls > 0 && urls < len(p)) {
				v.fail(path+".path", "a path array must be non-empty and not mix URLs and relative paths")
			}
		default:
			v.fail(path+".path", "must be a string or an array of strings")
		}
	}
	if t, ok := r["type"]; ok && t != "table" {
		v.fail(path+".type", "the only defined type is \"table\", got %v", t)
	}
	for _, k := range []string{"title", "description", "format", "mediatype", "encoding"} {
		if x, ok := r[k]; ok {
			if _, ok := x.(string); !ok {
				v.fail(path+"."+k, "must be a string")
			}
		}
	}
	res.format, _ = r["format"].(string)
	if e, ok := r["encoding"].(string); ok {
		res.encoding = strings.ToLower(e)
	}
	if x, ok := r["bytes"]; ok {
		n, ok := integerOf(x)
		if !ok || n < 0 {
			v.fail(path+".bytes", "must be a non-negative integer")
		}
		res.bytes, res.hasBytes = n, ok
	}
	if x, ok := r["hash"]; ok {
		if s, ok := x.(string); !ok || !hashPattern.MatchString(s) {
			v.fail(path+".hash", "must be a hex digest, optionally prefixed by its algorithm (sha256:…)")
		} else {
			res.hash = s
		}
	}
	v.licenses(r["licenses"])
	if x, ok := r["dialect"]; ok {
		res.dialect = v.dialect(path+".dialect", x)
	}
	s, ok := r["schema"].(map[string]any)
	if !ok {
		v.fail(path+".schema", "a tabular resource needs a Table Schema object")
	} else {
		v.schema(path+".schema", s, &res)
	}
	v.resources = append(v.resources, res)
}

func (v *validator) dialect(path string, x any) map[string]any {
	d, ok := x.(map[string]any)
	if !ok {
		v.fail(path, "must be an object")
		return nil
	}
	for _, k := range []string{"delimiter", "doubleQuote"} {
		if _, ok := d[k]; !ok {
			v.fail(path+"."+k, "v1 requires it in a dialect")
		}
	}
	for k, val := range d {
		var good bool
		switch k {
		case "header", "doubleQuote", "skipInitialSpace":
			_, good = val.(bool)
		case "delimiter", "lineTerminator", "nullSequence", "commentChar", "property", "sheetName", "table", "headerJoin":
			_, good = val.(string)
		case "quoteChar", "escapeChar":
			s, ok := val.(string)
			good = ok && utf8.RuneCountInString(s) == 1
		case "itemType":
			good = val == "array" || val == "object"
		case "headerRows", "commentRows", "itemKeys":
			_, good = val.([]any)
		case "sheetNumber":
			n, ok := integerOf(val)
			good = ok && n >= 1
		default:
			good = true // other properties are allowed
		}
		if !good {
			v.fail(path+"."+k, "has a value of the wrong type: %v", val)
		}
	}
	return d
}

func (v *validator) schema(path string, s map[string]any, res *vResource) {
	fields, ok := s["fields"].([]any)
	if !ok || len(fields) == 0 {
		v.fail(path+".fields", "required: an array of field descriptors")
	}
	seen := map[string]bool{}
	for i, x := range fields {
		fp := fmt.Sprintf("%s.fields[%d]", path, i)
		f, ok := x.(map[string]any)
		if !ok {
			v.fail(fp, "must be an object")
			continue
		}
		vf := vField{}
		vf.name, _ = f["name"].(string)
		if vf.name == "" || seen[vf.name] {
			v.fail(fp+".name", "required and unique, got %v", f["name"])
		}
		seen[vf.name] = true
		vf.typ = "any"
		if t, ok := f["type"]; ok {
			vf.typ, _ = t.(string)
			if !fieldTypes[vf.typ] {
				v.fail(fp+".type", "%v is not a Table Schema type", t)
			}
		}
		vf.format, _ = f["format"].(string)
		if c, ok := f["constraints"]; ok {
			vf.constraints = v.constraints(fp+".constraints", c, vf.typ, f["type"] != nil)
		}
		if m, ok := f["missingValues"]; ok {
			vf.missing = v.missingValues(fp+".missingValues", m)
			if vf.missing == nil {
				vf.missing = []string{}
			}
		}
		res.fields = append(res.fields, vf)
	}
	res.missing = []string{""}
	if m, ok := s["missingValues"]; ok {
		res.missing = v.missingValues(path+".missingValues", m)
		if arr, ok := m.([]any); ok {
			for i, e := range arr {
				if _, ok := e.(string); !ok {
					v.fail(fmt.Sprintf("%s.missingValues[%d]", path, i), "v1 readers need plain strings here; a label belongs on the field")
				}
			}
		}
	}
	if pk, ok := s["primaryKey"]; ok {
		res.primaryKey = v.fieldList(path+".primaryKey", pk, seen)
	}
	if fks, ok := s["foreignKeys"]; ok {
		v.objects(path+".foreignKeys", fks, func(fp string, o map[string]any) {
			fk := vForeignKey{fields: v.fieldList(fp+".fields", o["fields"], seen)}
			ref, ok := o["reference"].(map[string]any)
			if !ok {
				v.fail(fp+".reference", "required: an object")
				return
			}
			if r, ok := ref["resource"]; ok {
				if fk.resource, ok = r.(string); !ok {
					v.fail(fp+".reference.resource", "must be a string")
				}
			} else {
				v.fail(fp+".reference.resource", `v1 requires it ("" for the resource itself)`)
			}
			fk.refFields = v.fieldList(fp+".reference.fields", ref["fields"], nil)
			if len(fk.refFields) != len(fk.fields) {
				v.fail(fp+".reference.fields", "must have as many fields as the key (%d)", len(fk.fields))
			}
			res.foreignKeys = append(res.foreignKeys, fk)
		})
	}
}

// fieldList reads a key's field names (an array, or a single string as in v1);
// with known set, each must name a field.
func (v *validator) fieldList(path string, x any, known map[string]bool) []string {
	var names []string
	switch t := x.(type) {
	case string:
		names = []string{t}
	case []any:
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				v.fail(path, "field names must be strings")
				return nil
			}
			names = append(names, s)
		}
	default:
		v.fail(path, "required: a field name or an array of field names")
		return nil
	}
	if len(names) == 0 {
		v.fail(path, "must name at least one field")
	}
	for _, n := range names {
		if known != nil && !known[n] {
			v.fail(path, "%q is not a field of the schema", n)
		}
	}
	return names
}

func (v *validator) foreignKeys(path string, r vResource) {
	for i, fk := range r.foreignKeys {
		target := &r
		if fk.resource != "" {
			target = nil
			for j := range v.resources {
				if v.resources[j].name == fk.resource {
					target = &v.resources[j]
				}
			}
			if target == nil {
				v.fail(fmt.Sprintf("%s[%d].reference.resource", path, i), "%q is not a resource of the package", fk.resource)
				continue
			}
		}
		for _, f := range fk.refFields {
			if target.field(f) < 0 {
				v.fail(fmt.Sprintf("%s[%d].reference.fields", path, i), "%q is not a field of resource %q", f, target.name)
			}
		}
	}
}

func (r *vResource) field(name string) int {
	for i, f := range r.fields {
		if f.name == name {
			return i
		}
	}
	return -1
}

func (v *validator) constraints(path string, x any, typ string, typed bool) map[string]any {
	c, ok := x.(map[string]any)
	if !ok {
		v.fail(path, "must be an object")
		return nil
	}
	for k, val := range c {
		switch k {
		case "required", "unique":
			if _, ok := val.(bool); !ok {
				v.fail(path+"."+k, "must be a boolean")
			}
		case "minLength", "maxLength":
			if n, ok := integerOf(val); !ok || n < 0 {
				v.fail(path+"."+k, "must be a non-negative integer")
			}
		case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
			if !typed {
				v.fail(path+"."+k, "needs the field to have a type")
			} else if !set("integer", "number", "date", "time", "datetime", "duration", "year", "yearmonth")[typ] {
				v.fail(path+"."+k, "does not apply to type %s", typ)
			}
		case "pattern":
			s, ok := val.(string)
			if !ok {
				v.fail(path+".pattern", "must be a string")
			} else if _, err := regexp.Compile("^(?:" + s + ")$"); err != nil {
				v.fail(path+".pattern", "does not compile: %v", err)
			}
		case "enum":
			if arr, ok := val.([]any); !ok || len(arr) == 0 {
				v.fail(path+".enum", "must be a non-empty array")
			}
		case "jsonSchema":
		default:
			v.fail(path+"."+k, "is not a Table Schema constraint")
		}
	}
	return c
}

func (v *validator) missingValues(path string, x any) []string {
	arr, ok := x.([]any)
	if !ok {
		v.fail(path, "must be an array")
		return nil
	}
	var out []string
	seen := map[string]bool{}
	kinds := map[bool]bool{}
	for i, e := range arr {
		var s string
		switch t := e.(type) {
		case string:
			s = t
			kinds[false] = true
		case map[string]any:
			kinds[true] = true
			val, ok := t["value"].(string)
			if !ok {
				v.fail(fmt.Sprintf("%s[%d].value", path, i), "required: a string")
			}
			if l, ok := t["label"]; ok {
				if _, ok := l.(string); !ok {
					v.fail(fmt.Sprintf("%s[%d].label", path, i), "must be a string")
				}
			}
			s = val
		default:
			v.fail(fmt.Sprintf("%s[%d]", path, i), "must be a string or an object with a value")
		}
		if seen[s] {
			v.fail(path, "%q is listed twice", s)
		}
		seen[s] = true
		out = append(out, s)
	}
	if len(kinds) > 1 {
		v.fail(path, "must be all strings or all objects")
	}
	return out
}

func (v *validator) model(x any) {
	m, ok := x.(map[string]any)
	if !ok {
		v.fail("model", "a fiscal data package needs a model object")
		return
	}
	measures, ok := m["measures"].(map[string]any)
	if !ok || len(measures) == 0 {
		v.fail("model.measures", "required: at least one measure")
	}
	for key, x := range measures {
		path := "model.measures." + key
		ms, ok := x.(map[string]any)
		if !ok {
			v.fail(path, "must be an object")
			continue
		}
		v.source(path, ms)
		if c, _ := ms["currency"].(string); !currencyPattern.MatchString(c) {
			v.fail(path+".currency", "required: an ISO 4217 code, got %v", ms["currency"])
		}
		if f, ok := ms["factor"]; ok {
			if n, ok := f.(json.Number); !ok || n.String() == "0" || strings.HasPrefix(n.String(), "-") {
				v.fail(path+".factor", "must be a positive number")
			}
		}
		if d, ok := ms["direction"]; ok && !fdpDirections[fmt.Sprint(d)] {
			v.fail(path+".direction", "must be expenditure or revenue, got %v", d)
		}
		if p, ok := ms["phase"]; ok && !fdpPhases[fmt.Sprint(p)] {
			v.fail(path+".phase", "must be proposed, approved, adjusted or executed, got %v", p)
		}
	}
	dims, ok := m["dimensions"].(map[string]any)
	if !ok || len(dims) == 0 {
		v.fail("model.dimensions", "required: at least one dimension")
	}
	for key, x := range dims {
		path := "model.dimensions." + key
		d, ok := x.(map[string]any)
		if !ok {
			v.fail(path, "must be an object")
			continue
		}
		attrs, ok := d["attributes"].(map[string]any)
		if !ok || len(attrs) == 0 {
			v.fail(path+".attributes", "required: at least one attribute")
		}
		known := map[string]bool{}
		for k := range attrs {
			known[k] = true
		}
		for k, ax := range attrs {
			ap := path + ".attributes." + k
			a, ok := ax.(map[string]any)
			if !ok {
				v.fail(ap, "must be an object")
				continue
			}
			_, hasSource := a["source"]
			_, hasConstant := a["constant"]
			if hasSource == hasConstant {
				v.fail(ap, "needs exactly one of source and constant")
			}
			if hasSource {
				v.source(ap, a)
			}
			for _, rel := range []string{"labelfor", "parent"} {
				if t, ok := a[rel]; ok && !known[fmt.Sprint(t)] {
					v.fail(ap+"."+rel, "%v is not an attribute of the dimension", t)
				}
			}
		}
		v.fieldList(path+".primaryKey", d["primaryKey"], known)
		if t, ok := d["dimensionType"]; ok && !fdpDimensionTypes[fmt.Sprint(t)] {
			v.fail(path+".dimensionType", "%v is not an FDP dimension type", t)
		}
		if t, ok := d["classificationType"]; ok && !fdpClassifications[fmt.Sprint(t)] {
			v.fail(path+".classificationType", "must be functional, administrative or economic, got %v", t)
		}
	}
}

// source checks that a measure or attribute reads a field of its resource (the first one by default).
func (v *validator) source(path string, o map[string]any) {
	src, _ := o["source"].(string)
	if len(v.resources) == 0 {
		return
	}
	r := &v.resources[0]
	if name, ok := o["resource"]; ok {
		r = nil
		for i := range v.resources {
			if v.resources[i].name == name {
				r = &v.resources[i]
			}
		}
		if r == nil {
			v.fail(path+".resource", "%v is not a resource of the package", name)
			return
		}
	}
	if r.field(src) < 0 {
		v.fail(path+".source", "%q is not a field of resource %q", src, r.name)
	}
}

func integerOf(x any) (int64, bool) {
	n, ok := x.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// validPath is Data Package's rule for a resource path: an http(s) URL, or a
// relative POSIX path that stays inside the package (no leading slash, no . or
// .. segment, no backslash or drive colon).
func validPath(p string) bool {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return true
	}
	return p != "." && fs.ValidPath(p) && !strings.ContainsAny(p, `\:`)
}
