//go:build faults

package faults

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sunshine/demo"
	"sunshine/ingest"
	"sunshine/models"
)

// template is one department's files, as published, from testdata/layouts or
// testdata/real: every slot made from it gets its own department code, and each
// new version multiplies every amount by the version's scale (so the checks
// still add up and each version's bytes are new).
type template struct {
	name        string
	threePublic []byte
	lineItems   []byte // nil when the document has no line-item file
}

// loadTemplates reads every folder of testdata/layouts and testdata/real.
func loadTemplates(t testing.TB) []template {
	t.Helper()
	var out []template
	for _, root := range []string{"../testdata/layouts", "../testdata/real"} {
		dirs, err := os.ReadDir(root)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			if !d.IsDir() {
				continue
			}
			tp := readOptional(t, filepath.Join(root, d.Name(), "three_public.csv"))
			li := readOptional(t, filepath.Join(root, d.Name(), "line_items.csv"))
			if tp == nil {
				continue // a line-item-only document: every slot here has a 三公 file
			}
			out = append(out, template{name: d.Name(), threePublic: tp, lineItems: li})
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d templates under testdata", len(out))
	}
	return out
}

func readOptional(t testing.TB, path string) []byte {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// groupFiles writes the demo's style of CSV for a whole synthetic region (40
// departments in one file), under its own region code.
func groupFiles(region string) (threePublic, lineItems []byte) {
	fs := demo.Synthetic(1, 2024, models.PhaseBudget)
	for i := range fs {
		fs[i].Key.RegionCode = region
		fs[i].RegionName = "故障" + region + "市（演示数据）"
	}
	var a, b bytes.Buffer
	if err := demo.WriteThreePublicCSV(&a, fs); err != nil {
		panic(err)
	}
	if err := demo.WriteLineItemsCSV(&b, fs); err != nil {
		panic(err)
	}
	return a.Bytes(), b.Bytes()
}

// moneyColumns are the columns rewrite scales: every amount of both kinds.
var moneyColumns = func() map[string]bool {
	m := map[string]bool{"amount": true}
	for _, a := range models.ThreePublicAmounts {
		m[a.Key] = true
	}
	return m
}()

// rewrite returns the CSV with the region and department codes replaced (when
// not "") and every amount multiplied by scale, keeping its printed decimals.
func rewrite(src []byte, region, dept string, scale int64) []byte {
	r := csv.NewReader(bytes.NewReader(src))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		panic(err)
	}
	head := rows[0]
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	for i, row := range rows {
		if i > 0 {
			for c := range row {
				if c >= len(head) {
					continue
				}
				name := strings.TrimPrefix(head[c], "\ufeff")
				switch {
				case name == "dept_code" && dept != "":
					row[c] = dept
				case name == "region_code" && region != "":
					row[c] = region
				case moneyColumns[name]:
					row[c] = scaleCell(row[c], scale)
				}
			}
		}
		if err := w.Write(row); err != nil {
			panic(err)
		}
	}
	w.Flush()
	return out.Bytes()
}

// scaleCell multiplies a printed amount ("1,234.50", "0.7", "") by k in
// decimal digits, keeping the number of decimals; anything else is kept.
func scaleCell(s string, k int64) string {
	v := strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if v == "" || k == 1 {
		return s
	}
	neg := strings.HasPrefix(v, "-")
	v = strings.TrimPrefix(v, "-")
	whole, frac, _ := strings.Cut(v, ".")
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return s
	}
	digits := strconv.FormatInt(n*k, 10)
	if len(frac) > 0 {
		for len(digits) <= len(frac) {
			digits = "0" + digits
		}
		digits = digits[:len(digits)-len(frac)] + "." + digits[len(digits)-len(frac):]
	}
	if neg {
		digits = "-" + digits
	}
	return digits
}

// canon is a filing part as a comparable text: the 三公 record or every line
// item, in a fixed order, amounts in fen.
type canon string

// expected parses a file with the service's own reader and returns, per
// filing, the canonical text of what an upload of it must store.
func expected(b []byte, name string) (map[models.FilingKey]canon, error) {
	rd, err := ingest.Open(bytes.NewReader(b), name, ingest.DefaultOptions())
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	tps := map[models.FilingKey]*models.ThreePublic{}
	items := map[models.FilingKey][]models.LineItem{}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch {
		case rec.ThreePublic != nil:
			tps[rec.Key] = rec.ThreePublic
		case rec.LineItem != nil:
			items[rec.Key] = append(items[rec.Key], *rec.LineItem)
		}
	}
	if fs := rd.Findings(); len(fs) > 0 {
		return nil, fmt.Errorf("%s: %s", name, fs[0].Message)
	}
	out := map[models.FilingKey]canon{}
	for k, tp := range tps {
		out[k] = canonThreePublic(tp)
	}
	for k, li := range items {
		out[k] = canonLineItems(li)
	}
	return out, nil
}

func money(n models.NullMoney) string {
	if !n.Valid {
		return "-"
	}
	return strconv.FormatInt(int64(n.Money), 10)
}

func canonThreePublic(tp *models.ThreePublic) canon {
	if tp == nil {
		return ""
	}
	var b strings.Builder
	for _, a := range models.ThreePublicAmounts {
		fmt.Fprintf(&b, "%s=%s;", a.Key, money(*a.Get(tp)))
	}
	for _, c := range models.ThreePublicCounts {
		n := *c.Get(tp)
		if n.Valid {
			fmt.Fprintf(&b, "%s=%d;", c.Key, n.Count)
		} else {
			fmt.Fprintf(&b, "%s=-;", c.Key)
		}
	}
	b.WriteString(tp.ChangeReason)
	return canon(b.String())
}

// canonLineItems is the sorted rows, hashed (a document has hundreds), with their count.
func canonLineItems(li []models.LineItem) canon {
	if len(li) == 0 {
		return ""
	}
	rows := make([]string, len(li))
	for i, x := range li {
		rows[i] = strings.Join([]string{string(x.Table), x.Code, x.Name, x.Column, money(x.Amount), string(x.Unit)}, "|")
	}
	sort.Strings(rows)
	sum := sha256.Sum256([]byte(strings.Join(rows, "\n")))
	return canon(fmt.Sprintf("%d rows %s", len(li), hex.EncodeToString(sum[:8])))
}

// fileCache memoises generated files and their expected content by name.
type fileCache struct {
	mu sync.Mutex
	m  map[string]genFile
}

type genFile struct {
	bytes []byte
	want  map[models.FilingKey]canon
}

func (c *fileCache) get(name string, gen func() []byte) (genFile, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g, ok := c.m[name]; ok {
		return g, nil
	}
	b := gen()
	want, err := expected(b, name)
	if err != nil {
		return genFile{}, err
	}
	if c.m == nil {
		c.m = map[string]genFile{}
	}
	g := genFile{bytes: b, want: want}
	c.m[name] = g
	return g, nil
}
