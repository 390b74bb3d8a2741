package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sunshine/filings"
	"sunshine/models"
)

// cmdPublish publishes a set of drafts in one act, as POST /api/v1/publications
// does: by id (ID…) or every clean draft of --region --year --phase; --at
// schedules the act (a running `serve` runs it at that time); --cancel ID
// cancels a scheduled act. The command line acts with an admin's rights.
func cmdPublish(ctx context.Context, e env) error {
	fs := newFlags("publish", e)
	db := dbFlag(fs, e)
	note := fs.String("note", "", "the act's one note (required when it holds a correction)")
	region := fs.String("region", "", "with --year and --phase: every clean draft of that region-year-phase")
	year := fs.Int("year", 0, "fiscal year")
	phase := fs.String("phase", "", "budget, adjusted or final")
	at := fs.String("at", "", "schedule the act for this time (RFC 3339, e.g. 2026-06-30T09:00:00+08:00)")
	cancel := fs.Int64("cancel", 0, "cancel the scheduled act with this id")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	sel := filings.Selection{Region: *region, Year: *year, Phase: models.Phase(*phase)}
	for _, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return usageError{fmt.Errorf("“%s”不是申报编号", a)}
		}
		sel.Filings = append(sel.Filings, id)
	}
	var when time.Time
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageError{fmt.Errorf("--at 应为 RFC 3339 时间，例如 2026-06-30T09:00:00+08:00，而不是“%s”", *at)}
		}
		when = t
	}
	if *cancel == 0 && len(sel.Filings) == 0 && sel.Region == "" {
		return usageError{errors.New("用法: sunshine publish [--note 说明] [--at 时间] (申报编号… | --region 区划 --year 年度 --phase 阶段) | --cancel 批次编号")}
	}
	s, err := openMigrated(ctx, *db, newLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	svc := newFilingService(s, e)
	actor := filings.Actor{Name: "cli"}
	var p filings.Publication
	switch {
	case *cancel != 0:
		p, err = svc.CancelPublication(ctx, *cancel, actor)
	case *at != "":
		p, err = svc.SchedulePublication(ctx, sel, when, actor, strings.TrimSpace(*note))
	default:
		p, err = svc.PublishSelection(ctx, sel, actor, strings.TrimSpace(*note))
	}
	if err != nil {
		return err
	}
	switch p.State {
	case models.PublicationCancelled:
		fmt.Fprintf(e.stdout, "已取消定时公开批次 %d（%d 份草稿仍是草稿）\n", p.ID, len(p.Filings))
	case models.PublicationScheduled:
		fmt.Fprintf(e.stdout, "已安排公开批次 %d：%d 份草稿，将于 %s 公开（须有 sunshine serve 在运行）\n", p.ID, len(p.Filings),
			p.RunAt.Local().Format(time.RFC3339))
	default:
		fmt.Fprintf(e.stdout, "已公开批次 %d：%d 份申报\n", p.ID, len(p.Filings))
		for _, r := range p.Releases {
			fmt.Fprintf(e.stdout, "  数据集 %s 第 %d 版（%d 个部门变动，共 %d 行）\n", r.DatasetID, r.Number, r.Filings, r.Rows)
		}
	}
	return nil
}
