package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"sunshine/codes"
	"sunshine/models"
	"sunshine/store"
)

// cmdCodes loads and lists the classification code lists of the deployment
// (DOMAIN.md §4): code.unknown and code.name_mismatch check against them.
func cmdCodes(ctx context.Context, e env) error {
	if len(e.args) == 0 {
		return usageError{errors.New("用法: sunshine codes load FILE --year Y [--kind functional|economic] | sunshine codes list [--year Y]")}
	}
	sub := e.args[0]
	e.args = e.args[1:]
	switch sub {
	case "load":
		return codesLoad(ctx, e)
	case "list":
		return codesList(ctx, e)
	}
	return usageError{fmt.Errorf("未知的 codes 子命令“%s”（load 或 list）", sub)}
}

func codesLoad(ctx context.Context, e env) error {
	fs := newFlags("codes load", e)
	db := dbFlag(fs, e)
	year := fs.Int("year", 0, "the fiscal year the list applies to (required)")
	kind := fs.String("kind", "", "functional or economic (default: economic when the file has a three_public column, else functional)")
	actor := fs.String("as", "cli", "the name recorded in the audit log")
	files, err := parseInterspersed(fs, e.args)
	if err != nil {
		return err
	}
	if len(files) != 1 || *year == 0 {
		return usageError{errors.New("用法: sunshine codes load FILE --year Y [--kind functional|economic]")}
	}
	if err := models.ValidateFiscalYear(*year); err != nil {
		return usageError{err}
	}
	if *kind != "" && *kind != codes.Functional && *kind != codes.Economic {
		return usageError{fmt.Errorf("--kind“%s”无效，应为 functional（支出功能分类）或 economic（支出经济分类）", *kind)}
	}
	list, err := readCodeFile(files[0], *kind)
	if err != nil {
		return err
	}
	s, err := openMigrated(ctx, *db, newLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	info, err := s.ReplaceCodeList(ctx, *year, list, filepath.Base(files[0]), *actor)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已加载 %d 年%s科目表（%s）：%s，来自 %s\n", info.FiscalYear, codes.KindChinese(info.Kind), info.Kind,
		levelCounts(info), info.Source)
	fmt.Fprintln(e.stdout, "正在运行的 sunshine serve 在下一次上传时改用新科目表；已有草稿的检查结果在其下一次上传时更新。")
	return nil
}

func levelCounts(info store.CodeListInfo) string {
	s := fmt.Sprintf("%d 个科目（类 %d、款 %d", info.Codes, info.Classes, info.Sections)
	if info.Kind == codes.Functional {
		s += fmt.Sprintf("、项 %d", info.Items)
	}
	if info.Kind == codes.Economic {
		s += fmt.Sprintf("；其中三公经费科目 %d 个", info.ThreePublic)
	}
	return s + "）"
}

func codesList(ctx context.Context, e env) error {
	fs := newFlags("codes list", e)
	db := dbFlag(fs, e)
	year := fs.Int("year", 0, "only this fiscal year, and say which lists its checks use")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *year != 0 {
		if err := models.ValidateFiscalYear(*year); err != nil {
			return usageError{err}
		}
	}
	s, err := openMigrated(ctx, *db, newLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	lists, err := s.CodeLists(ctx, *year)
	if err != nil {
		return err
	}
	if len(lists) == 0 && *year == 0 {
		fmt.Fprintf(e.stdout, "尚未加载科目表：检查使用内置示例科目表（支出功能分类 %d 个、支出经济分类 %d 个科目）。用 sunshine codes load FILE --year Y 加载。\n",
			codes.Starter(codes.Functional).Len(), codes.Starter(codes.Economic).Len())
		return nil
	}
	if len(lists) > 0 {
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "年度\t科目表\t科目\t加载时间\t加载人\t文件")
		for _, l := range lists {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", l.FiscalYear, codes.KindChinese(l.Kind), levelCounts(l),
				l.LoadedAt.Local().Format("2006-01-02 15:04"), l.LoadedBy, l.Source)
		}
		tw.Flush()
	}
	if *year != 0 {
		// A year without its own list is checked against the nearest earlier one (codes.Set.For).
		set := codes.NewSet()
		if _, err := s.LoadCodes(ctx, set); err != nil {
			return err
		}
		var used []string
		for _, kind := range codes.Kinds {
			_, from := set.For(kind, *year)
			switch from {
			case 0:
				used = append(used, codes.KindChinese(kind)+"用内置示例科目表")
			default:
				used = append(used, fmt.Sprintf("%s用 %d 年科目表", codes.KindChinese(kind), from))
			}
		}
		fmt.Fprintf(e.stdout, "%d 年的检查：%s\n", *year, strings.Join(used, "；"))
	}
	return nil
}

