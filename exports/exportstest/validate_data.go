package exportstest

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math/big"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// data reads every local resource: bytes, hash, and (for CSV) every value.
func (v *validator) data(files fs.FS) {
	keys := map[string]map[string]bool{} // "resource\x00field,field" → key tuples present
	type pending struct {
		path, target string
		tuples       []string
	}
	var refs []pending
	want := map[string]bool{}
	for _, r := range v.resources {
		for _, fk := range r.foreignKeys {
			target := fk.resource
			if target == "" {
				target = r.name
			}
			want[target+"\x00"+strings.Join(fk.refFields, ",")] = true
		}
	}
	for i, r := range v.resources {
		path := fmt.Sprintf("resources[%d] (%s)", i, r.path)
		if r.path == "" || strings.Contains(r.path, "://") {
			continue
		}
		b, err := fs.ReadFile(files, r.path)
		if err != nil {
			v.fail(path, "cannot read the file: %v", err)
			continue
		}
		if r.hasBytes && int64(len(b)) != r.bytes {
			v.fail(path+".bytes", "the descriptor says %d, the file has %d", r.bytes, len(b))
		}
		if r.hash != "" {
			if got := digest(r.hash, b); got != r.hash {
				v.fail(path+".hash", "the descriptor says %s, the file hashes to %s", r.hash, got)
			}
		}
		if r.format != "csv" && !strings.HasSuffix(r.path, ".csv") {
			continue
		}
		collect := map[string][]int{}
		for k := range want {
			name, fields, _ := strings.Cut(k, "\x00")
			if name == r.name {
				var idx []int
				for _, f := range strings.Split(fields, ",") {
					idx = append(idx, r.field(f))
				}
				collect[k] = idx
				keys[k] = map[string]bool{}
			}
		}
		fkTuples := make([][]string, len(r.foreignKeys))
		v.readCSV(path, r, b, func(row []string) {
			for k, idx := range collect {
				keys[k][tuple(row, idx, r.missingOf)] = true
			}
			for j, fk := range r.foreignKeys {
				var idx []int
				for _, f := range fk.fields {
					idx = append(idx, r.field(f))
				}
				if t := tuple(row, idx, r.missingOf); t != "" {
					fkTuples[j] = append(fkTuples[j], t)
				}
			}
		})
		for j, fk := range r.foreignKeys {
			target := fk.resource
			if target == "" {
				target = r.name
			}
			refs = append(refs, pending{path: fmt.Sprintf("%s foreign key %v", path, fk.fields),
				target: target + "\x00" + strings.Join(fk.refFields, ","), tuples: fkTuples[j]})
		}
	}
	for _, p := range refs {
		present, ok := keys[p.target]
		if !ok {
			continue // the target is remote or not CSV
		}
		for _, t := range p.tuples {
			if !present[t] {
				v.fail(p.path, "value %q is not in the referenced resource", strings.ReplaceAll(t, "\x00", ","))
				break
			}
		}
	}
}

// tuple joins the values at idx; "" when any is missing (a null key refers to nothing).
func tuple(row []string, idx []int, missing func(int, string) bool) string {
	parts := make([]string, len(idx))
	for i, j := range idx {
		if j < 0 || j >= len(row) || missing(j, row[j]) {
			return ""
		}
		parts[i] = row[j]
	}
	return strings.Join(parts, "\x00")
}

func (r *vResource) missingOf(i int, s string) bool {
	list := r.missing
	if r.fields[i].missing != nil {
		list = r.fields[i].missing
	}
	for _, m := range list {
		if s == m {
			return true
		}
	}
	return false
}

func digest(want string, b []byte) string {
	algo, _, ok := strings.Cut(want, ":")
	var h hash.Hash
	switch {
	case !ok:
		algo, h = "", md5.New()
	case algo == "md5":
		h = md5.New()
	case algo == "sha1":
		h = sha1.New()
	case algo == "sha256":
		h = sha256.New()
	default:
		h = sha512.New()
	}
	h.Write(b)
	if algo == "" {
		return hex.EncodeToString(h.Sum(nil))
	}
	return algo + ":" + hex.EncodeToString(h.Sum(nil))
}

const maxDataProblems = 20

