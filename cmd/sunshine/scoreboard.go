package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"

	"sunshine/models"
	"sunshine/store"
)

// cmdScoreboard enters what the disclosure scoreboard is judged against, as
// PUT /api/v1/regions/{code}/years/{year}/departments and PUT
// /api/v1/scoreboard/approvals do: a region-year's department list from a CSV
// file, and approval dates (批复日期).
func cmdScoreboard(ctx context.Context, e env) error {
	const use = "用法: sunshine scoreboard departments FILE --region R --year Y | sunshine scoreboard approve DATE --region R --year Y --phase budget|final [--dept D]"
	if len(e.args) == 0 {
		return usageError{errors.New(use)}
	}
	sub := e.args[0]
	fs := newFlags("scoreboard "+sub, e)
	db := dbFlag(fs, e)
	region := fs.String("region", "", "the region code (6 digits, required)")
	year := fs.Int("year", 0, "the fiscal year (required)")
	phase := fs.String("phase", "", "approve: budget or final (required)")
	dept := fs.String("dept", "", "approve: one department's own date (default: the whole region-year-phase)")
	actor := fs.String("as", "cli", "the name recorded in the audit log")
	args, err := parseInterspersed(fs, e.args[1:])
	if err != nil {
		return err
	}
	if len(args) != 1 || *region == "" || *year == 0 || (sub != "departments" && sub != "approve") {
		return usageError{errors.New(use)}
	}
	s, err := openMigrated(ctx, *db, newLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	if sub == "departments" {
		list, err := readDepartmentList(args[0])
		if err != nil {
			return err
		}
		if err := s.SetDepartmentList(ctx, *region, *year, list, *actor); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已保存 %s %d 年部门名单：%d 个部门\n", *region, *year, len(list))
		return nil
	}
	p, err := models.ParsePhase(*phase)
	if err != nil {
		return usageError{err}
	}
	date := args[0]
	if date == "-" {
		date = "" // removes the date
	}
	if err := s.SetApprovals(ctx, []store.Approval{{RegionCode: *region, FiscalYear: *year, Phase: p, DeptCode: *dept, Date: date}}, *actor); err != nil {
		return err
	}
	who := "全地区"
	if *dept != "" {
		who = "部门 " + *dept
	}
	if date == "" {
		fmt.Fprintf(e.stdout, "已删除 %s %d 年%s（%s）的批复日期\n", *region, *year, p.Chinese(), who)
	} else {
		fmt.Fprintf(e.stdout, "已保存 %s %d 年%s（%s）的批复日期 %s\n", *region, *year, p.Chinese(), who, date)
	}
	return nil
}

// readDepartmentList reads a department list: a CSV in UTF-8 (with or without
// BOM) or GB18030/GBK with the header dept_code,dept_name (or 部门编码,部门名称),
// one department a line, in the order the scoreboard lists them.
func readDepartmentList(path string) ([]store.ListedDepartment, error) {
	name, text, err := readTextFile(path, "部门名单文件")
	if err != nil {
		return nil, err
	}
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		return nil, models.Errorf(models.EINVALID, "%s：不是有效的 CSV（%v）", name, err)
	}
	header := func(cell string) string { return strings.TrimSpace(cell) }
	if len(rows) < 1 || len(rows[0]) < 2 ||
		!(header(rows[0][0]) == "dept_code" || header(rows[0][0]) == "部门编码") ||
		!(header(rows[0][1]) == "dept_name" || header(rows[0][1]) == "部门名称") {
		return nil, models.Errorf(models.EINVALID, "%s：第 1 行应为表头 dept_code,dept_name（或 部门编码,部门名称）", name)
	}
	var list []store.ListedDepartment
	for i, r := range rows[1:] {
		if len(r) < 2 {
			return nil, models.Errorf(models.EINVALID, "%s：第 %d 行应有部门编码和部门名称两列", name, i+2)
		}
		list = append(list, store.ListedDepartment{Code: strings.TrimSpace(r[0]), Name: strings.TrimSpace(r[1])})
	}
	return list, nil
}
