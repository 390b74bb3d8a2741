package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPublish_ARegionYearPhaseInOneAct(t *testing.T) {
	db := tempDB(t)
	gbk := filepath.Join("..", "..", "handlers", "testdata", "three_public_gbk.csv")
	if code, _, errOut := runCmd(t, nil, "import", "--db", db, gbk); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	code, out, errOut := runCmd(t, nil, "publish", "--db", db, "--region", "431081", "--year", "2024", "--phase", "final", "--note", "统一公开")
	if code != 0 || !strings.Contains(out, "已公开批次 1：2 份申报") ||
		!strings.Contains(out, "数据集 431081-2024-final-three_public 第 1 版（2 个部门变动") {
		t.Fatalf("publish: %d %q %q", code, out, errOut)
	}
	// Nothing left to publish; a cancelled act that ran is a conflict; usage errors exit 2.
	if code, _, errOut = runCmd(t, nil, "publish", "--db", db, "--region", "431081", "--year", "2024", "--phase", "final"); code != exitFailure ||
		!strings.Contains(errOut, "没有可公开的草稿") {
		t.Fatalf("again: %d %q", code, errOut)
	}
	if code, _, errOut = runCmd(t, nil, "publish", "--db", db, "--cancel", "1"); code != exitFailure || !strings.Contains(errOut, "只有等待中的定时公开可以取消") {
		t.Fatalf("cancel: %d %q", code, errOut)
	}
	for _, args := range [][]string{{"publish", "--db", db}, {"publish", "--db", db, "x"}, {"publish", "--db", db, "--at", "明天", "1"}} {
		if code, _, _ := runCmd(t, nil, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// An act scheduled by one process runs in `serve` started later: the loop runs
// at start the acts whose time passed while no server ran.
func TestPublish_ScheduledActRunsInServe(t *testing.T) {
	db := tempDB(t)
	gbk := filepath.Join("..", "..", "handlers", "testdata", "three_public_gbk.csv")
	if code, _, errOut := runCmd(t, nil, "import", "--db", db, gbk); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	at := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
	code, out, errOut := runCmd(t, nil, "publish", "--db", db, "--region", "431081", "--year", "2024", "--phase", "final", "--at", at.Format(time.RFC3339))
	if code != 0 || !strings.Contains(out, "已安排公开批次 1：2 份草稿") {
		t.Fatalf("schedule: %d %q %q", code, out, errOut)
	}
	time.Sleep(time.Until(at) + 100*time.Millisecond)
	srv := serveForTest(t, db, t.TempDir())
	defer srv.stop()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := plainClient.Get(srv.base + "/api/v1/datasets/431081-2024-final-three_public")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the scheduled act did not run in serve: %d", resp.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
