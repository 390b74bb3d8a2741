package codes

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"sunshine/models"
)

// FuzzLoad feeds code lists to Load as `sunshine codes load` does (after
// decoding): a list is either refused with a Chinese EINVALID that names its
// row, or it is a well-formed tree — every code of a known length at its
// level, every 款 and 项 under a parent in the list, no duplicates, 三公 items
// only on the economic list — that writes out and loads back unchanged, and
// loads the same under the Chinese headers.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"data/functional_codes.csv", "data/economic_codes.csv"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.SplitAfter(string(b), "\n")
		f.Add(strings.Join(lines[:min(len(lines), 15)], ""), name == "data/economic_codes.csv")
	}
	f.Add("\uFEFF科目编码,科目名称,级次\n201,一般公共服务支出,类\n20101,人大事务,款\n", false)
	f.Add("code,name,three_public\n302,商品和服务支出,\n30217,公务接待费,reception\n", true)
	f.Add("code,name\n201,a\n201,b\n", false)
	f.Add("code,name\n20101,orphan\n", false)
	f.Add("code,name,level\n\"201\n\",x,类\n", false)
	f.Add("code,name,,\n", true)
	f.Fuzz(func(t *testing.T, text string, economic bool) {
		kind := Functional
		if economic {
			kind = Economic
		}
		l, err := Load(strings.NewReader(text), kind)
		if err != nil {
			if models.ErrorCode(err) != models.EINVALID {
				t.Fatalf("Load: %v (code %q); want EINVALID", err, models.ErrorCode(err))
			}
			msg := models.ErrorMessage(err)
			if !strings.ContainsFunc(msg, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Fatalf("Load: message %q is not Chinese", msg)
			}
			return
		}
		checkList(t, l, kind)
		// Written out in the documented format, the list loads back the same.
		out := writeList(t, l, "code", "name", "level", "three_public")
		back, err := Load(bytes.NewReader(out), kind)
		if err != nil {
			t.Fatalf("a loaded list written out does not load back: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(l.Codes(), back.Codes()) {
			t.Fatalf("round trip changed the list:\n got %+v\nwant %+v", back.Codes(), l.Codes())
		}
		zh, err := Load(bytes.NewReader(writeList(t, l, "\uFEFF科目编码", "科目名称", "级次", "三公经费")), kind)
		if err != nil || !reflect.DeepEqual(l.Codes(), zh.Codes()) {
			t.Fatalf("with Chinese headers the list reads differently: %v", err)
		}
	})
}

func checkList(t *testing.T, l *List, kind string) {
	t.Helper()
	if l.Kind() != kind || l.Len() == 0 || l.Len() != len(l.Codes()) {
		t.Fatalf("list kind %q len %d (%d codes); want kind %q and at least one code", l.Kind(), l.Len(), len(l.Codes()), kind)
	}
	seen := map[string]bool{}
	for _, c := range l.Codes() {
		level, ok := LevelOf(c.Code)
		switch {
		case seen[c.Code]:
			t.Fatalf("code %q twice", c.Code)
		case !ok || level != c.Level:
			t.Fatalf("code %q has level %v; its length says %v (ok=%v)", c.Code, c.Level, level, ok)
		case kind == Economic && c.Level == LevelItem:
			t.Fatalf("economic code %q at the 项 level", c.Code)
		case c.Name == "" || !utf8.ValidString(c.Name) || c.Name != strings.TrimSpace(c.Name):
			t.Fatalf("code %q has the name %q", c.Code, c.Name)
		case c.ThreePublic != "" && (kind != Economic || !contains(ThreePublicItems, c.ThreePublic)):
			t.Fatalf("code %q in the %s list has 三公 item %q", c.Code, kind, c.ThreePublic)
		}
		if p := Parent(c.Code); p != "" {
			if _, ok := l.Lookup(p); !ok {
				t.Fatalf("code %q without its parent %q", c.Code, p)
			}
			if !l.HasChildren(p) {
				t.Fatalf("HasChildren(%q) is false but %q is its child", p, c.Code)
			}
		}
		if got, ok := l.Lookup(c.Code); !ok || got != c {
			t.Fatalf("Lookup(%q) = %+v, %v; want %+v", c.Code, got, ok, c)
		}
		seen[c.Code] = true
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// writeList writes l in the CSV format Load reads, under the given headers;
// the three_public column only for the economic list.
func writeList(t *testing.T, l *List, code, name, level, threePublic string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header := []string{code, name, level}
	if l.Kind() == Economic {
		header = append(header, threePublic)
	}
	rows := [][]string{header}
	for _, c := range l.Codes() {
		row := []string{c.Code, c.Name, c.Level.String()}
		if l.Kind() == Economic {
			row = append(row, c.ThreePublic)
		}
		rows = append(rows, row)
	}
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(fmt.Errorf("writing the list: %w", err))
	}
	return b.Bytes()
}
