package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func tempDB(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "s.db") }

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestToken_CreatePrintsTheSecretAloneOnTheLastLine(t *testing.T) {
	db := tempDB(t)
	code, out, errOut := runCmd(t, nil, "token", "create", "--db", db, "--name", "资兴市财政局", "--role", "uploader",
		"--region", "431081", "--dept", "001", "--dept", "002,003")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	secret := lastLine(out)
	if !strings.HasPrefix(secret, "sun_") || strings.ContainsAny(secret, " ：") || len(secret) < 40 {
		t.Fatalf("last line is not the token alone: %q", secret)
	}
	code, out, _ = runCmd(t, nil, "token", "list", "--db", db)
	if code != 0 || !strings.Contains(out, "资兴市财政局") || !strings.Contains(out, "001,002,003") || strings.Contains(out, secret) {
		t.Fatalf("list: %q", out)
	}
	if code, out, _ = runCmd(t, nil, "token", "revoke", "--db", db, "--name", "资兴市财政局"); code != 0 || !strings.Contains(out, "已吊销") {
		t.Fatalf("revoke: %d %q", code, out)
	}
	if code, _, errOut = runCmd(t, nil, "token", "revoke", "--db", db, "资兴市财政局"); code != exitFailure || !strings.Contains(errOut, "已于") {
		t.Fatalf("revoke twice: %d %q", code, errOut)
	}
	if _, out, _ = runCmd(t, nil, "token", "list", "--db", db); !strings.Contains(out, "已吊销") {
		t.Fatalf("list after revoke: %q", out)
	}
}

func TestToken_UsageErrors(t *testing.T) {
	db := tempDB(t)
	for _, args := range [][]string{
		{"token"},
		{"token", "frob"},
		{"token", "create", "--db", db, "--name", "x"},
		{"token", "create", "--db", db, "--name", "x", "--role", "king"},
	} {
		if code, _, _ := runCmd(t, nil, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	// An uploader without a region is refused by the domain, in Chinese.
	code, _, errOut := runCmd(t, nil, "token", "create", "--db", db, "--name", "x", "--role", "uploader")
	if code != exitFailure || !strings.Contains(errOut, "必须指定区划") {
		t.Fatalf("uploader without region: %d %q", code, errOut)
	}
}

func TestImport_StoresFilesAndRecognisesThemAgain(t *testing.T) {
	db := tempDB(t)
	gbk := filepath.Join("..", "..", "handlers", "testdata", "three_public_gbk.csv")
	xlsx := filepath.Join("..", "..", "handlers", "testdata", "three_public_excelize.xlsx")
	code, out, errOut := runCmd(t, nil, "import", "--db", db, gbk, xlsx)
	if code != 0 || strings.Count(out, "已保存") != 2 || !strings.Contains(out, "部门 002 2024 年决算") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, nil, "import", "--db", db, gbk)
	if code != 0 || !strings.Contains(out, "未重复保存") {
		t.Fatalf("again: %d %q", code, out)
	}
}

func TestImport_RefusedFileExitsOneWithTheReport(t *testing.T) {
	db := tempDB(t)
	bad := filepath.Join(t.TempDir(), "bad.csv")
	writeTestFile(t, bad, "区划代码,部门编码,部门名称,年度,阶段,单位,合计,因公出国(境)费,公务用车购置费,公务用车运行费,公务接待费\n"+
		"431081,001,财政局,1999,决算,万元,abc,0,0,1.00,0\n")
	code, out, _ := runCmd(t, nil, "import", "--db", db, bad)
	if code != exitFailure || !strings.Contains(out, "未保存任何数据") || !strings.Contains(out, "cell.type") {
		t.Fatalf("import bad: %d %q", code, out)
	}
	if code, _, _ := runCmd(t, nil, "import", "--db", db, filepath.Join(t.TempDir(), "missing.csv")); code != exitFailure {
		t.Fatalf("missing file: %d", code)
	}
}

func TestDemo_LoadsOnceAndThenChangesNothing(t *testing.T) {
	db := tempDB(t)
	code, out, errOut := runCmd(t, nil, "demo", "--db", db, "--quiet")
	if code != 0 || !strings.Contains(out, "已加载：上传") {
		t.Fatalf("first: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, nil, "demo", "--db", db)
	if code != 0 || !strings.Contains(out, "无需更改") {
		t.Fatalf("second: %d %q", code, out)
	}
}
