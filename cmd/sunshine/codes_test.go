package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"sunshine/codes"
	"sunshine/filings"
	"sunshine/models"
	"sunshine/store"
)

// writeGBK writes text encoded in GB18030, as Chinese Excel saves a CSV.
func writeGBK(t *testing.T, path, text string) {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func openTestStore(t *testing.T, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

const functionalCSV = "\ufeff科目编码,科目名称,级次\n201,一般公共服务支出,类\n20106,财政事务,款\n2010601,行政运行,项\n2010699,其他财政事务支出,项\n"

const economicCSV = "科目编码,科目名称,级次,三公经费\n302,商品和服务支出,类\n30217,公务接待费,款,reception\n30231,公务用车运行维护费,款,vehicle_operation\n"

func TestCodesLoad_UTF8AndGBKFilesThenList(t *testing.T) {
	db := tempDB(t)
	dir := t.TempDir()
	utf8File, gbkFile := filepath.Join(dir, "2025功能分类.csv"), filepath.Join(dir, "2025经济分类.csv")
	writeTestFile(t, utf8File, functionalCSV)
	writeGBK(t, gbkFile, economicCSV)

	code, out, errOut := runCmd(t, nil, "codes", "load", utf8File, "--year", "2025", "--db", db)
	if code != 0 || !strings.Contains(out, "已加载 2025 年支出功能分类科目表（functional）：4 个科目（类 1、款 1、项 2）") {
		t.Fatalf("load UTF-8: %d %q %q", code, out, errOut)
	}
	// No --kind: the 三公经费 column makes it the economic list; GBK is transcoded.
	code, out, errOut = runCmd(t, nil, "codes", "load", "--db", db, "--as", "张三", gbkFile, "--year", "2025")
	if code != 0 || !strings.Contains(out, "2025 年支出经济分类科目表（economic）：3 个科目（类 1、款 2；其中三公经费科目 2 个）") {
		t.Fatalf("load GBK: %d %q %q", code, out, errOut)
	}

	s := openTestStore(t, db)
	set := codes.NewSet()
	if _, err := s.LoadCodes(context.Background(), set); err != nil {
		t.Fatal(err)
	}
	e, _ := set.For(codes.Economic, 2025)
	if c, ok := e.Lookup("30231"); !ok || c.Name != "公务用车运行维护费" || c.ThreePublic != codes.ThreePublicVehicleOperation {
		t.Fatalf("GBK list read back: %+v", e.Codes())
	}
	log, _ := s.AuditLog(context.Background(), "codes:economic:2025", 10)
	if len(log) != 1 || log[0].Actor != "张三" || log[0].Action != "codes.load" || !strings.Contains(log[0].Detail, "2025经济分类.csv") {
		t.Fatalf("audit log: %+v", log)
	}

	code, out, _ = runCmd(t, nil, "codes", "list", "--db", db)
	if code != 0 || !strings.Contains(out, "支出功能分类") || !strings.Contains(out, "支出经济分类") || !strings.Contains(out, "张三") {
		t.Fatalf("list: %d %q", code, out)
	}
	code, out, _ = runCmd(t, nil, "codes", "list", "--db", db, "--year", "2026")
	if code != 0 || !strings.Contains(out, "2026 年的检查：支出功能分类用 2025 年科目表；支出经济分类用 2025 年科目表") {
		t.Fatalf("list 2026: %d %q", code, out)
	}
	code, out, _ = runCmd(t, nil, "codes", "list", "--db", db, "--year", "2024")
	if code != 0 || !strings.Contains(out, "2024 年的检查：支出功能分类用内置示例科目表；支出经济分类用内置示例科目表") {
		t.Fatalf("list 2024: %d %q", code, out)
	}
	if code, out, _ = runCmd(t, nil, "codes", "list", "--db", tempDB(t)); code != 0 || !strings.Contains(out, "尚未加载科目表") {
		t.Fatalf("list of an empty database: %d %q", code, out)
	}
}

func TestCodesLoad_RefusesBadFilesNamingTheRow(t *testing.T) {
	db := tempDB(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		writeTestFile(t, p, text)
		return p
	}
	badGBK := filepath.Join(dir, "坏编码.csv")
	raw, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("code,name\n201,一般公共服务支出\n"))
	os.WriteFile(badGBK, append(raw, []byte("20106,\xff\xff\xff\n")...), 0o644)
	for _, c := range []struct {
		file, want string
	}{
		{write("坏行.csv", "code,name,level\n201,一般公共服务支出,类\n20106,财政事务,项\n"), "坏行.csv：第 3 行：科目“20106”是 5 位编码，级次应为“款”，不是“项”"},
		{write("缺上级.csv", "code,name\n201,一般公共服务支出\n2010601,行政运行\n"), "缺上级.csv：第 3 行：科目“2010601”的上级科目“20106”不在表中"},
		{write("像经济分类.csv", "code,name\n302,商品和服务支出\n30217,公务接待费\n"), "请加 --kind economic"},
		{badGBK, "坏编码.csv：第 3 行含有既不是 UTF-8 也不是 GB18030(GBK) 编码的字节"},
		{write("坏UTF8.csv", "code,name\n201,一般公共服务支出\n20106,财政事务\xff\n"), "坏UTF8.csv：第 3 行含有无效的 UTF-8 字节"},
	} {
		code, _, errOut := runCmd(t, nil, "codes", "load", c.file, "--year", "2025", "--db", db)
		if code != exitFailure || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q; want one line with %q", filepath.Base(c.file), code, errOut, c.want)
		}
	}
	if _, out, _ := runCmd(t, nil, "codes", "list", "--db", db); !strings.Contains(out, "尚未加载科目表") {
		t.Fatalf("a refused file was stored: %q", out)
	}
	good := write("ok.csv", functionalCSV)
	for _, args := range [][]string{
		{"codes"}, {"codes", "frob"}, {"codes", "load", good}, {"codes", "load", "--year", "2025"},
		{"codes", "load", good, "--year", "1999"}, {"codes", "load", good, "--year", "2025", "--kind", "功能"},
	} {
		if code, _, _ := runCmd(t, nil, append(args, "--db", db)...); code != exitUsage {
			t.Errorf("%v: exit %d; want %d", args, code, exitUsage)
		}
	}
}