func (v *validator) readCSV(path string, r vResource, b []byte, each func([]string)) {
	var text io.Reader = bytes.NewReader(b)
	switch r.encoding {
	case "utf-8", "utf8":
		b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		if !utf8.Valid(b) {
			v.fail(path, "the file is not valid UTF-8")
			return
		}
		text = bytes.NewReader(b)
	case "gb18030", "gbk", "gb2312":
		text = transform.NewReader(text, simplifiedchinese.GB18030.NewDecoder())
	default:
		v.fail(path, "encoding %q is not one this check reads", r.encoding)
		return
	}
	cr := csv.NewReader(text)
	if d, _ := r.dialect["delimiter"].(string); d != "" {
		cr.Comma, _ = utf8.DecodeRuneInString(d)
	}
	cr.FieldsPerRecord = len(r.fields)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		v.fail(path, "cannot read the header row: %v", err)
		return
	}
	for i, f := range r.fields {
		if header[i] != f.name {
			v.fail(path, "header %d is %q, the schema's field is %q", i+1, header[i], f.name)
			return
		}
	}
	pk := map[string]bool{}
	var pkIdx []int
	for _, f := range r.primaryKey {
		pkIdx = append(pkIdx, r.field(f))
	}
	found := 0
	report := func(format string, args ...any) {
		if found++; found <= maxDataProblems {
			v.fail(path, format, args...)
		}
	}
	for line := 2; ; line++ {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			report("row %d: %v", line, err)
			return
		}
		for i, f := range r.fields {
			missing := r.missingOf(i, row[i])
			if missing {
				if req, _ := f.constraints["required"].(bool); req || contains(r.primaryKey, f.name) {
					report("row %d, field %s: required but missing", line, f.name)
				}
				continue
			}
			if msg := checkValue(f, row[i]); msg != "" {
				report("row %d, field %s: %q %s", line, f.name, row[i], msg)
			}
		}
		if len(pkIdx) > 0 {
			k := tuple(row, pkIdx, func(int, string) bool { return false })
			if pk[k] {
				report("row %d: primary key %v repeats %q", line, r.primaryKey, strings.ReplaceAll(k, "\x00", ","))
			}
			pk[k] = true
		}
		each(row)
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

var (
	integerLexical = regexp.MustCompile(`^[+-]?[0-9]+$`)
	numberLexical  = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)
	yearLexical    = regexp.MustCompile(`^-?[0-9]{4,}$`)
)

func validDatetime(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

// checkValue casts one physical value by its field's type and tests the
// constraints on the logical value; "" when it passes, else why not.
func checkValue(f vField, s string) string {
	var num *big.Rat
	switch f.typ {
	case "integer", "year":
		re := integerLexical
		if f.typ == "year" {
			re = yearLexical
		}
		if !re.MatchString(s) {
			return "is not a valid " + f.typ
		}
		num, _ = new(big.Rat).SetString(strings.TrimPrefix(s, "+"))
	case "number":
		if !numberLexical.MatchString(s) {
			return "is not a valid number"
		}
		num, _ = new(big.Rat).SetString(strings.TrimPrefix(s, "+"))
	case "datetime":
		if !validDatetime(s) {
			return "is not a valid datetime"
		}
	case "string":
		if f.format == "uri" {
			if u, err := url.Parse(s); err != nil || !u.IsAbs() {
				return "is not an absolute URI"
			}
		}
	}
	c := f.constraints
	if enum, ok := c["enum"].([]any); ok {
		in := false
		for _, e := range enum {
			if fmt.Sprint(e) == s {
				in = true
			}
		}
		if !in {
			return "is not one of the enum values"
		}
	}
	if p, ok := c["pattern"].(string); ok {
		if re, err := regexp.Compile("^(?:" + p + ")$"); err == nil && !re.MatchString(s) {
			return "does not match the pattern " + p
		}
	}
	if n, ok := integerOf(c["maxLength"]); ok && int64(utf8.RuneCountInString(s)) > n {
		return fmt.Sprintf("is longer than %d characters", n)
	}
	if num != nil {
		if m, ok := c["minimum"].(json.Number); ok {
			if lim, ok := new(big.Rat).SetString(m.String()); ok && num.Cmp(lim) < 0 {
				return "is below the minimum " + m.String()
			}
		}
		if m, ok := c["maximum"].(json.Number); ok {
			if lim, ok := new(big.Rat).SetString(m.String()); ok && num.Cmp(lim) > 0 {
				return "is above the maximum " + m.String()
			}
		}
	}
	return ""
}