// readCodeFile reads a code list CSV in UTF-8 or GB18030/GBK. With kind "",
// a three_public column makes it the economic list, else the functional one.
// Errors are EINVALID, in Chinese, naming the file and the row.
func readCodeFile(path, kind string) (*codes.List, error) {
	name, text, err := readTextFile(path, "科目表文件")
	if err != nil {
		return nil, err
	}
	detected := kind == ""
	if detected {
		kind = codes.Functional
		if hasThreePublicColumn(text) {
			kind = codes.Economic
		}
	}
	l, err := codes.Load(strings.NewReader(text), kind)
	if err != nil {
		return nil, models.Errorf(models.EINVALID, "%s：%s", name, models.ErrorMessage(err))
	}
	if first := l.Codes()[0].Code; detected && kind == codes.Functional && first[0] != '2' {
		// Functional 类 are 2xx; 3xx and 5xx are economic codes.
		return nil, models.Errorf(models.EINVALID, "%s：没有 three_public（三公经费）列，按支出功能分类读取，但第一个科目“%s”像是支出经济分类的编码；如果是经济分类科目表，请加 --kind economic",
			name, first)
	}
	return l, nil
}

// hasThreePublicColumn reports whether the header row names the three_public
// column, under any of the names codes.Load accepts for it.
func hasThreePublicColumn(text string) bool {
	header, err := csv.NewReader(strings.NewReader(text)).Read()
	if err != nil {
		return false
	}
	for _, h := range header {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "three_public", "三公经费", "三公":
			return true
		}
	}
	return false
}

// readTextFile reads a small CSV the operator gives a command (what names it in
// messages: 科目表文件) as UTF-8 text (decodeText); errors are EINVALID in
// Chinese naming the file. name is the file's base name, for later messages.
func readTextFile(path, what string) (name, text string, err error) {
	name = filepath.Base(path)
	b, err := os.ReadFile(path)
	if err != nil {
		return name, "", models.Wrap(err, models.EINVALID, "无法读取%s %s", what, path)
	}
	if text, err = decodeText(b); err != nil {
		return name, "", models.Errorf(models.EINVALID, "%s：%s", name, models.ErrorMessage(err))
	}
	return name, text, nil
}

// decodeText returns a small text file as UTF-8: as it is when it is UTF-8,
// else decoded from GB18030 (which covers GBK), as Chinese Excel and WPS save
// CSV. Bytes valid in neither are an error naming the line, never replaced.
// A file that is mostly UTF-8 with a few bad bytes is a damaged UTF-8 file,
// not GBK: read as GBK its Chinese would turn into other, valid, characters.
func decodeText(b []byte) (string, error) {
	if utf8.Valid(b) {
		return string(b), nil
	}
	multibyte, bad, firstBad := 0, 0, -1
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			if bad++; firstBad < 0 {
				firstBad = i
			}
		case n > 1:
			multibyte++
		}
		i += n
	}
	if multibyte > bad {
		return "", models.Errorf(models.EINVALID, "第 %d 行含有无效的 UTF-8 字节，文件可能已损坏；请重新另存为 UTF-8 或 GBK 编码的 CSV",
			bytes.Count(b[:firstBad], []byte("\n"))+1)
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if i := bytes.IndexRune(out, utf8.RuneError); err != nil || i >= 0 {
		line := 1
		if i >= 0 {
			line = bytes.Count(out[:i], []byte("\n")) + 1
		}
		return "", models.Errorf(models.EINVALID, "第 %d 行含有既不是 UTF-8 也不是 GB18030(GBK) 编码的字节；请另存为 UTF-8 或 GBK 编码的 CSV", line)
	}
	return string(out), nil
}