// TestCodesLoad_RunningServicePicksUpTheListAtItsNextUpload loads a list with
// the command (as another process would) while a filing service built by
// newFilingService is running: its next upload is checked against the new list.
func TestCodesLoad_RunningServicePicksUpTheListAtItsNextUpload(t *testing.T) {
	db := tempDB(t)
	if code, _, e := runCmd(t, nil, "migrate", "--db", db); code != 0 {
		t.Fatal(e)
	}
	s := openTestStore(t, db)
	svc := newFilingService(s, env{getenv: func(string) string { return "" }, stderr: os.Stderr})
	dir := t.TempDir()
	upload := func(name, amount string) []models.Finding {
		t.Helper()
		p := filepath.Join(dir, name)
		writeTestFile(t, p, "区划代码,部门编码,部门名称,年度,阶段,单位,表,科目编码,科目名称,栏目,金额\n"+
			"439901,001,示例市财政局,2025,预算,元,general_expenditure,2010699,其他财政事务支出,total,"+amount+"\n")
		res, err := svc.Upload(context.Background(), filings.File{Path: p, Name: name}, filings.Actor{Name: "test"}, nil)
		if err != nil || res.Rejected {
			t.Fatalf("upload: %v %+v", err, res.Report)
		}
		var unknown []models.Finding
		for _, f := range res.Report.Findings {
			if f.Rule == "code.unknown" {
				unknown = append(unknown, f)
			}
		}
		return unknown
	}
	if got := upload("a.csv", "100.00"); len(got) != 1 || got[0].Code != "2010699" {
		t.Fatalf("2010699 is not in the starter list: %+v", got)
	}
	list := filepath.Join(dir, "2025.csv")
	writeTestFile(t, list, functionalCSV)
	if code, _, e := runCmd(t, nil, "codes", "load", list, "--year", "2025", "--db", db); code != 0 {
		t.Fatal(e)
	}
	if got := upload("b.csv", "200.00"); len(got) != 0 {
		t.Fatalf("after loading 2025's list: %+v", got)
	}
}

func TestSeverity_BadSettingStopsStartUpWithOneSentence(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"SUNSHINE_SEVERITY": "unit.suspekt=error"}, []string{"serve", "--db", tempDB(t)}, "规则“unit.suspekt”不存在"},
		{nil, []string{"import", "--severity", "unit.suspect=fatal", "--db", tempDB(t), "x.csv"}, "级别“fatal”无效"},
		{nil, []string{"demo", "--severity=change.reason_missing@draft=error", "--db", tempDB(t)}, "阶段“draft”无效"},
		{nil, []string{"serve", "--severity", "unit.suspect"}, "应写成 规则=级别"},
		{nil, []string{"serve", "--severity"}, "--severity 需要一个值"},
	} {
		code, _, errOut := runCmd(t, c.env, c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want one line with %q", c.args, code, errOut, c.want)
		}
	}
}

func TestSeverity_ImportChecksWithTheOverrides(t *testing.T) {
	db := tempDB(t)
	// A 三公 file alone: the standard tables are missing (table.missing, a warning by default).
	file := filepath.Join("..", "..", "handlers", "testdata", "three_public_bom.csv")
	code, out, errOut := runCmd(t, map[string]string{"SUNSHINE_SEVERITY": "table.missing@budget=error"}, "import", "--db", db, file)
	if code != 0 || !strings.Contains(out, "检查结果：8 个错误，0 个警告") {
		t.Fatalf("import with table.missing@budget=error: %d %q %q", code, out, errOut)
	}
	if _, err := parseSeverities("table.missing=warning，unit.suspect=error"); err != nil {
		t.Errorf("full-width comma: %v", err)
	}
}
