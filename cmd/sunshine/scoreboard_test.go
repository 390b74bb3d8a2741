package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"sunshine/models"
)

func TestScoreboard_DepartmentsFromAGBKFileAndApprovalDates(t *testing.T) {
	db := tempDB(t)
	file := filepath.Join(t.TempDir(), "部门名单.csv")
	writeGBK(t, file, "部门编码,部门名称\n001,资兴市财政局\n002,资兴市教育局\n")
	code, out, errOut := runCmd(t, nil, "scoreboard", "departments", file, "--region", "431081", "--year", "2025", "--db", db)
	if code != 0 || !strings.Contains(out, "已保存 431081 2025 年部门名单：2 个部门") {
		t.Fatalf("departments: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCmd(t, nil, "scoreboard", "approve", "2025-01-20", "--region", "431081", "--year", "2025", "--phase", "预算", "--db", db)
	if code != 0 || !strings.Contains(out, "已保存 431081 2025 年预算（全地区）的批复日期 2025-01-20") {
		t.Fatalf("approve: %d %q %q", code, out, errOut)
	}
	code, _, _ = runCmd(t, nil, "scoreboard", "approve", "2025-01-05", "--region", "431081", "--year", "2025", "--phase", "budget", "--dept", "002", "--db", db)
	if code != 0 {
		t.Fatalf("approve a department: %d", code)
	}
	code, _, errOut = runCmd(t, nil, "scoreboard", "approve", "2025-13-01", "--region", "431081", "--year", "2025", "--phase", "budget", "--db", db)
	if code != 1 || !strings.Contains(errOut, "批复日期“2025-13-01”无效") {
		t.Fatalf("a bad date: %d %q", code, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	writeTestFile(t, bad, "编码,名称\n001,财政局\n")
	if code, _, errOut = runCmd(t, nil, "scoreboard", "departments", bad, "--region", "431081", "--year", "2025", "--db", db); code != 1 ||
		!strings.Contains(errOut, "第 1 行应为表头") {
		t.Fatalf("a bad header: %d %q", code, errOut)
	}
	if code, _, _ = runCmd(t, nil, "scoreboard", "approve", "--region", "431081", "--db", db); code != 2 {
		t.Fatalf("usage: %d", code)
	}

	s := openTestStore(t, db)
	list, from, err := s.DepartmentList(context.Background(), "431081", 2026)
	if err != nil || from != 2025 || len(list) != 2 || list[1].Name != "资兴市教育局" {
		t.Fatalf("list: %v %d %v", list, from, err)
	}
	as, err := s.Approvals(context.Background(), "431081", 2025, models.PhaseBudget)
	if err != nil || len(as) != 2 || as[0].Date != "2025-01-20" || as[1].DeptCode != "002" || as[1].Date != "2025-01-05" {
		t.Fatalf("approvals: %+v %v", as, err)
	}
}
