package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"sunshine/models"
)

// FuzzReadCodeFile is the input of `sunshine codes load FILE`: any bytes, in
// UTF-8 or GB18030, with or without --kind. The file is either refused with
// one Chinese EINVALID sentence that names it, or read into a list; and a
// UTF-8 list saved as GBK (as Chinese Excel saves CSV) reads the same.
// codes.FuzzLoad checks the lists themselves.
func FuzzReadCodeFile(f *testing.F) {
	for _, p := range []string{"../../codes/data/functional_codes.csv", "../../codes/data/economic_codes.csv"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.SplitAfter(string(b), "\n")
		head := strings.Join(lines[:min(len(lines), 10)], "")
		f.Add([]byte(head), "")
		gb, err := simplifiedchinese.GB18030.NewEncoder().String(head)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(gb), "")
	}
	f.Add([]byte("code,name,level\n301,工资福利支出,类\n"), "economic")
	f.Add([]byte("科目编码,科目名称\n201,\xff\xfe\n"), "functional")
	f.Add([]byte("code,name\n201,一般公共服务\xe4\xb8\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, kind string) {
		if kind != "" && kind != "functional" && kind != "economic" {
			return // refused by the flag check before the file is read
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "codes.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		l, err := readCodeFile(path, kind)
		if err != nil {
			if models.ErrorCode(err) != models.EINVALID || !strings.HasPrefix(models.ErrorMessage(err), "codes.csv") {
				t.Fatalf("readCodeFile: %v (code %q); want EINVALID naming the file", err, models.ErrorCode(err))
			}
			return
		}
		if l.Len() == 0 || (kind != "" && l.Kind() != kind) {
			t.Fatalf("read a list of kind %q with %d codes; asked for kind %q", l.Kind(), l.Len(), kind)
		}
		if !utf8.Valid(data) {
			return
		}
		gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(data)
		if err != nil || utf8.Valid(gb) || strings.Contains(string(data), "\uFFFD") {
			return // pure ASCII (the same file), or a replacement character GB18030 reading refuses
		}
		gbPath := filepath.Join(dir, "codes-gbk.csv")
		if err := os.WriteFile(gbPath, gb, 0o600); err != nil {
			t.Fatal(err)
		}
		back, err := readCodeFile(gbPath, kind)
		if err != nil {
			if models.ErrorCode(err) != models.EINVALID {
				t.Fatalf("GBK copy: %v", err)
			}
			return // GBK bytes that happen to look like damaged UTF-8: refused, never misread
		}
		if back.Kind() != l.Kind() || !reflect.DeepEqual(back.Codes(), l.Codes()) {
			t.Fatalf("the GBK copy reads as a different list:\n got %+v\nwant %+v", back.Codes(), l.Codes())
		}
	})
}
